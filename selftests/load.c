// SPDX-License-Identifier: GPL-2.0
/*
 * Workloads for the scx_flash selftests.  Each runs in a child process
 * placed on a CPU, at a nice level and in a cgroup; the parent measures
 * the CPU time a hog got (from wait4()'s rusage) or the wakeup latency a
 * sleeper saw (sent back through a pipe).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "load.h"
#include "util.h"

#define CGROUP_ROOT	"/sys/fs/cgroup"

/* Wakeups a sleeper keeps for its percentiles; later ones are not kept. */
#define MAX_SAMPLES	65536

static unsigned long long clock_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static unsigned long long now_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

/* Let @pid run on every CPU. */
int allow_all_cpus(pid_t pid)
{
	cpu_set_t set;
	int cpu;

	CPU_ZERO(&set);
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++)
		CPU_SET(cpu, &set);
	return sched_setaffinity(pid, sizeof(set), &set) ? -errno : 0;
}

/* In the child: die with the parent, then take the place @o asks for. */
static int child_setup(const struct load_opts *o)
{
	char path[256], pid[32];
	cpu_set_t set;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL))
		return -errno;

	if (o->cgroup) {
		snprintf(path, sizeof(path), "%s/cgroup.procs", o->cgroup);
		snprintf(pid, sizeof(pid), "%d", getpid());
		if (write_str(path, pid))
			return -EIO;
	}
	if (o->cpu >= 0) {
		CPU_ZERO(&set);
		CPU_SET(o->cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			return -errno;
	}
	if (o->roam && allow_all_cpus(0))
		return -errno;
	if (o->nice && setpriority(PRIO_PROCESS, 0, o->nice))
		return -errno;
	return 0;
}

/* Burn CPU until @clock reads @end_ns. */
static void spin_until(clockid_t clock, unsigned long long end_ns)
{
	volatile unsigned long spin;

	while (clock_ns(clock) < end_ns)
		for (spin = 0; spin < 1000; spin++)
			;
}

/*
 * Fork a child placed as @o says: returns its pid (or an error) in the
 * parent, 0 in the child, which exits with 2 if it could not be placed.
 */
static pid_t child_start(const struct load_opts *o)
{
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (!pid && child_setup(o))
		_exit(2);
	return pid;
}

/* Start a child that burns CPU for @ms of wall time. */
pid_t hog_start(const struct load_opts *o, unsigned int ms)
{
	pid_t pid = child_start(o);

	if (pid)
		return pid;
	spin_until(CLOCK_MONOTONIC, now_ns() + ms * 1000000ULL);
	_exit(0);
}

static int cmp_ull(const void *a, const void *b)
{
	unsigned long long x = *(const unsigned long long *)a;
	unsigned long long y = *(const unsigned long long *)b;

	return x < y ? -1 : x > y;
}

/* The 99th percentile of the @nr latencies in @ns, in microseconds. */
static unsigned long long p99_us(unsigned long long *ns, unsigned long long nr)
{
	if (!nr)
		return 0;
	qsort(ns, nr, sizeof(*ns), cmp_ull);
	return ns[nr * 99 / 100] / 1000;
}

/* Count in @st a wakeup that took @lat ns and used @cpu ns of CPU time. */
static void count_wakeup(struct latency_stats *st, const struct load_opts *o,
			 unsigned long long lat, unsigned long long cpu)
{
	if (lat > st->max_us * 1000)
		st->max_us = lat / 1000;
	if (cpu >= o->served_us * 1000ULL)
		st->nr_served++;
	else if (lat > st->max_unserved_us * 1000)
		st->max_unserved_us = lat / 1000;
}

/*
 * Start a child that sleeps @period_us at a time for @ms and measures how
 * much later than asked it wakes up.  Its result comes through *@fd.
 * With @period_us 0 it never sleeps: it spins, and its "latency" is the
 * time between two readings of the clock, the time it was kept off its
 * CPU.
 */
pid_t sleeper_start(const struct load_opts *o, unsigned int period_us,
		    unsigned int ms, int *fd)
{
	struct timespec period = {
		.tv_sec = period_us / 1000000,
		.tv_nsec = (period_us % 1000000) * 1000ULL,
	};
	static unsigned long long samples[MAX_SAMPLES];
	unsigned long long end, t0, cpu0, lat, sum = 0;
	struct latency_stats st = {};
	int pipefd[2];
	pid_t pid;

	if (pipe(pipefd))
		return -errno;

	pid = child_start(o);
	if (pid) {
		close(pipefd[1]);
		*fd = pipefd[0];
		if (pid < 0)
			close(pipefd[0]);
		return pid;
	}

	close(pipefd[0]);
	sleep_ms(o->delay_ms);
	end = now_ns() + ms * 1000000ULL;
	while (now_ns() < end) {
		t0 = now_ns();
		cpu0 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
		if (period_us)
			nanosleep(&period, NULL);
		if (o->work_us)
			spin_until(CLOCK_THREAD_CPUTIME_ID,
				   clock_ns(CLOCK_THREAD_CPUTIME_ID) +
				   o->work_us * 1000ULL);
		lat = now_ns() - t0 - period_us * 1000ULL;
		st.nr_home += sched_getcpu() == o->cpu;
		sum += lat;
		count_wakeup(&st, o, lat,
			     clock_ns(CLOCK_THREAD_CPUTIME_ID) - cpu0);
		if (st.nr < MAX_SAMPLES)
			samples[st.nr] = lat;
		st.nr++;
	}
	st.avg_us = st.nr ? sum / st.nr / 1000 : 0;
	st.p99_us = p99_us(samples, st.nr < MAX_SAMPLES ? st.nr : MAX_SAMPLES);
	if (write(pipefd[1], &st, sizeof(st)) != sizeof(st))
		_exit(3);
	_exit(0);
}

