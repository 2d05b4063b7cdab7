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

/* The watchdog timeout the scheduler asks for, unless SCX_TIMEOUT_MS. */
#define FLASH_TIMEOUT_MS_DFL	5000

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
 * The scheduler's counters: indices into its per-CPU "stats" map, whose
 * values the loader sums over the CPUs.
 */
enum flash_stat {
	FLASH_STAT_RUNNING,		/* tasks running now */
	FLASH_STAT_KTHREAD_DISPATCHES,	/* per-CPU kthreads, idle injection on */
	FLASH_STAT_DIRECT_DISPATCHES,	/* to a CPU's local queue */
	FLASH_STAT_SHARED_DISPATCHES,	/* queued to wait for a CPU */
	FLASH_STAT_PREEMPT_DISPATCHES,	/* direct ones that preempt a task */
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
