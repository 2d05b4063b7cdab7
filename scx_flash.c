// SPDX-License-Identifier: GPL-2.0
/*
 * Loader of the scx_flash scheduler: checks every option before it touches
 * the system, reads the CPU topology from sysfs, programs the scheduler
 * with it (SMT siblings, NUMA, the primary domain from the power profile,
 * the cpufreq level), sets the CPUs' idle resume latency, attaches and
 * serves statistics on a UNIX socket in the scx_stats protocol until it is
 * stopped.  It loads the scheduler again when the kernel asks (CPU
 * hotplug) or the power profile changes under --primary-domain=auto.
 *
 * The machine's description comes from scx_flash_topo.c, the statistics
 * protocol from scx_flash_stats.c: this file is the scheduler's lifecycle.
 *
 * Copyright (c) 2026 The scx_flash authors
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <getopt.h>
#include <inttypes.h>
#include <libgen.h>
#include <math.h>
#include <signal.h>
#include <sysexits.h>
#include <time.h>
#include <sys/utsname.h>
#include <bpf/bpf.h>
#include <scx/common.h>
#include "scx_flash.h"
#include "scx_flash.bpf.skel.h"
#include "scx_flash_topo.h"
#include "scx_flash_stats.h"

#define SCX_FLASH_VERSION	"1.1.2"
#define SCHED_EXT_SYSFS		"/sys/kernel/sched_ext"
#define STATS_SOCK_PATH		"/var/run/scx/root/stats"

/* The upstream loader's log lines: "HH:MM:SS [LEVEL] message" on stderr. */
static void log_msg(const char *level, const char *fmt, ...)
{
	time_t now = time(NULL);
	char stamp[16];
	va_list args;

	strftime(stamp, sizeof(stamp), "%H:%M:%S", localtime(&now));
	fprintf(stderr, "%s [%s] ", stamp, level);
	va_start(args, fmt);
	vfprintf(stderr, fmt, args);
	va_end(args);
	fputc('\n', stderr);
}

#define info(fmt, ...)	log_msg("INFO", fmt, ##__VA_ARGS__)
#define warn(fmt, ...)	log_msg("WARN", fmt, ##__VA_ARGS__)

