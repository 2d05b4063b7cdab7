// SPDX-License-Identifier: GPL-2.0
/*
 * soak: scx_flash under a mixed load for a long stretch, with zero
 * ejections: CPU hogs whose affinity keeps changing, a fork loop,
 * message passing over pipes, short sleepers and, where hackbench is
 * installed, back-to-back message-passing storms (hackbench -g 20, the
 * load that once made the kernel's watchdog eject scx_flash), all at
 * once.  The scheduler must stay attached (sched_ext's enable_seq does
 * not move), every task must finish and the kernel must log no problem.
 *
 * It runs SCX_SOAK_SECS_DFL (5) seconds by default; SCX_SOAK_SECS sets
 * the length of a long soak ('make test' runs 30 s).
 */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include "flash.h"
#include "load.h"
#include "scx_test.h"
#include "util.h"

#define NR_SLEEPERS	4
#define NR_PINGPONG	2
#define MAX_HOGS	8
#define CHURN_MS	10
#define MARKER		"scx_flash selftest: soak starts"

/*
 * A storm is 800 processes on sockets.  Short soaks run short storms
 * (about 10 s each under emulation); the last storm starts before the
 * soak ends and may run past it by up to STORM_REAP_MS.
 */
#define STORM_LONG_SECS	120
#define STORM_REAP_MS	300000

static unsigned int soak_secs(void)
{
	const char *env = getenv(SCX_SOAK_SECS_ENV);
	int secs = env ? atoi(env) : 0;

	return secs > 0 ? secs : SCX_SOAK_SECS_DFL;
}

/* Fork a child that dies with the runner and runs @fn(@ms). */
static pid_t spawn(int (*fn)(unsigned int ms), unsigned int ms)
{
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid)
		return pid;
	if (prctl(PR_SET_PDEATHSIG, SIGKILL))
		_exit(2);
	_exit(fn(ms));
}

/* Fork short-lived children, 4 at a time, until @ms have passed. */
static int fork_loop(unsigned int ms)
{
	unsigned long long end = monotonic_ms() + ms, nr = 0;
	pid_t pids[4];
	int i, status;

	while (monotonic_ms() < end) {
		for (i = 0; i < 4; i++) {
			pids[i] = fork();
			if (!pids[i])
				_exit(0);
		}
		for (i = 0; i < 4; i++) {
			if (pids[i] < 0 || waitpid(pids[i], &status, 0) < 0 ||
			    !WIFEXITED(status) || WEXITSTATUS(status))
				return 1;
			nr++;
		}
	}
	printf("# fork loop: %llu children\n", nr);
	return nr ? 0 : 1;
}

/*
 * Run hackbench storms back to back for @ms, printing how long each took:
 * the long-soak script compares them with the default scheduler's.
 */
static int storm_loop(unsigned int ms)
{
	bool long_soak = ms >= STORM_LONG_SECS * 1000;
	const char *loops = long_soak ? "300" : "50";
	/* Its progress lines would break the TAP stream. */
	const char *const argv[] = {
		"sh", "-c", long_soak ? "exec hackbench -g 20 -l 300 > /dev/null" :
					"exec hackbench -g 20 -l 50 > /dev/null",
		NULL
	};
	unsigned long long end = monotonic_ms() + ms, t0;
	int status, nr = 0;
	pid_t pid;

	while (monotonic_ms() < end) {
		t0 = monotonic_ms();
		pid = command_start(argv);
		if (pid <= 0 || pid_wait_timeout(pid, &status, STORM_REAP_MS)) {
			if (pid > 0)
				kill(pid, SIGKILL);
			printf("# storm %d: hackbench did not finish\n", nr);
			return 1;
		}
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			return 1;
		printf("# storm %d: hackbench -g 20 -l %s: %llu ms\n", nr++,
		       loops, monotonic_ms() - t0);
		fflush(stdout);
	}
	return 0;
}

static int reap_ok(pid_t pid, unsigned int timeout_ms)
{
	int status;

	if (pid <= 0 || pid_wait_timeout(pid, &status, timeout_ms)) {
		if (pid > 0)
			kill(pid, SIGKILL);
		return 0;
	}
	return WIFEXITED(status) && !WEXITSTATUS(status);
}

/* The tasks of the mixed load; a pid <= 0 is one that did not start. */
struct soak_load {
	long nr_cpus;
	int nr_hogs;
	pid_t hogs[MAX_HOGS], sleepers[NR_SLEEPERS], pp[NR_PINGPONG], forker;
	pid_t storm;		/* 0: no hackbench, no storms */
	int fds[NR_SLEEPERS];
};

