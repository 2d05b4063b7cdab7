// SPDX-License-Identifier: GPL-2.0
/*
 * robustness: loads that stress a scheduler's corner cases run to the end
 * while scx_flash stays attached, and the kernel logs no stall, error or
 * warning: heavy message passing, a sleep/wakeup storm, a SCHED_FIFO hog
 * sharing a CPU with a normal task (which must keep at least 4% of it),
 * affinity churn and a fork storm.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include "flash.h"
#include "load.h"
#include "scx_test.h"

#define STORM_MS	2000
#define REAP_MS		60000
#define MARKER		"scx_flash selftest: robustness load starts"

/* Run @load under scx_flash and check nothing went wrong meanwhile. */
static enum scx_test_status under_flash(enum scx_test_status (*load)(void))
{
	struct scx_child loader;
	enum scx_test_status ret;
	int problems;

	SCX_FAIL_IF(flash_start(&loader, NULL), "scx_flash did not start");
	kmsg_mark(MARKER);

	ret = load();

	SCX_FAIL_IF(!scx_child_running(&loader),
		    "scx_flash exited during the load");
	SCX_FAIL_IF(!scx_root_ops_has_prefix("flash"),
		    "scx_flash is no longer attached");
	problems = kmsg_problems_since(MARKER);
	SCX_FAIL_IF(flash_stop(&loader), "scx_flash did not exit cleanly");
	SCX_FAIL_IF(problems, "the kernel reported %d problem(s)", problems);
	return ret;
}