/* "scx_flash: <why>" and exit 1, as SCX_BUG() does: atexit() puts the idle QoS back. */
#define die(fmt, ...)								\
do {										\
	fprintf(stderr, "scx_flash: " fmt "\n", ##__VA_ARGS__);		\
	exit(1);								\
} while (0)

/* "1.1.2 x86_64-unknown-linux-gnu", as the upstream loader prints it. */
static const char *full_version(void)
{
	static char buf[96];
	const char *machine = "unknown";
	struct utsname u;

	if (buf[0])
		return buf;
	if (!uname(&u))
		machine = u.machine;
	snprintf(buf, sizeof(buf), "%s %s-unknown-linux-gnu", SCX_FLASH_VERSION, machine);
	return buf;
}

struct flash_opts {
	u64 slice_us, slice_us_lag, throttle_us;
	s64 idle_resume_us;		/* < 0: leave the idle QoS alone */
	u32 exit_dump_len;
	const char *primary_domain;
	double stats_interval;		/* seconds, 0 = no statistics */
	double monitor_interval;	/* seconds, 0 = run the scheduler */
	bool tickless, rr_sched, wakeup_throttle, slice_lag_scaling, cpufreq;
	bool disable_smt, disable_numa, debug, verbose;
	bool version, help, help_stats;
	/* libbpf object options; relaxed_maps is "true" or "false" */
	const char *relaxed_maps, *pin_root_path, *kconfig_path;
	const char *btf_custom_path, *bpf_token_path;
};

static const char help_fmt[] =
"A deadline-based sched_ext scheduler focused on fairness and performance\n"
"predictability.  A task's deadline is its virtual runtime plus the CPU\n"
"time it used since it last slept; see scx_flash.bpf.c for the policy.\n"
"\n"
"Usage: %s [OPTIONS]\n"
"\n"
"  -s, --slice-us=US          Maximum scheduling slice (default: 700, at\n"
"                             most 100000)\n"
"  -l, --slice-us-lag=US      Maximum sleep credit of a task, scaled by how\n"
"                             often it wakes up (default: 20000, at most\n"
"                             1000000)\n"
"  -t, --throttle-us=US       Idle injection: keep each CPU idle for US after\n"
"                             every slice, to save power (default: 0 = off;\n"
"                             at most 1000000 and a fifth of the watchdog\n"
"                             timeout)\n"
"  -I, --idle-resume-us=US    Limit the CPUs' idle exit latency to US while\n"
"                             running (0 = no limit, negative = leave it\n"
"                             alone; default: 32)\n"
"  -T, --tickless             Infinite slices: preempt only when tasks wait\n"
"  -R, --rr-sched             Round-robin: fixed slices, tasks run in turn\n"
"      --wakeup-throttle      Push back tasks that wake up very often only\n"
"                             to run a few microseconds\n"
"      --slice-lag-scaling    Scale the sleep credit by the user-mode CPU\n"
"                             utilisation, sampled every second\n"
"  -m, --primary-domain=DOMAIN\n"
"                             CPUs tried first for idle selection: auto (from\n"
"                             the power profile), turbo, performance,\n"
"                             powersave, all, none or a hex CPU mask such as\n"
"                             0xf0 (default: auto)\n"
"      --disable-smt          Ignore SMT: treat sibling threads as cores\n"
"      --disable-numa         Ignore NUMA: one shared queue for all CPUs\n"
"  -f, --cpufreq              Drive each CPU's frequency from its load\n"
"                             (default: highest frequency)\n"
"      --exit-dump-len=LEN    Exit debug dump buffer length (default: 0 =\n"
"                             32768)\n"
"      --stats=SECS           Print statistics every SECS seconds\n"
"      --monitor=SECS         Run no scheduler: print the running\n"
"                             scx_flash's statistics every SECS seconds\n"
"      --help-stats           Describe the statistics and exit\n"
"  -d, --debug                Trace decisions to the kernel trace buffer\n"
"  -v, --verbose              Print libbpf's debug messages\n"
"  -V, --version              Print the version and exit\n"
"  -h, --help                 Print this help and exit\n"
"      --relaxed-maps=BOOL    libbpf: parse map definitions non-strictly\n"
"                             (true or false)\n"
"      --pin-root-path=DIR    libbpf: directory of pinned maps\n"
"      --kconfig=FILE         libbpf: CONFIG_* values overriding the kernel's\n"
"      --btf-custom-path=FILE libbpf: BTF for CO-RE instead of the kernel's\n"
"      --bpf-token-path=DIR   libbpf: BPF file system to take a token from\n"
"\n"
"Environment: SCX_TIMEOUT_MS overrides the watchdog timeout (5000 ms, >= 500);\n"
"SCX_SYSFS_PREFIX is put in front of the sysfs paths it reads (tests).\n"
"Statistics are served on " STATS_SOCK_PATH " (scx_stats protocol).\n"
"Exit status: 0 once stopped by a signal, 69 (EX_UNAVAILABLE) on a kernel\n"
"without sched_ext, 1 on any other failure.\n";

/* getopt_long() values of the options without a short form */
enum {
	OPT_WAKEUP_THROTTLE = 256, OPT_SLICE_LAG_SCALING, OPT_DISABLE_SMT,
	OPT_DISABLE_NUMA, OPT_EXIT_DUMP_LEN, OPT_STATS, OPT_MONITOR,
	OPT_HELP_STATS, OPT_RELAXED_MAPS, OPT_PIN_ROOT_PATH, OPT_KCONFIG,
	OPT_BTF_CUSTOM_PATH, OPT_BPF_TOKEN_PATH,
};

static const struct option long_opts[] = {
	{ "slice-us", 1, NULL, 's' },		{ "slice-us-lag", 1, NULL, 'l' },
	{ "throttle-us", 1, NULL, 't' },	{ "idle-resume-us", 1, NULL, 'I' },
	{ "tickless", 0, NULL, 'T' },		{ "rr-sched", 0, NULL, 'R' },
	{ "wakeup-throttle", 0, NULL, OPT_WAKEUP_THROTTLE },
	{ "slice-lag-scaling", 0, NULL, OPT_SLICE_LAG_SCALING },
	{ "primary-domain", 1, NULL, 'm' },	{ "cpufreq", 0, NULL, 'f' },
	{ "disable-smt", 0, NULL, OPT_DISABLE_SMT },
	{ "disable-numa", 0, NULL, OPT_DISABLE_NUMA },
	{ "exit-dump-len", 1, NULL, OPT_EXIT_DUMP_LEN },
	{ "stats", 1, NULL, OPT_STATS },	{ "monitor", 1, NULL, OPT_MONITOR },
	{ "help-stats", 0, NULL, OPT_HELP_STATS },
	{ "debug", 0, NULL, 'd' },		{ "verbose", 0, NULL, 'v' },
	{ "version", 0, NULL, 'V' },		{ "help", 0, NULL, 'h' },
	{ "relaxed-maps", 1, NULL, OPT_RELAXED_MAPS },
	{ "pin-root-path", 1, NULL, OPT_PIN_ROOT_PATH },
	{ "kconfig", 1, NULL, OPT_KCONFIG },
	{ "btf-custom-path", 1, NULL, OPT_BTF_CUSTOM_PATH },
	{ "bpf-token-path", 1, NULL, OPT_BPF_TOKEN_PATH },
	{}
};

/* The statistics, in the alphabetical order of their names. */
enum stat_id {
	STAT_NR_CPUS, STAT_NR_DIRECT_DISPATCHES, STAT_NR_KTHREAD_DISPATCHES,
	STAT_NR_RUNNING, STAT_NR_SHARED_DISPATCHES, NR_STATS,
};

static const struct scx_flash_stats_field stat_meta[NR_STATS] = {
	{ "nr_cpus", "Number of online CPUs" },
	{ "nr_direct_dispatches", "Number of task direct dispatches", true },
	{ "nr_kthread_dispatches", "Number of kthread direct dispatches", true },
	{ "nr_running", "Number of running tasks" },
	{ "nr_shared_dispatches", "Number of regular task dispatches", true },
};

static void print_help_stats(void)
{
	int i;

	printf("[Metrics]\n");
	for (i = 0; i < NR_STATS; i++)
		printf("  %-21s %-5s : %s\n", stat_meta[i].name, "(u64)", stat_meta[i].desc);
}

/* The one message of every value refused: "invalid value 'V' for --OPT: why". */
static int bad_value(const char *opt, const char *str, const char *why)
{
	fprintf(stderr, "scx_flash: invalid value '%s' for --%s: %s\n", str, opt, why);
	return -EINVAL;
}

/* A decimal number in [@min, @max]: digits, after a '-' only if @min < 0. */
static int parse_num(const char *opt, const char *str, s64 min, u64 max, u64 *val)
{
	bool sign = min < 0, range = true;
	char *end = (char *)str;
	u64 v = 0;

	errno = 0;
	if (sign && isdigit((unsigned char)str[*str == '-'])) {
		v = (u64)strtoll(str, &end, 10);
		range = (s64)v >= min && (s64)v <= (s64)max;
	} else if (isdigit((unsigned char)*str)) {
		v = strtoull(str, &end, 10);
		range = v <= max;
	}
	if (end == str || *end)
		return bad_value(opt, str, sign ? "not a number" : "not an unsigned number");
	if (errno == ERANGE || !range)
		return bad_value(opt, str, sign ? "out of range" : "too large");
	*val = v;
	return 0;
}

/* Microseconds, at most @max: scx_flash.h says why each limit. */
static int parse_usec(const char *opt, const char *str, u64 max, bool nonzero, u64 *val)
{
	char why[48];
	u64 v;

	if (parse_num(opt, str, 0, UINT64_MAX, &v))
		return -EINVAL;
	snprintf(why, sizeof(why), "above the limit of %llu us", (unsigned long long)max);
	if (nonzero && !v)
		return bad_value(opt, str, "must be greater than 0");
	if (v > max)
		return bad_value(opt, str, why);
	*val = v;
	return 0;
}

/* One day: far beyond any use, far below what the sleep's time_t holds. */
#define MAX_INTERVAL_SECS	86400

static int parse_interval(const char *opt, const char *str, double *val)
{
	char *end;

	errno = 0;
	*val = strtod(str, &end);
	if (end == str || *end || errno || !isfinite(*val) || *val <= 0)
		return bad_value(opt, str, "not a positive number of seconds");
	if (*val > MAX_INTERVAL_SECS)
		return bad_value(opt, str, "more than 86400 seconds (one day)");
	return 0;
}

/* The libbpf options name a file or directory that must be readable. */
static int parse_path(const char *opt, const char *str, const char **val)
{
	*val = str;
	if (access(str, R_OK))
		return bad_value(opt, str, strerror(errno));
	return 0;
}

/* The --primary-domain keywords: the capacity classes, "auto" and "none". */
static bool is_domain_keyword(const char *str)
{
	return scx_flash_is_class(str) || !strcmp(str, "auto") || !strcmp(str, "none");
}

/* The field a flag option @c sets, NULL if @c takes a value. */
static bool *flag_of(int c, struct flash_opts *o)
{
	switch (c) {
	case 'T': return &o->tickless;
	case 'R': return &o->rr_sched;
	case 'f': return &o->cpufreq;
	case 'd': return &o->debug;
	case 'v': return &o->verbose;
	case 'V': return &o->version;
	case 'h': return &o->help;
	case OPT_WAKEUP_THROTTLE: return &o->wakeup_throttle;
	case OPT_SLICE_LAG_SCALING: return &o->slice_lag_scaling;
	case OPT_DISABLE_SMT: return &o->disable_smt;
	case OPT_DISABLE_NUMA: return &o->disable_numa;
	case OPT_HELP_STATS: return &o->help_stats;
	}
	return NULL;
}

/* The options whose value is a string that is checked, or a path. */
static int parse_str_opt(int c, const char *arg, struct flash_opts *o)
{
	switch (c) {
	case 'm':
		/* a mask's CPUs are checked once they are counted */
		o->primary_domain = arg;
		if (is_domain_keyword(arg) || scx_flash_is_hex_mask(arg))
			return 0;
		return bad_value("primary-domain", arg,
				 "expected auto, turbo, performance, powersave, all, none or a hex CPU mask");
	case OPT_RELAXED_MAPS:
		o->relaxed_maps = arg;
		if (strcmp(arg, "true") && strcmp(arg, "false"))
			return bad_value("relaxed-maps", arg, "expected true or false");
		return 0;
	case OPT_PIN_ROOT_PATH:
		return parse_path("pin-root-path", arg, &o->pin_root_path);
	case OPT_KCONFIG:
		return parse_path("kconfig", arg, &o->kconfig_path);
	case OPT_BTF_CUSTOM_PATH:
		return parse_path("btf-custom-path", arg, &o->btf_custom_path);
	case OPT_BPF_TOKEN_PATH:
		return parse_path("bpf-token-path", arg, &o->bpf_token_path);
	}
	return -EINVAL;		/* getopt_long() said what is wrong */
}

/* Store the value @arg of option @c in @o; -EINVAL, said why, if bad. */
static int parse_opt(int c, const char *arg, struct flash_opts *o)
{
	u64 v;

	switch (c) {
	case 's':
		return parse_usec("slice-us", arg, FLASH_SLICE_US_MAX, true, &o->slice_us);
	case 'l':
		return parse_usec("slice-us-lag", arg, FLASH_SLICE_US_LAG_MAX, true,
				  &o->slice_us_lag);
	case 't':
		return parse_usec("throttle-us", arg, FLASH_THROTTLE_US_MAX, false,
				  &o->throttle_us);
	case 'I':
		return parse_num("idle-resume-us", arg, INT32_MIN, INT32_MAX,
				 (u64 *)&o->idle_resume_us);
	case OPT_EXIT_DUMP_LEN:
		if (parse_num("exit-dump-len", arg, 0, UINT32_MAX, &v))
			return -EINVAL;
		o->exit_dump_len = v;
		return 0;
	case OPT_STATS:
		return parse_interval("stats", arg, &o->stats_interval);
	case OPT_MONITOR:
		return parse_interval("monitor", arg, &o->monitor_interval);
	}
	return parse_str_opt(c, arg, o);
}

/* Parse into @o: -1 to go on, else the exit status (help, version, bad input). */
static int parse_opts(int argc, char **argv, struct flash_opts *o)
{
	const char *prog = basename(argv[0]);
	bool *flag;
	int c;

	*o = (struct flash_opts) {
		.slice_us = FLASH_SLICE_US_DFL, .slice_us_lag = FLASH_SLICE_US_LAG_DFL,
		.idle_resume_us = FLASH_IDLE_RESUME_US_DFL, .primary_domain = "auto",
	};
	/* 0, not 1: glibc then forgets a cluster an earlier parse left half read */
	optind = 0;
	while ((c = getopt_long(argc, argv, "s:l:t:I:TRm:fdvVh", long_opts, NULL)) != -1) {
		flag = flag_of(c, o);
		if (flag) {
			*flag = true;
		} else if (parse_opt(c, optarg, o)) {
			if (c == '?')
				fprintf(stderr, "Try '%s --help' for more information.\n", prog);
			return 1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "scx_flash: unexpected argument '%s'\n", argv[optind]);
		return 1;
	}
	if (o->help)
		printf(help_fmt, prog);
	else if (o->version)
		printf("scx_flash %s\n", full_version());
	else if (o->help_stats)
		print_help_stats();
	else
		return -1;
	return 0;
}

/* Parse the hex mask @domain into @m, or say which CPU it names that @m lacks. */
static int parse_primary_mask(const char *domain, struct scx_flash_mask *m)
{
	char why[64];
	int ret, cpu;

	ret = scx_flash_mask_parse(domain, m, &cpu);
	if (ret != -ERANGE)
		return ret;
	snprintf(why, sizeof(why), "CPU %d does not exist (CPUs 0-%d)", cpu, m->nr - 1);
	return bad_value("primary-domain", domain, why);
}

/* A mask may only name CPUs this machine has: checked before the kernel is. */
static int check_primary_mask(const char *domain)
{
	struct scx_flash_mask m;
	char why[PATH_MAX + 64];
	int nr;

	if (is_domain_keyword(domain))
		return 0;
	nr = scx_flash_nr_cpu_ids(why, sizeof(why));
	if (nr < 0) {
		fprintf(stderr, "scx_flash: %s\n", why);
		return nr;
	}
	scx_flash_mask_init(&m, nr);
	return parse_primary_mask(domain, &m);
}

/* A keyword names a class of CPUs, "auto" the one @profile suits, else a mask. */
static int resolve_primary_domain(const char *domain, const struct scx_flash_topo *t,
				  enum scx_flash_profile profile, struct scx_flash_mask *m)
{
	const char *class = domain;

	if (!strcmp(domain, "auto")) {
		class = "all";
		if (profile == SCX_FLASH_PROFILE_POWERSAVE ||
		    profile == SCX_FLASH_PROFILE_BALANCED_POWER)
			class = "powersave";
	}
	if (scx_flash_topo_class_cpus(t, class, m) >= 0)
		return 0;
	return parse_primary_mask(domain, m);
}

/* The topology whose QoS snapshot must be put back, if any. */
static const struct scx_flash_topo *qos_changed;

/* Put back every online CPU's idle resume latency as it was at start. */
static void restore_idle_qos(void)
{
	const struct scx_flash_topo *t = qos_changed;
	int cpu;

	qos_changed = NULL;
	for (cpu = 0; t && cpu < t->nr_cpu_ids; cpu++)
		if (scx_flash_idle_qos_restore(t, cpu))
			warn("cannot restore the idle QoS of CPU %d to %s", cpu, t->cpus[cpu].qos);
}

/*
 * Limit every online CPU's idle exit latency to @us.  From here on, every
 * way out (exit(), SCX_BUG(), signals through the main loop) puts it back.
 */
static int set_idle_qos(const struct scx_flash_topo *t, s64 us)
{
	int cpu, ret;

	if (us < 0)
		return 0;
	if (!scx_flash_idle_qos_supported()) {
		warn("idle resume latency not supported");
		return 0;
	}
	info("Setting idle QoS to %" PRId64 " us", us);
	qos_changed = t;
	ret = scx_flash_idle_qos_set(t, us, &cpu);
	if (ret) {
		fprintf(stderr, "scx_flash: cannot set the idle QoS of CPU %d: %s\n", cpu,
			strerror(-ret));
		restore_idle_qos();
	}
	return ret;
}

static bool verbose;
static volatile sig_atomic_t exit_req;

static int libbpf_print_fn(enum libbpf_print_level level, const char *format, va_list args)
{
	if (level == LIBBPF_DEBUG && !verbose)
		return 0;
	return vfprintf(stderr, format, args);
}

static void request_exit(int sig)
{
	exit_req = 1;
}

/*
 * The libbpf options of the command line.  SCX_OPS_OPEN() opens the skeleton
 * without options; rather than copy what else it does (the dump() check,
 * hotplug_seq, the enums, the ops the kernel lacks), its call goes to the
 * variant that takes them.
 */
static struct bpf_object_open_opts open_opts = { .sz = sizeof(open_opts) };
#define scx_flash__open()	scx_flash__open_opts(&open_opts)

static void set_open_opts(const struct flash_opts *o)
{
	static char *kconfig;
	size_t size;
	FILE *f;

	open_opts.relaxed_maps = o->relaxed_maps && !strcmp(o->relaxed_maps, "true");
	open_opts.pin_root_path = o->pin_root_path;
	open_opts.btf_custom_path = o->btf_custom_path;
	open_opts.bpf_token_path = o->bpf_token_path;
	if (!o->kconfig_path)
		return;
	f = fopen(o->kconfig_path, "r");
	if (!f || getdelim(&kconfig, &size, '\0', f) < 0)
		die("cannot read --kconfig file '%s'", o->kconfig_path);
	fclose(f);
	open_opts.kconfig = kconfig;
}

/*
 * SCX_TIMEOUT_MS, checked before anything is changed; 0 when unset.  At least
 * FLASH_TIMEOUT_MS_MIN, and five times the idle injection's --throttle-us.
 */
static u32 timeout_from_env(const struct flash_opts *o)
{
	const char *env = getenv("SCX_TIMEOUT_MS");
	u64 v = FLASH_TIMEOUT_MS_DFL;
	char val[24], why[80];

	if (env && (parse_num("SCX_TIMEOUT_MS", env, 0, UINT32_MAX, &v) ||
		    v < FLASH_TIMEOUT_MS_MIN))
		die("SCX_TIMEOUT_MS has invalid value '%s' (min %llu)", env, FLASH_TIMEOUT_MS_MIN);
	if (o->throttle_us * 5 > v * 1000) {
		snprintf(val, sizeof(val), "%llu", (unsigned long long)o->throttle_us);
		snprintf(why, sizeof(why), "above a fifth of the %llu ms watchdog timeout",
			 (unsigned long long)v);
		bad_value("throttle-us", val, why);
		exit(1);
	}
	return env ? v : 0;
}

/*
 * Append "_<version>_<machine>" to the ops name, as the upstream loader does,
 * with every character the kernel refuses in a name turned into '_'.  The
 * skeleton does not name ops.name, a char array (bpftool leaves it as
 * __unsupported_N): it is found through the object's BTF.
 */
static void set_ops_name(struct scx_flash *skel)
{
	const struct btf *btf = bpf_object__btf(skel->obj);
	int id = btf__find_by_name_kind(btf, "sched_ext_ops", BTF_KIND_STRUCT);
	const struct btf_type *t = btf__type_by_id(btf, id);
	const struct btf_member *m = btf_members(t);
	char *name, *p;
	size_t size;

	while (strcmp(btf__name_by_offset(btf, m->name_off), "name"))
		m++;
	name = (char *)bpf_map__initial_value(skel->maps.flash_ops, &size) +
	       btf_member_bit_offset(t, m - btf_members(t)) / 8;
	size = btf__resolve_size(btf, m->type);
	p = name + strnlen(name, size);
	snprintf(p, name + size - p, "_%s", full_version());
	for (; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '.')
			*p = '_';
}

/* Everything the scheduler needs to know before it is loaded. */
struct sched_setup {
	const struct flash_opts *opts;
	struct scx_flash_topo topo;
	struct scx_flash_mask primary;
	enum scx_flash_profile profile;
	u32 timeout_ms;
	bool smt, numa_disabled;
};

static struct scx_flash *open_scheduler(const struct sched_setup *s)
{
	const struct flash_opts *o = s->opts;
	struct scx_flash *skel = SCX_OPS_OPEN(flash_ops, scx_flash);
	typeof(skel->struct_ops.flash_ops) ops = skel->struct_ops.flash_ops;

	set_ops_name(skel);
	ops->exit_dump_len = o->exit_dump_len;
	ops->flags |= SCX_OPS_ENQ_EXITING | SCX_OPS_ENQ_LAST | SCX_OPS_ENQ_MIGRATION_DISABLED |
		      SCX_OPS_ALLOW_QUEUED_WAKEUP;
	if (!s->numa_disabled)
		ops->flags |= SCX_OPS_BUILTIN_IDLE_PER_NODE;
	if (s->timeout_ms) {
		ops->timeout_ms = s->timeout_ms;
		skel->rodata->watchdog_ns = s->timeout_ms * NSEC_PER_MSEC;
		info("Setting timeout_ms to %u based on environment", s->timeout_ms);
	}
	skel->rodata->slice_max = o->slice_us * NSEC_PER_USEC;
	skel->rodata->slice_lag = o->slice_us_lag * NSEC_PER_USEC;
	skel->rodata->throttle_ns = o->throttle_us * NSEC_PER_USEC;
	skel->rodata->tickless_sched = o->tickless;
	skel->rodata->rr_sched = o->rr_sched;
	skel->rodata->wakeup_throttle = o->wakeup_throttle;
	skel->rodata->slice_lag_scaling = o->slice_lag_scaling;
	skel->rodata->debug = o->debug;
	skel->rodata->smt_enabled = s->smt;
	skel->rodata->numa_disabled = s->numa_disabled;
	skel->rodata->primary_all = scx_flash_mask_weight(&s->primary) == s->topo.nr_cpu_ids;
	info("scheduler flags: %#llx", (unsigned long long)ops->flags);
	return skel;
}

/* Run a syscall program on @arg; 0, or its error or non-zero return. */
static int run_prog(struct bpf_program *prog, void *arg, size_t size)
{
	LIBBPF_OPTS(bpf_test_run_opts, attr, .ctx_in = arg, .ctx_size_in = size);
	int err;

	err = bpf_prog_test_run_opts(bpf_program__fd(prog), &attr);
	if (err)
		return err;
	return attr.retval;
}

/*
 * Empty the primary domain, then add each of its CPUs; the cpufreq target
 * read by the scheduler when it attaches is set too: lowest for the
 * powersave domain, load-driven with --cpufreq, otherwise highest.
 */
static void program_primary_domain(struct scx_flash *skel, const struct sched_setup *s)
{
	struct cpu_arg arg = { .cpu_id = -1 };
	const char *level = "max";
	char buf[1024];
	int err;

	info("primary CPU domain = %s", scx_flash_mask_format(&s->primary, buf, sizeof(buf)));
	err = run_prog(skel->progs.enable_primary_cpu, &arg, sizeof(arg));
	if (err)
		die("failed to reset primary domain: error %d", err);
	for (arg.cpu_id = 0; arg.cpu_id < s->primary.nr; arg.cpu_id++) {
		if (!scx_flash_mask_test(&s->primary, arg.cpu_id))
			continue;
		err = run_prog(skel->progs.enable_primary_cpu, &arg, sizeof(arg));
		if (err)
			die("failed to add CPU %d to primary domain: error %d", arg.cpu_id, err);
	}
	skel->data->cpufreq_perf_lvl = FLASH_PERF_ONE;
	if (!strcmp(s->opts->primary_domain, "powersave")) {
		skel->data->cpufreq_perf_lvl = 0;
		level = "min";
	} else if (s->opts->cpufreq) {
		skel->data->cpufreq_perf_lvl = -1;
		level = "auto";
	}
	info("cpufreq performance level: %s", level);
}

/* Tell the scheduler which CPU pairs share a core. */
static void program_smt_siblings(struct scx_flash *skel, const struct scx_flash_topo *t)
{
	struct domain_arg arg = { .lvl_id = 0 };
	char list[4096];
	int cpu, len, err;

	len = snprintf(list, sizeof(list), "[");
	for (cpu = 0; cpu < t->nr_cpu_ids && len < (int)sizeof(list); cpu++)
		len += snprintf(list + len, sizeof(list) - len, "%s%d", cpu ? ", " : "",
				t->cpus[cpu].sibling);
	info("SMT sibling CPUs: %s]", list);
	for (cpu = 0; cpu < t->nr_cpu_ids; cpu++) {
		arg.cpu_id = cpu;
		arg.sibling_cpu_id = t->cpus[cpu].sibling;
		if (arg.sibling_cpu_id < 0)
			continue;
		err = run_prog(skel->progs.enable_sibling_cpu, &arg, sizeof(arg));
		if (err)
			die("failed to set sibling %d of CPU %d: error %d",
			    arg.sibling_cpu_id, cpu, err);
	}
}

/* The sched_ext state in @dir reads "enabled" while a scheduler is attached. */
static bool other_scheduler_attached(const char *dir)
{
	char path[PATH_MAX], state[32], ops[128];

	snprintf(path, sizeof(path), "%s/state", dir);
	if (scx_flash_read_text(path, state, sizeof(state)) || strcmp(state, "enabled"))
		return false;
	snprintf(path, sizeof(path), "%s/root/ops", dir);
	if (scx_flash_read_text(path, ops, sizeof(ops)))
		snprintf(ops, sizeof(ops), "?");
	fprintf(stderr, "scx_flash: another sched_ext scheduler is already running (%s)\n", ops);
	return true;
}

/*
 * Refuse to start where the scheduler cannot be attached, saying why, before
 * anything is changed.  A kernel without sched_ext gets its own exit status:
 * a service manager must not restart what can never run on this boot
 * (scx_flash.service).  Another scheduler is looked for only here: should
 * one attach later, the kernel refuses ours and SCX_OPS_ATTACH() says so.
 */
static void check_sched_ext(void)
{
	if (access(SCHED_EXT_SYSFS, F_OK)) {
		fprintf(stderr,
			"scx_flash: this kernel has no sched_ext support (%s is missing); boot a kernel with CONFIG_SCHED_CLASS_EXT=y\n",
			SCHED_EXT_SYSFS);
		exit(EX_UNAVAILABLE);
	}
	if (geteuid())
		die("attaching a BPF scheduler needs root (with CAP_BPF and CAP_PERFMON)");
	if (other_scheduler_attached(SCHED_EXT_SYSFS))
		exit(1);
}

/*
 * The scheduler's counters are per CPU: sum them, one CPU after the other,
 * a counter that cannot be read as 0.  Also the stats server's callback.
 */
static void read_stats(u64 *v, void *arg)
{
	const struct scx_flash *skel = arg;
	int nr_cpus = libbpf_num_possible_cpus();
	int fd = bpf_map__fd(skel->maps.stats);
	u64 sum[FLASH_NR_STATS] = {}, *pcpu = NULL;
	int cpu;
	u32 idx;

	if (nr_cpus > 0)
		pcpu = calloc(nr_cpus, sizeof(*pcpu));
	for (idx = 0; pcpu && idx < FLASH_NR_STATS; idx++) {
		if (bpf_map_lookup_elem(fd, &idx, pcpu))
			continue;
		for (cpu = 0; cpu < nr_cpus; cpu++)
			sum[idx] += pcpu[cpu];
	}
	free(pcpu);

	v[STAT_NR_CPUS] = skel->bss->nr_online_cpus;
	v[STAT_NR_DIRECT_DISPATCHES] = sum[FLASH_STAT_DIRECT_DISPATCHES];
	v[STAT_NR_KTHREAD_DISPATCHES] = sum[FLASH_STAT_KTHREAD_DISPATCHES];
	v[STAT_NR_RUNNING] = sum[FLASH_STAT_RUNNING];
	v[STAT_NR_SHARED_DISPATCHES] = sum[FLASH_STAT_SHARED_DISPATCHES];
}

/* Make the counters of @v relative to @prev, which takes their values. */
static void stats_delta(u64 *v, u64 *prev)
{
	u64 cur;
	int i;

	for (i = 0; i < NR_STATS; i++) {
		if (!stat_meta[i].counter)
			continue;
		cur = v[i];
		v[i] -= prev[i];
		prev[i] = cur;
	}
}

static void print_stats(const u64 *v)
{
	printf("[scx_flash] tasks -> r: %2" PRIu64 "/%-2" PRIu64 " | dispatch -> k: %-5" PRIu64
	       " d: %-5" PRIu64 " s: %-5" PRIu64 "\n", v[STAT_NR_RUNNING], v[STAT_NR_CPUS],
	       v[STAT_NR_KTHREAD_DISPATCHES], v[STAT_NR_DIRECT_DISPATCHES],
	       v[STAT_NR_SHARED_DISPATCHES]);
	fflush(stdout);
}

/* The statistics as the stats server and --monitor see them. */
static struct scx_flash_stats_table stats_table = {
	.name = "Metrics", .fields = stat_meta, .nr_fields = NR_STATS, .read = read_stats,
};

/* @secs, which parse_interval() bounded, as a struct timespec. */
static struct timespec secs_to_timespec(double secs)
{
	return (struct timespec) { (time_t)secs, (secs - (time_t)secs) * 1e9 };
}

/* Say what went wrong with the stats server (scx_flash_stats_monitor()). */
static void monitor_report(int err, const char *why)
{
	if (err == -EINVAL)
		warn("%s", why);
	else
		info("%s", why);
}

/* Print the statistics every @interval s, reconnecting through restarts. */
static int monitor_stats(double interval)
{
	struct scx_flash_stats_monitor mon = {
		.path = STATS_SOCK_PATH, .tab = &stats_table, .stop = &exit_req,
		.interval = secs_to_timespec(interval),
		.print = print_stats, .report = monitor_report,
	};
	int ret;

	ret = scx_flash_stats_monitor(&mon);
	if (ret)
		die("cannot connect to %s: %s", STATS_SOCK_PATH, strerror(-ret));
	return 0;
}

/* Feed the user-mode share of CPU time since @prev to the scheduler. */
static void update_cpu_util(struct scx_flash *skel, struct scx_flash_cpu_times *prev)
{
	struct scx_flash_cpu_times cur;

	if (scx_flash_cpu_times(&cur))
		return;
	if (cur.total > prev->total)
		skel->bss->cpu_util = (cur.user - prev->user) * FLASH_PERF_ONE /
				      (cur.total - prev->total);
	*prev = cur;
}

static double now_secs(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Milliseconds from now to @when, rounded up; 0 once it has passed. */
static int ms_until(double when)
{
	double now = now_secs();

	if (when <= now)
		return 0;
	return (int)((when - now) * 1000) + 1;
}

/* Whether the power profile changed in a way that needs a new domain. */
static bool domain_needs_update(const struct flash_opts *o, enum scx_flash_profile *profile)
{
	enum scx_flash_profile now;

	if (*profile == SCX_FLASH_PROFILE_UNKNOWN)
		return false;
	now = scx_flash_power_profile();
	if (now == *profile)
		return false;
	info("power profile changed from %s to %s", scx_flash_profile_name(*profile),
	     scx_flash_profile_name(now));
	*profile = now;
	return !strcmp(o->primary_domain, "auto");
}

/*
 * Serve the statistics, sample the CPU utilisation every second for
 * --slice-lag-scaling and watch the power profile until the scheduler exits
 * or we are asked to stop; true if it must be loaded again for a new domain.
 */
static bool run_scheduler(struct scx_flash *skel, struct sched_setup *s,
			  struct scx_flash_stats_server *srv)
{
	double interval = s->opts->stats_interval, now = now_secs(), wake;
	double next_tick = now + 1, next_stats = 0;
	u64 prev[NR_STATS] = {}, v[NR_STATS];
	struct scx_flash_cpu_times times;

	if (interval)
		next_stats = now + interval;
	scx_flash_cpu_times(&times);
	while (!exit_req && !UEI_EXITED(skel, uei)) {
		wake = next_tick;
		if (next_stats && next_stats < next_tick)
			wake = next_stats;
		scx_flash_stats_server_poll(srv, ms_until(wake));
		now = now_secs();
		if (now >= next_tick) {
			next_tick = now + 1;
			if (s->opts->slice_lag_scaling)
				update_cpu_util(skel, &times);
			if (domain_needs_update(s->opts, &s->profile))
				return true;
		}
		if (next_stats && now >= next_stats) {
			next_stats = now + interval;
			read_stats(v, skel);
			stats_delta(v, prev);
			print_stats(v);
		}
	}
	return false;
}

/* Read the machine, resolve the domain, log upstream's lines, set the QoS. */
static void prepare(struct sched_setup *s, int argc, char **argv)
{
	const struct flash_opts *o = s->opts;
	char line[1024];
	int i, ret, len = 0;

	ret = scx_flash_topo_read(&s->topo);
	if (ret) {
		if (s->topo.why[0])
			fprintf(stderr, "scx_flash: %s\n", s->topo.why);
		exit(1);
	}
	if (!s->topo.capacities)
		warn("CPU capacity information is not available under sysfs.");
	s->profile = scx_flash_power_profile();
	scx_flash_mask_init(&s->primary, s->topo.nr_cpu_ids);
	if (resolve_primary_domain(o->primary_domain, &s->topo, s->profile, &s->primary))
		exit(1);
	s->smt = !o->disable_smt && s->topo.smt_active;
	info("scx_flash %s SMT %s", full_version(), s->smt ? "on" : "off");
	for (i = 0; i < argc && len < (int)sizeof(line); i++)
		len += snprintf(line + len, sizeof(line) - len, "%s%s", i ? " " : "", argv[i]);
	info("scheduler options: %s", line);
	if (set_idle_qos(&s->topo, o->idle_resume_us))
		exit(1);
	info("NUMA nodes: %d", s->topo.nr_nodes);
	s->numa_disabled = o->disable_numa || s->topo.nr_nodes == 1;
	if (s->numa_disabled)
		info("Disabling NUMA optimizations");
}

/* Load, attach and run the scheduler once; whether to load it again. */
static bool run_once(struct sched_setup *s, int argc, char **argv)
{
	struct scx_flash_stats_server srv;
	struct scx_flash *skel;
	struct bpf_link *link;
	bool user_restart, failed;
	u64 ecode;
	int ret;

	prepare(s, argc, argv);
	skel = open_scheduler(s);
	SCX_OPS_LOAD(skel, flash_ops, scx_flash, uei);
	program_primary_domain(skel, s);
	if (s->smt)
		program_smt_siblings(skel, &s->topo);
	link = SCX_OPS_ATTACH(skel, flash_ops, scx_flash);
	/* without the stats server, no statistics: only a warning */
	stats_table.arg = skel;
	ret = scx_flash_stats_server_start(&srv, STATS_SOCK_PATH, &stats_table);
	if (ret)
		warn("%s: %s", srv.why, strerror(-ret));
	user_restart = run_scheduler(skel, s, &srv);
	scx_flash_stats_server_stop(&srv);
	info("Unregister scx_flash scheduler");
	bpf_link__destroy(link);
	ecode = UEI_REPORT(skel, uei);
	/* anything past an unregistration is a failure, sysrq-S included */
	failed = skel->data->uei.kind >
		 __COMPAT_ENUM_OR_ZERO("scx_exit_kind", "SCX_EXIT_UNREG_KERN");
	scx_flash__destroy(skel);
	restore_idle_qos();
	scx_flash_topo_free(&s->topo);
	if (failed)
		exit(1);
	return UEI_ECODE_RESTART(ecode) || user_restart;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = request_exit };
	struct flash_opts opts;
	struct sched_setup s = { .opts = &opts };
	int ret;

	ret = parse_opts(argc, argv, &opts);
	if (ret >= 0)
		return ret;
	if (check_primary_mask(opts.primary_domain))
		return 1;
	verbose = opts.verbose;
	libbpf_set_print(libbpf_print_fn);
	/* no SA_RESTART: a signal must cut poll() and sleeps short */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (opts.monitor_interval)
		return monitor_stats(opts.monitor_interval);
	s.timeout_ms = timeout_from_env(&opts);
	set_open_opts(&opts);
	check_sched_ext();
	/* SCX_BUG(), die() and other exit()s must not leave the idle QoS changed */
	atexit(restore_idle_qos);
	while (run_once(&s, argc, argv) && !exit_req)
		info("Restarting the scheduler");
	return 0;
}
