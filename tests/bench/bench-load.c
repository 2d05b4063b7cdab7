// SPDX-License-Identifier: GPL-2.0
/*
 * Load generators for 'make bench', run inside the VM.
 *
 *   bench-load spin SECS NR
 *	NR CPU hogs, anywhere, for SECS seconds.  Prints the work they got
 *	done in total, in millions of loop iterations per second.
 *
 *   bench-load share SECS CPU A B
 *	Two CPU hogs on CPU for SECS seconds.  A and B each give a nice
 *	level, or the path of a cgroup to run in (starting with '/').
 *	Prints the CPU time each got (from wait4(), in us) and their
 *	ratio A / B.
 *
 *   bench-load frames SECS NR
 *	A 60 Hz frame loop (a game or compositor: 4 ms of CPU time per
 *	16.7 ms period, SCHED_OTHER, nice 0) beside a kernel-build-like
 *	load: NR CPU hogs and NR loops that each fork one short-lived
 *	process after another (5-45 ms of CPU time each).  Prints the
 *	periods, the periods missed (no frame finished within them) and
 *	the worst lateness of a frame past its period's end, in us.
 *
 * CPU time rather than work done: under emulation a task that is switched
 * out more often also gets less done per second of CPU.  Each hog is
 * forked before any of them starts to spin, so neither gets a head start.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>

#define MAX_HOGS	256
#define CHUNK		20000	/* loop iterations between clock reads */

struct hog {
	int cpu;		/* -1: anywhere */
	int nice;
	const char *cgroup;	/* NULL: stay in the parent's */
	pid_t pid;
	long long cpu_us;
};

/*
 * Shared with the hogs: when to stop (0: not started), their work, and
 * the CPU time each had used when it started (yielding while it waited),
 * which is not part of its share.
 */
struct shared {
	volatile unsigned long long end;
	volatile unsigned long long iters[MAX_HOGS];
	volatile long long start_cpu_us[MAX_HOGS];
};

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static long long rusage_cpu_us(const struct rusage *ru)
{
	return (ru->ru_utime.tv_sec + ru->ru_stime.tv_sec) * 1000000LL +
	       ru->ru_utime.tv_usec + ru->ru_stime.tv_usec;
}

static int join_cgroup(const char *cgroup)
{
	char path[512];
	FILE *f;
	int ret;

	snprintf(path, sizeof(path), "%s/cgroup.procs", cgroup);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	ret = fprintf(f, "%d\n", getpid()) < 0;
	ret |= fclose(f) != 0;
	return ret ? -EIO : 0;
}

/* In a hog: take the place @h asks for, wait for the start, spin. */
static void hog_run(const struct hog *h, struct shared *sh, int idx)
{
	unsigned long long n = 0;
	volatile unsigned long spin;
	struct rusage ru;
	cpu_set_t set;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL))
		_exit(2);
	if (h->cgroup && join_cgroup(h->cgroup))
		_exit(3);
	if (h->cpu >= 0) {
		CPU_ZERO(&set);
		CPU_SET(h->cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			_exit(4);
	}
	if (h->nice && setpriority(PRIO_PROCESS, 0, h->nice))
		_exit(5);

	while (!sh->end)
		sched_yield();
	if (!getrusage(RUSAGE_SELF, &ru))
		sh->start_cpu_us[idx] = rusage_cpu_us(&ru);
	while (now_ns() < sh->end) {
		for (spin = 0; spin < CHUNK; spin++)
			;
		n += CHUNK;
		sh->iters[idx] = n;
	}
	_exit(0);
}

/*
 * Fork @nr hogs, start them at once, wait for all of them and fill in
 * their CPU time.  Returns the wall time they ran in ns, or 0 on failure.
 */
static unsigned long long run_hogs(struct hog *hogs, int nr,
				   struct shared *sh, unsigned int secs)
{
	unsigned long long t0;
	struct rusage ru;
	int i, status, failed = 0;

	fflush(stdout);
	for (i = 0; i < nr; i++) {
		hogs[i].pid = fork();
		if (hogs[i].pid < 0) {
			perror("fork");
			nr = i;
			failed = 1;
			break;
		}
		if (!hogs[i].pid)
			hog_run(&hogs[i], sh, i);
	}
	/* Let the children reach their spin-wait before starting them. */
	usleep(100000);
	t0 = now_ns();
	sh->end = t0 + secs * 1000000000ULL;

	for (i = 0; i < nr; i++) {
		while (wait4(hogs[i].pid, &status, 0, &ru) < 0) {
			if (errno != EINTR) {
				perror("wait4");
				return 0;
			}
		}
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			fprintf(stderr, "bench-load: hog %d failed (status %#x)\n",
				i, status);
			failed = 1;
		}
		hogs[i].cpu_us = rusage_cpu_us(&ru) - sh->start_cpu_us[i];
	}
	return failed ? 0 : now_ns() - t0;
}

#define FRAME_NS	16666667ULL	/* 60 Hz */
#define FRAME_WORK_NS	4000000ULL

static unsigned long long cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* Spin until this thread has had @ns more of CPU time. */
static void burn_cpu(unsigned long long ns)
{
	unsigned long long end = cpu_ns() + ns;
	volatile unsigned long spin;

	while (cpu_ns() < end)
		for (spin = 0; spin < 1000; spin++)
			;
}