/* Run @argv to completion within REAP_MS; 0 if it exited with 0. */
static int run_command(const char *const argv[])
{
	pid_t pid = command_start(argv);
	int status;

	if (pid < 0 || pid_wait_timeout(pid, &status, REAP_MS)) {
		if (pid > 0)
			kill(pid, SIGKILL);
		return -1;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static enum scx_test_status message_passing(void)
{
	static const char *const procs[] = { "hackbench", "-g", "4", "-l", "200", NULL };
	static const char *const threads[] = { "hackbench", "-T", "-P", "-g", "4", "-l", "200",
			    NULL };

	SCX_FAIL_IF(run_command(procs), "hackbench (processes) failed");
	SCX_FAIL_IF(run_command(threads), "hackbench (threads, pipes) failed");
	return SCX_TEST_PASS;
}

static enum scx_test_status run_messaging(void *ctx)
{
	return under_flash(message_passing);
}

/* hackbench comes with rt-tests: a machine without it skips the case. */
static enum scx_test_status need_hackbench(void **ctx)
{
	if (!tool_available("hackbench"))
		SCX_SKIP("no hackbench in PATH (it comes with rt-tests)");
	return flash_need_sched_ext(ctx);
}

static struct scx_test robust_messaging = {
	.name = "robust_message_passing",
	.description = "hackbench with processes/sockets and threads/pipes",
	.setup = need_hackbench,
	.run = run_messaging,
};
REGISTER_SCX_TEST(&robust_messaging)

#define NR_SLEEPERS	32

static enum scx_test_status wakeup_storm(void)
{
	struct load_opts any = { .cpu = -1 };
	struct latency_stats st;
	pid_t pids[NR_SLEEPERS];
	int fds[NR_SLEEPERS], i, failed = 0;

	for (i = 0; i < NR_SLEEPERS; i++)
		pids[i] = sleeper_start(&any, 50, STORM_MS, &fds[i]);
	for (i = 0; i < NR_SLEEPERS; i++)
		if (pids[i] <= 0 || sleeper_result(pids[i], fds[i], &st))
			failed++;
	SCX_FAIL_IF(failed, "%d of %d sleepers failed", failed, NR_SLEEPERS);
	return SCX_TEST_PASS;
}

static enum scx_test_status run_storm(void *ctx)
{
	return under_flash(wakeup_storm);
}

static struct scx_test robust_storm = {
	.name = "robust_wakeup_storm",
	.description = "32 tasks sleeping 50 us at a time for 2 s",
	.setup = flash_need_sched_ext,
	.run = run_storm,
};
REGISTER_SCX_TEST(&robust_storm)

static enum scx_test_status rt_sharing(void)
{
	struct load_opts o = { .cpu = 0 };
	long long normal_us, rt_us;
	pid_t rt, normal;

	normal = hog_start(&o, STORM_MS);
	rt = fifo_hog_start(0, STORM_MS);
	SCX_FAIL_IF(rt <= 0, "cannot start the SCHED_FIFO hog");
	normal_us = normal > 0 ? child_cpu_us(normal, REAP_MS) : -1;
	rt_us = child_cpu_us(rt, REAP_MS);

	printf("# on one CPU for %d ms: SCHED_FIFO hog %lld us, normal task %lld us\n",
	       STORM_MS, rt_us, normal_us);
	SCX_GT(rt_us, normal_us);
	SCX_GE(normal_us, STORM_MS * 1000LL * 4 / 100);
	return SCX_TEST_PASS;
}

static enum scx_test_status run_rt(void *ctx)
{
	return under_flash(rt_sharing);
}

static struct scx_test robust_rt = {
	.name = "robust_rt_sharing",
	.description = "A normal task keeps >= 4% of a CPU a SCHED_FIFO hog spins on",
	.setup = flash_need_sched_ext,
	.run = run_rt,
};
REGISTER_SCX_TEST(&robust_rt)

#define NR_CHURNED	4

static enum scx_test_status affinity_churn(void)
{
	struct load_opts any = { .cpu = -1 };
	long nr_cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned long long end = monotonic_ms() + STORM_MS;
	pid_t pids[NR_CHURNED];
	int i, round = 0, failed = 0;
	cpu_set_t set;

	for (i = 0; i < NR_CHURNED; i++)
		pids[i] = hog_start(&any, STORM_MS);

	/* Each task in turn: one CPU, then another, then all of them. */
	while (monotonic_ms() < end) {
		CPU_ZERO(&set);
		if (round % 3 == 2)
			for (i = 0; i < nr_cpus; i++)
				CPU_SET(i, &set);
		else
			CPU_SET((round + round / 3) % nr_cpus, &set);
		for (i = 0; i < NR_CHURNED; i++)
			sched_setaffinity(pids[i], sizeof(set), &set);
		round++;
		sleep_ms(5);
	}

	for (i = 0; i < NR_CHURNED; i++)
		if (pids[i] <= 0 || child_cpu_us(pids[i], REAP_MS) <= 0)
			failed++;
	printf("# %d affinity changes of %d tasks\n", round, NR_CHURNED);
	SCX_FAIL_IF(failed, "%d churned tasks failed", failed);
	return SCX_TEST_PASS;
}

static enum scx_test_status run_affinity(void *ctx)
{
	return under_flash(affinity_churn);
}

static struct scx_test robust_affinity = {
	.name = "robust_affinity_churn",
	.description = "Hogs whose CPU affinity changes every 5 ms",
	.setup = flash_need_sched_ext,
	.run = run_affinity,
};
REGISTER_SCX_TEST(&robust_affinity)

#define NR_FORKS	1000
#define FORK_BATCH	50

static enum scx_test_status fork_storm(void)
{
	pid_t pids[FORK_BATCH];
	int i, n, status, failed = 0;

	fflush(stdout);
	for (n = 0; n < NR_FORKS; n += FORK_BATCH) {
		for (i = 0; i < FORK_BATCH; i++) {
			pids[i] = fork();
			if (!pids[i])
				_exit(0);
		}
		for (i = 0; i < FORK_BATCH; i++)
			if (pids[i] < 0 ||
			    pid_wait_timeout(pids[i], &status, REAP_MS) ||
			    !WIFEXITED(status) || WEXITSTATUS(status))
				failed++;
	}
	SCX_FAIL_IF(failed, "%d of %d forks failed", failed, NR_FORKS);
	return SCX_TEST_PASS;
}

static enum scx_test_status run_forks(void *ctx)
{
	return under_flash(fork_storm);
}

static struct scx_test robust_forks = {
	.name = "robust_fork_storm",
	.description = "1000 short-lived children, 50 at a time",
	.setup = flash_need_sched_ext,
	.run = run_forks,
};
REGISTER_SCX_TEST(&robust_forks)
