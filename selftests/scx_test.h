/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test case interface of the scx_flash selftest runner.
 *
 * Each case lives in its own file, fills a struct scx_test and registers it
 * with REGISTER_SCX_TEST().  The runner is linked with every case and runs
 * them one after the other, since only one sched_ext scheduler can be
 * loaded on a host at a time.
 */
#ifndef __SCX_FLASH_SCX_TEST_H
#define __SCX_FLASH_SCX_TEST_H

#include <errno.h>
#include <stdio.h>
#include <scx/common.h>
#include <scx/compat.h>

enum scx_test_status {
	SCX_TEST_PASS = 0,
	SCX_TEST_SKIP,
	SCX_TEST_FAIL,
};

/*
 * Value of enum scx_exit_kind member @__kind in the running kernel, read from
 * its BTF; 0 when the kernel does not know the member.
 */
#define EXIT_KIND(__kind) __COMPAT_ENUM_OR_ZERO("scx_exit_kind", #__kind)

/**
 * struct scx_test - one test case
 * @name: short unique name, matched by the runner's -t filter
 * @description: one line saying what the case verifies
 * @setup: optional; prepares the case and may store a context in *@ctx.
 *	   Anything but SCX_TEST_PASS ends the case without run or cleanup.
 * @run: mandatory; the test proper, called with the context from @setup
 *	 (NULL without one)
 * @cleanup: optional; called after @run whatever @run returned, never when
 *	     @setup did not pass
 */
struct scx_test {
	const char *name;
	const char *description;
	enum scx_test_status (*setup)(void **ctx);
	enum scx_test_status (*run)(void *ctx);
	void (*cleanup)(void *ctx);
};

void scx_test_register(struct scx_test *test);

#define SCX_SKIP_REASON_LEN	256

/*
 * Why the current case is skipped, printed by the runner on the case's TAP
 * line; cleared before each case.  Set it with SCX_SKIP().
 */
extern char scx_test_skip_reason[SCX_SKIP_REASON_LEN];

#define __SCX_PASTE(__a, __b)	__a##__b
#define __SCX_UNIQUE(__a, __b)	__SCX_PASTE(__a, __b)

/* Register @__test before main() runs. */
#define REGISTER_SCX_TEST(__test)					\
	__attribute__((constructor))					\
	static void __SCX_UNIQUE(__scx_test_ctor_, __LINE__)(void)	\
	{								\
		scx_test_register(__test);				\
	}

#define SCX_ERR(__fmt, ...)						\
	do {								\
		fprintf(stderr, "ERR: %s:%d\n", __FILE__, __LINE__);	\
		fprintf(stderr, __fmt "\n", ##__VA_ARGS__);		\
	} while (0)

#define SCX_FAIL(__fmt, ...)						\
	do {								\
		SCX_ERR(__fmt, ##__VA_ARGS__);				\
		return SCX_TEST_FAIL;					\
	} while (0)

#define SCX_FAIL_IF(__cond, __fmt, ...)					\
	do {								\
		if (__cond)						\
			SCX_FAIL(__fmt, ##__VA_ARGS__);			\
	} while (0)

/* Print why the case is skipped, hand the reason to the runner, skip. */
#define SCX_SKIP(__fmt, ...)						\
	do {								\
		snprintf(scx_test_skip_reason,				\
			 sizeof(scx_test_skip_reason),			\
			 __fmt, ##__VA_ARGS__);				\
		fprintf(stderr, "SKIP: %s:%d: %s\n",			\
			__FILE__, __LINE__, scx_test_skip_reason);	\
		return SCX_TEST_SKIP;					\
	} while (0)

/* Fail unless @__x @__op @__y; each side is evaluated once. */
#define __SCX_CMP(__x, __op, __y)					\
	do {								\
		typeof(__x) __scx_x = (__x);				\
		typeof(__y) __scx_y = (__y);				\
									\
		SCX_FAIL_IF(!(__scx_x __op __scx_y),			\
			    "Expected %s %s %s (%llu %s %llu)",		\
			    #__x, #__op, #__y,				\
			    (unsigned long long)__scx_x, #__op,		\
			    (unsigned long long)__scx_y);		\
	} while (0)

#define SCX_GT(__x, __y) __SCX_CMP(__x, >, __y)
#define SCX_GE(__x, __y) __SCX_CMP(__x, >=, __y)
#define SCX_LT(__x, __y) __SCX_CMP(__x, <, __y)
#define SCX_LE(__x, __y) __SCX_CMP(__x, <=, __y)
#define SCX_EQ(__x, __y) __SCX_CMP(__x, ==, __y)

#define SCX_ASSERT(__x)							\
	do {								\
		typeof(__x) __scx_x = (__x);				\
									\
		SCX_FAIL_IF(!__scx_x, "Expected %s to be true (%llu)",	\
			    #__x, (unsigned long long)__scx_x);		\
	} while (0)

#endif /* __SCX_FLASH_SCX_TEST_H */
