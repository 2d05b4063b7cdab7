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
 * Copyright (c) 2026 The scx_flash authors
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <getopt.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <sysexits.h>
#include <time.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <bpf/bpf.h>
#include <scx/common.h>
#include "scx_flash.h"
#include "scx_flash.bpf.skel.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#endif

#define SCX_FLASH_VERSION	"1.1.2"
#define SCHED_EXT_SYSFS		"/sys/kernel/sched_ext"
#define STATS_SOCK_DIR		"/var/run/scx/root"
#define STATS_SOCK_PATH		STATS_SOCK_DIR "/stats"
#define MAX_STATS_CLIENTS	16
#define STATS_REQ_MAX		4096
#define CPU_DIR			"/sys/devices/system/cpu"
#define NODE_DIR		"/sys/devices/system/node"
#define QOS_FILE		CPU_DIR "/cpu%d/power/pm_qos_resume_latency_us"

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

/*
 * "scx_flash: <why>" and exit 1, for a failure that can only end the
 * loader, as SCX_BUG() does in the kernel tree's: atexit() puts the idle
 * QoS back, and the exit detaches the scheduler.
 */
#define die(fmt, ...)								\
do {										\
	fprintf(stderr, "scx_flash: " fmt "\n", ##__VA_ARGS__);		\
	exit(1);								\
} while (0)

/* "1.1.2 x86_64-unknown-linux-gnu", as the upstream loader prints it. */
static const char *full_version(void)
{
	static char buf[96];
	struct utsname u;

	if (!buf[0])
		snprintf(buf, sizeof(buf), "%s %s-unknown-linux-gnu",
			 SCX_FLASH_VERSION, uname(&u) ? "unknown" : u.machine);
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
"Environment: SCX_TIMEOUT_MS overrides the watchdog timeout (5000 ms, at\n"
"least 500);\n"
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
	{ "primary-domain", 1, NULL, 'm' },
	{ "disable-smt", 0, NULL, OPT_DISABLE_SMT },
	{ "disable-numa", 0, NULL, OPT_DISABLE_NUMA },
	{ "cpufreq", 0, NULL, 'f' },
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

static int bad_value(const char *opt, const char *str, const char *why)
{
	fprintf(stderr, "scx_flash: invalid value '%s' for --%s: %s\n", str, opt, why);
	return -EINVAL;
}

/*
 * A decimal number in [@min, @max]: digits, after a '-' only if @min < 0,
 * and nothing else.
 */
static int parse_num(const char *opt, const char *str, s64 min, u64 max, u64 *val)
{
	bool sign = min < 0;
	char *end = (char *)str;
	u64 v = 0;

	errno = 0;
	if (isdigit((unsigned char)str[sign && *str == '-']))
		v = sign ? (u64)strtoll(str, &end, 10) : strtoull(str, &end, 10);
	if (end == str || *end)
		return bad_value(opt, str, sign ? "not a number" : "not an unsigned number");
	if (errno == ERANGE || (sign ? (s64)v < min || (s64)v > (s64)max : v > max))
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
	if (v > max || (nonzero && !v))
		return bad_value(opt, str, v ? why : "must be greater than 0");
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
	return access(str, R_OK) ? bad_value(opt, str, strerror(errno)) : 0;
}

static bool is_hex_mask(const char *str)
{
	bool digits = false;

	for (str += strncasecmp(str, "0x", 2) ? 0 : 2; *str; str++) {
		if (!isxdigit((unsigned char)*str) && *str != '_')
			return false;
		digits |= *str != '_';
	}
	return digits;
}

enum power_mode { POWER_ANY, POWER_TURBO, POWER_PERFORMANCE, POWER_POWERSAVE };

/* The --primary-domain keywords, the first ones by enum power_mode. */
static const char *const domain_keywords[] = {
	"all", "turbo", "performance", "powersave", "auto", "none",
};

static bool is_domain_keyword(const char *str)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(domain_keywords); i++)
		if (!strcmp(str, domain_keywords[i]))
			return true;
	return false;
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
	case 'm':
		/* a mask's CPUs are checked once they are counted */
		o->primary_domain = arg;
		if (is_domain_keyword(arg) || is_hex_mask(arg))
			return 0;
		return bad_value("primary-domain", arg,
				 "expected auto, turbo, performance, powersave, all, none or a hex CPU mask");
	case OPT_EXIT_DUMP_LEN:
		if (parse_num("exit-dump-len", arg, 0, UINT32_MAX, &v))
			return -EINVAL;
		o->exit_dump_len = v;
		return 0;
	case OPT_STATS:
		return parse_interval("stats", arg, &o->stats_interval);
	case OPT_MONITOR:
		return parse_interval("monitor", arg, &o->monitor_interval);
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

static void print_help_stats(void);

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
	return o->help || o->version || o->help_stats ? 0 : -1;
}

/* The path @fmt names under SCX_SYSFS_PREFIX (a fake tree in tests). */
static const char *sys_path(const char *fmt, ...)
{
	static char path[PATH_MAX];
	va_list args;
	int len;

	len = snprintf(path, sizeof(path), "%s", getenv("SCX_SYSFS_PREFIX") ?: "");
	va_start(args, fmt);
	vsnprintf(path + len, sizeof(path) - len, fmt, args);
	va_end(args);
	return path;
}

/*
 * Read @path into @buf without trailing blanks or NULs; 0 or a negative
 * errno.  A NUL before the end is an error: "enabled\0junk" is no "enabled".
 */
static int read_text(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t len = fd < 0 ? -1 : read(fd, buf, size - 1);
	int err = -errno;

	if (fd >= 0)
		close(fd);
	if (len < 0) {
		buf[0] = '\0';
		return err;
	}
	while (len && (isspace((unsigned char)buf[len - 1]) || !buf[len - 1]))
		len--;
	buf[len] = '\0';
	if (strlen(buf) == (size_t)len)
		return 0;
	buf[0] = '\0';
	return -EINVAL;
}

#define read_sys(buf, size, ...)	read_text(sys_path(__VA_ARGS__), buf, size)

/* The number in the file @path, with a sign if @sign; 0 or -EINVAL. */
static int read_num(const char *path, bool sign, long long *val)
{
	char buf[32], *end;

	if (read_text(path, buf, sizeof(buf)) || (!sign && !isdigit((unsigned char)*buf)))
		return -EINVAL;
	*val = sign ? strtoll(buf, &end, 10) : (long long)strtoull(buf, &end, 10);
	return end == buf || *end ? -EINVAL : 0;
}

