/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the libFuzzer harnesses share.  Each includes the loader whole, as
 * the unit tests do (tests/unit/loader.h), and calls its static functions.
 * The loader's own messages go to /dev/null, for speed and so that a
 * report is not lost among them; fuzz_check() reports a broken property
 * on the real stderr and aborts, which libFuzzer records as a crash.
 */
#ifndef __SCX_FUZZ_H
#define __SCX_FUZZ_H

/* first: the loader defines _GNU_SOURCE before any system header */
#include "../unit/loader.h"
#include <stdint.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

static FILE *fuzz_report;

/* Send the loader's stdout and stderr to /dev/null; keep fuzz_report. */
static inline void fuzz_silence(void)
{
	FILE *null = fopen("/dev/null", "w");

	fuzz_report = fdopen(dup(2), "w");
	if (!null || !fuzz_report)
		abort();
	stdout = null;
	stderr = null;
}

#define fuzz_check(cond, fmt, ...)					\
do {									\
	if (!(cond)) {							\
		fprintf(fuzz_report, "%s:%d: check failed: %s: " fmt "\n",	\
			__FILE__, __LINE__, #cond, ##__VA_ARGS__);	\
		fflush(fuzz_report);					\
		abort();						\
	}								\
} while (0)

/* @data as a NUL-terminated string, to free(). */
static inline char *fuzz_string(const u8 *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif /* __SCX_FUZZ_H */
