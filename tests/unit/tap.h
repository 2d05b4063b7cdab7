/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A minimal TAP producer for host unit tests: each check prints one
 * "ok"/"not ok" line, tap_done() prints the plan and returns the exit
 * status.
 */
#ifndef __SCX_TAP_H
#define __SCX_TAP_H

#include <stdio.h>

static int tap_nr, tap_failed;

/* The number of elements of the array @a, for tables of cases. */
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define tap_ok(cond, fmt, ...)						\
({									\
	int __ok = !!(cond);						\
									\
	tap_nr++;							\
	if (!__ok)							\
		tap_failed++;						\
	printf("%sok %d - " fmt "\n", __ok ? "" : "not ",		\
	       tap_nr, ##__VA_ARGS__);					\
	if (!__ok)							\
		printf("#   failed at %s:%d: %s\n", __FILE__, __LINE__,	\
		       #cond);						\
	fflush(stdout);							\
	__ok;								\
})

static inline void tap_start(void)
{
	printf("TAP version 13\n");
}

static inline int tap_done(void)
{
	printf("1..%d\n", tap_nr);
	return tap_failed ? 1 : 0;
}

#endif /* __SCX_TAP_H */