/* A "make -j" slot: one short-lived compiler-like process after another. */
static void build_loop(struct shared *sh, unsigned int seed)
{
	pid_t pid;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL))
		_exit(2);
	while (!sh->end)
		sched_yield();
	while (now_ns() < sh->end) {
		seed = seed * 1103515245 + 12345;
		pid = fork();
		if (!pid) {
			burn_cpu(5000000ULL + (seed >> 16) % 40 * 1000000ULL);
			_exit(0);
		}
		if (pid < 0 || waitpid(pid, NULL, 0) < 0)
			_exit(3);
	}
	_exit(0);
}

/*
 * Frames at fixed times: frame k may start at t0 + k * FRAME_NS and is due
 * one period later.  A frame that overruns delays the next one, as a real
 * render loop does; every period without a frame finished in it is missed.
 */
static int run_frames(unsigned int secs, int nr, struct shared *sh)
{
	unsigned long long t0, start, end, done, late, worst = 0;
	unsigned long long periods, on_time = 0, k = 0;
	struct timespec ts;
	pid_t pids[2 * MAX_HOGS];
	int i;

	fflush(stdout);
	for (i = 0; i < 2 * nr; i++) {
		pids[i] = fork();
		if (pids[i] < 0) {
			perror("fork");
			return 1;
		}
		if (!pids[i] && i < nr)
			hog_run(&(struct hog){ .cpu = -1 }, sh, i);
		if (!pids[i])
			build_loop(sh, i);
	}
	usleep(100000);
	t0 = now_ns() + FRAME_NS;
	end = t0 + secs * 1000000000ULL;
	sh->end = end + FRAME_NS;
	periods = (end - t0) / FRAME_NS;
	for (k = 0; k < periods; k++) {
		start = t0 + k * FRAME_NS;
		ts.tv_sec = start / 1000000000ULL;
		ts.tv_nsec = start % 1000000000ULL;
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts,
				       NULL) == EINTR)
			;
		burn_cpu(FRAME_WORK_NS);
		done = now_ns();
		late = done > start + FRAME_NS ? done - start - FRAME_NS : 0;
		worst = late > worst ? late : worst;
		on_time += !late;
		/* the periods the overrun ran through get no frame */
		k += late / FRAME_NS;
	}
	for (i = 0; i < 2 * nr; i++)
		waitpid(pids[i], NULL, 0);
	printf("%llu %llu %llu\n", periods, periods - on_time, worst / 1000);
	return 0;
}

static int bad_args(void)
{
	fprintf(stderr,
		"usage: bench-load spin SECS NR\n"
		"       bench-load share SECS CPU A B   (A, B: nice or /cgroup)\n"
		"       bench-load frames SECS NR\n");
	return 2;
}

static void parse_spec(struct hog *h, int cpu, const char *spec)
{
	memset(h, 0, sizeof(*h));
	h->cpu = cpu;
	if (spec[0] == '/')
		h->cgroup = spec;
	else
		h->nice = atoi(spec);
}

/* spin: @nr hogs anywhere; print the work they did per second. */
static int bench_spin(struct shared *sh, unsigned int secs, int nr)
{
	static struct hog hogs[MAX_HOGS];
	unsigned long long wall, sum = 0;
	int i;

	for (i = 0; i < nr; i++)
		hogs[i].cpu = -1;
	wall = run_hogs(hogs, nr, sh, secs);
	if (!wall)
		return 1;
	for (i = 0; i < nr; i++)
		sum += sh->iters[i];
	printf("%.3f\n", sum * 1000.0 / wall);
	return 0;
}

/* share: two hogs on @cpu, as @a and @b say; print the CPU time of each. */
static int bench_share(struct shared *sh, unsigned int secs, int cpu,
		       const char *a, const char *b)
{
	struct hog hogs[2];

	parse_spec(&hogs[0], cpu, a);
	parse_spec(&hogs[1], cpu, b);
	if (!run_hogs(hogs, 2, sh, secs) || hogs[1].cpu_us <= 0)
		return 1;
	printf("%lld %lld %.3f\n", hogs[0].cpu_us, hogs[1].cpu_us,
	       (double)hogs[0].cpu_us / hogs[1].cpu_us);
	return 0;
}

int main(int argc, char **argv)
{
	struct shared *sh;
	unsigned int secs;
	int nr;

	if (argc < 4)
		return bad_args();
	secs = atoi(argv[2]);
	if (!secs)
		return bad_args();

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		perror("mmap");
		return 1;
	}

	if (!strcmp(argv[1], "spin") && argc == 4) {
		nr = atoi(argv[3]);
		if (nr < 1 || nr > MAX_HOGS)
			return bad_args();
		return bench_spin(sh, secs, nr);
	}

	if (!strcmp(argv[1], "share") && argc == 6)
		return bench_share(sh, secs, atoi(argv[3]), argv[4], argv[5]);
	if (!strcmp(argv[1], "frames") && argc == 4) {
		nr = atoi(argv[3]);
		if (nr < 1 || nr > MAX_HOGS)
			return bad_args();
		return run_frames(secs, nr, sh);
	}
	return bad_args();
}