/* Write @val, without a newline, to the file @path. */
static int write_text(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/* The kernel's largest NR_CPUS (CONFIG_MAXSMP): a cpuN beyond is no CPU. */
#define MAX_CPU_IDS	8192

/* A set of CPUs 0..nr-1 (or nodes); 1 KiB spares every allocation. */
struct flash_mask {
	int nr;
	u64 bits[MAX_CPU_IDS / 64];
};

static void mask_init(struct flash_mask *m, int nr)
{
	m->nr = nr;
	memset(m->bits, 0, sizeof(m->bits));
}

static void mask_set(struct flash_mask *m, int cpu)
{
	m->bits[cpu / 64] |= 1ULL << (cpu % 64);
}

static bool mask_test(const struct flash_mask *m, int cpu)
{
	return m->bits[cpu / 64] & (1ULL << (cpu % 64));
}

static int mask_weight(const struct flash_mask *m)
{
	int cpu, w = 0;

	for (cpu = 0; cpu < m->nr; cpu++)
		w += mask_test(m, cpu);
	return w;
}

/* A hex CPU mask into @m: "0x" optional, "_" ignored, "none" empty. */
static int mask_parse(const char *str, struct flash_mask *m)
{
	const char *p, *digits = str + (strncasecmp(str, "0x", 2) ? 0 : 2);
	int bit = 0, i, v;

	if (!strcmp(str, "none"))
		return 0;
	if (!is_hex_mask(str))
		return -EINVAL;
	for (p = digits + strlen(digits) - 1; p >= digits; p--) {
		v = *p == '_' ? 0 : isdigit(*p) ? *p - '0' : tolower(*p) - 'a' + 10;
		for (i = 0; i < 4 && *p != '_'; i++, bit++) {
			if (!(v & (1 << i)))
				continue;
			if (bit >= m->nr) {
				fprintf(stderr,
					"scx_flash: invalid value '%s' for --primary-domain: CPU %d does not exist (CPUs 0-%d)\n",
					str, bit, m->nr - 1);
				return -ERANGE;
			}
			mask_set(m, bit);
		}
	}
	return 0;
}

/*
 * @m as upstream prints it: 32-bit words, most significant first, the first
 * only as wide as the CPU count needs ("0xff" for 8, "0xffffffff,ffffffff").
 */
static char *mask_format(const struct flash_mask *m, char *buf, size_t size)
{
	int nr_words = (m->nr + 31) / 32, width = ((m->nr + 3) / 4) % 8;
	int w, len = snprintf(buf, size, "0x");

	for (w = nr_words - 1; w >= 0 && len < (int)size; w--)
		len += snprintf(buf + len, size - len, "%s%0*x", w == nr_words - 1 ? "" : ",",
				w == nr_words - 1 && width ? width : 8,
				(u32)(m->bits[w / 2] >> (32 * (w % 2))));
	return buf;
}

/* Add the N of each "<stem>N" in @path to @found; the highest N + 1, or -errno. */
static int scan_numbered(const char *path, const char *stem, struct flash_mask *found)
{
	size_t stem_len = strlen(stem);
	DIR *d = opendir(path);
	struct dirent *e;
	int nr = 0;
	char *end;
	long n;

	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, stem, stem_len) ||
		    !isdigit((unsigned char)e->d_name[stem_len]))
			continue;
		n = strtol(e->d_name + stem_len, &end, 10);
		if (*end || n >= MAX_CPU_IDS)
			continue;
		mask_set(found, n);
		nr = n >= nr ? n + 1 : nr;
	}
	closedir(d);
	return nr;
}

/* The CPUs of a list such as "0-3,8" into @m, all below its width. */
static int parse_cpu_list(const char *str, struct flash_mask *m)
{
	long first, last;
	char *end;

	while (*str) {
		if (!isdigit(*str))
			return -EINVAL;
		first = strtol(str, &end, 10);
		last = first;
		if (*end == '-' && !isdigit(end[1]))
			return -EINVAL;
		if (*end == '-')
			last = strtol(end + 1, &end, 10);
		if (last < first || last >= m->nr || (*end && *end != ','))
			return -EINVAL;
		for (; first <= last; first++)
			mask_set(m, first);
		str = *end ? end + 1 : end;
	}
	return 0;
}

enum core_type { CORE_LITTLE, CORE_BIG, CORE_TURBO /* the highest capacity */ };

struct cpu_info {
	bool present;			/* cpuN exists in sysfs */
	bool online;
	int node;
	int core;			/* machine-wide core number */
	int sibling;			/* SMT sibling, or -1 */
	long long ids[2];		/* core_id, physical_package_id */
	u64 rcap;			/* capacity as sysfs gives it */
	enum core_type type;
	char qos[16];			/* pm_qos_resume_latency_us at start */
};

struct topology {
	int nr_cpu_ids;			/* highest cpuN + 1 */
	int nr_nodes;			/* NUMA nodes with an online CPU */
	bool smt_active;
	struct cpu_info *cpus;
};

static void topo_free(struct topology *t)
{
	free(t->cpus);
	t->cpus = NULL;
}

/* The cpuN into @present; the highest N + 1 is the width of every CPU mask. */
static int scan_cpus(struct flash_mask *present)
{
	int nr;

	mask_init(present, MAX_CPU_IDS);
	nr = scan_numbered(sys_path(CPU_DIR), "cpu", present);
	if (nr > 0)
		return nr;
	fprintf(stderr, "scx_flash: no CPU found under '%s'\n", sys_path(CPU_DIR));
	return -ENOENT;
}

/* Assign each CPU the node whose nodeN/cpuM links name it; count the nodes in use. */
static void read_nodes(struct topology *t)
{
	struct flash_mask nodes = {}, cpus, used = {};
	int node, cpu;

	scan_numbered(sys_path(NODE_DIR), "node", &nodes);
	for (node = 0; node < MAX_CPU_IDS; node++) {
		if (!mask_test(&nodes, node))
			continue;
		mask_init(&cpus, MAX_CPU_IDS);
		scan_numbered(sys_path(NODE_DIR "/node%d", node), "cpu", &cpus);
		for (cpu = 0; cpu < t->nr_cpu_ids; cpu++)
			t->cpus[cpu].node = mask_test(&cpus, cpu) ? node : t->cpus[cpu].node;
	}
	for (cpu = 0; cpu < t->nr_cpu_ids; cpu++) {
		if (t->cpus[cpu].online && !mask_test(&used, t->cpus[cpu].node))
			t->nr_nodes++;
		if (t->cpus[cpu].online)
			mask_set(&used, t->cpus[cpu].node);
	}
}

/*
 * Number the cores (one per node, package and core id) and pair the two
 * lowest threads of each as SMT siblings; a third stays unpaired (upstream).
 */
