// SPDX-License-Identifier: GPL-2.0
/*
 * latency: a task that sleeps 1 ms at a time shares a CPU with two CPU
 * hogs.  Its short bursts give it early deadlines, so under scx_flash it
 * must wake up no later on average than under the default scheduler,
 * measured the same way in the same boot: an absolute figure would say
 * more about the emulator's speed than about the policy.
 */
#include <stdio.h>
#include "flash.h"
#include "load.h"
#include "scx_test.h"

#define RUN_MS		3000
#define PERIOD_US	1000

/*
 * Allowed: the default scheduler's average plus a quarter.  Measured in
 * two boots here, scx_flash's average was 0.41 and 0.53 of the default's
 * (the previous policy, in one boot with parallel vCPUs: 2.06).
 */
#define AVG_TOL_PCT	125

/* The sleeper beside two hogs on CPU 0, under the scheduler attached. */
static int sleeper_beside_hogs(struct latency_stats *st)
{
	struct load_opts o = { .cpu = 0 };
	pid_t hogs[2], sleeper;
	int fd, i, err;

	for (i = 0; i < 2; i++)
		hogs[i] = hog_start(&o, RUN_MS);
	sleeper = sleeper_start(&o, PERIOD_US, RUN_MS, &fd);
	err = sleeper > 0 ? sleeper_result(sleeper, fd, st) : -1;
	for (i = 0; i < 2; i++)
		if (hogs[i] > 0)
			child_cpu_us(hogs[i], RUN_MS + 20000);
	return err;
}

static enum scx_test_status run(void *ctx)
{
	struct latency_stats dfl, flash;
	struct scx_child loader;
	int err;

	SCX_FAIL_IF(sleeper_beside_hogs(&dfl),
		    "the sleeper failed without scx_flash");
	SCX_FAIL_IF(flash_start(&loader, NULL), "scx_flash did not start");
	err = sleeper_beside_hogs(&flash);
	SCX_FAIL_IF(flash_stop(&loader), "scx_flash did not exit cleanly");
	SCX_FAIL_IF(err, "the sleeper failed under scx_flash");

	printf("# sleeper beside 2 hogs, default: %llu wakeups, avg %llu us",
	       dfl.nr, dfl.avg_us);
	printf(", p99 %llu us, max %llu us\n", dfl.p99_us, dfl.max_us);
	printf("# sleeper beside 2 hogs, scx_flash: %llu wakeups, avg %llu us",
	       flash.nr, flash.avg_us);
	printf(", p99 %llu us, max %llu us\n", flash.p99_us, flash.max_us);
	SCX_GT(flash.nr, 100);
	SCX_LE(flash.avg_us * 100, dfl.avg_us * AVG_TOL_PCT);
	return SCX_TEST_PASS;
}

static struct scx_test latency = {
	.name = "latency_sleeper",
	.description = "A 1 ms sleeper beside 2 hogs wakes as early as under the default",
	.setup = flash_need_sched_ext,
	.run = run,
};
REGISTER_SCX_TEST(&latency)
