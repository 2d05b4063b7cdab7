// SPDX-License-Identifier: GPL-2.0
/*
 * Loader of the scx_flash scheduler.
 *
 * It parses and checks every option before it touches the system, reads
 * the CPU topology from sysfs, programs the BPF scheduler with it (SMT
 * siblings, NUMA, the primary domain resolved from the power profile, the
 * cpufreq level), sets the CPUs' idle resume latency, attaches the
 * scheduler and then serves its statistics on a UNIX socket in the
 * scx_stats protocol until it is stopped.  When the kernel asks for it
 * (CPU hotplug) or the power profile changes under --primary-domain=auto,
 * the scheduler is loaded again.  Whatever way it ends, the idle resume
 * latency is put back and the socket removed.
 *
 * Copyright (c) 2026 The scx_flash authors
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
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
#define PPD_MAX_ATTEMPTS	10

/* ------------------------------------------------------------------------
 * Logging: "HH:MM:SS [LEVEL] message" on stderr, like the upstream loader.
 */

static void log_msg(const char *level, const char *fmt, ...)
{
	time_t now = time(NULL);
	char line[1024];
	va_list args;
	int len;

	len = strftime(line, sizeof(line), "%H:%M:%S", localtime(&now));
	len += snprintf(line + len, sizeof(line) - len, " [%s] ", level);
	va_start(args, fmt);
	vsnprintf(line + len, sizeof(line) - len, fmt, args);
	va_end(args);
	fprintf(stderr, "%s\n", line);
}

#define info(fmt, ...)	log_msg("INFO", fmt, ##__VA_ARGS__)
#define warn(fmt, ...)	log_msg("WARN", fmt, ##__VA_ARGS__)

/*
 * "1.1.2 x86_64-unknown-linux-gnu": the version and the machine, as the
 * upstream loader prints them.
 */
static const char *full_version(void)
{
	static char buf[96];
	struct utsname u;

	if (!buf[0])
		snprintf(buf, sizeof(buf), "%s %s-unknown-linux-gnu",
			 SCX_FLASH_VERSION, uname(&u) ? "unknown" : u.machine);
	return buf;
}

/* ------------------------------------------------------------------------
 * Options
 */

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
"Environment: SCX_TIMEOUT_MS overrides the watchdog timeout (5000 ms);\n"
"SCX_SYSFS_PREFIX is put in front of /sys/devices/system paths (tests).\n"
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

/* An unsigned decimal number: no sign, no trailing junk, at most @max. */
static int parse_u64(const char *opt, const char *str, u64 max, u64 *val)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(str, &end, 10);
	if (!isdigit((unsigned char)*str) || *end)
		return bad_value(opt, str, "not an unsigned number");
	if (errno == ERANGE || v > max)
		return bad_value(opt, str, "too large");
	*val = v;
	return 0;
}

/* A signed decimal number in [@min, @max]. */
static int parse_s64(const char *opt, const char *str, s64 min, s64 max, s64 *val)
{
	long long v;
	char *end;

	errno = 0;
	v = strtoll(str, &end, 10);
	if (!isdigit((unsigned char)str[*str == '-']) || *end)
		return bad_value(opt, str, "not a number");
	if (errno == ERANGE || v < min || v > max)
		return bad_value(opt, str, "out of range");
	*val = v;
	return 0;
}