static int read_cores(struct topology *t)
{
	int nr_cores = 0, cpu, other;
	struct cpu_info *c, *o;

	for (cpu = 0; cpu < t->nr_cpu_ids; cpu++) {
		c = &t->cpus[cpu];
		if (!c->online)
			continue;
		if (read_num(sys_path(CPU_DIR "/cpu%d/topology/core_id", cpu), true, &c->ids[0]) ||
		    read_num(sys_path(CPU_DIR "/cpu%d/topology/physical_package_id", cpu),
			     true, &c->ids[1])) {
			fprintf(stderr, "scx_flash: cannot read CPU %d's topology under '%s'\n",
				cpu, sys_path(CPU_DIR));
			return -ENOENT;
		}
		c->core = nr_cores;
		for (other = 0; other < cpu; other++) {
			o = &t->cpus[other];
			if (!o->online || o->node != c->node ||
			    memcmp(o->ids, c->ids, sizeof(c->ids)))
				continue;
			c->core = o->core;
			if (o->sibling < 0) {
				o->sibling = cpu;
				c->sibling = other;
			}
			break;
		}
		nr_cores += c->core == nr_cores;
	}
	return 0;
}

/* A capacity from sysfs, 0 if it cannot be read. */
static u64 read_capacity(int cpu, const char *file)
{
	long long v = 0;

	return read_num(sys_path(CPU_DIR "/cpu%d/%s", cpu, file), false, &v) ? 0 : v;
}

/*
 * The first of these files whose value differs between CPUs; if none does,
 * the last one that has a value (all CPUs are then alike).
 */
static const char *pick_capacity_file(const struct topology *t)
{
	static const char *const files[] = {
		"cpufreq/amd_pstate_prefcore_ranking", "cpufreq/amd_pstate_highest_perf",
		"acpi_cppc/highest_perf", "cpu_capacity", "cpufreq/cpuinfo_max_freq",
	};
	const char *chosen = files[4];
	size_t i;
	int cpu;
	u64 v0;

	for (i = 0; i < ARRAY_SIZE(files); i++) {
		v0 = read_capacity(0, files[i]);
		if (!v0)
			continue;
		chosen = files[i];
		for (cpu = 1; cpu < t->nr_cpu_ids; cpu++)
			if (t->cpus[cpu].present && read_capacity(cpu, chosen) != v0)
				return chosen;
	}
	return chosen;
}

/*
 * Turbo: the highest capacity, if not all have it.  Little: below average
 * where the largest capacity is 1.3 times the smallest.  Else, or without
 * capacities, big.
 */
static void read_capacities(struct topology *t)
{
	const char *file = pick_capacity_file(t);
	u64 max = 0, min = UINT64_MAX, sum = 0, avg, rcap;
	struct cpu_info *c;
	int cpu, nr = 0;

	for (c = t->cpus; c < t->cpus + t->nr_cpu_ids; c++) {
		c->type = CORE_BIG;
		if (!c->present)
			continue;
		c->rcap = read_capacity(c - t->cpus, file);
		max = c->rcap > max ? c->rcap : max;
		min = c->rcap < min ? c->rcap : min;
		sum += c->rcap;
		nr++;
	}
	if (!max) {
		warn("CPU capacity information is not available under sysfs.");
		return;
	}
	avg = sum / nr;
	for (cpu = 0; cpu < t->nr_cpu_ids; cpu++) {
		rcap = t->cpus[cpu].rcap ?: max;
		if (avg < max && rcap == max)
			t->cpus[cpu].type = CORE_TURBO;
		else if (max * 10 >= min * 13 && rcap < avg)
			t->cpus[cpu].type = CORE_LITTLE;
	}
}

/* The CPUs present and online; prints why and fails if they cannot be read. */
static int read_cpus(struct topology *t)
{
	struct flash_mask present, online;
	char buf[4096];
	int cpu;

	t->nr_cpu_ids = scan_cpus(&present);
	if (t->nr_cpu_ids < 0)
		return t->nr_cpu_ids;
	mask_init(&online, t->nr_cpu_ids);
	if (read_sys(buf, sizeof(buf), CPU_DIR "/online") || parse_cpu_list(buf, &online)) {
		fprintf(stderr, "scx_flash: cannot parse '%s'\n", sys_path(CPU_DIR "/online"));
		return -EINVAL;
	}
	t->cpus = calloc(t->nr_cpu_ids, sizeof(*t->cpus));
	if (!t->cpus)
		return -ENOMEM;
	for (cpu = 0; cpu < t->nr_cpu_ids; cpu++)
		t->cpus[cpu] = (struct cpu_info) { mask_test(&present, cpu),
						   mask_test(&online, cpu), .sibling = -1 };
	return 0;
}

/* Read the machine from sysfs; prints why and returns -errno if it cannot. */
static int read_topology(struct topology *t)
{
	long long smt = 0;
	int cpu, ret;

	*t = (struct topology) {};
	ret = read_cpus(t);
	if (ret)
		goto err;
	read_nodes(t);
	ret = read_cores(t);
	if (ret)
		goto err;
	t->smt_active = !read_num(sys_path(CPU_DIR "/smt/active"), false, &smt) && smt == 1;
	read_capacities(t);
	for (cpu = 0; cpu < t->nr_cpu_ids; cpu++)
		if (t->cpus[cpu].online)
			read_sys(t->cpus[cpu].qos, sizeof(t->cpus[cpu].qos), QOS_FILE, cpu);
	return 0;
err:
	topo_free(t);
	return ret;
}

enum power_profile {
	PROFILE_UNKNOWN, PROFILE_POWERSAVE, PROFILE_BALANCED_POWER,
	PROFILE_BALANCED_PERFORMANCE, PROFILE_PERFORMANCE,
};

static const char *const profile_names[] = {
	"unknown", "powersave", "balanced_power", "balanced_performance", "performance",
};

/* An energy performance preference or a cpufreq governor. */
static enum power_profile profile_from_epp(const char *epp)
{
	if (!strcmp(epp, "power") || !strcmp(epp, "powersave"))
		return PROFILE_POWERSAVE;
	if (!strcmp(epp, "balance_power"))
		return PROFILE_BALANCED_POWER;
	if (!strcmp(epp, "balance_performance"))
		return PROFILE_BALANCED_PERFORMANCE;
	return strcmp(epp, "performance") ? PROFILE_UNKNOWN : PROFILE_PERFORMANCE;
}

