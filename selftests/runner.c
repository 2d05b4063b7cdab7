// SPDX-License-Identifier: GPL-2.0
/*
 * Selftest runner for scx_flash.
 *
 * Every test case is linked into this binary and registers itself from a
 * constructor.  The runner runs the selected cases one at a time, because
 * only one sched_ext scheduler can be loaded on a host, and reports them in
 * TAP version 13: a plan, one result line per case, everything else as
 * "# " comment lines, and a totals line at the end.
 *
 * Built with SCX_KSELFTEST (the Makefiles define it when a kernel tree's
 * kselftest.h is at hand), the plan, the results and the totals go through
 * the kselftest helpers, as in the rest of tools/testing/selftests.
 */
#include <libgen.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "scx_test.h"
#include "util.h"
#ifdef SCX_KSELFTEST
#include "kselftest.h"
#endif

static const char help_fmt[] =
"Run the scx_flash selftests and report them in TAP version 13.\n"
"\n"
"All test cases are built into this program and run one after another:\n"
"a host can only have one sched_ext scheduler loaded at a time.\n"
"\n"
"Usage: %s [-t TEST] [-s] [-l] [-q] [-h]\n"
"\n"
"  -t TEST   Run only the tests whose name contains TEST (repeatable)\n"
"  -s        Report the tests left out by -t as skipped\n"
"  -l        List the test names (those matching -t, if given) and exit\n"
"  -q        Do not print the test descriptions\n"
"  -h        Display this help and exit\n"
"\n"
"Environment:\n"
"  " SCX_SOAK_SECS_ENV "=N      Run soak_mixed_load for N s (default %d)\n"
"  " SCX_ATTACH_CYCLES_ENV "=N  Run N cycles in attach_cycles (default %d)\n"
"  " SCX_FLASH_BIN_ENV "        The loader to run (default: beside this program)\n"
"\n"
"A case that needs a tool this machine lacks (hackbench) is skipped, with\n"
"the reason on its result line.\n";

#define MAX_SCX_TESTS		256

struct run_totals {
	unsigned int pass;
	unsigned int fail;
	unsigned int skip;
};

static struct scx_test scx_tests[MAX_SCX_TESTS];
static unsigned int nr_scx_tests;
char scx_test_skip_reason[SCX_SKIP_REASON_LEN];

static volatile sig_atomic_t exit_req;
#define MAX_FILTERS		16

static const char *filters[MAX_FILTERS];
static unsigned int nr_filters;
static bool report_filtered;
static bool list_only;
static bool quiet;

static void stop_handler(int sig)
{
	exit_req = 1;
}

static int libbpf_print_fn(enum libbpf_print_level level,
			   const char *fmt, va_list args)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, args);
}

/* Whether @test matches one of the -t filters, or there is none. */
static bool test_selected(const struct scx_test *test)
{
	unsigned int i;

	for (i = 0; i < nr_filters; i++)
		if (strstr(test->name, filters[i]))
			return true;
	return !nr_filters;
}

static unsigned int nr_selected_tests(void)
{
	unsigned int i, nr = 0;

	for (i = 0; i < nr_scx_tests; i++)
		if (test_selected(&scx_tests[i]))
			nr++;
	return nr;
}

static void print_test_names(FILE *f, const char *indent, bool selected_only)
{
	unsigned int i;

	for (i = 0; i < nr_scx_tests; i++) {
		if (selected_only && !test_selected(&scx_tests[i]))
			continue;
		fprintf(f, "%s%s\n", indent, scx_tests[i].name);
	}
}

/*
 * Flush both streams: a case may fork, and a child must not inherit and
 * later print a copy of what is still buffered here.
 */
static void flush_output(void)
{
	fflush(stdout);
	fflush(stderr);
}

static void print_preamble(const struct scx_test *test)
{
	printf("# ===== START =====\n");
	printf("# TEST: %s\n", test->name);
	if (!quiet)
		printf("# DESCRIPTION: %s\n", test->description);
	printf("# OUTPUT:\n");
	flush_output();
}

#ifdef SCX_KSELFTEST
static void tap_header(unsigned int plan)
{
	ksft_print_header();
	ksft_set_plan(plan);
}

/* kselftest numbers the results itself, in the same order. */
static void tap_result(const struct scx_test *test, unsigned int nr,
		       enum scx_test_status status)
{
	switch (status) {
	case SCX_TEST_PASS:
		ksft_test_result_pass("%s\n", test->name);
		break;
	case SCX_TEST_SKIP:
		ksft_test_result_skip("%s%s%s\n", test->name,
				      scx_test_skip_reason[0] ? ": " : "",
				      scx_test_skip_reason);
		break;
	default:
		ksft_test_result_fail("%s\n", test->name);
		break;
	}
}

static int tap_finish(const struct run_totals *totals, bool completed)
{
	if (!completed)
		ksft_exit_fail_msg("Interrupted by a signal\n");
	ksft_finished();
}
#else
static void tap_header(unsigned int plan)
{
	printf("TAP version 13\n");
	printf("1..%u\n", plan);
}

static void tap_result(const struct scx_test *test, unsigned int nr,
		       enum scx_test_status status)
{
	switch (status) {
	case SCX_TEST_PASS:
		printf("ok %u %s\n", nr, test->name);
		break;
	case SCX_TEST_SKIP:
		if (scx_test_skip_reason[0])
			printf("ok %u %s # SKIP %s\n", nr, test->name,
			       scx_test_skip_reason);
		else
			printf("ok %u %s # SKIP\n", nr, test->name);
		break;
	default:
		printf("not ok %u %s\n", nr, test->name);
		break;
	}
}

