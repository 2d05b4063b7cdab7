// SPDX-License-Identifier: GPL-2.0
/*
 * The running averages of the BPF scheduler (scx_flash.h): a steady
 * sample is reached exactly, the first run seeds the runtime average, and
 * the automatic cpufreq average follows a busy CPU at once.
 */
#include <stdbool.h>
#include <scx/common.h>
#include "scx_flash.h"
#include "tap.h"

/* Fold @sample into @avg @n times. */
static u64 settle(u64 avg, u64 sample, int n)
{
	while (n--)
		avg = flash_avg(avg, sample);
	return avg;
}

static void test_wakeup_freq(void)
{
	u64 per_ms = flash_wakeup_freq_sample(NSEC_PER_MSEC);
	u64 fast = flash_wakeup_freq_sample(NSEC_PER_USEC);
	u64 slow = flash_wakeup_freq_sample(10 * NSEC_PER_MSEC);
	u64 f;

	tap_ok(per_ms == FLASH_MAX_WAKEUP_FREQ && fast == per_ms,
	       "one wakeup per ms or more is the cap (%llu, %llu)",
	       (unsigned long long)per_ms, (unsigned long long)fast);
	tap_ok(slow == 10, "one wakeup per 10 ms is 10 per 100 ms (%llu)",
	       (unsigned long long)slow);

	f = settle(0, per_ms, 40);
	tap_ok(f == FLASH_MAX_WAKEUP_FREQ,
	       "a task at the cap settles at %llu, not below (%llu)",
	       FLASH_MAX_WAKEUP_FREQ, (unsigned long long)f);
	f = settle(FLASH_MAX_WAKEUP_FREQ, slow, 40);
	tap_ok(f == 10, "and comes back down to 10 exactly (%llu)",
	       (unsigned long long)f);
	tap_ok(settle(0, 1, 40) == 1 && settle(1, 0, 40) == 0,
	       "a sample of 1 is reached from 0 and left again");
}

static void test_avg_runtime(void)
{
	u64 avg = flash_avg_runtime(0, 2 * NSEC_PER_MSEC);

	tap_ok(avg == 2 * NSEC_PER_MSEC,
	       "the first run seeds the runtime average (%llu ns)",
	       (unsigned long long)avg);
	avg = flash_avg_runtime(avg, 6 * NSEC_PER_MSEC);
	tap_ok(avg == 3 * NSEC_PER_MSEC,
	       "later runs count for a quarter (%llu ns)",
	       (unsigned long long)avg);
}

static void test_busy_avg(void)
{
	u64 lvl = flash_busy_avg(0, FLASH_PERF_ONE);

	tap_ok(lvl == FLASH_PERF_ONE * 3 / 4,
	       "a busy CPU's first sample counts for three quarters (%llu)",
	       (unsigned long long)lvl);
	lvl = flash_busy_avg(FLASH_PERF_ONE, 0);
	tap_ok(lvl == FLASH_PERF_ONE / 4,
	       "an idle one's too (%llu)", (unsigned long long)lvl);
}

int main(void)
{
	tap_start();
	test_wakeup_freq();
	test_avg_runtime();
	test_busy_avg();
	return tap_done();
}