/* An ACPI platform profile. */
static enum power_profile profile_from_platform(const char *profile)
{
	if (!strcmp(profile, "low-power") || !strcmp(profile, "cool") ||
	    !strcmp(profile, "quiet"))
		return PROFILE_POWERSAVE;
	if (!strcmp(profile, "balanced") || !strcmp(profile, "balanced-performance"))
		return PROFILE_BALANCED_PERFORMANCE;
	return strcmp(profile, "performance") ? PROFILE_UNKNOWN : PROFILE_PERFORMANCE;
}

/*
 * CPU 0's energy performance preference, else its governor; when these say
 * nothing, the ACPI platform profile.  The upstream loader asks
 * power-profiles-daemon over D-Bus at that point, but PPD itself applies
 * its profile by writing platform_profile (and the EPP): a loader of the
 * kernel tree reads the kernel's files and needs no D-Bus client.  PPD's
 * "power-saver" and "balanced" are platform_profile's "low-power" and
 * "balanced" (balanced_performance, as upstream maps PPD's "balanced").
 */
static enum power_profile power_profile(void)
{
	enum power_profile profile = PROFILE_UNKNOWN;
	char buf[64];

	if (!read_sys(buf, sizeof(buf), CPU_DIR "/cpufreq/policy0/energy_performance_preference") ||
	    !read_sys(buf, sizeof(buf), CPU_DIR "/cpufreq/policy0/scaling_governor"))
		profile = profile_from_epp(buf);
	if (profile == PROFILE_UNKNOWN &&
	    !read_sys(buf, sizeof(buf), "/sys/firmware/acpi/platform_profile"))
		profile = profile_from_platform(buf);
	return profile;
}

/* The CPUs of @mode: an empty selection falls back to every online CPU. */
static void primary_cpus(const struct topology *t, enum power_mode mode, struct flash_mask *m)
{
	enum core_type type;
	int cpu, nr = 0;

	for (cpu = 0; cpu < t->nr_cpu_ids; cpu++) {
		type = t->cpus[cpu].type;
		if (!t->cpus[cpu].online || (mode == POWER_TURBO && type != CORE_TURBO) ||
		    (mode == POWER_PERFORMANCE && type == CORE_LITTLE) ||
		    (mode == POWER_POWERSAVE && type != CORE_LITTLE))
			continue;
		mask_set(m, cpu);
		nr++;
	}
	if (!nr && mode != POWER_ANY)
		primary_cpus(t, POWER_ANY, m);
}

/* A keyword names a class of CPUs, "auto" the one @profile suits, else a mask. */
static int resolve_primary_domain(const char *domain, const struct topology *t,
				  enum power_profile profile, struct flash_mask *m)
{
	enum power_mode mode;

	if (!strcmp(domain, "auto")) {
		primary_cpus(t, profile == PROFILE_POWERSAVE || profile == PROFILE_BALANCED_POWER ?
				POWER_POWERSAVE : POWER_ANY, m);
		return 0;
	}
	for (mode = POWER_ANY; mode <= POWER_POWERSAVE; mode++) {
		if (!strcmp(domain, domain_keywords[mode])) {
			primary_cpus(t, mode, m);
			return 0;
		}
	}
	return mask_parse(domain, m);
}

/* A mask may only name CPUs this machine has: checked before the kernel is. */
static int check_primary_mask(const char *domain)
{
	struct flash_mask m;
	int nr;

	if (is_domain_keyword(domain))
		return 0;
	nr = scan_cpus(&m);
	if (nr < 0)
		return nr;
	mask_init(&m, nr);
	return mask_parse(domain, &m);
}

/* The topology whose QoS snapshot must be put back, if any. */
static const struct topology *qos_changed;

/* Put back every online CPU's idle resume latency as it was at start. */
static void restore_idle_qos(void)
{
	const struct topology *t = qos_changed;
	int cpu;

	qos_changed = NULL;
	for (cpu = 0; t && cpu < t->nr_cpu_ids; cpu++)
		if (t->cpus[cpu].online && t->cpus[cpu].qos[0] &&
		    write_text(sys_path(QOS_FILE, cpu), t->cpus[cpu].qos))
			warn("cannot restore the idle QoS of CPU %d to %s", cpu, t->cpus[cpu].qos);
}

/*
 * Limit every online CPU's idle exit latency to @us.  From here on, every
 * way out (exit(), SCX_BUG(), signals through the main loop) puts it back.
 */