/* Start every task of the load, each to run for @ms. */
static void load_start(struct soak_load *l, unsigned int ms)
{
	struct load_opts any = { .cpu = -1 };
	int i;

	l->nr_cpus = sysconf(_SC_NPROCESSORS_ONLN);
	l->nr_hogs = l->nr_cpus > MAX_HOGS ? MAX_HOGS : l->nr_cpus;
	l->storm = 0;
	for (i = 0; i < l->nr_hogs; i++)
		l->hogs[i] = hog_start(&any, ms);
	for (i = 0; i < NR_SLEEPERS; i++)
		l->sleepers[i] = sleeper_start(&any, 500, ms, &l->fds[i]);
	for (i = 0; i < NR_PINGPONG; i++)
		l->pp[i] = pingpong_start(&any, ms);
	l->forker = spawn(fork_loop, ms);
	if (tool_available("hackbench"))
		l->storm = spawn(storm_loop, ms);
	else
		printf("# no hackbench in PATH: the soak runs without storms\n");
}

/*
 * Churn the hogs' affinity for @ms; check the scheduler once a second.
 * Stops early and returns true once scx_flash is no longer attached;
 * *@rounds counts the affinity changes.
 */
static bool churn_affinity(const struct soak_load *l,
			   struct scx_child *loader, unsigned int ms,
			   int *rounds)
{
	unsigned long long end, next_check;
	bool detached = false;
	int i, round = 0;
	cpu_set_t set;

	end = monotonic_ms() + ms;
	next_check = monotonic_ms() + 1000;
	while (monotonic_ms() < end && !detached) {
		CPU_ZERO(&set);
		if (round % 3 == 2)
			for (i = 0; i < l->nr_cpus; i++)
				CPU_SET(i, &set);
		else
			CPU_SET(round % l->nr_cpus, &set);
		for (i = 0; i < l->nr_hogs; i++)
			if (l->hogs[i] > 0)
				sched_setaffinity(l->hogs[i], sizeof(set),
						  &set);
		round++;
		sleep_ms(CHURN_MS);
		if (monotonic_ms() >= next_check) {
			detached = !scx_child_running(loader) ||
				   !scx_root_ops_has_prefix("flash");
			next_check += 1000;
		}
	}
	*rounds = round;
	return detached;
}

/* Wait for every task of the load; returns how many failed. */
static int load_reap(const struct soak_load *l)
{
	struct latency_stats st;
	int i, failed = 0;

	for (i = 0; i < l->nr_hogs; i++)
		if (l->hogs[i] <= 0 || child_cpu_us(l->hogs[i], 60000) <= 0)
			failed++;
	for (i = 0; i < NR_SLEEPERS; i++)
		if (l->sleepers[i] <= 0 ||
		    sleeper_result(l->sleepers[i], l->fds[i], &st))
			failed++;
	for (i = 0; i < NR_PINGPONG; i++)
		failed += !reap_ok(l->pp[i], 60000);
	failed += !reap_ok(l->forker, 60000);
	if (l->storm)
		failed += !reap_ok(l->storm, STORM_REAP_MS);
	return failed;
}

static enum scx_test_status run(void *ctx)
{
	unsigned int secs = soak_secs(), ms = secs * 1000;
	int failed, problems, round;
	struct scx_child loader;
	struct soak_load load;
	long long seq0, seq;
	bool detached;

	printf("# soak for %u s (%s)\n", secs, SCX_SOAK_SECS_ENV);
	/* Read while nothing is attached: enable_seq moves after "enabled". */
	seq0 = scx_enable_seq() + 1;
	SCX_FAIL_IF(flash_start(&loader, NULL), "scx_flash did not start");
	kmsg_mark(MARKER);

	load_start(&load, ms);
	detached = churn_affinity(&load, &loader, ms, &round);
	failed = load_reap(&load);

	seq = scx_enable_seq();
	problems = kmsg_problems_since(MARKER);
	printf("# %d affinity changes; enable_seq %lld -> %lld\n", round,
	       seq0, seq);
	detached |= !scx_child_running(&loader);
	if (detached)
		flash_dump_output(&loader);
	SCX_FAIL_IF(flash_stop(&loader) && !detached,
		    "scx_flash did not exit cleanly");
	SCX_FAIL_IF(detached, "scx_flash was ejected or exited during the soak");
	SCX_FAIL_IF(seq != seq0, "the scheduler was re-enabled %lld time(s)",
		    seq - seq0);
	SCX_FAIL_IF(failed, "%d task(s) of the load failed", failed);
	SCX_FAIL_IF(problems, "the kernel reported %d problem(s)", problems);
	return SCX_TEST_PASS;
}

static struct scx_test soak = {
	.name = "soak_mixed_load",
	.description = "Hogs, affinity churn, forks, pipes and sleepers; no ejection",
	.setup = flash_need_sched_ext,
	.run = run,
};

REGISTER_SCX_TEST(&soak)
