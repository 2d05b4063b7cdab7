// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness of the loader's number, mask and CPU-list parsers.
 * The first byte picks the parser (and the CPU count for masks and
 * lists), the rest is the text.  Whatever a parser accepts must format
 * back to text that parses to the same value.
 */
/* first: the loader defines _GNU_SOURCE before any system header */
#include "../unit/loader.h"
#include "fuzz.h"

#define FUZZ_MAX_CPUS	512

int LLVMFuzzerInitialize(int *argc, char **argv[])
{
	fuzz_silence();
	return 0;
}

/* Accepted digits, with leading zeros dropped, are the value printed. */
static void fuzz_u64(const char *s)
{
	char back[32];
	u64 v;

	if (parse_num("x", s, 0, UINT64_MAX, &v))
		return;
	while (s[0] == '0' && s[1])
		s++;
	snprintf(back, sizeof(back), "%" PRIu64, v);
	fuzz_check(!strcmp(back, s), "'%s' read as %s", s, back);
	fuzz_check(!v || parse_num("x", s, 0, v - 1, &v), "'%s' above max", s);
}

static void fuzz_s64(const char *s)
{
	char back[32];
	u64 uv, again;
	s64 v;

	if (parse_num("x", s, INT32_MIN, INT32_MAX, &uv))
		return;
	v = uv;
	fuzz_check(v >= INT32_MIN && v <= INT32_MAX, "'%s' out of range", s);
	snprintf(back, sizeof(back), "%" PRId64, v);
	fuzz_check(!parse_num("x", back, INT32_MIN, INT32_MAX, &again) &&
		   (s64)again == v, "'%s' does not read back", back);
}

static void fuzz_interval(const char *s)
{
	struct timespec ts;
	double v;

	if (parse_interval("stats", s, &v))
		return;
	fuzz_check(v > 0 && v <= MAX_INTERVAL_SECS, "'%s' read as %g", s, v);
	ts = secs_to_timespec(v);
	fuzz_check(ts.tv_sec >= 0 && ts.tv_sec <= MAX_INTERVAL_SECS &&
		   ts.tv_nsec >= 0 && ts.tv_nsec < 1000000000,
		   "'%s' sleeps %lld.%09ld s", s, (long long)ts.tv_sec,
		   ts.tv_nsec);
}

static bool same_mask(const struct scx_flash_mask *a, const struct scx_flash_mask *b)
{
	return !memcmp(a->bits, b->bits, (a->nr + 63) / 64 * sizeof(u64));
}

/* An accepted mask formats to a mask that parses and formats the same. */
static void fuzz_mask(const char *s, int nr)
{
	struct scx_flash_mask m, back;
	char text[2 * FUZZ_MAX_CPUS], again[2 * FUZZ_MAX_CPUS];
	int cpu;

	scx_flash_mask_init(&m, nr);
	scx_flash_mask_init(&back, nr);
	if (scx_flash_mask_parse(s, &m, NULL))
		return;
	fuzz_check(!strcmp(s, "none") || scx_flash_is_hex_mask(s), "'%s' taken", s);
	for (cpu = nr; cpu < (nr + 63) / 64 * 64; cpu++)
		fuzz_check(!scx_flash_mask_test(&m, cpu), "'%s' sets CPU %d of %d", s,
			   cpu, nr);
	scx_flash_mask_format(&m, text, sizeof(text));
	/* the format's commas are no mask syntax: they go as '_' */
	for (cpu = 0; text[cpu]; cpu++)
		if (text[cpu] == ',')
			text[cpu] = '_';
	fuzz_check(!scx_flash_mask_parse(text, &back, NULL) && same_mask(&m, &back),
		   "'%s' formats as '%s', which does not read back", s, text);
	scx_flash_mask_format(&back, again, sizeof(again));
	scx_flash_mask_format(&m, text, sizeof(text));
	fuzz_check(!strcmp(text, again), "'%s' then '%s'", text, again);
	fuzz_check(scx_flash_mask_weight(&m) <= nr, "'%s'", s);
}

/* The CPUs of @m as a CPU list, ranges where they follow each other. */
static void format_cpu_list(const struct scx_flash_mask *m, char *buf,
			    size_t size)
{
	int cpu, last, len = 0;

	buf[0] = '\0';
	for (cpu = 0; cpu < m->nr; cpu = last + 1) {
		if (!scx_flash_mask_test(m, cpu)) {
			last = cpu;
			continue;
		}
		for (last = cpu; last + 1 < m->nr && scx_flash_mask_test(m, last + 1);
		     last++)
			;
		len += snprintf(buf + len, size - len, "%s%d", len ? "," : "",
				cpu);
		if (last > cpu)
			len += snprintf(buf + len, size - len, "-%d", last);
	}
}

/* An accepted CPU list names only CPUs below @nr, and reads back. */
static void fuzz_cpu_list(const char *s, int nr)
{
	struct scx_flash_mask m, back;
	char text[8 * FUZZ_MAX_CPUS];
	int cpu;

	scx_flash_mask_init(&m, nr);
	scx_flash_mask_init(&back, nr);
	if (!scx_flash_parse_cpu_list(s, &m)) {
		for (cpu = nr; cpu < (nr + 63) / 64 * 64; cpu++)
			fuzz_check(!scx_flash_mask_test(&m, cpu), "'%s' sets CPU %d of %d", s,
				   cpu, nr);
		format_cpu_list(&m, text, sizeof(text));
		fuzz_check(!scx_flash_parse_cpu_list(text, &back) &&
			   same_mask(&m, &back),
			   "'%s' lists as '%s', which does not read back", s,
			   text);
	}
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	char *s;
	int nr;

	if (!size)
		return 0;
	s = fuzz_string(data + 1, size - 1);
	nr = 1 + data[0] / 8 * FUZZ_MAX_CPUS / 32;
	switch (data[0] % 8) {
	case 0:
		fuzz_u64(s);
		break;
	case 1:
		fuzz_s64(s);
		break;
	case 2:
		fuzz_interval(s);
		break;
	case 3:
	case 4:
		fuzz_mask(s, nr);
		break;
	default:
		fuzz_cpu_list(s, nr);
		break;
	}
	free(s);
	return 0;
}