static int set_idle_qos(const struct topology *t, s64 us)
{
	char val[24];
	int cpu, ret;

	if (us < 0)
		return 0;
	if (access(sys_path(QOS_FILE, 0), F_OK)) {
		warn("idle resume latency not supported");
		return 0;
	}
	info("Setting idle QoS to %" PRId64 " us", us);
	snprintf(val, sizeof(val), "%" PRId64, us);
	qos_changed = t;
	for (cpu = 0; cpu < t->nr_cpu_ids; cpu++) {
		ret = t->cpus[cpu].online ? write_text(sys_path(QOS_FILE, cpu), val) : 0;
		if (ret) {
			fprintf(stderr, "scx_flash: cannot set the idle QoS of CPU %d: %s\n",
				cpu, strerror(-ret));
			restore_idle_qos();
			return ret;
		}
	}
	return 0;
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
 * The libbpf options of the command line.  SCX_OPS_OPEN() opens the
 * skeleton without options; rather than copy what else it does (the
 * dump() check, hotplug_seq, the enums, the ops the kernel lacks), its
 * call goes to the variant that takes them.
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
 * SCX_TIMEOUT_MS, checked before anything is changed; 0 when unset.  The
 * starvation guard serves a task within about a quarter of the timeout
 * plus the longest slice: refuse a timeout too short for that.  Idle
 * injection keeps tasks waiting for --throttle-us at a time: refuse one
 * that leaves them less than four fifths of the watchdog's timeout.
 */
static u32 timeout_from_env(const struct flash_opts *o)
{
	const char *env = getenv("SCX_TIMEOUT_MS");
	u64 v = FLASH_TIMEOUT_MS_DFL;

	if (env && (parse_num("SCX_TIMEOUT_MS", env, 0, UINT32_MAX, &v) || !v))
		die("SCX_TIMEOUT_MS has invalid value '%s'", env);
	if (v < FLASH_TIMEOUT_MS_MIN)
		die("SCX_TIMEOUT_MS has invalid value '%s': below the %llu ms %s",
		    env, FLASH_TIMEOUT_MS_MIN, "the starvation guard needs");
	if (o->throttle_us * 5 > v * 1000) {
		fprintf(stderr,
			"scx_flash: invalid value '%llu' for --throttle-us: above a fifth of the %llu ms watchdog timeout\n",
			(unsigned long long)o->throttle_us, (unsigned long long)v);
		exit(1);
	}
	return env ? v : 0;
}

/*
 * Append "_<version>_<machine>" to the ops name, as the upstream loader
 * does (it shows in /sys/kernel/sched_ext/root/ops), with every character
 * the kernel refuses in a name turned into '_'.  The skeleton does not
 * name ops.name, a char array (bpftool leaves it as __unsupported_N), so
 * it is found through the object's BTF, which has it: the BPF side sets it.
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
		*p = isalnum((unsigned char)*p) || *p == '.' ? *p : '_';
}

/* Everything the scheduler needs to know before it is loaded. */
struct sched_setup {
	const struct flash_opts *opts;
	struct topology topo;
	struct flash_mask primary;
	enum power_profile profile;
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
	ops->flags = SCX_OPS_ENQ_EXITING | SCX_OPS_ENQ_LAST | SCX_OPS_ENQ_MIGRATION_DISABLED |
		     SCX_OPS_ALLOW_QUEUED_WAKEUP | SCX_OPS_KEEP_BUILTIN_IDLE |
		     (s->numa_disabled ? 0 : SCX_OPS_BUILTIN_IDLE_PER_NODE);
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
	skel->rodata->primary_all = mask_weight(&s->primary) == s->topo.nr_cpu_ids;
	info("scheduler flags: %#llx", (unsigned long long)ops->flags);
	return skel;
}

/* Run a syscall program on @arg; 0, or its error or non-zero return. */
static int run_prog(struct bpf_program *prog, void *arg, size_t size)
{
	LIBBPF_OPTS(bpf_test_run_opts, attr, .ctx_in = arg, .ctx_size_in = size);

	return bpf_prog_test_run_opts(bpf_program__fd(prog), &attr) ?: (int)attr.retval;
}

/*
 * Empty the primary domain, then add each of its CPUs; the cpufreq target
 * read by the scheduler when it attaches is set too: lowest for the
 * powersave domain, load-driven with --cpufreq, otherwise highest.
 */
static void program_primary_domain(struct scx_flash *skel, const struct sched_setup *s)
{
	bool min = !strcmp(s->opts->primary_domain, "powersave");
	struct cpu_arg arg = { .cpu_id = -1 };
	char buf[1024];
	int err;

	info("primary CPU domain = %s", mask_format(&s->primary, buf, sizeof(buf)));
	err = run_prog(skel->progs.enable_primary_cpu, &arg, sizeof(arg));
	if (err)
		die("failed to reset primary domain: error %d", err);
	for (arg.cpu_id = 0; arg.cpu_id < s->primary.nr; arg.cpu_id++) {
		err = mask_test(&s->primary, arg.cpu_id) ?
		      run_prog(skel->progs.enable_primary_cpu, &arg, sizeof(arg)) : 0;
		if (err)
			die("failed to add CPU %d to primary domain: error %d", arg.cpu_id, err);
	}
	skel->data->cpufreq_perf_lvl = min ? 0 : s->opts->cpufreq ? -1 : FLASH_PERF_ONE;
	info("cpufreq performance level: %s", min ? "min" : s->opts->cpufreq ? "auto" : "max");
}

/* Tell the scheduler which CPU pairs share a core. */
static void program_smt_siblings(struct scx_flash *skel, const struct topology *t)
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
		err = arg.sibling_cpu_id < 0 ? 0 :
		      run_prog(skel->progs.enable_sibling_cpu, &arg, sizeof(arg));
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
	if (read_text(path, state, sizeof(state)) || strcmp(state, "enabled"))
		return false;
	snprintf(path, sizeof(path), "%s/root/ops", dir);
	if (read_text(path, ops, sizeof(ops)))
		snprintf(ops, sizeof(ops), "?");
	fprintf(stderr, "scx_flash: another sched_ext scheduler is already running (%s)\n", ops);
	return true;
}

/*
 * Refuse to start where the scheduler cannot be attached, saying why,
 * before anything is changed.  A kernel without sched_ext gets its own
 * exit status: a service manager must not restart what can never run on
 * this boot, while any other failure may be worth a retry
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

/* The statistics, in the alphabetical order of their names. */
enum stat_id {
	STAT_NR_CPUS, STAT_NR_DIRECT_DISPATCHES, STAT_NR_KTHREAD_DISPATCHES,
	STAT_NR_RUNNING, STAT_NR_SHARED_DISPATCHES, NR_STATS,
};

static const struct {
	const char *name;
	const char *desc;
	bool counter;		/* reported as the change since last time */
} stat_meta[NR_STATS] = {
	{ "nr_cpus", "Number of online CPUs" },
	{ "nr_direct_dispatches", "Number of task direct dispatches", true },
	{ "nr_kthread_dispatches", "Number of kthread direct dispatches", true },
	{ "nr_running", "Number of running tasks" },
	{ "nr_shared_dispatches", "Number of regular task dispatches", true },
};

struct flash_stats {
	u64 v[NR_STATS];
};

/*
 * The scheduler's counters are per CPU: sum them.  The CPUs' values are
 * read one after the other, not at one instant, which statistics do not
 * need; a counter that cannot be read is 0.
 */
static void read_stats(const struct scx_flash *skel, struct flash_stats *s)
{
	int nr_cpus = libbpf_num_possible_cpus();
	int fd = bpf_map__fd(skel->maps.stats);
	u64 sum[FLASH_NR_STATS] = {}, *pcpu;
	u32 idx;
	int cpu;

	pcpu = nr_cpus > 0 ? calloc(nr_cpus, sizeof(*pcpu)) : NULL;
	for (idx = 0; pcpu && idx < FLASH_NR_STATS; idx++)
		if (!bpf_map_lookup_elem(fd, &idx, pcpu))
			for (cpu = 0; cpu < nr_cpus; cpu++)
				sum[idx] += pcpu[cpu];
	free(pcpu);

	s->v[STAT_NR_CPUS] = skel->bss->nr_online_cpus;
	s->v[STAT_NR_DIRECT_DISPATCHES] = sum[FLASH_STAT_DIRECT_DISPATCHES];
	s->v[STAT_NR_KTHREAD_DISPATCHES] = sum[FLASH_STAT_KTHREAD_DISPATCHES];
	s->v[STAT_NR_RUNNING] = sum[FLASH_STAT_RUNNING];
	s->v[STAT_NR_SHARED_DISPATCHES] = sum[FLASH_STAT_SHARED_DISPATCHES];
}

/* @cur with its counters made relative to @prev, which becomes @cur. */
static struct flash_stats stats_delta(const struct flash_stats *cur, struct flash_stats *prev)
{
	struct flash_stats d = *cur;
	int i;

