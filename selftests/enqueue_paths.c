// SPDX-License-Identifier: GPL-2.0
/*
 * enqueue_paths: the less common ways a task reaches scx_flash's enqueue,
 * each forced by a load, seen by an fentry program on the scheduler's
 * flash_enqueue (enqueue_paths.bpf.c), and handled without an error exit
 * or a stall:
 *
 * - a task preempted by a SCHED_FIFO task that keeps taking its CPU;
 * - per-CPU tasks (one allowed CPU), sleeping and spinning;
 * - migration-disabled tasks: preempted while the kernel runs their
 *   seccomp filter, which it does with migration disabled;
 * - exiting tasks, preempted while they tear down a large address space;
 * - the last runnable task of a CPU, which keeps the CPU to itself.
 *
 * Wakeups onto idle CPUs and overload into the node queue are checked by
 * the dispatch_* cases.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/filter.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <bpf/libbpf.h>
#include <scx/common.h>
#include "enqueue_paths.bpf.skel.h"
#include "flash.h"
#include "load.h"
#include "scx_test.h"
#include "util.h"

#define RUN_MS		2000
#define REAP_MS		(RUN_MS + 30000)
#define MARKER		"scx_flash selftest: enqueue path load starts"

/* The counters of enqueue_paths.bpf.c. */
struct enq_counters {
	unsigned long long enqueues;
	unsigned long long wakeups;
	unsigned long long reenq;
	unsigned long long last;
	unsigned long long exiting;
	unsigned long long pcpu;
	unsigned long long migration_disabled;
};

static void enq_counters_read(const struct enqueue_paths *skel,
			      struct enq_counters *c)
{
	const struct enqueue_paths__bss *bss = skel->bss;

	c->enqueues = __atomic_load_n(&bss->nr_enqueues, __ATOMIC_RELAXED);
	c->wakeups = __atomic_load_n(&bss->nr_wakeups, __ATOMIC_RELAXED);
	c->reenq = __atomic_load_n(&bss->nr_reenq, __ATOMIC_RELAXED);
	c->last = __atomic_load_n(&bss->nr_last, __ATOMIC_RELAXED);
	c->exiting = __atomic_load_n(&bss->nr_exiting, __ATOMIC_RELAXED);
	c->pcpu = __atomic_load_n(&bss->nr_pcpu, __ATOMIC_RELAXED);
	c->migration_disabled = __atomic_load_n(&bss->nr_migration_disabled,
						__ATOMIC_RELAXED);
}

static void print_delta(struct enq_counters *d, const struct enq_counters *a,
			const struct enq_counters *b)
{
	d->enqueues = b->enqueues - a->enqueues;
	d->wakeups = b->wakeups - a->wakeups;
	d->reenq = b->reenq - a->reenq;
	d->last = b->last - a->last;
	d->exiting = b->exiting - a->exiting;
	d->pcpu = b->pcpu - a->pcpu;
	d->migration_disabled = b->migration_disabled - a->migration_disabled;
	printf("# enqueues %llu: wakeup %llu, reenq %llu, last %llu, exiting %llu, ",
	       d->enqueues, d->wakeups, d->reenq, d->last, d->exiting);
	printf("per-CPU %llu, migration-disabled %llu\n", d->pcpu,
	       d->migration_disabled);
}

/*
 * The kernel's ENOTSUPP, which user space's errno.h lacks: what a JIT
 * without BPF trampolines answers an fentry attach with.
 */
#define KERNEL_ENOTSUPP	524

/*
 * Load enqueue_paths.bpf.c with its counter aimed at the flash_enqueue
 * program of the running scx_flash, and attach it.  Returns 0 or a
 * negative error.
 */
static int enq_counter_load(struct enqueue_paths *skel)
{
	struct bpf_program *prog = skel->progs.count_enqueue;
	int fd = flash_prog_fd("flash_enqueue");
	int ret;

	if (fd < 0)
		return fd;
	SCX_ENUM_INIT(skel);
	ret = bpf_program__set_attach_target(prog, fd, "flash_enqueue") ?:
	      enqueue_paths__load(skel);
	close(fd);
	if (!ret) {
		skel->links.count_enqueue = bpf_program__attach(prog);
		ret = skel->links.count_enqueue ? 0 : -errno;
	}
	return ret;
}

/*
 * The counter of enqueue_paths.bpf.c attached to the running scx_flash, or
 * NULL with *@err set: -KERNEL_ENOTSUPP when the kernel cannot attach a
 * tracing program to a BPF program.
 */