static int tap_finish(const struct run_totals *totals, bool completed)
{
	if (!completed)
		printf("Bail out! Interrupted by a signal\n");
	printf("# Totals: pass:%u fail:%u skip:%u\n",
	       totals->pass, totals->fail, totals->skip);
	return (totals->fail || !completed) ? 1 : 0;
}
#endif

static void print_result(const struct scx_test *test, unsigned int nr,
			 enum scx_test_status status)
{
	flush_output();
	tap_result(test, nr, status);
	printf("# =====  END  =====\n");
	flush_output();
}

static enum scx_test_status run_test(const struct scx_test *test)
{
	enum scx_test_status status;
	void *ctx = NULL;

	scx_test_skip_reason[0] = '\0';

	if (test->setup) {
		status = test->setup(&ctx);
		if (status != SCX_TEST_PASS)
			return status;
	}

	status = test->run(ctx);

	if (test->cleanup)
		test->cleanup(ctx);

	return status;
}

static void account(struct run_totals *totals, enum scx_test_status status)
{
	switch (status) {
	case SCX_TEST_PASS:
		totals->pass++;
		break;
	case SCX_TEST_SKIP:
		totals->skip++;
		break;
	default:
		totals->fail++;
		break;
	}
}

static void report_filtered_out(const struct scx_test *test, unsigned int nr,
				struct run_totals *totals)
{
	print_preamble(test);
	snprintf(scx_test_skip_reason, sizeof(scx_test_skip_reason),
		 "does not match -t %s%s", filters[0],
		 nr_filters > 1 ? " ..." : "");
	print_result(test, nr, SCX_TEST_SKIP);
	account(totals, SCX_TEST_SKIP);
}

/* Run or report every test; false if a signal stopped it before the end. */
static bool run_all(struct run_totals *totals)
{
	unsigned int i, nr = 0;
	enum scx_test_status status;
	unsigned long long t0;

	for (i = 0; i < nr_scx_tests; i++) {
		const struct scx_test *test = &scx_tests[i];

		if (exit_req)
			return false;

		if (!test_selected(test)) {
			if (report_filtered)
				report_filtered_out(test, ++nr, totals);
			continue;
		}

		print_preamble(test);
		t0 = monotonic_ms();
		status = run_test(test);
		printf("# %s took %llu ms\n", test->name, monotonic_ms() - t0);
		print_result(test, ++nr, status);
		account(totals, status);
	}

	return true;
}

/* Returns -1 to go on, else the exit code main() should return. */
static int parse_args(int argc, char **argv)
{
	int opt;

	while ((opt = getopt(argc, argv, "t:slqh")) != -1) {
		switch (opt) {
		case 't':
			if (nr_filters == MAX_FILTERS) {
				fprintf(stderr, "At most %d -t options\n",
					MAX_FILTERS);
				return 1;
			}
			filters[nr_filters++] = optarg;
			break;
		case 's':
			report_filtered = true;
			break;
		case 'l':
			list_only = true;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			printf(help_fmt, basename(argv[0]), SCX_SOAK_SECS_DFL,
			       SCX_ATTACH_CYCLES_DFL);
			return 0;
		default:
			fprintf(stderr, help_fmt, basename(argv[0]),
				SCX_SOAK_SECS_DFL, SCX_ATTACH_CYCLES_DFL);
			return 1;
		}
	}

	if (optind < argc) {
		fprintf(stderr, "Unexpected argument '%s'; use -t to select tests\n",
			argv[optind]);
		return 1;
	}

	return -1;
}

int main(int argc, char **argv)
{
	struct run_totals totals = {};
	unsigned long long start, ms;
	unsigned int nr_planned;
	bool completed;
	int ret;

	ret = parse_args(argc, argv);
	if (ret >= 0)
		return ret;

	if (!nr_scx_tests) {
		fprintf(stderr, "No test case is built in\n");
		return 1;
	}

	if (nr_filters && !nr_selected_tests()) {
		fprintf(stderr, "No test matches '%s'%s. Available tests:\n",
			filters[0], nr_filters > 1 ? " or the others" : "");
		print_test_names(stderr, "  ", false);
		return 1;
	}

	if (list_only) {
		print_test_names(stdout, "", true);
		return 0;
	}

	/* Line buffering keeps our lines in order with the cases' stderr. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGINT, stop_handler);
	signal(SIGTERM, stop_handler);
	libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
	libbpf_set_print(libbpf_print_fn);

	nr_planned = report_filtered ? nr_scx_tests : nr_selected_tests();
	tap_header(nr_planned);

	/* What the timeout in settings must allow for. */
	start = monotonic_ms();
	completed = run_all(&totals);
	ms = monotonic_ms() - start;
	printf("# all tests took %llu.%llu s\n", ms / 1000, ms % 1000 / 100);
	return tap_finish(&totals, completed);
}

static bool test_valid(const struct scx_test *test)
{
	unsigned int i;

	if (!test || !test->name || !test->name[0]) {
		fprintf(stderr, "A test case has no name\n");
		return false;
	}
	if (!test->description) {
		fprintf(stderr, "Test %s has no description\n", test->name);
		return false;
	}
	if (!test->run) {
		fprintf(stderr, "Test %s has no run() callback\n", test->name);
		return false;
	}
	for (i = 0; i < nr_scx_tests; i++) {
		if (!strcmp(scx_tests[i].name, test->name)) {
			fprintf(stderr, "Test %s is registered twice\n",
				test->name);
			return false;
		}
	}
	return true;
}

void scx_test_register(struct scx_test *test)
{
	if (!test_valid(test))
		exit(1);

	if (nr_scx_tests >= MAX_SCX_TESTS) {
		fprintf(stderr, "More than %d test cases\n", MAX_SCX_TESTS);
		exit(1);
	}

	scx_tests[nr_scx_tests++] = *test;
}