	for (i = 0; i < NR_STATS; i++)
		d.v[i] -= stat_meta[i].counter ? prev->v[i] : 0;
	*prev = *cur;
	return d;
}

static void print_stats(const struct flash_stats *s)
{
	printf("[scx_flash] tasks -> r: %2" PRIu64 "/%-2" PRIu64 " | dispatch -> k: %-5" PRIu64
	       " d: %-5" PRIu64 " s: %-5" PRIu64 "\n", s->v[STAT_NR_RUNNING], s->v[STAT_NR_CPUS],
	       s->v[STAT_NR_KTHREAD_DISPATCHES], s->v[STAT_NR_DIRECT_DISPATCHES],
	       s->v[STAT_NR_SHARED_DISPATCHES]);
	fflush(stdout);
}

static void print_help_stats(void)
{
	int i;

	printf("[Metrics]\n");
	for (i = 0; i < NR_STATS; i++)
		printf("  %-21s %-5s : %s\n", stat_meta[i].name, "(u64)", stat_meta[i].desc);
}

/*
 * The scx_stats protocol is one JSON object per line.  Its requests and
 * replies need no general JSON reader: a line is checked as a whole
 * (objects at most JSON_MAX_DEPTH deep, strings, and scalars; the protocol
 * has no arrays), then the few members it carries are looked up by path.
 */
#define JSON_MAX_DEPTH	8

static const char *json_ws(const char *p)
{
	while (isspace((unsigned char)*p))
		p++;
	return p;
}

/*
 * The end of the JSON string at @p, or NULL if it is none.  Its text goes
 * to @out, if any, escapes undone (\u as '?', to keep the protocol ASCII)
 * and cut to @size bytes with the NUL.
 */
static const char *json_string(const char *p, char *out, size_t size)
{
	static const char esc[] = "\"\\/bfnrt", raw[] = "\"\\/\b\f\n\r\t";
	size_t len = 0;
	char c;

	if (*p != '"')
		return NULL;
	for (p++; *p != '"'; p++) {
		c = *p;
		if ((unsigned char)c < 0x20)
			return NULL;
		if (c == '\\' && p[1] == 'u') {
			if (strspn(p + 2, "0123456789abcdefABCDEF") < 4)
				return NULL;
			c = '?';
			p += 5;
		} else if (c == '\\') {
			if (!*++p || !strchr(esc, *p))
				return NULL;
			c = raw[strchr(esc, *p) - esc];
		}
		if (out && len + 1 < size)
			out[len++] = c;
	}
	if (out)
		out[len] = '\0';
	return p + 1;
}

/* The end of the JSON value at @p, @depth objects deep, or NULL. */
static const char *json_skip(const char *p, int depth)
{
	const char *start;

	p = json_ws(p);
	if (*p == '"')
		return json_string(p, NULL, 0);
	if (*p != '{') {
		for (start = p; *p && (isalnum((unsigned char)*p) || strchr("+-.", *p)); p++)
			;
		return p > start ? p : NULL;
	}
	p = json_ws(p + 1);
	if (depth > JSON_MAX_DEPTH || *p == '}')
		return depth > JSON_MAX_DEPTH ? NULL : p + 1;
	for (;;) {
		p = json_string(json_ws(p), NULL, 0);
		if (!p || *json_ws(p) != ':')
			return NULL;
		p = json_ws(p);
		p = json_skip(p + 1, depth + 1);
		if (!p)
			return NULL;
		p = json_ws(p);
		if (*p != ',')
			return *p == '}' ? p + 1 : NULL;
		p++;
	}
}

/* Whether @s is one JSON object and nothing else. */
static bool json_valid(const char *s)
{
	s = json_ws(s);
	return *s == '{' && (s = json_skip(s, 0)) && !*json_ws(s);
}

/*
 * The value of member @path ("args.resp.nr_cpus") of the object @p, which
 * json_valid() accepted; the last one if a name repeats, NULL if none.
 */
static const char *json_get(const char *p, const char *path)
{
	size_t len = strcspn(path, ".");
	const char *key, *val, *found = NULL;

	p = json_ws(p);
	if (*p != '{')
		return NULL;
	for (p = json_ws(p + 1); *p == '"'; p = json_ws(p + 1)) {
		key = p + 1;
		p = json_string(p, NULL, 0);
		val = json_ws(json_ws(p) + 1);		/* past the ':' */
		if ((size_t)(p - 1 - key) == len && !strncmp(key, path, len))
			found = val;
		p = json_ws(json_skip(val, 0));
		if (*p != ',')
			break;
	}
	return found && path[len] ? json_get(found, path + len + 1) : found;
}

/* Whether the JSON value @v is a plain integer (signed if @sign) within 64 bits. */
static bool json_int(const char *v, bool sign, u64 *val)
{
	const char *end = json_skip(v, 0);
	char *e;

	if (!isdigit((unsigned char)v[sign && *v == '-']))
		return false;
	errno = 0;
	*val = sign ? (u64)strtoll(v, &e, 10) : strtoull(v, &e, 10);
	return e == end && !errno;
}

