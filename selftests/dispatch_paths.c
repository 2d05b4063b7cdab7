// SPDX-License-Identifier: GPL-2.0
/*
 * dispatch_paths: each way scx_flash places a task is taken when it
 * should be, as its counters show: straight to an idle CPU on a quiet
 * machine, through the node queue when every CPU is busy, and per-CPU
 * kthreads straight to their CPU while idle injection is on.
 */
#include <stdio.h>
#include <unistd.h>
#include "flash.h"
#include "load.h"
#include "scx_test.h"

#define RUN_MS		2000
#define REAP_MS		(RUN_MS + 20000)

/* Counter deltas over a load: @after minus @before. */
static void counters_delta(struct flash_counters *d,
			   const struct flash_counters *before,
			   const struct flash_counters *after)
{
	d->nr_kthread_dispatches = after->nr_kthread_dispatches -
				   before->nr_kthread_dispatches;
	d->nr_direct_dispatches = after->nr_direct_dispatches -
				  before->nr_direct_dispatches;
	d->nr_shared_dispatches = after->nr_shared_dispatches -
				  before->nr_shared_dispatches;
	d->nr_preempt_dispatches = after->nr_preempt_dispatches -
				   before->nr_preempt_dispatches;
	printf("# dispatches: kthread %llu, direct %llu (%llu preempting), shared %llu\n",
	       d->nr_kthread_dispatches, d->nr_direct_dispatches,
	       d->nr_preempt_dispatches, d->nr_shared_dispatches);
}

/*
 * Run @nr_hogs hogs and one sleeper (2 ms period) anywhere for RUN_MS under
 * scx_flash started with @args, and return the counter deltas.
 */
static enum scx_test_status measure(const char *const args[], int nr_hogs,
				    struct flash_counters *d)
{
	struct flash_counters before, after;
	struct load_opts any = { .cpu = -1 };
	struct latency_stats st;
	struct scx_child loader;
	pid_t pids[8], sleeper;
	int i, fd, err;

	SCX_FAIL_IF(flash_start(&loader, args), "scx_flash did not start");
	err = flash_counters_read(&before);

	for (i = 0; i < nr_hogs; i++)
		pids[i] = hog_start(&any, RUN_MS);
	sleeper = sleeper_start(&any, 2000, RUN_MS, &fd);
	if (sleeper > 0)
		sleeper_result(sleeper, fd, &st);
	for (i = 0; i < nr_hogs; i++)
		child_cpu_us(pids[i], REAP_MS);
	sync();

	err = err ?: flash_counters_read(&after);
	SCX_FAIL_IF(flash_stop(&loader), "scx_flash did not exit cleanly");
	SCX_FAIL_IF(err, "cannot read the scheduler's counters (%d)", err);

	counters_delta(d, &before, &after);
	return SCX_TEST_PASS;
}

static enum scx_test_status run_idle(void *ctx)
{
	struct flash_counters d;
	enum scx_test_status ret;

	ret = measure(NULL, 0, &d);
	if (ret)
		return ret;
	SCX_GT(d.nr_direct_dispatches, 100);
	SCX_GT(d.nr_direct_dispatches, d.nr_shared_dispatches);
	return SCX_TEST_PASS;
}

static struct scx_test dispatch_idle = {
	.name = "dispatch_direct_idle",
	.description = "On an idle machine wakeups go straight to idle CPUs",
	.setup = flash_need_sched_ext,
	.run = run_idle,
};
REGISTER_SCX_TEST(&dispatch_idle)

static enum scx_test_status run_overload(void *ctx)
{
	struct flash_counters d;
	enum scx_test_status ret;
	long nr_cpus = sysconf(_SC_NPROCESSORS_ONLN);

	ret = measure(NULL, nr_cpus * 2 > 8 ? 8 : nr_cpus * 2, &d);
	if (ret)
		return ret;
	/*
	 * The sleeper's wakeups may preempt a hog through its CPU's local
	 * queue, which counts as a direct dispatch too; every other task
	 * has no idle CPU to go to and waits in the node queue.
	 */
	SCX_GT(d.nr_shared_dispatches, 100);
	SCX_GT(d.nr_shared_dispatches,
	       d.nr_direct_dispatches - d.nr_preempt_dispatches);
	return SCX_TEST_PASS;
}

static struct scx_test dispatch_overload = {
	.name = "dispatch_shared_overload",
	.description = "With every CPU busy tasks wait in the node queue",
	.setup = flash_need_sched_ext,
	.run = run_overload,
};
REGISTER_SCX_TEST(&dispatch_overload)

static enum scx_test_status run_kthread(void *ctx)
{
	static const char *const args[] = { "--throttle-us", "1000", NULL };
	struct flash_counters d;
	enum scx_test_status ret;

	ret = measure(args, 1, &d);
	if (ret)
		return ret;
	SCX_GT(d.nr_kthread_dispatches, 0);
	return SCX_TEST_PASS;
}

static struct scx_test dispatch_kthread = {
	.name = "dispatch_kthread_throttled",
	.description = "With idle injection per-CPU kthreads go straight to their CPU",
	.setup = flash_need_sched_ext,
	.run = run_kthread,
};
REGISTER_SCX_TEST(&dispatch_kthread)
