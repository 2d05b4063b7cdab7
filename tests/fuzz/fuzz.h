/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the libFuzzer harnesses share.  Each includes what it tests whole,
 * before this: the loader (tests/unit/loader.h) or one of its helpers,
 * and calls its static functions.  The loader's own messages go to
 * /dev/null, for speed and so that a report is not lost among them;
 * fuzz_check() reports a broken property on the real stderr and aborts,
 * which libFuzzer records as a crash.
 */
#ifndef __SCX_FUZZ_H
#define __SCX_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
static inline char *fuzz_string(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif /* __SCX_FUZZ_H */
