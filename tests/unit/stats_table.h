/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The loader's statistics as scx_flash.c describes them to
 * scx_flash_stats.c, for the tests and fuzzers of the helper alone.
 */
#ifndef __SCX_TEST_STATS_TABLE_H
#define __SCX_TEST_STATS_TABLE_H

enum {
	STAT_NR_CPUS, STAT_NR_DIRECT_DISPATCHES, STAT_NR_KTHREAD_DISPATCHES,
	STAT_NR_RUNNING, STAT_NR_SHARED_DISPATCHES, NR_STATS,
};

static const struct scx_flash_stats_field fields[NR_STATS] = {
	{ "nr_cpus", "Number of online CPUs" },
	{ "nr_direct_dispatches", "Number of task direct dispatches", true },
	{ "nr_kthread_dispatches", "Number of kthread direct dispatches", true },
	{ "nr_running", "Number of running tasks" },
	{ "nr_shared_dispatches", "Number of regular task dispatches", true },
};

/* The table of fields[], its values read by @fn. */
#define STATS_TABLE(fn)							\
	{ .name = "Metrics", .fields = fields, .nr_fields = NR_STATS,	\
	  .read = (fn) }

#endif /* __SCX_TEST_STATS_TABLE_H */
