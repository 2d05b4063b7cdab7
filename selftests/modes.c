// SPDX-License-Identifier: GPL-2.0
/*
 * modes: the scheduling modes behind scx_flash's options do what they
 * promise, measured in CPU time:
 *
 * - round robin (-R) shares a CPU between hogs and keeps a sleeper going;
 * - tickless (-T) gives infinite slices, yet a second hog on the same CPU
 *   gets its share because the timer preempts the first one;
 * - idle injection (-s 10000 -t 10000) cuts a hog's CPU time about in half;
 * - the wakeup throttle (--wakeup-throttle) pushes back a task that wakes
 *   up every few microseconds, to the benefit of a hog beside it.
 */
#include <stdio.h>
#include "flash.h"
#include "load.h"
#include "scx_test.h"

#define RUN_MS		3000
#define REAP_MS		(RUN_MS + 20000)

/*
 * Run @nr hogs pinned to CPU 0 for RUN_MS under scx_flash started with
 * @args; their CPU times go to @us.
 */
static enum scx_test_status pinned_hogs(const char *const args[], int nr,
					long long *us)
{
	struct load_opts o = { .cpu = 0 };
	struct scx_child loader;
	pid_t pids[4];
	int i;

	SCX_FAIL_IF(flash_start(&loader, args), "scx_flash did not start");
	for (i = 0; i < nr; i++)
		pids[i] = hog_start(&o, RUN_MS);
	for (i = 0; i < nr; i++)
		us[i] = pids[i] > 0 ? child_cpu_us(pids[i], REAP_MS) : -1;
	SCX_FAIL_IF(flash_stop(&loader), "scx_flash did not exit cleanly");

	for (i = 0; i < nr; i++) {
		printf("# hog %d: %lld us of CPU in %d ms\n", i, us[i], RUN_MS);
		SCX_FAIL_IF(us[i] <= 0, "hog %d failed (%lld)", i, us[i]);
	}
	return SCX_TEST_PASS;
}

static enum scx_test_status run_rr(void *ctx)
{
	static const char *const args[] = { "--rr-sched", NULL };
	struct load_opts o = { .cpu = 0 };
	struct latency_stats st;
	struct scx_child loader;
	long long us[2];
	pid_t pids[2], sleeper;
	int i, fd, err;

	SCX_FAIL_IF(flash_start(&loader, args), "scx_flash did not start");
	for (i = 0; i < 2; i++)
		pids[i] = hog_start(&o, RUN_MS);
	sleeper = sleeper_start(&o, 1000, RUN_MS, &fd);
	err = sleeper > 0 ? sleeper_result(sleeper, fd, &st) : -1;
	for (i = 0; i < 2; i++)
		us[i] = pids[i] > 0 ? child_cpu_us(pids[i], REAP_MS) : -1;
	SCX_FAIL_IF(flash_stop(&loader), "scx_flash did not exit cleanly");

	printf("# round robin: hogs %lld and %lld us, sleeper %llu wakeups\n",
	       us[0], us[1], err ? 0 : st.nr);
	SCX_FAIL_IF(err, "the sleeper failed (%d)", err);
	SCX_GT(us[0], 0);
	SCX_GT(us[1], 0);
	/* Equal hogs, equal turns: within 20% of each other. */
	SCX_GT(us[0] * 10, us[1] * 8);
	SCX_GT(us[1] * 10, us[0] * 8);
	SCX_GT(st.nr, 100);
	return SCX_TEST_PASS;
}

static struct scx_test mode_rr = {
	.name = "mode_round_robin",
	.description = "-R: hogs on one CPU take equal turns, a sleeper still runs",
	.setup = flash_need_sched_ext,
	.run = run_rr,
};
REGISTER_SCX_TEST(&mode_rr)

static enum scx_test_status run_tickless(void *ctx)
{
	static const char *const args[] = { "--tickless", NULL };
	enum scx_test_status ret;
	long long us[2];

	ret = pinned_hogs(args, 2, us);
	if (ret)
		return ret;
	/* Without preemption the second hog would get (almost) nothing. */
	SCX_GT(us[0] * 10, us[1] * 7);
	SCX_GT(us[1] * 10, us[0] * 7);
	return SCX_TEST_PASS;
}