static struct enqueue_paths *enq_counter_attach(int *err)
{
	struct enqueue_paths *skel = enqueue_paths__open();

	*err = skel ? enq_counter_load(skel) : -errno;
	if (*err) {
		enqueue_paths__destroy(skel);
		return NULL;
	}
	return skel;
}

/*
 * Run @load under scx_flash, counting its enqueues, and return the counter
 * deltas over it in @d; fail if the scheduler did not survive it.
 */
static enum scx_test_status under_flash(enum scx_test_status (*load)(void),
					struct enq_counters *d)
{
	struct enq_counters before, after;
	struct enqueue_paths *skel;
	enum scx_test_status ret;
	struct scx_child loader;
	int err, problems;

	SCX_FAIL_IF(flash_start(&loader, NULL), "scx_flash did not start");
	skel = enq_counter_attach(&err);
	if (!skel) {
		flash_stop(&loader);
		if (err == -KERNEL_ENOTSUPP || err == -EOPNOTSUPP)
			SCX_SKIP("the kernel cannot attach fentry to a BPF program");
		SCX_FAIL("cannot count scx_flash's enqueues (%d)", err);
	}
	kmsg_mark(MARKER);
	enq_counters_read(skel, &before);

	ret = load();

	enq_counters_read(skel, &after);
	enqueue_paths__destroy(skel);
	problems = kmsg_problems_since(MARKER);
	SCX_FAIL_IF(!scx_child_running(&loader),
		    "scx_flash exited during the load");
	SCX_FAIL_IF(flash_stop(&loader), "scx_flash did not exit cleanly");
	SCX_FAIL_IF(problems, "the kernel reported %d problem(s)", problems);
	print_delta(d, &before, &after);
	return ret;
}

/* --- A SCHED_FIFO task keeps preempting the CPU's fair tasks --- */

#define RT_RUN_US	3000
#define RT_SLEEP_US	3000

static unsigned long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000ULL + ts.tv_nsec / 1000;
}

/* On CPU 0 as SCHED_FIFO: run RT_RUN_US, sleep RT_SLEEP_US, for @ms. */
static pid_t rt_pulse_start(unsigned int ms)
{
	struct sched_param param = { .sched_priority = 1 };
	struct timespec pause = { .tv_nsec = RT_SLEEP_US * 1000 };
	unsigned long long end, until;
	cpu_set_t set;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid)
		return pid;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) ||
	    sched_setaffinity(0, sizeof(set), &set) ||
	    sched_setscheduler(0, SCHED_FIFO, &param))
		_exit(2);
	end = now_us() + ms * 1000ULL;
	while (now_us() < end) {
		until = now_us() + RT_RUN_US;
		while (now_us() < until)
			;
		nanosleep(&pause, NULL);
	}
	_exit(0);
}

static long long rt_hog_us[2];

static enum scx_test_status rt_preempts(void)
{
	struct load_opts cpu0 = { .cpu = 0 };
	pid_t rt, hogs[2];
	int i;

	rt = rt_pulse_start(RUN_MS);
	for (i = 0; i < 2; i++)
		hogs[i] = hog_start(&cpu0, RUN_MS);
	for (i = 0; i < 2; i++)
		rt_hog_us[i] = hogs[i] > 0 ? child_cpu_us(hogs[i], REAP_MS) : -1;
	SCX_FAIL_IF(rt <= 0 || child_cpu_us(rt, REAP_MS) < 0,
		    "the SCHED_FIFO task failed");
	return SCX_TEST_PASS;
}

static enum scx_test_status run_rt(void *ctx)
{
	struct enq_counters d;
	enum scx_test_status ret;
	int i;

	ret = under_flash(rt_preempts, &d);
	if (ret)
		return ret;
	printf("# fair hogs beside the SCHED_FIFO task: %lld us, %lld us\n",
	       rt_hog_us[0], rt_hog_us[1]);
	/* Half the CPU is left to the two hogs: each must get a fair part. */
	for (i = 0; i < 2; i++)
		SCX_GE(rt_hog_us[i], RUN_MS * 1000LL / 10);
	SCX_GT(d.enqueues, 0);
	return SCX_TEST_PASS;
}

static struct scx_test enq_rt = {
	.name = "enqueue_rt_preempted",
	.description = "Fair tasks keep running while a SCHED_FIFO task keeps taking their CPU",
	.setup = flash_need_sched_ext,
	.run = run_rt,
};

REGISTER_SCX_TEST(&enq_rt)

/* --- Per-CPU tasks --- */

#define MAX_CPUS	8