/* Append @s to @out as a JSON string. */
static int json_quote(char *out, size_t size, const char *s)
{
	size_t len = 0;

	out[len++] = '"';
	for (; *s && len + 8 < size; s++) {
		if (*s == '"' || *s == '\\')
			len += snprintf(out + len, size - len, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			len += snprintf(out + len, size - len, "\\u%04x", *s);
		else
			out[len++] = *s;
	}
	return len + snprintf(out + len, size - len, "\"");
}

static int stats_json(char *out, size_t size, const struct flash_stats *s)
{
	int i, len = snprintf(out, size, "{\"errno\":0,\"args\":{\"resp\":{");

	for (i = 0; i < NR_STATS; i++)
		len += snprintf(out + len, size - len, "%s\"%s\":%" PRIu64, i ? "," : "",
				stat_meta[i].name, s->v[i]);
	return len + snprintf(out + len, size - len, "}}}\n");
}

static int stats_meta_json(char *out, size_t size)
{
	int i, len;

	len = snprintf(out, size, "{\"errno\":0,\"args\":{\"resp\":{\"Metrics\":{\"fields\":{");
	for (i = 0; i < NR_STATS; i++)
		len += snprintf(out + len, size - len,
				"%s\"%s\":{\"datum\":\"u64\",\"desc\":\"%s\"}",
				i ? "," : "", stat_meta[i].name, stat_meta[i].desc);
	return len + snprintf(out + len, size - len,
			      "},\"name\":\"Metrics\",\"top\":\"true\"}}}}\n");
}

static int error_json(char *out, size_t size, const char *why)
{
	int len = snprintf(out, size, "{\"errno\":%d,\"args\":{\"resp\":", EINVAL);

	len += json_quote(out + len, size - len, why);
	return len + snprintf(out + len, size - len, "}}\n");
}

/* Answer "stats" (target "top", the only one) or "stats_meta". */
static int answer_request(const char *line, const struct flash_stats *cur,
			  struct flash_stats *prev, char *out, size_t size)
{
	char req[32] = "", target[32] = "top", why[128];
	struct flash_stats d;

	if (!json_valid(line))
		return error_json(out, size, "invalid request: not a JSON object");
	/* a member that is missing or no string leaves the default */
	json_string(json_get(line, "req") ?: "", req, sizeof(req));
	json_string(json_get(line, "args.target") ?: "", target, sizeof(target));
	if (!strcmp(req, "stats_meta"))
		return stats_meta_json(out, size);
	if (strcmp(req, "stats") || strcmp(target, "top")) {
		snprintf(why, sizeof(why), "unknown %s \"%s\"",
			 strcmp(req, "stats") ? "command" : "target",
			 strcmp(req, "stats") ? req : target);
		return error_json(out, size, why);
	}
	d = stats_delta(cur, prev);
	return stats_json(out, size, &d);
}

struct stats_client {
	int fd;
	size_t len;
	struct flash_stats prev;	/* counters at its last request */
	char buf[STATS_REQ_MAX];
};

struct stats_server {
	int fd;
	int nr_clients;
	struct stats_client clients[MAX_STATS_CLIENTS];
};

static void stats_client_close(struct stats_server *srv, int i)
{
	close(srv->clients[i].fd);
	srv->clients[i] = srv->clients[--srv->nr_clients];
}

static void stats_server_stop(struct stats_server *srv)
{
	while (srv->nr_clients)
		stats_client_close(srv, 0);
	if (srv->fd >= 0) {
		close(srv->fd);
		unlink(STATS_SOCK_PATH);
	}
	srv->fd = -1;
}

/* Serve on STATS_SOCK_PATH; a failure is only a warning: no statistics. */
static void stats_server_start(struct stats_server *srv)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX, .sun_path = STATS_SOCK_PATH };

	*srv = (struct stats_server) { .fd = -1 };
	if ((mkdir("/var/run/scx", 0755) && errno != EEXIST) ||
	    (mkdir(STATS_SOCK_DIR, 0755) && errno != EEXIST)) {
		warn("cannot create %s: %s", STATS_SOCK_DIR, strerror(errno));
		return;
	}
	if (unlink(STATS_SOCK_PATH) && errno != ENOENT) {
		warn("deleting %s: %s", STATS_SOCK_PATH, strerror(errno));
		return;
	}
	srv->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (srv->fd < 0 || bind(srv->fd, (struct sockaddr *)&addr, sizeof(addr)) ||
	    chmod(STATS_SOCK_PATH, 0600) || listen(srv->fd, 8)) {
		warn("creating UNIX socket %s: %s", STATS_SOCK_PATH, strerror(errno));
		stats_server_stop(srv);
	}
}

/* Answer each complete line of @c; false when it must be closed. */
static bool stats_client_serve(struct stats_client *c, const struct scx_flash *skel)
{
	char out[2048], *nl;
	struct flash_stats cur;
	ssize_t n;
	int len;

	n = recv(c->fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len, 0);
	if (n <= 0)
		return n < 0 && errno == EAGAIN;
	c->len += n;
	/*
	 * Lines are found in the bytes received, not in a C string: a NUL
	 * from the client must not hide the newlines after it.  A line with
	 * a NUL in it is no JSON.
	 */
	while ((nl = memchr(c->buf, '\n', c->len))) {
		*nl = '\0';
		read_stats(skel, &cur);
		if (strlen(c->buf) < (size_t)(nl - c->buf))
			len = error_json(out, sizeof(out), "invalid request: NUL byte");
		else
			len = answer_request(c->buf, &cur, &c->prev, out, sizeof(out));
		if (send(c->fd, out, len, MSG_NOSIGNAL | MSG_DONTWAIT) != len)
			return false;
		c->len -= nl + 1 - c->buf;
		memmove(c->buf, nl + 1, c->len);
	}
	if (c->len < sizeof(c->buf) - 1)
		return true;
	len = error_json(out, sizeof(out), "request too long");
	send(c->fd, out, len, MSG_NOSIGNAL | MSG_DONTWAIT);
	return false;
}

/* Wait up to @timeout_ms for requests and connections, then serve them. */
static void stats_server_poll(struct stats_server *srv, const struct scx_flash *skel,
			      int timeout_ms)
{
	struct pollfd fds[MAX_STATS_CLIENTS + 1];
	int i, nr = 0, first, fd;

	if (srv->fd >= 0)
		fds[nr++] = (struct pollfd) { srv->fd, POLLIN };
	first = nr;
	for (i = 0; i < srv->nr_clients; i++)
		fds[nr++] = (struct pollfd) { srv->clients[i].fd, POLLIN };
	poll(fds, nr, timeout_ms);
	/* last to first: closing one moves the last client into its slot */
	for (i = srv->nr_clients - 1; i >= 0; i--)
		if (fds[first + i].revents && !stats_client_serve(&srv->clients[i], skel))
			stats_client_close(srv, i);
	if (!first || !fds[0].revents)
		return;
	fd = accept4(srv->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	/* the first "stats" reply counts from the attach */
	if (fd >= 0 && srv->nr_clients < MAX_STATS_CLIENTS)
		srv->clients[srv->nr_clients++] = (struct stats_client) { .fd = fd };
	else if (fd >= 0)
		close(fd);
}

static int stats_connect(void)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX, .sun_path = STATS_SOCK_PATH };
	struct timeval tv = { .tv_sec = 10 };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), err;

	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (!connect(fd, (struct sockaddr *)&addr, sizeof(addr)))
		return fd;
	err = -errno;
	close(fd);
	return err;
}

struct stats_reply {
	int err;
	unsigned int seen;		/* bit i: stat i was in the reply */
	struct flash_stats stats;
};

/*
 * Read the reply @line into @r: its errno (EINVAL unless an int), and
 * each statistic that is a plain u64.  -EINVAL if it is no JSON object.
 */
static int read_reply(const char *line, struct stats_reply *r)
{
	char path[64];
	const char *v;
	u64 n;
	int i;

	if (!json_valid(line))
		return -EINVAL;
	v = json_get(line, "errno");
	r->err = v && json_int(v, true, &n) && (s64)n >= INT_MIN && (s64)n <= INT_MAX ?
		 (int)n : EINVAL;
	for (i = 0; i < NR_STATS; i++) {
		snprintf(path, sizeof(path), "args.resp.%s", stat_meta[i].name);
		v = json_get(line, path);
		if (v && json_int(v, false, &r->stats.v[i]))
			r->seen |= 1U << i;
		else
			r->seen &= ~(1U << i);
	}
	return 0;
}

