// SPDX-License-Identifier: GPL-2.0
/*
 * latency: a task that sleeps 1 ms at a time shares a CPU with two CPU
 * hogs.  Its short bursts give it early deadlines, so it must wake up with
 * a lower average latency than the hogs' time slice (700 us), which is
 * what it would wait behind a hog that kept its CPU.
 */
#include <stdio.h>
#include "flash.h"
#include "load.h"
#include "scx_test.h"

#define RUN_MS		3000
#define PERIOD_US	1000
#define SLICE_US	700

static enum scx_test_status run(void *ctx)
{
	struct load_opts o = { .cpu = 0 };
	struct latency_stats st;
	struct scx_child loader;
	pid_t hogs[2], sleeper;
	int fd, i, err;

	SCX_FAIL_IF(flash_start(&loader, NULL), "scx_flash did not start");

	for (i = 0; i < 2; i++)
		hogs[i] = hog_start(&o, RUN_MS);
	sleeper = sleeper_start(&o, PERIOD_US, RUN_MS, &fd);
	err = sleeper > 0 ? sleeper_result(sleeper, fd, &st) : -1;
	for (i = 0; i < 2; i++)
		child_cpu_us(hogs[i], RUN_MS + 20000);

	SCX_FAIL_IF(flash_stop(&loader), "scx_flash did not exit cleanly");
	SCX_FAIL_IF(err, "the sleeper failed (%d)", err);

	printf("# sleeper beside 2 hogs: %llu wakeups, avg %llu us, max %llu us\n",
	       st.nr, st.avg_us, st.max_us);
	SCX_GT(st.nr, 100);
	SCX_LT(st.avg_us, SLICE_US);
	return SCX_TEST_PASS;
}

static struct scx_test latency = {
	.name = "latency_sleeper",
	.description = "A 1 ms sleeper beside two hogs wakes within a slice on average",
	.setup = flash_need_sched_ext,
	.run = run,
};
REGISTER_SCX_TEST(&latency)