/* Bounce a byte between two processes over pipes for @ms. */
static int ping_pong(unsigned int ms)
{
	unsigned long long end = now_ns() + ms * 1000000ULL, nr = 0;
	int to[2], from[2];
	char c = 0;
	pid_t pid;

	if (pipe(to) || pipe(from))
		return 1;
	pid = fork();
	if (!pid) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		while (read(to[0], &c, 1) == 1 && c)
			if (write(from[1], &c, 1) != 1)
				_exit(1);
		_exit(0);
	}
	if (pid < 0)
		return 1;

	c = 1;
	while (now_ns() < end) {
		if (write(to[1], &c, 1) != 1 || read(from[0], &c, 1) != 1)
			break;
		nr++;
	}
	c = 0;
	if (write(to[1], &c, 1) != 1)
		kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	printf("# ping-pong: %llu round trips\n", nr);
	return nr ? 0 : 1;
}

/*
 * Start a pair of processes, placed as @o says, that wake each other up
 * over pipes for @ms; the child exits 0 if they made a round trip.
 */
pid_t pingpong_start(const struct load_opts *o, unsigned int ms)
{
	pid_t pid = child_start(o);

	if (pid)
		return pid;
	_exit(ping_pong(ms));
}

/* Start a SCHED_FIFO hog on @cpu for @ms. */
pid_t fifo_hog_start(int cpu, unsigned int ms)
{
	struct sched_param param = { .sched_priority = 1 };
	struct load_opts o = { .cpu = cpu };
	pid_t pid = hog_start(&o, ms);

	if (pid > 0 && sched_setscheduler(pid, SCHED_FIFO, &param)) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return -1;
	}
	return pid;
}

/* CPU time @pid has used, in ns, from /proc/PID/schedstat; < 0 on error. */
long long proc_cpu_ns(pid_t pid)
{
	char path[64], buf[128];
	long long ns;

	snprintf(path, sizeof(path), "/proc/%d/schedstat", pid);
	if (sysfs_read_str(path, buf, sizeof(buf)) < 0 ||
	    sscanf(buf, "%lld", &ns) != 1)
		return -1;
	return ns;
}

/* The CPU @pid last ran on (/proc/PID/stat field 39); < 0 on error. */
int proc_last_cpu(pid_t pid)
{
	char path[64], buf[1024], *p, *end;
	int cpu, field;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (sysfs_read_str(path, buf, sizeof(buf)) < 0)
		return -1;
	/* The command name may hold spaces: count fields after its ')'. */
	p = strrchr(buf, ')');
	for (field = 2; p && field < 39; field++)
		p = strchr(p + 1, ' ');
	if (!p)
		return -1;
	cpu = strtol(p, &end, 10);
	return end == p ? -1 : cpu;
}

/* Start @argv in a child process; its pid, or a negative error. */
pid_t command_start(const char *const argv[])
{
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (!pid) {
		if (prctl(PR_SET_PDEATHSIG, SIGKILL))
			_exit(126);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	return pid < 0 ? -errno : pid;
}

/* Reap a child within @timeout_ms; 0 only if it exited with status 0. */
static int reap(pid_t pid, struct rusage *ru, unsigned int timeout_ms)
{
	unsigned long long deadline = monotonic_ms() + timeout_ms;
	int status;
	pid_t ret;

	for (;;) {
		ret = wait4(pid, &status, WNOHANG, ru);
		if (ret == pid)
			break;
		if (ret < 0 && errno != EINTR)
			return -errno;
		if (monotonic_ms() >= deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			return -ETIMEDOUT;
		}
		sleep_ms(10);
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return -ECHILD;
	return 0;
}

static long long rusage_cpu_us(const struct rusage *ru)
{
	return (ru->ru_utime.tv_sec + ru->ru_stime.tv_sec) * 1000000LL +
	       ru->ru_utime.tv_usec + ru->ru_stime.tv_usec;
}

/* Reap hog @pid and return the CPU time it used in us, or an error. */
long long child_cpu_us(pid_t pid, unsigned int timeout_ms)
{
	struct rusage ru;
	int ret;

	ret = reap(pid, &ru, timeout_ms);
	return ret ?: rusage_cpu_us(&ru);
}

/* Collect what sleeper @pid measured, then reap it. */
int sleeper_result(pid_t pid, int fd, struct latency_stats *st)
{
	struct rusage ru;
	ssize_t len;
	int ret;

	len = read(fd, st, sizeof(*st));
	close(fd);
	ret = reap(pid, &ru, 30000);
	if (ret)
		return ret;
	st->cpu_us = rusage_cpu_us(&ru);
	return len == sizeof(*st) ? 0 : -EIO;
}

/*
 * Create cgroup @name under the cgroup2 root with cpu.weight @weight; its
 * path goes to @path.  Mounts cgroup2 and enables the cpu controller if
 * the system has not.
 */
int cgroup_create(const char *name, unsigned int weight, char *path,
		  size_t size)
{
	char file[256], val[32];
	int ret;

	if (access(CGROUP_ROOT "/cgroup.controllers", F_OK) &&
	    mount("cgroup2", CGROUP_ROOT, "cgroup2", 0, NULL))
		return -errno;
	ret = write_str(CGROUP_ROOT "/cgroup.subtree_control", "+cpu");
	if (ret)
		return ret;

	snprintf(path, size, "%s/%s", CGROUP_ROOT, name);
	if (mkdir(path, 0755) && errno != EEXIST)
		return -errno;

	snprintf(file, sizeof(file), "%s/cpu.weight", path);
	snprintf(val, sizeof(val), "%u", weight);
	return write_str(file, val);
}

void cgroup_remove(const char *path)
{
	rmdir(path);
}
