/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Definitions shared by the scx_flash BPF scheduler and its loader.
 *
 * Copyright (c) 2026 The scx_flash authors
 */
#ifndef __SCX_FLASH_H
#define __SCX_FLASH_H

#define NSEC_PER_USEC	1000ULL
#define NSEC_PER_MSEC	(1000ULL * NSEC_PER_USEC)
#define NSEC_PER_SEC	(1000ULL * NSEC_PER_MSEC)

/* Scheduler defaults, in microseconds (see the loader's --help). */
#define FLASH_SLICE_US_DFL	700ULL
#define FLASH_SLICE_US_LAG_DFL	20000ULL
#define FLASH_IDLE_RESUME_US_DFL	32

/*
 * Limits of the loader's options, in microseconds.  The longest slice
 * keeps the weighted slice of any task (capped at the same value in BPF)
 * far below the 5 s watchdog; the longest sleep credit keeps
 * slice_lag * 100 wakeups * the largest weight within 64 bits; idle
 * injection must leave the watchdog's waiting tasks time to run.
 */
#define FLASH_SLICE_US_MAX	100000ULL
#define FLASH_SLICE_US_LAG_MAX	1000000ULL
#define FLASH_THROTTLE_US_MAX	1000000ULL

/*
 * The watchdog timeout the scheduler asks for, unless SCX_TIMEOUT_MS, and
 * the shortest it accepts: the starvation guard serves a task within a
 * fifth of the timeout, plus a fiftieth for its scan, plus the longest
 * slice (FLASH_SLICE_US_MAX), which must leave the watchdog room.
 */
#define FLASH_TIMEOUT_MS_DFL	5000
#define FLASH_TIMEOUT_MS_MIN	500ULL

/*
 * Full scale of cpu_util and of fixed cpufreq levels: the kernel's
 * SCX_CPUPERF_ONE, which user space does not see.
 */
#define FLASH_PERF_ONE		1024

/*
 * The scheduler's running averages, here so that the host unit test
 * (tests/unit/test_averages.c) checks the arithmetic the BPF program runs.
 */

/* Largest wakeup frequency tracked, in wakeups per 100 ms. */
#define FLASH_MAX_WAKEUP_FREQ	100ULL

/*
 * Exponentially weighted average where a new sample counts for a quarter.
 * It rounds toward the sample, so that a steady sample is reached exactly:
 * truncating, 100 wakeups per 100 ms would settle at 97.
 */
static inline u64 flash_avg(u64 old, u64 sample)
{
	if (sample > old)
		return (old * 3 + sample + 3) / 4;
	return (old * 3 + sample) / 4;
}

/* The CPU time per run: the first run seeds the average. */
static inline u64 flash_avg_runtime(u64 avg, u64 used)
{
	return avg ? flash_avg(avg, used) : used;
}

/* One wakeup interval, in ns, as a sample of the wakeup frequency. */
static inline u64 flash_wakeup_freq_sample(u64 interval)
{
	if (interval <= 100 * NSEC_PER_MSEC / FLASH_MAX_WAKEUP_FREQ)
		return FLASH_MAX_WAKEUP_FREQ;
	return 100 * NSEC_PER_MSEC / interval;
}

/*
 * Automatic cpufreq: the average busy share of a CPU, of FLASH_PERF_ONE.
 * The new sample counts for three quarters, as upstream's: a CPU that
 * just got busy reaches full speed at its first update.
 */
static inline u64 flash_busy_avg(u64 old, u64 sample)
{
	return (old + sample * 3) / 4;
}

/*
 * Virtual time, in the kernel's order: a dispatch queue sorts deadlines
 * with wrap-aware comparisons (time_before64()), so every virtual time
 * here is compared the same way, and none is absolute: vtime_now may
 * pass 2^63, and wrap past 2^64, in a scheduler that runs long enough
 * (about 104 days for a task of weight 1 that runs alone).
 */
static inline bool flash_vtime_before(u64 a, u64 b)
{
	return (s64)(a - b) < 0;
}

/* @vruntime, raised to @vtime_now - @lag if it lags further behind. */
static inline u64 flash_limit_lag(u64 vruntime, u64 vtime_now, u64 lag)
{
	u64 floor = vtime_now - lag;

	return flash_vtime_before(vruntime, floor) ? floor : vruntime;
}

/*
 * vtime_now once a task of @vruntime starts running: it follows the
 * vruntime forward, but when a task waits in the node queue (@waiting),
 * not past the deadline of the first one (@first).
 */
static inline u64 flash_next_vtime_now(u64 vtime_now, u64 vruntime,
				       bool waiting, u64 first)
{
	if (waiting && flash_vtime_before(first, vruntime))
		vruntime = first;
	return flash_vtime_before(vtime_now, vruntime) ? vruntime : vtime_now;
}

/*
 * The deadlines the starvation guard gives, this far behind vtime_now:
 * earlier than any deadline a task can earn (the largest sleep credit,
 * slice_lag * 100 wakeups * the heaviest weight, is below 2^50 ns) and
 * still earlier in wrap-aware order (less than 2^63 behind).  Kernel
 * threads go before the other starving tasks.  As vtime_now moves on, a
 * task found starving later gets a later deadline: they are served in
 * the order they were found.
 */
#define FLASH_STARVING_LAG		(1ULL << 61)
#define FLASH_STARVING_KTHREAD_LAG	(1ULL << 62)

static inline u64 flash_starving_deadline(u64 vtime_now, bool kthread)
{
	if (kthread)
		return vtime_now - FLASH_STARVING_KTHREAD_LAG;
	return vtime_now - FLASH_STARVING_LAG;
}

/* Whether @deadline is one the starvation guard gave (vtime_now only grows). */
static inline bool flash_is_starving_deadline(u64 deadline, u64 vtime_now)
{
	return !flash_vtime_before(vtime_now - FLASH_STARVING_LAG, deadline);
}

/*
 * The scheduler's counters: indices into its per-CPU "stats" map, whose
 * values the loader sums over the CPUs.
 */
enum flash_stat {
	FLASH_STAT_RUNNING,		/* tasks running now */
	FLASH_STAT_KTHREAD_DISPATCHES,	/* per-CPU kthreads, idle injection on */
	FLASH_STAT_DIRECT_DISPATCHES,	/* to a CPU's local queue */
	FLASH_STAT_SHARED_DISPATCHES,	/* queued to wait for a CPU */
	FLASH_STAT_PREEMPT_DISPATCHES,	/* direct ones that preempt a task */
	FLASH_STAT_AGING_SCANS,		/* starvation guard scans of a queue */
	FLASH_STAT_AGING_WALKED,	/* tasks those scans looked at */
	FLASH_STAT_AGING_NS,		/* time those scans took */
	FLASH_NR_STATS,
};

/* Argument of the enable_primary_cpu() syscall program. */
struct cpu_arg {
	s32 cpu_id;	/* CPU to add to the primary domain, < 0 clears it */
};

/* Argument of the enable_sibling_cpu() syscall program. */
struct domain_arg {
	s32 lvl_id;		/* topology level, only 0 (SMT) is known */
	s32 cpu_id;		/* CPU whose sibling mask is updated */
	s32 sibling_cpu_id;	/* CPU to add to that mask */
};

#endif /* __SCX_FLASH_H */
