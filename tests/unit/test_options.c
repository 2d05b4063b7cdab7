// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of the loader's command line: every option's parsing,
 * defaults, and the refusal of bad values before anything is touched.
 */
#include "loader.h"

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

/* parse() with its messages hidden. */
static int parse_quietly(struct flash_opts *o, ...)
{
	char *argv[16] = { "scx_flash" };
	int argc = 1, ret;
	va_list ap;

	va_start(ap, o);
	while (argc < 15 && (argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	quiet();
	ret = parse_opts(argc, argv, o);
	loud();
	return ret;
}

#define REJECTS(o, ...)	(parse_quietly(o, __VA_ARGS__, NULL) == 1)

static void test_parse_num(void)
{
	u64 v = 0, sv = 0;

	tap_ok(!parse_num("x", "700", 0, UINT64_MAX, &v) && v == 700,
	       "parse_num accepts 700");
	tap_ok(!parse_num("x", "18446744073709551615", 0, UINT64_MAX, &v) &&
	       v == UINT64_MAX, "parse_num accepts UINT64_MAX");
	quiet();
	tap_ok(parse_num("x", "18446744073709551616", 0, UINT64_MAX, &v) &&
	       parse_num("x", "-1", 0, UINT64_MAX, &v) &&
	       parse_num("x", "+1", 0, UINT64_MAX, &v) &&
	       parse_num("x", "12us", 0, UINT64_MAX, &v) &&
	       parse_num("x", "", 0, UINT64_MAX, &v) &&
	       parse_num("x", " 1", 0, UINT64_MAX, &v) &&
	       parse_num("x", "4294967296", 0, UINT32_MAX, &v),
	       "parse_num rejects overflow, signs, junk, blanks, > max");
	loud();

	tap_ok(!parse_num("x", "-32", INT32_MIN, INT32_MAX, &sv) && (s64)sv == -32,
	       "parse_num accepts -32 where min < 0");
	quiet();
	tap_ok(parse_num("x", "2147483648", INT32_MIN, INT32_MAX, &sv) &&
	       parse_num("x", "-2147483649", INT32_MIN, INT32_MAX, &sv) &&
	       parse_num("x", "-", INT32_MIN, INT32_MAX, &sv) &&
	       parse_num("x", "--1", INT32_MIN, INT32_MAX, &sv) &&
	       parse_num("x", "1e3", INT32_MIN, INT32_MAX, &sv),
	       "parse_num rejects out of range and junk");
	loud();
}

static void test_parse_interval(void)
{
	double d = 0;
	bool bad;

	tap_ok(!parse_interval("stats", "0.5", &d) && d == 0.5,
	       "parse_interval accepts 0.5");
	quiet();
	tap_ok(parse_interval("stats", "0", &d) &&
	       parse_interval("stats", "-2", &d) &&
	       parse_interval("stats", "inf", &d) &&
	       parse_interval("stats", "nan", &d) &&
	       parse_interval("stats", "1s", &d),
	       "parse_interval rejects 0, negative, inf, nan, junk");
	loud();

	tap_ok(!parse_interval("monitor", "86400", &d) && d == 86400,
	       "parse_interval accepts one day");
	quiet();
	bad = parse_interval("monitor", "86400.001", &d) &&
	      parse_interval("monitor", "1e19", &d);
	loud();
	tap_ok(bad, "parse_interval rejects more than a day (1e19 overflows time_t)");
}

static void test_defaults(void)
{
	struct flash_opts o;

	tap_ok(PARSE(&o, "-R") == -1 && o.rr_sched &&
	       o.slice_us == 700 && o.slice_us_lag == 20000 &&
	       o.throttle_us == 0 && o.idle_resume_us == 32 &&
	       !strcmp(o.primary_domain, "auto") && !o.exit_dump_len &&
	       !o.stats_interval && !o.monitor_interval && !o.tickless,
	       "defaults: 700 us slice, 20000 us lag, idle QoS 32 us, domain auto");
}

static void test_every_option(void)
{
	struct flash_opts o;

	tap_ok(PARSE(&o, "-s", "1000", "--slice-us-lag=5000", "-t", "50",
		     "-T", "--wakeup-throttle", "--slice-lag-scaling",
		     "-f", "--disable-numa", "--disable-smt", "-d", "-v") == -1 &&
	       o.slice_us == 1000 && o.slice_us_lag == 5000 &&
	       o.throttle_us == 50 && o.tickless && o.wakeup_throttle &&
	       o.slice_lag_scaling && o.cpufreq && o.disable_numa &&
	       o.disable_smt && o.debug && o.verbose,
	       "short and long options set their fields");
	tap_ok(PARSE(&o, "--exit-dump-len", "4096", "--stats", "2.5",
		     "--monitor=0.5") == -1 &&
	       o.exit_dump_len == 4096 && o.stats_interval == 2.5 &&
	       o.monitor_interval == 0.5,
	       "--exit-dump-len, --stats and --monitor");
	tap_ok(PARSE(&o, "-I", "-1") == -1 && o.idle_resume_us == -1,
	       "-I takes a negative value (disables the idle QoS)");
	tap_ok(PARSE(&o, "--idle-resume-us=0") == -1 && o.idle_resume_us == 0,
	       "--idle-resume-us=0");
	tap_ok(PARSE(&o, "-m", "performance") == -1 &&
	       !strcmp(o.primary_domain, "performance") &&
	       PARSE(&o, "--primary-domain", "0xF_0") == -1 &&
	       !strcmp(o.primary_domain, "0xF_0") &&
	       PARSE(&o, "-m", "ff") == -1 && PARSE(&o, "-m", "none") == -1,
	       "--primary-domain keywords and hex masks");
	tap_ok(PARSE(&o, "--relaxed-maps", "true", "--pin-root-path", "/",
		     "--kconfig", "/dev/null", "--btf-custom-path", "/dev/null",
		     "--bpf-token-path", "/") == -1 &&
	       !strcmp(o.relaxed_maps, "true") && !strcmp(o.kconfig_path,
							    "/dev/null"),
	       "libbpf options");
}

static void test_bad_input(void)
{
	struct flash_opts o;

	tap_ok(REJECTS(&o, "-s", "0"), "a zero slice is rejected");
	tap_ok(REJECTS(&o, "-l", "0"), "a zero lag is rejected");
	tap_ok(REJECTS(&o, "--slice-us=18446744073709552"),
	       "a slice that overflows in nanoseconds is rejected");
	tap_ok(REJECTS(&o, "-s", "-5"), "a negative slice is rejected");
	tap_ok(REJECTS(&o, "-t", "1ms"), "trailing junk is rejected");
	tap_ok(REJECTS(&o, "--exit-dump-len=4294967296"),
	       "--exit-dump-len above u32 is rejected");
	tap_ok(REJECTS(&o, "-I", "2147483648"),
	       "an idle QoS above s32 is rejected");
	tap_ok(REJECTS(&o, "--stats", "0") && REJECTS(&o, "--monitor", "-1"),
	       "non-positive intervals are rejected");
	tap_ok(REJECTS(&o, "-m", "fast") && REJECTS(&o, "-m", "0x") &&
	       REJECTS(&o, "-m", "0xg1") && REJECTS(&o, "-m", ""),
	       "bad primary domains are rejected");
	tap_ok(REJECTS(&o, "--relaxed-maps", "yes"),
	       "--relaxed-maps takes only true or false");
	tap_ok(REJECTS(&o, "--kconfig", "/nonexistent/kconfig"),
	       "a missing --kconfig file is rejected");
	tap_ok(REJECTS(&o, "--no-such-option"), "an unknown option is rejected");
	tap_ok(REJECTS(&o, "-s"), "a missing value is rejected");
	tap_ok(REJECTS(&o, "extra"), "a positional argument is rejected");
	tap_ok(REJECTS(&o, "-h", "-s", "0"),
	       "bad input wins over --help");
}

/*
 * A parse that stops inside a cluster of short options ("-xT" stops at
 * the unknown x) must not leave the rest of it to the next parse.
 */
static void test_parse_again(void)
{
	struct flash_opts o;

	tap_ok(REJECTS(&o, "-xT") && PARSE(&o, "-R") == -1 && o.rr_sched &&
	       !o.tickless,
	       "a second parse does not resume the first one's cluster");
}

static void test_early_exits(void)
{
	struct flash_opts o;

	tap_ok(parse_quietly(&o, "-h", NULL) == 0, "-h exits 0");
	tap_ok(parse_quietly(&o, "-V", NULL) == 0, "-V exits 0");
	tap_ok(parse_quietly(&o, "--help-stats", NULL) == 0,
	       "--help-stats exits 0");
	tap_ok(!strncmp(full_version(), "1.1.2 ", 6) &&
	       strstr(full_version(), "-unknown-linux-gnu"),
	       "version string: %s", full_version());
}

int main(void)
{
	tap_start();
	test_parse_num();
	test_parse_interval();
	test_defaults();
	test_every_option();
	test_bad_input();
	test_parse_again();
	test_early_exits();
	return tap_done();
}