static struct latency_stats pcpu_st[MAX_CPUS];
static long long pcpu_hog_us[MAX_CPUS];
static int nr_pcpu;

static enum scx_test_status pcpu_load(void)
{
	pid_t hogs[MAX_CPUS], sleepers[MAX_CPUS];
	int i, fds[MAX_CPUS], failed = 0;

	nr_pcpu = sysconf(_SC_NPROCESSORS_ONLN);
	if (nr_pcpu > MAX_CPUS)
		nr_pcpu = MAX_CPUS;
	for (i = 0; i < nr_pcpu; i++) {
		struct load_opts o = { .cpu = i };

		hogs[i] = hog_start(&o, RUN_MS);
		sleepers[i] = sleeper_start(&o, 1000, RUN_MS, &fds[i]);
	}
	for (i = 0; i < nr_pcpu; i++) {
		if (sleepers[i] <= 0 ||
		    sleeper_result(sleepers[i], fds[i], &pcpu_st[i]))
			failed++;
		pcpu_hog_us[i] = hogs[i] > 0 ?
				 child_cpu_us(hogs[i], REAP_MS) : -1;
	}
	SCX_FAIL_IF(failed, "%d pinned sleeper(s) failed", failed);
	return SCX_TEST_PASS;
}

static enum scx_test_status run_pcpu(void *ctx)
{
	struct enq_counters d;
	enum scx_test_status ret;
	int i;

	ret = under_flash(pcpu_load, &d);
	if (ret)
		return ret;
	for (i = 0; i < nr_pcpu; i++) {
		printf("# CPU %d: hog %lld us, sleeper %llu wakeups, avg %llu us, max %llu us\n",
		       i, pcpu_hog_us[i], pcpu_st[i].nr, pcpu_st[i].avg_us,
		       pcpu_st[i].max_us);
		SCX_GE(pcpu_hog_us[i], RUN_MS * 1000LL / 4);
		SCX_GE(pcpu_st[i].nr, 100);
	}
	SCX_GE(d.pcpu, 100);
	return SCX_TEST_PASS;
}

static struct scx_test enq_pcpu = {
	.name = "enqueue_pcpu_tasks",
	.description = "Tasks pinned to one CPU, a hog and a sleeper on each, all make progress",
	.setup = flash_need_sched_ext,
	.run = run_pcpu,
};

REGISTER_SCX_TEST(&enq_pcpu)

/* --- Migration-disabled tasks --- */

#define PREEMPT_MODE	"/sys/kernel/debug/sched/preempt"

/* From <linux/seccomp.h>, which the tools headers cannot include alone. */
#define SECCOMP_MODE_FILTER	2
#define SECCOMP_RET_ALLOW	0x7fff0000U
/*
 * Offset of args[0] in struct seccomp_data.  A filter that reads only the
 * system call number is found to always allow and is never run again.
 */
#define SECCOMP_DATA_ARG0	16
/* A long classic BPF filter: loads of an argument, then allow. */
#define FILTER_LEN	4000

/*
 * In the child: install a long seccomp filter and make system calls for
 * @ms.  The kernel runs the filter with migration disabled, so most of the
 * time this task can be preempted, it is migration-disabled.
 */
static void seccomp_spinner(unsigned int ms)
{
	static struct sock_filter insns[FILTER_LEN];
	struct sock_fprog prog = { .len = FILTER_LEN, .filter = insns };
	unsigned long long end;
	int i;

	for (i = 0; i < FILTER_LEN - 1; i++)
		insns[i] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					SECCOMP_DATA_ARG0);
	insns[i] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
						SECCOMP_RET_ALLOW);

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog))
		_exit(3);
	end = now_us() + ms * 1000ULL;
	while (now_us() < end)
		syscall(SYS_getppid);
	_exit(0);
}

static enum scx_test_status migration_disabled_load(void)
{
	struct load_opts cpu0 = { .cpu = 0 };
	cpu_set_t set;
	pid_t hog, spinner;

	hog = hog_start(&cpu0, RUN_MS);

	fflush(stdout);
	fflush(stderr);
	spinner = fork();
	if (!spinner) {
		CPU_ZERO(&set);
		CPU_SET(0, &set);
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) ||
		    sched_setaffinity(0, sizeof(set), &set))
			_exit(2);
		seccomp_spinner(RUN_MS);
	}
	SCX_FAIL_IF(spinner <= 0 || child_cpu_us(spinner, REAP_MS) <= 0,
		    "the seccomp task failed");
	SCX_FAIL_IF(hog <= 0 || child_cpu_us(hog, REAP_MS) <= 0,
		    "the hog beside it failed");
	return SCX_TEST_PASS;
}

