// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of the loader's option and topology parsing.  The loader
 * is one file by design, so the tests include it whole and call its static
 * functions; its main() is renamed out of the way.
 */
#define main scx_flash_main
int scx_flash_main(int argc, char **argv);
#include "scx_flash.c"
#undef main

#include <fcntl.h>
#include "tap.h"

#define PARSE(o, ...)	parse(o, __VA_ARGS__, NULL)

/* Run parse_opts() on "scx_flash" and a NULL-terminated argument list. */
static int parse(struct flash_opts *o, ...)
{
	char *argv[16] = { "scx_flash" };
	int argc = 1;
	va_list ap;

	va_start(ap, o);
	while (argc < 15 && (argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	return parse_opts(argc, argv, o);
}

/* Silence stdout and stderr around a call that prints help or errors. */
static int quiet_fd[2];

static void quiet(void)
{
	int null = open("/dev/null", O_WRONLY);

	fflush(stdout);
	fflush(stderr);
	quiet_fd[0] = dup(1);
	quiet_fd[1] = dup(2);
	dup2(null, 1);
	dup2(null, 2);
	close(null);
}

static void loud(void)
{
	fflush(stdout);
	fflush(stderr);
	dup2(quiet_fd[0], 1);
	dup2(quiet_fd[1], 2);
	close(quiet_fd[0]);
	close(quiet_fd[1]);
}

static void test_parse_u64(void)
{
	u64 v = 0;
	int ret;

	tap_ok(!parse_u64("x", "700", UINT64_MAX, &v) && v == 700,
	       "parse_u64 accepts 700");
	tap_ok(!parse_u64("x", "18446744073709551615", UINT64_MAX, &v) &&
	       v == UINT64_MAX, "parse_u64 accepts UINT64_MAX");

	quiet();
	ret = parse_u64("x", "18446744073709551616", UINT64_MAX, &v);
	loud();
	tap_ok(ret == -EINVAL, "parse_u64 rejects overflow");

	quiet();
	ret = parse_u64("x", "-1", UINT64_MAX, &v);
	loud();
	tap_ok(ret == -EINVAL, "parse_u64 rejects a sign");

	quiet();
	ret = parse_u64("x", "+1", UINT64_MAX, &v);
	loud();
	tap_ok(ret == -EINVAL, "parse_u64 rejects a plus sign");

	quiet();
	ret = parse_u64("x", "12us", UINT64_MAX, &v);
	loud();
	tap_ok(ret == -EINVAL, "parse_u64 rejects trailing junk");

	quiet();
	ret = parse_u64("x", "", UINT64_MAX, &v);
	loud();
	tap_ok(ret == -EINVAL, "parse_u64 rejects an empty string");

	quiet();
	ret = parse_u64("x", "4294967296", UINT32_MAX, &v);
	loud();
	tap_ok(ret == -EINVAL, "parse_u64 rejects a value above its maximum");
}

static void test_parse_interval(void)
{
	double v = 0;
	int ret;

	tap_ok(!parse_interval("stats", "0.5", &v) && v == 0.5,
	       "parse_interval accepts 0.5");

	quiet();
	ret = parse_interval("stats", "0", &v);
	loud();
	tap_ok(ret == -EINVAL, "parse_interval rejects 0");

	quiet();
	ret = parse_interval("stats", "-2", &v);
	loud();
	tap_ok(ret == -EINVAL, "parse_interval rejects a negative interval");

	quiet();
	ret = parse_interval("stats", "inf", &v);
	loud();
	tap_ok(ret == -EINVAL, "parse_interval rejects infinity");

	quiet();
	ret = parse_interval("stats", "1s", &v);
	loud();
	tap_ok(ret == -EINVAL, "parse_interval rejects trailing junk");
}

static void test_parse_opts(void)
{
	struct flash_opts o;
	int ret;

	tap_ok(PARSE(&o, "-R") == -1 && o.rr_sched &&
	       o.slice_us == FLASH_SLICE_US_DFL &&
	       o.slice_us_lag == FLASH_SLICE_US_LAG_DFL,
	       "defaults: 700 us slice, 20000 us lag");
	tap_ok(PARSE(&o, "-s", "1000", "--slice-us-lag=5000",
		     "--disable-numa", "--disable-smt") == -1 &&
	       o.slice_us == 1000 && o.slice_us_lag == 5000 &&
	       o.disable_numa && o.disable_smt,
	       "short and long options set their fields");
	tap_ok(PARSE(&o, "--exit-dump-len", "4096", "--stats", "2.5") == -1 &&
	       o.exit_dump_len == 4096 && o.stats_interval == 2.5,
	       "--exit-dump-len and --stats");

	quiet();
	ret = PARSE(&o, "-s", "0");
	loud();
	tap_ok(ret == 1, "a zero slice is rejected");

	quiet();
	ret = PARSE(&o, "--slice-us=18446744073709552");
	loud();
	tap_ok(ret == 1, "a slice that overflows in nanoseconds is rejected");

	quiet();
	ret = PARSE(&o, "--exit-dump-len=4294967296");
	loud();
	tap_ok(ret == 1, "--exit-dump-len above u32 is rejected");

	quiet();
	ret = PARSE(&o, "--no-such-option");
	loud();
	tap_ok(ret == 1, "an unknown option is rejected");

	quiet();
	ret = PARSE(&o, "extra");
	loud();
	tap_ok(ret == 1, "a positional argument is rejected");

	quiet();
	ret = PARSE(&o, "-h");
	loud();
	tap_ok(ret == 0, "-h exits 0");

	quiet();
	ret = PARSE(&o, "-V");
	loud();
	tap_ok(ret == 0, "-V exits 0");
}

static void test_parse_cpu_list(void)
{
	int cpus[8];

	tap_ok(parse_cpu_list("0-3,6", cpus, 8) == 5 && cpus[0] == 0 &&
	       cpus[3] == 3 && cpus[4] == 6, "cpu list 0-3,6");
	tap_ok(parse_cpu_list("5", cpus, 8) == 1 && cpus[0] == 5,
	       "cpu list with one CPU");
	tap_ok(parse_cpu_list("3-1", cpus, 8) == -EINVAL,
	       "a descending range is rejected");
	tap_ok(parse_cpu_list("0-9", cpus, 8) == -EINVAL,
	       "a list longer than the buffer is rejected");
	tap_ok(parse_cpu_list("1,x", cpus, 8) == -EINVAL,
	       "junk in a cpu list is rejected");
}

int main(void)
{
	tap_start();
	test_parse_u64();
	test_parse_interval();
	test_parse_opts();
	test_parse_cpu_list();
	return tap_done();
}
