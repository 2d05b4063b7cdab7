// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness of the command line: parse_opts() on the input split
 * into arguments at NUL bytes, then the checks that follow it before the
 * kernel is looked at (the primary domain mask against a fake machine of
 * eight CPUs) and the conversion of the intervals for the sleeps.
 * A second parse of the same arguments must give the same result: the
 * first one may follow a parse that stopped half way.
 */
/* first: the loader defines _GNU_SOURCE before any system header */
#include "../unit/loader.h"
#include "fuzz.h"
#include "../unit/fake_sysfs.h"

#define FUZZ_MAX_ARGS	32
#define FUZZ_NR_CPUS	8

/* A machine of FUZZ_NR_CPUS CPUs for check_primary_mask(). */
int LLVMFuzzerInitialize(int *argc, char **argv[])
{
	int cpu;

	fuzz_silence();
	fake_begin();
	atexit(fake_end);
	for (cpu = 0; cpu < FUZZ_NR_CPUS; cpu++)
		fake_write("", CPU_PATH "/cpu%d/online", cpu);
	return 0;
}

static bool same_opts(const struct flash_opts *a, const struct flash_opts *b)
{
	return a->slice_us == b->slice_us &&
	       a->slice_us_lag == b->slice_us_lag &&
	       a->throttle_us == b->throttle_us &&
	       a->idle_resume_us == b->idle_resume_us &&
	       a->exit_dump_len == b->exit_dump_len &&
	       a->primary_domain == b->primary_domain &&
	       a->stats_interval == b->stats_interval &&
	       a->monitor_interval == b->monitor_interval &&
	       a->tickless == b->tickless && a->rr_sched == b->rr_sched &&
	       a->wakeup_throttle == b->wakeup_throttle &&
	       a->slice_lag_scaling == b->slice_lag_scaling &&
	       a->cpufreq == b->cpufreq && a->disable_smt == b->disable_smt &&
	       a->disable_numa == b->disable_numa && a->debug == b->debug &&
	       a->verbose == b->verbose && a->version == b->version &&
	       a->help == b->help && a->help_stats == b->help_stats &&
	       a->relaxed_maps == b->relaxed_maps &&
	       a->pin_root_path == b->pin_root_path &&
	       a->kconfig_path == b->kconfig_path &&
	       a->btf_custom_path == b->btf_custom_path &&
	       a->bpf_token_path == b->bpf_token_path;
}

static void check_interval(double secs)
{
	struct timespec ts;

	if (!secs)
		return;
	fuzz_check(secs > 0 && secs <= MAX_INTERVAL_SECS, "%g s", secs);
	ts = secs_to_timespec(secs);
	fuzz_check(ts.tv_sec >= 0 && ts.tv_nsec >= 0 &&
		   ts.tv_nsec < 1000000000, "%g s", secs);
}

/* The highest CPU of a hex mask, -1 if none; the mask is well-formed. */
static int highest_cpu(const char *mask)
{
	int bit = -1, v;

	if (!strncasecmp(mask, "0x", 2))
		mask += 2;
	for (; *mask; mask++) {
		if (*mask == '_')
			continue;
		v = isdigit(*mask) ? *mask - '0' : tolower(*mask) - 'a' + 10;
		bit = bit >= 0 ? bit + 4 : v ? 31 - __builtin_clz(v) : -1;
	}
	return bit;
}

/* What must hold of options that parse_opts() let through. */
static void check_opts(const struct flash_opts *o)
{
	const char *d = o->primary_domain;
	int ret;

	fuzz_check(o->slice_us && o->slice_us <= UINT64_MAX / NSEC_PER_USEC &&
		   o->slice_us_lag &&
		   o->slice_us_lag <= UINT64_MAX / NSEC_PER_USEC &&
		   o->throttle_us <= UINT64_MAX / NSEC_PER_USEC, "durations");
	fuzz_check(o->idle_resume_us >= INT32_MIN &&
		   o->idle_resume_us <= INT32_MAX, "%" PRId64,
		   o->idle_resume_us);
	fuzz_check(!o->relaxed_maps || !strcmp(o->relaxed_maps, "true") ||
		   !strcmp(o->relaxed_maps, "false"), "%s", o->relaxed_maps);
	check_interval(o->stats_interval);
	check_interval(o->monitor_interval);

	fuzz_check(is_domain_keyword(d) || scx_flash_is_hex_mask(d), "'%s'", d);
	ret = check_primary_mask(d);
	if (!is_domain_keyword(d))
		fuzz_check(!ret == (highest_cpu(d) < FUZZ_NR_CPUS),
			   "'%s' on %d CPUs: %d", d, FUZZ_NR_CPUS, ret);
	else
		fuzz_check(!ret, "'%s': %d", d, ret);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	char *argv[FUZZ_MAX_ARGS + 1] = { "scx_flash" }, *again[FUZZ_MAX_ARGS + 1];
	char *args = fuzz_string(data, size), *p = args;
	struct flash_opts o, o2;
	int argc = 1, ret, ret2;

	while (p < args + size && argc < FUZZ_MAX_ARGS) {
		argv[argc++] = p;
		p += strlen(p) + 1;
	}
	argv[argc] = NULL;
	memcpy(again, argv, sizeof(again));

	ret = parse_opts(argc, argv, &o);
	fuzz_check(ret == -1 || ret == 0 || ret == 1, "%d", ret);
	if (ret == -1)
		check_opts(&o);

	ret2 = parse_opts(argc, again, &o2);
	fuzz_check(ret2 == ret, "parsed as %d, then as %d", ret, ret2);
	fuzz_check(ret != -1 || same_opts(&o, &o2), "parsed twice, differs");
	free(args);
	return 0;
}