static enum scx_test_status run_migration_disabled(void *ctx)
{
	struct enq_counters d;
	enum scx_test_status ret;
	char mode[128];

	/* Only a preemptible kernel preempts a task inside the filter. */
	if (sysfs_read_str(PREEMPT_MODE, mode, sizeof(mode)) > 0) {
		printf("# preemption modes: %s\n", mode);
		if (strstr(mode, "(none)") || strstr(mode, "(voluntary)"))
			SCX_SKIP("the kernel does not preempt in-kernel code (%s)",
				 mode);
	}

	ret = under_flash(migration_disabled_load, &d);
	if (ret)
		return ret;
	SCX_GT(d.migration_disabled, 0);
	return SCX_TEST_PASS;
}

static struct scx_test enq_migration_disabled = {
	.name = "enqueue_migration_disabled",
	.description = "A task preempted with migration disabled is enqueued and runs on",
	.setup = flash_need_sched_ext,
	.run = run_migration_disabled,
};

REGISTER_SCX_TEST(&enq_migration_disabled)

/* --- Exiting tasks --- */

#define NR_EXITERS	40
#define EXITER_MB	16

/* A child that dirties EXITER_MB of memory and exits, to be torn down. */
static pid_t exiter_start(void)
{
	size_t len = EXITER_MB << 20;
	char *p;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid)
		return pid;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		_exit(2);
	memset(p, 1, len);
	_exit(0);
}

static enum scx_test_status exiting_load(void)
{
	struct load_opts any = { .cpu = -1 };
	long nr_cpus = sysconf(_SC_NPROCESSORS_ONLN);
	pid_t hogs[MAX_CPUS], pid;
	int i, status, failed = 0;

	/* Busy CPUs, so that exiting tasks get preempted. */
	if (nr_cpus > MAX_CPUS)
		nr_cpus = MAX_CPUS;
	for (i = 0; i < nr_cpus; i++)
		hogs[i] = hog_start(&any, RUN_MS);
	for (i = 0; i < NR_EXITERS; i++) {
		pid = exiter_start();
		if (pid <= 0 || pid_wait_timeout(pid, &status, REAP_MS) ||
		    !WIFEXITED(status) || WEXITSTATUS(status))
			failed++;
	}
	for (i = 0; i < nr_cpus; i++)
		if (hogs[i] <= 0 || child_cpu_us(hogs[i], REAP_MS) <= 0)
			failed++;
	SCX_FAIL_IF(failed, "%d task(s) failed", failed);
	return SCX_TEST_PASS;
}

static enum scx_test_status run_exiting(void *ctx)
{
	struct enq_counters d;
	enum scx_test_status ret;

	ret = under_flash(exiting_load, &d);
	if (ret)
		return ret;
	SCX_GT(d.exiting, 0);
	return SCX_TEST_PASS;
}

static struct scx_test enq_exiting = {
	.name = "enqueue_exiting_tasks",
	.description = "Tasks preempted while they exit are enqueued and finish exiting",
	.setup = flash_need_sched_ext,
	.run = run_exiting,
};

REGISTER_SCX_TEST(&enq_exiting)

/* --- The last runnable task of a CPU --- */

static long long last_us;

static enum scx_test_status last_task_load(void)
{
	long nr_cpus = sysconf(_SC_NPROCESSORS_ONLN);
	struct load_opts o = { .cpu = nr_cpus - 1 };
	pid_t hog = hog_start(&o, RUN_MS);

	last_us = hog > 0 ? child_cpu_us(hog, REAP_MS) : -1;
	SCX_FAIL_IF(last_us <= 0, "the hog failed");
	return SCX_TEST_PASS;
}

static enum scx_test_status run_last(void *ctx)
{
	struct enq_counters d;
	enum scx_test_status ret;

	ret = under_flash(last_task_load, &d);
	if (ret)
		return ret;
	printf("# the only task of its CPU ran %lld us of %d ms\n", last_us,
	       RUN_MS);
	/* Alone on its CPU, it keeps running slice after slice. */
	SCX_GE(last_us, RUN_MS * 1000LL * 80 / 100);
	return SCX_TEST_PASS;
}

static struct scx_test enq_last = {
	.name = "enqueue_last_task",
	.description = "The only runnable task of a CPU keeps it when its slice ends",
	.setup = flash_need_sched_ext,
	.run = run_last,
};

REGISTER_SCX_TEST(&enq_last)