static struct scx_test mode_tickless = {
	.name = "mode_tickless",
	.description = "-T: a hog with an infinite slice is preempted once another waits",
	.setup = flash_need_sched_ext,
	.run = run_tickless,
};
REGISTER_SCX_TEST(&mode_tickless)

static enum scx_test_status run_idle_inject(void *ctx)
{
	static const char *const plain[] = { "--slice-us", "10000", NULL };
	static const char *const inject[] = { "--slice-us", "10000", "--throttle-us", "10000",
			   NULL };
	enum scx_test_status ret;
	long long full, cut;
	double ratio;

	ret = pinned_hogs(plain, 1, &full);
	ret = ret ?: pinned_hogs(inject, 1, &cut);
	if (ret)
		return ret;

	ratio = (double)cut / full;
	printf("# idle injection of 50%%: the hog kept %.2f of its CPU time\n",
	       ratio);
	SCX_FAIL_IF(ratio < 0.35 || ratio > 0.65,
		    "CPU time ratio %.2f is not about 0.5", ratio);
	return SCX_TEST_PASS;
}

static struct scx_test mode_idle_inject = {
	.name = "mode_idle_injection",
	.description = "-t: injecting idle time equal to the slice halves a hog's CPU time",
	.setup = flash_need_sched_ext,
	.run = run_idle_inject,
};
REGISTER_SCX_TEST(&mode_idle_inject)

/* The wakeup throttle's threshold: runs per wakeup shorter than this. */
#define WAKEUP_THROTTLE_US	10

/*
 * A hog and a task that sleeps 5 us at a time share CPU 0 under scx_flash
 * started with @args; returns what the sleeper saw and the hog's time.
 */
static enum scx_test_status waker_vs_hog(const char *const args[],
					 struct latency_stats *st,
					 long long *hog_us)
{
	struct load_opts o = { .cpu = 0 };
	struct scx_child loader;
	pid_t hog, waker;
	int fd, err;

	SCX_FAIL_IF(flash_start(&loader, args), "scx_flash did not start");
	hog = hog_start(&o, RUN_MS);
	waker = sleeper_start(&o, 5, RUN_MS, &fd);
	err = waker > 0 ? sleeper_result(waker, fd, st) : -1;
	*hog_us = hog > 0 ? child_cpu_us(hog, REAP_MS) : -1;
	SCX_FAIL_IF(flash_stop(&loader), "scx_flash did not exit cleanly");
	SCX_FAIL_IF(err || *hog_us <= 0 || !st->nr,
		    "the load failed (%d, %lld)", err, *hog_us);

	printf("# %s: waker %llu wakeups, %llu us each, hog %lld us\n",
	       args ? args[0] : "default", st->nr, st->cpu_us / st->nr,
	       *hog_us);
	return SCX_TEST_PASS;
}

static enum scx_test_status run_wakeup_throttle(void *ctx)
{
	static const char *const throttle[] = { "--wakeup-throttle", NULL };
	struct latency_stats free, throttled;
	long long free_hog, throttled_hog;
	enum scx_test_status ret;

	ret = waker_vs_hog(NULL, &free, &free_hog);
	if (ret)
		return ret;
	/*
	 * The throttle only applies to tasks that run less than 10 us per
	 * wakeup; under software emulation even a bare sleep loop runs
	 * longer than that.
	 */
	if (free.cpu_us / free.nr >= WAKEUP_THROTTLE_US)
		SCX_SKIP("the waker runs %llu us per wakeup here, not < %d us: needs faster CPUs",
			 free.cpu_us / free.nr, WAKEUP_THROTTLE_US);

	ret = waker_vs_hog(throttle, &throttled, &throttled_hog);
	if (ret)
		return ret;

	/* The throttled waker gets fewer turns, the hog more CPU. */
	SCX_LT(throttled.nr * 10, free.nr * 8);
	SCX_GT(throttled_hog, free_hog);
	return SCX_TEST_PASS;
}

static struct scx_test mode_wakeup_throttle = {
	.name = "mode_wakeup_throttle",
	.description = "--wakeup-throttle pushes back a task waking every few us",
	.setup = flash_need_sched_ext,
	.run = run_wakeup_throttle,
};
REGISTER_SCX_TEST(&mode_wakeup_throttle)