/* Ask the server on @fd for the statistics; 0, or -EIO if the link broke. */
static int stats_request(int fd, struct flash_stats *s)
{
	static const char req[] = "{\"req\":\"stats\",\"args\":{}}\n";
	struct stats_reply r = {};
	char buf[2048], *nl;
	size_t len = 0;
	ssize_t n = -1;

	if (send(fd, req, sizeof(req) - 1, MSG_NOSIGNAL) != sizeof(req) - 1)
		goto io_error;
	while (!(nl = memchr(buf, '\n', len))) {
		n = recv(fd, buf + len, sizeof(buf) - 1 - len, 0);
		if (n <= 0 || len + n == sizeof(buf) - 1)
			goto io_error;
		len += n;
	}
	/*
	 * The reply is one line, as a request is: what came after its newline
	 * in the same read is not more of it.  There is no NUL in JSON.
	 */
	*nl = '\0';
	if (strlen(buf) < (size_t)(nl - buf) || read_reply(buf, &r) || r.err ||
	    r.seen != (1U << NR_STATS) - 1) {
		warn("Error handling stats_server result: %s", buf);
		return -EINVAL;
	}
	*s = r.stats;
	return 0;
io_error:
	info("Connection to stats_server failed (%s)",
	     n == 0 || len ? "connection closed" : strerror(errno));
	return -EIO;
}

/* @secs, which parse_interval() bounded, as a struct timespec. */
static struct timespec secs_to_timespec(double secs)
{
	return (struct timespec) { (time_t)secs, (secs - (time_t)secs) * 1e9 };
}

/* Print the statistics every @interval s, reconnecting through restarts. */
static int monitor_stats(double interval)
{
	struct timespec ts = secs_to_timespec(interval), retry = { 1 };
	struct flash_stats s;
	int fd, fails = 0;

	while (!exit_req) {
		fd = stats_connect();
		if (fd == -ENOENT || fd == -ECONNREFUSED) {
			if (++fails == 2)
				info("Stats server not available, retrying...");
			nanosleep(&retry, NULL);
			continue;
		}
		if (fd < 0)
			die("cannot connect to %s: %s", STATS_SOCK_PATH, strerror(-fd));
		fails = 0;
		while (!exit_req && !stats_request(fd, &s)) {
			print_stats(&s);
			nanosleep(&ts, NULL);
		}
		close(fd);
		if (!exit_req)
			nanosleep(&retry, NULL);
	}
	return 0;
}

/* Jiffies of user-mode (user + nice) and total CPU time since boot. */
struct cpu_times {
	u64 user, total;
};

static int read_cpu_times(struct cpu_times *t)
{
	unsigned long long v[8] = {};
	FILE *f = fopen("/proc/stat", "r");
	int nr, i;

	if (!f)
		return -errno;
	nr = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu",
		    &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]);
	fclose(f);
	if (nr < 4)
		return -EINVAL;
	/* guest and guest_nice are already counted in user and nice */
	t->user = v[0] + v[1];
	for (t->total = 0, i = 0; i < 8; i++)
		t->total += v[i];
	return 0;
}

/* Feed the user-mode share of CPU time since @prev to the scheduler. */
static void update_cpu_util(struct scx_flash *skel, struct cpu_times *prev)
{
	struct cpu_times cur;

	if (read_cpu_times(&cur))
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

/* Whether the power profile changed in a way that needs a new domain. */
static bool domain_needs_update(const struct flash_opts *o, enum power_profile *profile)
{
	enum power_profile now;

	if (*profile == PROFILE_UNKNOWN)
		return false;
	now = power_profile();
	if (now == *profile)
		return false;
	info("power profile changed from %s to %s", profile_names[*profile], profile_names[now]);
	*profile = now;
	return !strcmp(o->primary_domain, "auto");
}

/*
 * Serve the statistics, sample the CPU utilisation every second for
 * --slice-lag-scaling and watch the power profile, until the scheduler
 * exits or we are asked to stop.  Returns true when the scheduler must be
 * loaded again for a new primary domain.
 */
static bool run_scheduler(struct scx_flash *skel, struct sched_setup *s,
			  struct stats_server *srv)
{
	double interval = s->opts->stats_interval, now = now_secs(), wake;
	double next_tick = now + 1, next_stats = interval ? now + interval : 0;
	struct flash_stats prev = {}, cur, d;
	struct cpu_times times;

	read_cpu_times(&times);
	while (!exit_req && !UEI_EXITED(skel, uei)) {
		wake = next_stats && next_stats < next_tick ? next_stats : next_tick;
		now = now_secs();
		stats_server_poll(srv, skel, wake > now ? (int)((wake - now) * 1000) + 1 : 0);
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
			read_stats(skel, &cur);
			d = stats_delta(&cur, &prev);
			print_stats(&d);
		}
	}
	return false;
}

/* Read the machine, resolve the domain, log upstream's lines, set the QoS. */
static void prepare(struct sched_setup *s, int argc, char **argv)
{
	const struct flash_opts *o = s->opts;
	char line[1024];
	int i, len = 0;

	/* each of these says why it failed */
	if (read_topology(&s->topo))
		exit(1);
	s->profile = power_profile();
	mask_init(&s->primary, s->topo.nr_cpu_ids);
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
	struct stats_server srv;
	struct scx_flash *skel;
	struct bpf_link *link;
	bool user_restart, failed;
	u64 ecode;

	prepare(s, argc, argv);
	skel = open_scheduler(s);
	SCX_OPS_LOAD(skel, flash_ops, scx_flash, uei);
	program_primary_domain(skel, s);
	if (s->smt)
		program_smt_siblings(skel, &s->topo);
	link = SCX_OPS_ATTACH(skel, flash_ops, scx_flash);
	stats_server_start(&srv);
	user_restart = run_scheduler(skel, s, &srv);
	stats_server_stop(&srv);
	info("Unregister scx_flash scheduler");
	bpf_link__destroy(link);
	ecode = UEI_REPORT(skel, uei);
	/* anything past an unregistration is a failure, sysrq-S included */
	failed = skel->data->uei.kind >
		 __COMPAT_ENUM_OR_ZERO("scx_exit_kind", "SCX_EXIT_UNREG_KERN");
	scx_flash__destroy(skel);
	restore_idle_qos();
	topo_free(&s->topo);
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
