// SPDX-License-Identifier: GPL-2.0
/*
 * Virtual time of the BPF scheduler (scx_flash.h) around the points where
 * plain u64 comparisons break: 2^63, where the kernel's wrap-aware order
 * of a dispatch queue flips, and 2^64, where vtime_now wraps to 0.  The
 * starvation guard's deadlines must stay ahead of every deadline a task
 * can earn, the lag bound must raise only vruntimes that lag, and
 * vtime_now must follow running tasks forward, never past the first
 * waiting deadline.
 */
#include <stdbool.h>
#include <scx/common.h>
#include "scx_flash.h"
#include "tap.h"

/* How a dispatch queue orders deadlines: the kernel's time_before64(). */
static bool dsq_before(u64 a, u64 b)
{
	return (s64)(a - b) < 0;
}

/*
 * The furthest a deadline a task earns may be from vtime_now, either way:
 * the largest sleep credit, slice_lag (1 s at most) * 100 wakeups * the
 * heaviest weight (nice -20 in a cgroup of cpu.weight 10000) / 1024.
 */
#define MAX_EARNED	(1000000000ULL * 100 * 88761 * 100 / 1024)

static const u64 clocks[] = {
	0,
	1000000000000ULL,
	(1ULL << 63) - 1000000000ULL,
	1ULL << 63,
	(1ULL << 63) + 1000000000ULL,
	(u64)-1000000000LL,
};

#define NR_CLOCKS	ARRAY_SIZE(clocks)

/* Whether @deadline sorts before every deadline a task can earn at @now. */
#define NR_OFFSETS	4

static bool before_all_earned(u64 deadline, u64 now)
{
	static const u64 offsets[NR_OFFSETS] = { 0, 1, 1000000, MAX_EARNED };
	size_t i;

	for (i = 0; i < NR_OFFSETS; i++)
		if (!dsq_before(deadline, now - offsets[i]) ||
		    !dsq_before(deadline, now + offsets[i]))
			return false;
	return true;
}

static void test_starving_deadlines(void)
{
	size_t i;

	for (i = 0; i < NR_CLOCKS; i++) {
		u64 now = clocks[i];
		u64 user = flash_starving_deadline(now, false);
		u64 kthread = flash_starving_deadline(now, true);
		u64 later = flash_starving_deadline(now + MAX_EARNED, false);

		tap_ok(before_all_earned(user, now) &&
		       before_all_earned(kthread, now),
		       "vtime_now %#llx: starving tasks sort before every earned deadline",
		       (unsigned long long)now);
		tap_ok(dsq_before(kthread, user),
		       "vtime_now %#llx: a starving kthread sorts before a starving task",
		       (unsigned long long)now);
		tap_ok(dsq_before(user, later),
		       "vtime_now %#llx: starving tasks are served in the order found",
		       (unsigned long long)now);
		tap_ok(flash_is_starving_deadline(user, now + MAX_EARNED) &&
		       flash_is_starving_deadline(kthread, now + MAX_EARNED) &&
		       !flash_is_starving_deadline(now - MAX_EARNED, now) &&
		       !flash_is_starving_deadline(now + MAX_EARNED, now),
		       "vtime_now %#llx: the guard's deadlines, and only those, are recognised",
		       (unsigned long long)now);
	}
}

static void test_limit_lag(void)
{
	const u64 lag = 500000000ULL;
	size_t i;

	for (i = 0; i < NR_CLOCKS; i++) {
		u64 now = clocks[i];

		tap_ok(flash_limit_lag(now - 3 * lag, now, lag) == now - lag,
		       "vtime_now %#llx: a vruntime lagging 3 bounds is raised to one",
		       (unsigned long long)now);
		tap_ok(flash_limit_lag(now - lag / 2, now, lag) == now - lag / 2 &&
		       flash_limit_lag(now + lag, now, lag) == now + lag,
		       "vtime_now %#llx: one within the bound, or ahead, is kept",
		       (unsigned long long)now);
	}
}

/*
 * vtime_now follows a starting task's vruntime, but not past the first
 * waiting deadline: a nice 19 hog that runs out of order, 0.5 s of
 * virtual time ahead, must not drag it there.  Each case is a step from
 * vtime_now: the starting task's vruntime, the first waiting deadline if
 * a task waits, and where vtime_now must end up, all relative to it.
 */
#define AHEAD		500000000LL
#define FIRST_AT	20000000LL

static const struct {
	s64 vruntime;
	bool waiting;
	s64 first;
	s64 expect;
	const char *what;
} next_vtime_cases[] = {
	{ AHEAD, false, 0, AHEAD, "nothing waits: follows forward" },
	{ -AHEAD, false, 0, 0, "nothing waits: never goes back" },
	{ AHEAD, true, FIRST_AT, FIRST_AT,
	  "a task run out of order moves it to the first deadline, no further" },
	{ AHEAD, true, -(s64)FLASH_STARVING_LAG, 0,
	  "a starving first task holds it" },
	{ AHEAD, true, -AHEAD, 0, "a credited first task holds it" },
	{ FIRST_AT, true, AHEAD, FIRST_AT,
	  "a task run in order moves it to its vruntime" },
};

static void test_next_vtime_now(void)
{
	size_t i, j;

	for (i = 0; i < NR_CLOCKS; i++) {
		u64 now = clocks[i];

		for (j = 0; j < ARRAY_SIZE(next_vtime_cases); j++) {
			typeof(next_vtime_cases[0]) *c = &next_vtime_cases[j];

			tap_ok(flash_next_vtime_now(now, now + c->vruntime,
						    c->waiting,
						    now + c->first) ==
			       now + c->expect,
			       "vtime_now %#llx: %s", (unsigned long long)now,
			       c->what);
		}
	}
}

int main(void)
{
	tap_start();
	test_starving_deadlines();
	test_limit_lag();
	test_next_vtime_now();
	return tap_done();
}