/* Microseconds, at most @max: scx_flash.h says why each limit. */
static int parse_usec(const char *opt, const char *str, u64 max, bool nonzero, u64 *val)
{
	char why[48];
	u64 v;

	if (parse_u64(opt, str, UINT64_MAX, &v))
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

static bool is_domain_keyword(const char *str)
{
	static const char *const keywords[] = {
		"auto", "turbo", "performance", "powersave", "all", "none",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(keywords); i++)
		if (!strcmp(str, keywords[i]))
			return true;
	return false;
}

/* A keyword or a hex mask; its CPUs are checked once they are counted. */
static int check_domain(const char *opt, const char *str)
{
	if (is_domain_keyword(str) || is_hex_mask(str))
		return 0;
	return bad_value(opt, str,
			 "expected auto, turbo, performance, powersave, all, none or a hex CPU mask");
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
		return parse_s64("idle-resume-us", arg, INT32_MIN, INT32_MAX, &o->idle_resume_us);
	case 'm':
		o->primary_domain = arg;
		return check_domain("primary-domain", arg);
	case OPT_EXIT_DUMP_LEN:
		if (parse_u64("exit-dump-len", arg, UINT32_MAX, &v))
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

/* ------------------------------------------------------------------------
 * sysfs and CPU masks
 */

/* Tests point this at a fake tree with SCX_SYSFS_PREFIX. */
static const char *sysfs_prefix(void)
{
	const char *prefix = getenv("SCX_SYSFS_PREFIX");

	return prefix ?: "";
}

static void sys_path(char *path, size_t size, const char *fmt, va_list args)
{
	int len = snprintf(path, size, "%s", sysfs_prefix());

	vsnprintf(path + len, size - len, fmt, args);
}

/*
 * Read the file @path into @buf as a string, without trailing whitespace
 * or NULs.  Returns 0 or a negative errno, with @buf empty.  A NUL before
 * the end is an error: the string would stop there, "enabled\0junk" read
 * as "enabled".
 */
static int read_text(const char *path, char *buf, size_t size)
{
	ssize_t len;
	int fd;

	buf[0] = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	len = read(fd, buf, size - 1);
	close(fd);
	if (len < 0) {
		buf[0] = '\0';
		return -errno;
	}
	while (len && (isspace((unsigned char)buf[len - 1]) || !buf[len - 1]))
		len--;
	buf[len] = '\0';
	if (strlen(buf) < (size_t)len) {
		buf[0] = '\0';
		return -EINVAL;
	}
	return 0;
}

/*
 * Read the sysfs file named by @fmt (under the prefix) into @buf, without
 * trailing whitespace.  Returns 0 or a negative errno.
 */
static int read_sys(char *buf, size_t size, const char *fmt, ...)
{
	char path[PATH_MAX];
	va_list args;

	va_start(args, fmt);
	sys_path(path, sizeof(path), fmt, args);
	va_end(args);
	return read_text(path, buf, size);
}

/* An unsigned number from sysfs; 0 if it cannot be read. */

static u64 read_sys_u64(const char *fmt, ...)
{
	char path[PATH_MAX], buf[64];
	va_list args;
	char *end;
	u64 v;

	va_start(args, fmt);
	vsnprintf(path, sizeof(path), fmt, args);
	va_end(args);
	if (read_sys(buf, sizeof(buf), "%s", path) || !isdigit(*buf))
		return 0;
	v = strtoull(buf, &end, 10);
	return *end ? 0 : v;
}

/* A signed number from sysfs into @val; 0 or a negative errno. */

static int read_sys_int(int *val, const char *fmt, ...)
{
	char path[PATH_MAX], buf[32];
	va_list args;
	char *end;
	int ret;

	va_start(args, fmt);
	vsnprintf(path, sizeof(path), fmt, args);
	va_end(args);
	ret = read_sys(buf, sizeof(buf), "%s", path);
	if (ret)
		return ret;
	*val = strtol(buf, &end, 10);
	return end == buf || *end ? -EINVAL : 0;
}

/* Write @val, without a newline, to the sysfs file named by @fmt. */

static int write_sys(const char *val, const char *fmt, ...)
{
	char path[PATH_MAX];
	va_list args;
	ssize_t len;
	int fd, ret = 0;

	va_start(args, fmt);
	sys_path(path, sizeof(path), fmt, args);
	va_end(args);

	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	len = write(fd, val, strlen(val));
	if (len < 0)
		ret = -errno;
	close(fd);
	return ret;
}

static bool sys_exists(const char *fmt, ...)
{
	char path[PATH_MAX];
	va_list args;

	va_start(args, fmt);
	sys_path(path, sizeof(path), fmt, args);
	va_end(args);
	return !access(path, F_OK);
}

/*
 * No CPU or node number reaches the kernel's largest NR_CPUS (8192, with
 * CONFIG_MAXSMP): anything above is not a real sysfs entry, and taking it
 * would size the topology tables by it.
 */
#define MAX_CPU_IDS	8192

/*
 * Call @fn for every entry "<stem><N>" of directory @dir (under the prefix)
 * with its number N, below MAX_CPU_IDS.  Returns the number of entries or a
 * negative errno.
 */
static int scan_numbered(const char *dir, const char *stem,
			 void (*fn)(int, void *), void *arg)
{
	size_t stem_len = strlen(stem);
	char path[PATH_MAX];
	struct dirent *e;
	int nr = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s%s", sysfs_prefix(), dir);
	d = opendir(path);
	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		const char *num = e->d_name + stem_len;
		char *end;
		long n;

		if (strncmp(e->d_name, stem, stem_len) || !isdigit(*num))
			continue;
		n = strtol(num, &end, 10);
		if (*end || n >= MAX_CPU_IDS)
			continue;
		fn(n, arg);
		nr++;
	}
	closedir(d);
	return nr;
}

/*
 * Parse a CPU list such as "0-3,8" and call @fn for each CPU.  Returns 0,
 * or -EINVAL for a malformed list or a CPU at or above @nr_cpus.
 */
static int parse_cpu_list(const char *str, int nr_cpus,
			  void (*fn)(int, void *), void *arg)
{
	while (*str) {
		long first, last;
		char *end;

		if (!isdigit(*str))
			return -EINVAL;
		first = strtol(str, &end, 10);
		last = first;
		if (*end == '-') {
			if (!isdigit(end[1]))
				return -EINVAL;
			last = strtol(end + 1, &end, 10);
		}
		if (last < first || last >= nr_cpus || (*end && *end != ','))
			return -EINVAL;
		for (; first <= last; first++)
			fn(first, arg);
		str = *end ? end + 1 : end;
	}
	return 0;
}

/* A set of CPUs 0..nr-1. */
struct flash_mask {
	int nr;
	u64 *bits;
};

static int mask_init(struct flash_mask *m, int nr)
{
	m->nr = nr;
	m->bits = calloc((nr + 63) / 64, sizeof(u64));
	return m->bits ? 0 : -ENOMEM;
}

static void mask_free(struct flash_mask *m)
{
	free(m->bits);
	m->bits = NULL;
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

/*
 * Parse a hex CPU mask ("0x" optional, "_" ignored, "none" is empty) into
 * @m.  A bit for a CPU the machine does not have is an error naming it.
 */
static int mask_parse(const char *str, struct flash_mask *m)
{
	const char *p, *digits = str;
	int bit = 0, i;

	if (!strcmp(str, "none"))
		return 0;
	if (!is_hex_mask(str))
		return -EINVAL;
	if (!strncasecmp(digits, "0x", 2))
		digits += 2;
	for (p = digits + strlen(digits) - 1; p >= digits; p--) {
		int v;

		if (*p == '_')
			continue;
		v = isdigit(*p) ? *p - '0' : tolower(*p) - 'a' + 10;
		for (i = 0; i < 4; i++, bit++) {
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
 * Format @m as the upstream loader does: 32-bit words, most significant
 * first, separated by commas, the first one only as wide as the CPU count
 * needs ("0xff" for 8 CPUs, "0xffffffff,ffffffff" for 64).
 */
static char *mask_format(const struct flash_mask *m, char *buf, size_t size)
{
	int nr_words = (m->nr + 31) / 32, width = ((m->nr + 3) / 4) % 8;
	int w, len;

	len = snprintf(buf, size, "0x");
	for (w = nr_words - 1; w >= 0; w--) {
		u32 word = m->bits[w / 2] >> (32 * (w % 2));

		if (w == nr_words - 1)
			len += snprintf(buf + len, size - len, "%0*x",
					width ?: 8, word);
		else
			len += snprintf(buf + len, size - len, ",%08x", word);
		if (len >= (int)size)
			break;
	}
	return buf;
}

/* ------------------------------------------------------------------------
 * Topology
 */

#define CPU_DIR		"/sys/devices/system/cpu"
#define NODE_DIR	"/sys/devices/system/node"

enum core_type {
	CORE_LITTLE,
	CORE_BIG,
	CORE_TURBO,	/* a big core with the highest capacity */
};

enum power_mode {
	POWER_ANY,
	POWER_TURBO,
	POWER_PERFORMANCE,
	POWER_POWERSAVE,
};

struct cpu_info {
	bool present;			/* cpuN exists in sysfs */
	bool online;
	int node;
	int core;			/* machine-wide core number */
	int sibling;			/* SMT sibling, or -1 */
	u64 rcap;			/* capacity as sysfs gives it */
	enum core_type type;
	char qos[16];			/* pm_qos_resume_latency_us at start */
};

struct topology {
	int nr_cpu_ids;			/* highest cpuN + 1 */
	int nr_nodes;			/* NUMA nodes with an online CPU */
	bool smt_active;
	struct cpu_info *cpus;
	struct flash_mask online;
};

static void topo_free(struct topology *t)
{
	free(t->cpus);
	mask_free(&t->online);
	t->cpus = NULL;
}

static void note_max(int n, void *max)
{
	if (n + 1 > *(int *)max)
		*(int *)max = n + 1;
}

static void mark_present(int cpu, void *t)
{
	struct topology *topo = t;

	if (cpu < topo->nr_cpu_ids)
		topo->cpus[cpu].present = true;
}

struct node_walk {
	struct topology *topo;
	int node;
};

static void set_node_of_cpu(int cpu, void *arg)
{
	struct node_walk *w = arg;

	if (cpu < w->topo->nr_cpu_ids)
		w->topo->cpus[cpu].node = w->node;
}

static void read_node(int node, void *t)
{
	char dir[64];
	struct node_walk w = { t, node };

	snprintf(dir, sizeof(dir), NODE_DIR "/node%d", node);
	scan_numbered(dir, "cpu", set_node_of_cpu, &w);
}

/* Assign each online CPU a NUMA node and count the nodes in use. */
static void read_nodes(struct topology *t)
{
	int cpu, other;

	if (sys_exists(NODE_DIR))
		scan_numbered(NODE_DIR, "node", read_node, t);

	for (cpu = 0; cpu < t->nr_cpu_ids; cpu++) {
		struct cpu_info *c = &t->cpus[cpu];

		if (c->node < 0)
			c->node = 0;
		if (!c->online)
			continue;
		for (other = 0; other < cpu; other++)
			if (t->cpus[other].online &&
			    t->cpus[other].node == c->node)
				break;
		if (other == cpu)
			t->nr_nodes++;
	}
}

/*
 * Number the cores (one per node, package and core id) and pair the two
 * lowest-numbered threads of each core as SMT siblings; a third thread
 * stays unpaired, as in the upstream loader.
 */
static int read_cores(struct topology *t)
{
	int *pkg, *core_id, nr_cores = 0, cpu, other;

	pkg = calloc(t->nr_cpu_ids, sizeof(int));
	core_id = calloc(t->nr_cpu_ids, sizeof(int));
	if (!pkg || !core_id) {
		free(pkg);
		free(core_id);
		return -ENOMEM;
	}

	for (cpu = 0; cpu < t->nr_cpu_ids; cpu++) {
		struct cpu_info *c = &t->cpus[cpu];

		if (!c->online)
			continue;
		if (read_sys_int(&core_id[cpu],
				 CPU_DIR "/cpu%d/topology/core_id", cpu) ||
		    read_sys_int(&pkg[cpu],
				 CPU_DIR "/cpu%d/topology/physical_package_id",
				 cpu)) {
			fprintf(stderr,
				"scx_flash: cannot read CPU %d's topology under '%s" CPU_DIR "'\n",
				cpu, sysfs_prefix());
			free(pkg);
			free(core_id);
			return -ENOENT;
		}

		c->core = nr_cores;
		for (other = 0; other < cpu; other++) {
			struct cpu_info *o = &t->cpus[other];

			if (!o->online || o->node != c->node ||
			    pkg[other] != pkg[cpu] ||
			    core_id[other] != core_id[cpu])
				continue;
			c->core = o->core;
			if (o->sibling < 0) {
				o->sibling = cpu;
				c->sibling = other;
			}
			break;
		}
		if (c->core == nr_cores)
			nr_cores++;
	}
	free(pkg);
	free(core_id);
	return 0;
}

/*
 * Files that may tell CPUs apart by capacity, most telling first.  The
 * first one whose value differs between CPUs is used; if none does, the
 * last one that has a value (all CPUs are then alike).
 */
static const char *const capacity_files[] = {
	"cpufreq/amd_pstate_prefcore_ranking",
	"cpufreq/amd_pstate_highest_perf",
	"acpi_cppc/highest_perf",
	"cpu_capacity",
	"cpufreq/cpuinfo_max_freq",
};

static const char *pick_capacity_file(const struct topology *t)
{
	const char *chosen = capacity_files[4];
	size_t i;
	int cpu;

	for (i = 0; i < ARRAY_SIZE(capacity_files); i++) {
		u64 v0 = read_sys_u64(CPU_DIR "/cpu0/%s", capacity_files[i]);

		if (!v0)
			continue;
		chosen = capacity_files[i];
		for (cpu = 1; cpu < t->nr_cpu_ids; cpu++)
			if (t->cpus[cpu].present &&
			    read_sys_u64(CPU_DIR "/cpu%d/%s", cpu,
					 chosen) != v0)
				return chosen;
	}
	return chosen;
}

/*
 * Classify the CPUs: turbo (the highest capacity, when not all CPUs have
 * it), big, or little (on a big.LITTLE machine, where the largest capacity
 * is at least 1.3 times the smallest, below the average).  Without any
 * capacity information every CPU is big.
 */
static void read_capacities(struct topology *t)
{
	const char *file = pick_capacity_file(t);
	u64 max = 0, min = UINT64_MAX, sum = 0;
	int cpu, nr = 0;
	bool biglittle;
	u64 avg;

	for (cpu = 0; cpu < t->nr_cpu_ids; cpu++) {
		u64 v;

		if (!t->cpus[cpu].present)
			continue;
		v = read_sys_u64(CPU_DIR "/cpu%d/%s", cpu, file);
		t->cpus[cpu].rcap = v;
		max = v > max ? v : max;
		min = v < min ? v : min;
		sum += v;
		nr++;
	}

	if (!max) {
		warn("CPU capacity information is not available under sysfs.");
		for (cpu = 0; cpu < t->nr_cpu_ids; cpu++)
			t->cpus[cpu].type = CORE_BIG;
		return;
	}

	avg = sum / nr;
	biglittle = max * 10 >= min * 13;
	for (cpu = 0; cpu < t->nr_cpu_ids; cpu++) {
		struct cpu_info *c = &t->cpus[cpu];
		u64 rcap = c->rcap ?: max;

		if (avg < max && rcap == max)
			c->type = CORE_TURBO;
		else if (!biglittle || rcap >= avg)
			c->type = CORE_BIG;
		else
			c->type = CORE_LITTLE;
	}
}

static void mark_online(int cpu, void *t)
{
	struct topology *topo = t;

	topo->cpus[cpu].online = true;
	mask_set(&topo->online, cpu);
}

/*
 * The highest cpuN under sysfs plus one: the width of every CPU mask.
 * Prints why and returns a negative errno if there is none.
 */
static int read_nr_cpu_ids(void)
{
	int nr = 0;

	if (scan_numbered(CPU_DIR, "cpu", note_max, &nr) <= 0) {
		fprintf(stderr, "scx_flash: no CPU found under '%s" CPU_DIR "'\n",
			sysfs_prefix());
		return -ENOENT;
	}
	return nr;
}

/*
 * Read the machine's CPUs, nodes, cores, SMT siblings, capacities and idle
 * resume latencies from sysfs.  Prints why and returns a negative errno if
 * the topology cannot be read.
 */
static int read_topology(struct topology *t)
{
	char buf[4096];
	int cpu, ret;

	*t = (struct topology) {};
	ret = read_nr_cpu_ids();
	if (ret < 0)
		return ret;
	t->nr_cpu_ids = ret;

	t->cpus = calloc(t->nr_cpu_ids, sizeof(*t->cpus));
	if (!t->cpus || mask_init(&t->online, t->nr_cpu_ids)) {
		topo_free(t);
		return -ENOMEM;
	}
	for (cpu = 0; cpu < t->nr_cpu_ids; cpu++) {
		t->cpus[cpu].node = -1;
		t->cpus[cpu].sibling = -1;
	}
	scan_numbered(CPU_DIR, "cpu", mark_present, t);

	if (read_sys(buf, sizeof(buf), CPU_DIR "/online") ||
	    parse_cpu_list(buf, t->nr_cpu_ids, mark_online, t)) {
		fprintf(stderr, "scx_flash: cannot parse '%s" CPU_DIR "/online'\n",
			sysfs_prefix());
		topo_free(t);
		return -EINVAL;
	}

	t->smt_active = read_sys_u64(CPU_DIR "/smt/active") == 1;
	read_nodes(t);
	ret = read_cores(t);
	if (ret) {
		topo_free(t);
		return ret;
	}
	read_capacities(t);

	for (cpu = 0; cpu < t->nr_cpu_ids; cpu++)
		if (t->cpus[cpu].online)
			read_sys(t->cpus[cpu].qos, sizeof(t->cpus[cpu].qos),
				 CPU_DIR "/cpu%d/power/pm_qos_resume_latency_us",
				 cpu);
	return 0;
}

/* ------------------------------------------------------------------------
 * Power profile and primary domain
 */

enum power_profile {
	PROFILE_UNKNOWN,
	PROFILE_POWERSAVE,
	PROFILE_BALANCED_POWER,
	PROFILE_BALANCED_PERFORMANCE,
	PROFILE_PERFORMANCE,
};

static const char *const profile_names[] = {
	[PROFILE_UNKNOWN]		= "unknown",
	[PROFILE_POWERSAVE]		= "powersave",
	[PROFILE_BALANCED_POWER]	= "balanced_power",
	[PROFILE_BALANCED_PERFORMANCE]	= "balanced_performance",
	[PROFILE_PERFORMANCE]		= "performance",
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
	if (!strcmp(epp, "performance"))
		return PROFILE_PERFORMANCE;
	return PROFILE_UNKNOWN;
}

/* A power-profiles-daemon profile. */
static enum power_profile profile_from_ppd(const char *ppd)
{
	if (!strcmp(ppd, "power-saver"))
		return PROFILE_POWERSAVE;
	if (!strcmp(ppd, "balanced"))
		return PROFILE_BALANCED_PERFORMANCE;
	if (!strcmp(ppd, "performance"))
		return PROFILE_PERFORMANCE;
	return PROFILE_UNKNOWN;
}

/* CPU 0's energy performance preference, or else its governor. */
static enum power_profile sysfs_power_profile(void)
{
	char buf[64];

	if (read_sys(buf, sizeof(buf), CPU_DIR
		     "/cpufreq/policy0/energy_performance_preference") &&
	    read_sys(buf, sizeof(buf), CPU_DIR
		     "/cpufreq/policy0/scaling_governor"))
		return PROFILE_UNKNOWN;
	return profile_from_epp(buf);
}

/*
 * power-profiles-daemon's ActiveProfile over the system D-Bus, through
 * libsystemd's sd-bus when it can be loaded: the loader does not need it
 * to build or run.  After PPD_MAX_ATTEMPTS failed connections it is no
 * longer tried.
 */
struct sd_bus;

static enum power_profile ppd_power_profile(void)
{
	static int (*open_system)(struct sd_bus **bus);
	static int (*get_string)(struct sd_bus *bus, const char *dest,
				 const char *path, const char *iface,
				 const char *member, void *error, char **ret);
	static struct sd_bus *(*unref)(struct sd_bus *bus);
	static struct sd_bus *bus;
	static int attempts;
	enum power_profile profile;
	char *active = NULL;
	void *lib;

	if (!bus && attempts >= PPD_MAX_ATTEMPTS)
		return PROFILE_UNKNOWN;
	if (!open_system) {
		lib = dlopen("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL);
		if (!lib) {
			attempts = PPD_MAX_ATTEMPTS;
			return PROFILE_UNKNOWN;
		}
		open_system = dlsym(lib, "sd_bus_open_system");
		get_string = dlsym(lib, "sd_bus_get_property_string");
		unref = dlsym(lib, "sd_bus_unref");
		if (!open_system || !get_string || !unref) {
			open_system = NULL;
			attempts = PPD_MAX_ATTEMPTS;
			return PROFILE_UNKNOWN;
		}
	}
	if (!bus) {
		attempts++;
		if (open_system(&bus) < 0) {
			bus = NULL;
			return PROFILE_UNKNOWN;
		}
	}
	if (get_string(bus, "net.hadess.PowerProfiles",
		       "/net/hadess/PowerProfiles", "net.hadess.PowerProfiles",
		       "ActiveProfile", NULL, &active) < 0) {
		bus = unref(bus);
		return PROFILE_UNKNOWN;
	}
	profile = profile_from_ppd(active);
	free(active);
	return profile;
}

/* sysfs decides; power-profiles-daemon only when sysfs says nothing. */
static enum power_profile power_profile(void)
{
	enum power_profile profile = sysfs_power_profile();

	return profile != PROFILE_UNKNOWN ? profile : ppd_power_profile();
}

/* The CPUs of @mode: an empty selection falls back to every online CPU. */
static void primary_cpus(const struct topology *t, enum power_mode mode,
			 struct flash_mask *m)
{
	int cpu, nr = 0;

	for (cpu = 0; cpu < t->nr_cpu_ids; cpu++) {
		enum core_type type = t->cpus[cpu].type;
		bool keep;

		if (!t->cpus[cpu].online)
			continue;
		switch (mode) {
		case POWER_TURBO:
			keep = type == CORE_TURBO;
			break;
		case POWER_PERFORMANCE:
			keep = type != CORE_LITTLE;
			break;
		case POWER_POWERSAVE:
			keep = type == CORE_LITTLE;
			break;
		default:
			keep = true;
		}
		if (keep) {
			mask_set(m, cpu);
			nr++;
		}
	}
	if (!nr && mode != POWER_ANY)
		primary_cpus(t, POWER_ANY, m);
}

/*
 * Resolve --primary-domain into @m: a keyword names a class of CPUs, "auto"
 * the class that suits the power profile, anything else is a CPU mask.
 */
static int resolve_primary_domain(const char *domain, const struct topology *t,
				  enum power_profile profile,
				  struct flash_mask *m)
{
	enum power_mode mode;

	if (!strcmp(domain, "auto"))
		mode = profile == PROFILE_POWERSAVE ||
		       profile == PROFILE_BALANCED_POWER ?
		       POWER_POWERSAVE : POWER_ANY;
	else if (!strcmp(domain, "turbo"))
		mode = POWER_TURBO;
	else if (!strcmp(domain, "performance"))
		mode = POWER_PERFORMANCE;
	else if (!strcmp(domain, "powersave"))
		mode = POWER_POWERSAVE;
	else if (!strcmp(domain, "all"))
		mode = POWER_ANY;
	else
		return mask_parse(domain, m);

	primary_cpus(t, mode, m);
	return 0;
}

/*
 * A --primary-domain mask may only name CPUs this machine can have: checked
 * with the other option values, before the kernel is looked at.  Prints
 * why and returns a negative errno if not.
 */
static int check_primary_mask(const char *domain)
{
	struct flash_mask m;
	int nr, ret;

	if (is_domain_keyword(domain))
		return 0;
	nr = read_nr_cpu_ids();
	if (nr < 0)
		return nr;
	if (mask_init(&m, nr))
		return -ENOMEM;
	ret = mask_parse(domain, &m);
	mask_free(&m);
	return ret;
}

/* ------------------------------------------------------------------------
 * Idle resume latency (PM QoS)
 */

static bool idle_qos_supported(void)
{
	return sys_exists(CPU_DIR "/cpu0/power/pm_qos_resume_latency_us");
}

/* The topology whose QoS snapshot must be put back, if any. */
static const struct topology *qos_changed;

/* Put back every online CPU's idle resume latency as it was at start. */
static void restore_idle_qos(void)
{
	const struct topology *t = qos_changed;
	int cpu;

	if (!t)
		return;
	qos_changed = NULL;
	for (cpu = 0; cpu < t->nr_cpu_ids; cpu++)
		if (t->cpus[cpu].online && t->cpus[cpu].qos[0] &&
		    write_sys(t->cpus[cpu].qos, CPU_DIR
			      "/cpu%d/power/pm_qos_resume_latency_us", cpu))
			warn("cannot restore the idle QoS of CPU %d to %s",
			     cpu, t->cpus[cpu].qos);
}

/*
 * Limit every online CPU's idle exit latency to @us.  From here on every
 * way out of the process (exit(), SCX_BUG(), signals through the main
 * loop) puts the old values back.
 */
static int set_idle_qos(const struct topology *t, s64 us)
{
	char val[24];
	int cpu, ret;

	if (us < 0)
		return 0;
	if (!idle_qos_supported()) {
		warn("idle resume latency not supported");
		return 0;
	}

	info("Setting idle QoS to %" PRId64 " us", us);
	snprintf(val, sizeof(val), "%" PRId64, us);
	qos_changed = t;
	for (cpu = 0; cpu < t->nr_cpu_ids; cpu++) {
		if (!t->cpus[cpu].online)
			continue;
		ret = write_sys(val, CPU_DIR
				"/cpu%d/power/pm_qos_resume_latency_us", cpu);
		if (ret) {
			fprintf(stderr,
				"scx_flash: cannot set the idle QoS of CPU %d: %s\n",
				cpu, strerror(-ret));
			restore_idle_qos();
			return ret;
		}
	}
	return 0;
}

/* ------------------------------------------------------------------------
 * Loading and attaching the BPF scheduler
 */

static bool verbose;
static volatile sig_atomic_t exit_req;

static int libbpf_print_fn(enum libbpf_print_level level, const char *format,
			   va_list args)
{
	if (level == LIBBPF_DEBUG && !verbose)
		return 0;
	return vfprintf(stderr, format, args);
}

static void request_exit(int sig)
{
	exit_req = 1;
}

/* The libbpf object options from the command line, for SCX_OPS_OPEN(). */
static struct bpf_object_open_opts open_opts = { .sz = sizeof(open_opts) };
static char *kconfig_text;

static int set_open_opts(const struct flash_opts *o)
{
	size_t size;
	FILE *f;

	open_opts.relaxed_maps = o->relaxed_maps &&
				 !strcmp(o->relaxed_maps, "true");
	open_opts.pin_root_path = o->pin_root_path;
	open_opts.btf_custom_path = o->btf_custom_path;
	open_opts.bpf_token_path = o->bpf_token_path;
	if (!o->kconfig_path)
		return 0;

	f = fopen(o->kconfig_path, "r");
	if (!f || getdelim(&kconfig_text, &size, '\0', f) < 0) {
		fprintf(stderr, "scx_flash: cannot read --kconfig file '%s'\n",
			o->kconfig_path);
		if (f)
			fclose(f);
		return -EINVAL;
	}
	fclose(f);
	open_opts.kconfig = kconfig_text;
	return 0;
}

/* SCX_OPS_OPEN() opens the skeleton without options: pass ours along. */
#define scx_flash__open()	scx_flash__open_opts(&open_opts)

/*
 * SCX_TIMEOUT_MS, checked before anything is changed; 0 when unset.  Idle
 * injection keeps tasks waiting for --throttle-us at a time: refuse one
 * that leaves them less than four fifths of the watchdog's timeout.
 */
static int timeout_from_env(const struct flash_opts *o, u32 *ms)
{
	const char *env = getenv("SCX_TIMEOUT_MS");
	u64 v = FLASH_TIMEOUT_MS_DFL;

	*ms = 0;
	if (env && (parse_u64("SCX_TIMEOUT_MS", env, UINT32_MAX, &v) || !v)) {
		fprintf(stderr,
			"scx_flash: SCX_TIMEOUT_MS has invalid value '%s'\n",
			env);
		return -EINVAL;
	}
	if (o->throttle_us * 5 > v * 1000) {
		fprintf(stderr,
			"scx_flash: invalid value '%llu' for --throttle-us: above a fifth of the %llu ms watchdog timeout\n",
			(unsigned long long)o->throttle_us,
			(unsigned long long)v);
		return -EINVAL;
	}
	if (env)
		*ms = v;
	return 0;
}

/*
 * Append "_<version>_<machine>" to the ops name, as the upstream loader
 * does, with every character the kernel refuses in a name turned into '_'.
 * The skeleton does not expose ops.name, so find it through the object's
 * BTF in the struct_ops map's data.
 */
static void set_ops_name(struct scx_flash *skel)
{
	const struct btf *btf = bpf_object__btf(skel->obj);
	const struct btf_member *m;
	const struct btf_type *t;
	char suffix[160], *name, *p;
	size_t size, len;
	int id, i;

	id = btf__find_by_name_kind(btf, "sched_ext_ops", BTF_KIND_STRUCT);
	t = id > 0 ? btf__type_by_id(btf, id) : NULL;
	for (i = 0, m = t ? btf_members(t) : NULL; t && i < btf_vlen(t);
	     i++, m++) {
		if (strcmp(btf__name_by_offset(btf, m->name_off), "name"))
			continue;
		name = (char *)bpf_map__initial_value(skel->maps.flash_ops,
						      &size) +
		       btf_member_bit_offset(t, i) / 8;
		size = btf__resolve_size(btf, m->type);
		len = strnlen(name, size);

		snprintf(suffix, sizeof(suffix), "_%s", full_version());
		for (p = suffix; *p; p++)
			if (!isalnum((unsigned char)*p) && *p != '.' &&
			    *p != '_')
				*p = '_';
		snprintf(name + len, size - len, "%s", suffix);
		return;
	}
}

static u64 ops_flags(bool numa_disabled)
{
	u64 flags = SCX_OPS_ENQ_EXITING | SCX_OPS_ENQ_LAST |
		    SCX_OPS_ENQ_MIGRATION_DISABLED |
		    SCX_OPS_ALLOW_QUEUED_WAKEUP;

	if (!numa_disabled)
		flags |= SCX_OPS_BUILTIN_IDLE_PER_NODE;
	return flags;
}

/* Everything the scheduler needs to know before it is loaded. */
struct sched_setup {
	const struct flash_opts *opts;
	const struct topology *topo;
	struct flash_mask primary;
	u32 timeout_ms;
	bool smt;
	bool numa_disabled;
};

static struct scx_flash *open_scheduler(const struct sched_setup *s)
{
	const struct flash_opts *o = s->opts;
	struct scx_flash *skel;
	typeof(skel->struct_ops.flash_ops) ops;

	skel = SCX_OPS_OPEN(flash_ops, scx_flash);
	ops = skel->struct_ops.flash_ops;

	set_ops_name(skel);
	ops->exit_dump_len = o->exit_dump_len;
	ops->flags = ops_flags(s->numa_disabled);
	if (s->timeout_ms) {
		ops->timeout_ms = s->timeout_ms;
		info("Setting timeout_ms to %u based on environment",
		     s->timeout_ms);
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
	skel->rodata->primary_all =
		mask_weight(&s->primary) == s->topo->nr_cpu_ids;

	info("scheduler flags: %#llx", (unsigned long long)ops->flags);
	return skel;
}

static int run_syscall_prog(struct bpf_program *prog, void *arg, size_t size)
{
	LIBBPF_OPTS(bpf_test_run_opts, attr,
		.ctx_in = arg,
		.ctx_size_in = size,
	);
	int err;

	err = bpf_prog_test_run_opts(bpf_program__fd(prog), &attr);
	return err ?: (int)attr.retval;
}

/* Empty the primary domain, then add each of its CPUs. */
static int program_primary_domain(struct scx_flash *skel,
				  const struct flash_mask *m)
{
	struct cpu_arg arg = { .cpu_id = -1 };
	char buf[1024];
	int err;

	info("primary CPU domain = %s", mask_format(m, buf, sizeof(buf)));
	err = run_syscall_prog(skel->progs.enable_primary_cpu, &arg,
			       sizeof(arg));
	if (err) {
		fprintf(stderr, "scx_flash: failed to reset primary domain: error %d\n",
			err);
		return err;
	}
	for (arg.cpu_id = 0; arg.cpu_id < m->nr; arg.cpu_id++) {
		if (!mask_test(m, arg.cpu_id))
			continue;
		err = run_syscall_prog(skel->progs.enable_primary_cpu, &arg,
				       sizeof(arg));
		if (err) {
			fprintf(stderr,
				"scx_flash: failed to add CPU %d to primary domain: error %d\n",
				arg.cpu_id, err);
			return err;
		}
	}
	return 0;
}

/*
 * The cpufreq target, read by the scheduler when it attaches: lowest for
 * the powersave domain, load-driven with --cpufreq, otherwise highest.
 */
static void set_cpufreq_level(struct scx_flash *skel,
			      const struct flash_opts *o)
{
	const char *name;

	if (!strcmp(o->primary_domain, "powersave")) {
		skel->data->cpufreq_perf_lvl = 0;
		name = "min";
	} else if (o->cpufreq) {
		skel->data->cpufreq_perf_lvl = -1;
		name = "auto";
	} else {
		skel->data->cpufreq_perf_lvl = FLASH_PERF_ONE;
		name = "max";
	}
	info("cpufreq performance level: %s", name);
}

/* Tell the scheduler which CPU pairs share a core. */
static int program_smt_siblings(struct scx_flash *skel,
				const struct topology *t)
{
	struct domain_arg arg = { .lvl_id = 0 };
	char list[4096];
	int cpu, len, err;

	len = snprintf(list, sizeof(list), "[");
	for (cpu = 0; cpu < t->nr_cpu_ids && len < (int)sizeof(list); cpu++)
		len += snprintf(list + len, sizeof(list) - len, "%s%d",
				cpu ? ", " : "", t->cpus[cpu].sibling);
	info("SMT sibling CPUs: %s]", list);

	for (cpu = 0; cpu < t->nr_cpu_ids; cpu++) {
		if (t->cpus[cpu].sibling < 0)
			continue;
		arg.cpu_id = cpu;
		arg.sibling_cpu_id = t->cpus[cpu].sibling;
		err = run_syscall_prog(skel->progs.enable_sibling_cpu, &arg,
				       sizeof(arg));
		if (err) {
			fprintf(stderr,
				"scx_flash: failed to set sibling %d of CPU %d: error %d\n",
				arg.sibling_cpu_id, cpu, err);
			return err;
		}
	}
	return 0;
}

/*
 * The sched_ext state in @dir (SCHED_EXT_SYSFS but in tests) is "enabled"
 * while another scheduler is attached.
 */
static bool other_scheduler_attached(const char *dir)
{
	char path[PATH_MAX], state[32], ops[128];

	snprintf(path, sizeof(path), "%s/state", dir);
	if (read_text(path, state, sizeof(state)) || strcmp(state, "enabled"))
		return false;

	snprintf(path, sizeof(path), "%s/root/ops", dir);
	if (read_text(path, ops, sizeof(ops)))
		snprintf(ops, sizeof(ops), "?");
	fprintf(stderr,
		"scx_flash: another sched_ext scheduler is already running (%s)\n",
		ops);
	return true;
}

/*
 * Refuse to start where the scheduler cannot be attached, with a message
 * that says why, before anything on the system is changed.  Another
 * scheduler is looked for only here: should one attach later, the kernel
 * refuses ours and SCX_OPS_ATTACH() says so.
 */
static int check_sched_ext(void)
{
	if (access(SCHED_EXT_SYSFS, F_OK)) {
		fprintf(stderr,
			"scx_flash: this kernel has no sched_ext support (%s is missing); boot a kernel with CONFIG_SCHED_CLASS_EXT=y\n",
			SCHED_EXT_SYSFS);
		return -ENODEV;
	}
	if (geteuid()) {
		fprintf(stderr,
			"scx_flash: attaching a BPF scheduler needs root (with CAP_BPF and CAP_PERFMON)\n");
		return -EPERM;
	}
	if (other_scheduler_attached(SCHED_EXT_SYSFS))
		return -EBUSY;
	return 0;
}

/* ------------------------------------------------------------------------
 * Statistics
 */

/* The statistics, in the alphabetical order of their names. */
enum stat_id {
	STAT_NR_CPUS,
	STAT_NR_DIRECT_DISPATCHES,
	STAT_NR_KTHREAD_DISPATCHES,
	STAT_NR_RUNNING,
	STAT_NR_SHARED_DISPATCHES,
	NR_STATS,
};

static const struct {
	const char *name;
	const char *desc;
	bool counter;		/* reported as the change since last time */
} stat_meta[NR_STATS] = {
	[STAT_NR_CPUS] = {
		"nr_cpus", "Number of online CPUs" },
	[STAT_NR_DIRECT_DISPATCHES] = {
		"nr_direct_dispatches", "Number of task direct dispatches",
		true },
	[STAT_NR_KTHREAD_DISPATCHES] = {
		"nr_kthread_dispatches", "Number of kthread direct dispatches",
		true },
	[STAT_NR_RUNNING] = {
		"nr_running", "Number of running tasks" },
	[STAT_NR_SHARED_DISPATCHES] = {
		"nr_shared_dispatches", "Number of regular task dispatches",
		true },
};

struct flash_stats {
	u64 v[NR_STATS];
};

static void read_stats(const struct scx_flash *skel, struct flash_stats *s)
{
	s->v[STAT_NR_CPUS] = skel->bss->nr_online_cpus;
	s->v[STAT_NR_DIRECT_DISPATCHES] = skel->bss->nr_direct_dispatches;
	s->v[STAT_NR_KTHREAD_DISPATCHES] = skel->bss->nr_kthread_dispatches;
	s->v[STAT_NR_RUNNING] = skel->bss->nr_running;
	s->v[STAT_NR_SHARED_DISPATCHES] = skel->bss->nr_shared_dispatches;
}

/* @cur with its counters made relative to @prev, which becomes @cur. */
static struct flash_stats stats_delta(const struct flash_stats *cur,
				      struct flash_stats *prev)
{
	struct flash_stats d = *cur;
	int i;

	for (i = 0; i < NR_STATS; i++)
		if (stat_meta[i].counter)
			d.v[i] -= prev->v[i];
	*prev = *cur;
	return d;
}

static void print_stats(const struct flash_stats *s)
{
	printf("[scx_flash] tasks -> r: %2" PRIu64 "/%-2" PRIu64
	       " | dispatch -> k: %-5" PRIu64 " d: %-5" PRIu64
	       " s: %-5" PRIu64 "\n",
	       s->v[STAT_NR_RUNNING], s->v[STAT_NR_CPUS],
	       s->v[STAT_NR_KTHREAD_DISPATCHES],
	       s->v[STAT_NR_DIRECT_DISPATCHES],
	       s->v[STAT_NR_SHARED_DISPATCHES]);
	fflush(stdout);
}

static void print_help_stats(void)
{
	int i;

	printf("[Metrics]\n");
	for (i = 0; i < NR_STATS; i++)
		printf("  %-21s %-5s : %s\n", stat_meta[i].name, "(u64)",
		       stat_meta[i].desc);
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
	const char *v;

	if (!json_valid(line))
		return error_json(out, size, "invalid request: not a JSON object");
	v = json_get(line, "req");
	if (v && *v == '"')
		json_string(v, req, sizeof(req));
	v = json_get(line, "args.target");
	if (v && *v == '"')
		json_string(v, target, sizeof(target));
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

/* ------------------------------------------------------------------------
 * The stats server: the scx_stats protocol on a UNIX socket, served from
 * the main loop.
 */

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

static int stats_server_start(struct stats_server *srv)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };

	srv->fd = -1;
	srv->nr_clients = 0;
	if ((mkdir("/var/run/scx", 0755) && errno != EEXIST) ||
	    (mkdir(STATS_SOCK_DIR, 0755) && errno != EEXIST)) {
		warn("cannot create %s: %s", STATS_SOCK_DIR, strerror(errno));
		return -errno;
	}
	if (unlink(STATS_SOCK_PATH) && errno != ENOENT) {
		warn("deleting %s: %s", STATS_SOCK_PATH, strerror(errno));
		return -errno;
	}

	snprintf(addr.sun_path, sizeof(addr.sun_path), STATS_SOCK_PATH);
	srv->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			 0);
	if (srv->fd < 0 ||
	    bind(srv->fd, (struct sockaddr *)&addr, sizeof(addr)) ||
	    chmod(STATS_SOCK_PATH, 0600) || listen(srv->fd, 8)) {
		warn("creating UNIX socket %s: %s", STATS_SOCK_PATH,
		     strerror(errno));
		if (srv->fd >= 0)
			close(srv->fd);
		srv->fd = -1;
		unlink(STATS_SOCK_PATH);
		return -errno;
	}
	return 0;
}

static void stats_client_close(struct stats_server *srv, int i)
{
	close(srv->clients[i].fd);
	srv->clients[i] = srv->clients[--srv->nr_clients];
}

static void stats_server_stop(struct stats_server *srv)
{
	while (srv->nr_clients)
		stats_client_close(srv, 0);
	if (srv->fd < 0)
		return;
	close(srv->fd);
	srv->fd = -1;
	unlink(STATS_SOCK_PATH);
}

static void stats_server_accept(struct stats_server *srv)
{
	int fd = accept4(srv->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd < 0)
		return;
	if (srv->nr_clients == MAX_STATS_CLIENTS) {
		close(fd);
		return;
	}
	/* the first "stats" reply counts from the attach */
	srv->clients[srv->nr_clients++] = (struct stats_client) { .fd = fd };
}

/*
 * Read what client @i sent and answer each complete line.  Returns false
 * when the client is gone or misbehaved and must be closed.
 */
static bool stats_client_serve(struct stats_client *c,
			       const struct scx_flash *skel)
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
			len = error_json(out, sizeof(out),
					 "invalid request: NUL byte");
		else
			len = answer_request(c->buf, &cur, &c->prev, out,
					     sizeof(out));
		if (send(c->fd, out, len, MSG_NOSIGNAL | MSG_DONTWAIT) != len)
			return false;
		c->len -= nl + 1 - c->buf;
		memmove(c->buf, nl + 1, c->len);
	}
	if (c->len == sizeof(c->buf) - 1) {
		len = error_json(out, sizeof(out), "request too long");
		send(c->fd, out, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		return false;
	}
	return true;
}

/* ------------------------------------------------------------------------
 * --monitor: a client of the stats server
 */

static int stats_connect(void)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = 10 };
	int fd, err;

	snprintf(addr.sun_path, sizeof(addr.sun_path), STATS_SOCK_PATH);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
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
	return (struct timespec) {
		.tv_sec = (time_t)secs,
		.tv_nsec = (secs - (time_t)secs) * 1e9,
	};
}

/*
 * Print the running scheduler's statistics every @interval seconds until
 * interrupted, through scheduler restarts: a lost connection is retried.
 */
static int monitor_stats(double interval)
{
	struct timespec ts = secs_to_timespec(interval);
	struct timespec retry = { .tv_sec = 1 };
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
		if (fd < 0) {
			fprintf(stderr, "scx_flash: cannot connect to %s: %s\n",
				STATS_SOCK_PATH, strerror(-fd));
			return 1;
		}
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

/* ------------------------------------------------------------------------
 * Running the scheduler
 */

/* Jiffies of user-mode (user + nice) and total CPU time since boot. */
struct cpu_times {
	u64 user;
	u64 total;
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
	t->total = 0;
	for (i = 0; i < 8; i++)
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
		skel->bss->cpu_util = (cur.user - prev->user) *
				      FLASH_PERF_ONE /
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
static bool domain_needs_update(const struct flash_opts *o,
				enum power_profile *profile)
{
	enum power_profile now;

	if (*profile == PROFILE_UNKNOWN)
		return false;
	now = power_profile();
	if (now == *profile)
		return false;
	info("power profile changed from %s to %s", profile_names[*profile],
	     profile_names[now]);
	*profile = now;
	return !strcmp(o->primary_domain, "auto");
}

/*
 * Serve the statistics, sample the CPU utilisation every second for
 * --slice-lag-scaling and watch the power profile, until the scheduler
 * exits or we are asked to stop.  Returns true when the scheduler must be
 * loaded again for a new primary domain.
 */
static bool run_scheduler(struct scx_flash *skel, const struct flash_opts *o,
			  struct stats_server *srv,
			  enum power_profile *profile)
{
	double next_tick = now_secs() + 1, next_stats = 0, now, wake;
	struct pollfd fds[MAX_STATS_CLIENTS + 1];
	struct flash_stats prev = {}, cur, d;
	struct cpu_times times;
	int i, nr, first;

	read_cpu_times(&times);
	if (o->stats_interval)
		next_stats = now_secs() + o->stats_interval;

	while (!exit_req && !UEI_EXITED(skel, uei)) {
		nr = 0;
		if (srv->fd >= 0)
			fds[nr++] = (struct pollfd) { srv->fd, POLLIN };
		for (i = 0; i < srv->nr_clients; i++)
			fds[nr++] = (struct pollfd) { srv->clients[i].fd,
						      POLLIN };
		wake = next_stats && next_stats < next_tick ? next_stats :
							     next_tick;
		now = now_secs();
		poll(fds, nr, wake > now ? (int)((wake - now) * 1000) + 1 : 0);

		/*
		 * Clients first, last to first: closing one moves the last
		 * client into its slot, and accept() appends.
		 */
		first = nr - srv->nr_clients;
		for (i = srv->nr_clients - 1; i >= 0; i--)
			if (fds[first + i].revents &&
			    !stats_client_serve(&srv->clients[i], skel))
				stats_client_close(srv, i);
		if (srv->fd >= 0 && fds[0].revents)
			stats_server_accept(srv);

		now = now_secs();
		if (now >= next_tick) {
			next_tick = now + 1;
			if (o->slice_lag_scaling)
				update_cpu_util(skel, &times);
			if (domain_needs_update(o, profile))
				return true;
		}
		if (next_stats && now >= next_stats) {
			next_stats = now + o->stats_interval;
			read_stats(skel, &cur);
			d = stats_delta(&cur, &prev);
			print_stats(&d);
		}
	}
	return false;
}

/*
 * Whether the scheduler ended in failure: anything past an unregistration
 * (by user space, BPF or the kernel) is one, sysrq-S included.
 */
static bool exit_is_error(int kind)
{
	return kind > __COMPAT_ENUM_OR_ZERO("scx_exit_kind",
					    "SCX_EXIT_UNREG_KERN");
}

static void log_options(int argc, char **argv)
{
	char line[1024];
	int i, len = 0;

	for (i = 0; i < argc && len < (int)sizeof(line); i++)
		len += snprintf(line + len, sizeof(line) - len, "%s%s",
				i ? " " : "", argv[i]);
	info("scheduler options: %s", line);
}

/*
 * Load, program and attach the scheduler once, run it, and take it down.
 * Returns the exit status; *@restart tells whether to go round again.
 */
static int run_once(const struct flash_opts *o, u32 timeout_ms, int argc,
		    char **argv, bool *restart)
{
	struct sched_setup s = { .opts = o, .timeout_ms = timeout_ms };
	struct stats_server srv = { .fd = -1 };
	enum power_profile profile;
	struct scx_flash *skel;
	struct bpf_link *link;
	struct topology topo;
	bool user_restart;
	int ret = 1;
	u64 ecode;

	*restart = false;
	if (read_topology(&topo))
		return 1;
	s.topo = &topo;
	profile = power_profile();
	if (mask_init(&s.primary, topo.nr_cpu_ids) ||
	    resolve_primary_domain(o->primary_domain, &topo, profile,
				   &s.primary))
		goto out_topo;

	s.smt = !o->disable_smt && topo.smt_active;
	info("scx_flash %s SMT %s", full_version(), s.smt ? "on" : "off");
	log_options(argc, argv);
	if (set_idle_qos(&topo, o->idle_resume_us))
		goto out_topo;

	info("NUMA nodes: %d", topo.nr_nodes);
	s.numa_disabled = o->disable_numa || topo.nr_nodes == 1;
	if (s.numa_disabled)
		info("Disabling NUMA optimizations");

	skel = open_scheduler(&s);
	SCX_OPS_LOAD(skel, flash_ops, scx_flash, uei);
	if (program_primary_domain(skel, &s.primary))
		goto out_skel;
	set_cpufreq_level(skel, o);
	if (s.smt && program_smt_siblings(skel, &topo))
		goto out_skel;

	link = SCX_OPS_ATTACH(skel, flash_ops, scx_flash);
	stats_server_start(&srv);
	user_restart = run_scheduler(skel, o, &srv, &profile);
	stats_server_stop(&srv);

	info("Unregister scx_flash scheduler");
	bpf_link__destroy(link);
	ecode = UEI_REPORT(skel, uei);
	ret = exit_is_error(skel->data->uei.kind);
	*restart = !ret && (UEI_ECODE_RESTART(ecode) || user_restart);
out_skel:
	scx_flash__destroy(skel);
out_topo:
	restore_idle_qos();
	mask_free(&s.primary);
	topo_free(&topo);
	return ret;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = request_exit };
	struct flash_opts opts;
	bool restart;
	u32 timeout_ms;
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

	if (timeout_from_env(&opts, &timeout_ms) || set_open_opts(&opts))
		return 1;
	/*
	 * A kernel without sched_ext gets its own exit status: a service
	 * manager must not restart what can never run on this boot, while
	 * any other failure may be worth a retry (scx_flash.service).
	 */
	ret = check_sched_ext();
	if (ret)
		return ret == -ENODEV ? EX_UNAVAILABLE : 1;

	/* SCX_BUG() and other exit()s must not leave the idle QoS changed */
	atexit(restore_idle_qos);
	do {
		ret = run_once(&opts, timeout_ms, argc, argv, &restart);
		if (restart && !exit_req)
			info("Restarting the scheduler");
	} while (restart && !exit_req);
	return ret;
}
