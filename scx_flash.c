// SPDX-License-Identifier: GPL-2.0
/*
 * Loader of the scx_flash scheduler: parses the options, programs the BPF
 * scheduler from them and from the CPU topology, attaches it, prints its
 * statistics and re-attaches it when the kernel asks to (CPU hotplug).
 *
 * Copyright (c) 2026 The scx_flash authors
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <scx/common.h>
#include "scx_flash.h"
#include "scx_flash.bpf.skel.h"

#define SCX_FLASH_VERSION	"1.1.2"
#define SCHED_EXT_SYSFS		"/sys/kernel/sched_ext"
#define CPU_SYSFS		"/sys/devices/system/cpu"

static const char help_fmt[] =
"A deadline-based scheduler focused on fairness and performance predictability.\n"
"\n"
"See the top-level comment in scx_flash.bpf.c for more details.\n"
"\n"
"Usage: %s [OPTIONS]\n"
"\n"
"  -s, --slice-us=US        Maximum scheduling slice in microseconds (default: 700)\n"
"  -l, --slice-us-lag=US    Maximum runtime budget a task can accumulate while\n"
"                           sleeping, in microseconds (default: 20000)\n"
"  -t, --throttle-us=US     Inject idle cycles of US microseconds between\n"
"                           slices, to save power (default: 0 = off)\n"
"  -T, --tickless           Infinite slices; preempt only when tasks wait\n"
"  -R, --rr-sched           Round-robin scheduling: fixed slices, cyclic order\n"
"      --wakeup-throttle    Push back tasks that wake up very often only to\n"
"                           run a few microseconds\n"
"      --slice-lag-scaling  Scale the sleep credit by the user-mode CPU\n"
"                           utilisation (sampled every second)\n"
"  -f, --cpufreq            Scale CPU frequency with each CPU's load\n"
"      --disable-smt        Disable SMT awareness\n"
"      --disable-numa       Disable NUMA awareness: one shared queue\n"
"      --exit-dump-len=LEN  Exit debug dump buffer length, 0 = default (32768)\n"
"      --stats=SECS         Print statistics every SECS seconds\n"
"  -d, --debug              Trace BPF decisions to /sys/kernel/tracing/trace_pipe\n"
"  -v, --verbose            Print libbpf messages\n"
"  -V, --version            Print the version and exit\n"
"  -h, --help               Display this help and exit\n";

struct flash_opts {
	u64 slice_us;
	u64 slice_us_lag;
	u64 throttle_us;
	u32 exit_dump_len;
	double stats_interval;		/* seconds, 0 = no statistics */
	bool tickless;
	bool rr_sched;
	bool wakeup_throttle;
	bool slice_lag_scaling;
	bool cpufreq;
	bool debug;
	bool disable_smt;
	bool disable_numa;
	bool verbose;
};

static bool verbose;
static volatile sig_atomic_t exit_req;

/* Print "HH:MM:SS [LEVEL] message" to stderr in one write. */
static void log_line(const char *level, const char *fmt, va_list args)
{
	time_t now = time(NULL);
	char line[512];
	int len;

	len = strftime(line, sizeof(line), "%H:%M:%S", localtime(&now));
	len += snprintf(line + len, sizeof(line) - len, " [%s] ", level);
	vsnprintf(line + len, sizeof(line) - len, fmt, args);
	fprintf(stderr, "%s\n", line);
}

static void info(const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	log_line("INFO", fmt, args);
	va_end(args);
}

static int libbpf_print_fn(enum libbpf_print_level level, const char *format,
			   va_list args)
{
	if (level == LIBBPF_DEBUG && !verbose)
		return 0;
	return vfprintf(stderr, format, args);
}

static void sigint_handler(int sig)
{
	exit_req = 1;
}

/*
 * Parse an unsigned decimal number: no sign, no trailing characters, no
 * overflow.  Prints an error naming @opt and returns -EINVAL otherwise.
 */
static int parse_u64(const char *opt, const char *str, u64 max, u64 *val)
{
	unsigned long long v;
	char *end;

	errno = 0;
	if (*str < '0' || *str > '9')
		goto bad;
	v = strtoull(str, &end, 10);
	if (*end || errno == ERANGE || v > max)
		goto bad;
	*val = v;
	return 0;
bad:
	fprintf(stderr, "scx_flash: invalid value '%s' for --%s\n", str, opt);
	return -EINVAL;
}

/* Parse a positive, finite number of seconds. */
static int parse_interval(const char *opt, const char *str, double *val)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(str, &end);
	if (end == str || *end || errno || !isfinite(v) || v <= 0) {
		fprintf(stderr, "scx_flash: invalid interval '%s' for --%s\n",
			str, opt);
		return -EINVAL;
	}
	*val = v;
	return 0;
}

enum {
	OPT_EXIT_DUMP_LEN = 256,
	OPT_WAKEUP_THROTTLE,
	OPT_SLICE_LAG_SCALING,
	OPT_DISABLE_SMT,
	OPT_DISABLE_NUMA,
	OPT_STATS,
};

static const struct option long_opts[] = {
	{ "slice-us",		required_argument,	NULL, 's' },
	{ "slice-us-lag",	required_argument,	NULL, 'l' },
	{ "throttle-us",	required_argument,	NULL, 't' },
	{ "tickless",		no_argument,		NULL, 'T' },
	{ "rr-sched",		no_argument,		NULL, 'R' },
	{ "wakeup-throttle",	no_argument,		NULL, OPT_WAKEUP_THROTTLE },
	{ "slice-lag-scaling",	no_argument,		NULL, OPT_SLICE_LAG_SCALING },
	{ "cpufreq",		no_argument,		NULL, 'f' },
	{ "debug",		no_argument,		NULL, 'd' },
	{ "disable-smt",	no_argument,		NULL, OPT_DISABLE_SMT },
	{ "disable-numa",	no_argument,		NULL, OPT_DISABLE_NUMA },
	{ "exit-dump-len",	required_argument,	NULL, OPT_EXIT_DUMP_LEN },
	{ "stats",		required_argument,	NULL, OPT_STATS },
	{ "verbose",		no_argument,		NULL, 'v' },
	{ "version",		no_argument,		NULL, 'V' },
	{ "help",		no_argument,		NULL, 'h' },
	{}
};

/* The option's long name, for error messages. */
static const char *opt_name(int opt)
{
	const struct option *o;

	for (o = long_opts; o->name; o++)
		if (o->val == opt)
			return o->name;
	return "?";
}

/*
 * Parse the command line into @o.  Returns -1 to go on, or the exit status
 * when the process must end here (help, version, bad input).
 */
static int parse_opts(int argc, char **argv, struct flash_opts *o)
{
	const char *prog = basename(argv[0]);
	u64 v;
	int opt;

	*o = (struct flash_opts) {
		.slice_us	= FLASH_SLICE_US_DFL,
		.slice_us_lag	= FLASH_SLICE_US_LAG_DFL,
	};

	optind = 1;
	while ((opt = getopt_long(argc, argv, "s:l:t:TRfdvVh", long_opts,
				  NULL)) != -1) {
		switch (opt) {
		case 's':
		case 'l':
			/* Slices are in microseconds; keep them in u64 ns. */
			if (parse_u64(opt_name(opt), optarg,
				      UINT64_MAX / NSEC_PER_USEC, &v))
				return 1;
			if (!v) {
				fprintf(stderr,
					"scx_flash: --%s must be greater than 0\n",
					opt_name(opt));
				return 1;
			}
			if (opt == 's')
				o->slice_us = v;
			else
				o->slice_us_lag = v;
			break;
		case 't':
			if (parse_u64(opt_name(opt), optarg,
				      UINT64_MAX / NSEC_PER_USEC,
				      &o->throttle_us))
				return 1;
			break;
		case 'T':
			o->tickless = true;
			break;
		case 'R':
			o->rr_sched = true;
			break;
		case OPT_WAKEUP_THROTTLE:
			o->wakeup_throttle = true;
			break;
		case OPT_SLICE_LAG_SCALING:
			o->slice_lag_scaling = true;
			break;
		case 'f':
			o->cpufreq = true;
			break;
		case 'd':
			o->debug = true;
			break;
		case OPT_DISABLE_SMT:
			o->disable_smt = true;
			break;
		case OPT_DISABLE_NUMA:
			o->disable_numa = true;
			break;
		case OPT_EXIT_DUMP_LEN:
			if (parse_u64(opt_name(opt), optarg, UINT32_MAX, &v))
				return 1;
			o->exit_dump_len = v;
			break;
		case OPT_STATS:
			if (parse_interval(opt_name(opt), optarg,
					   &o->stats_interval))
				return 1;
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'V':
			printf("scx_flash %s\n", SCX_FLASH_VERSION);
			return 0;
		case 'h':
			printf(help_fmt, prog);
			return 0;
		default:
			fprintf(stderr, "Try '%s --help' for more information.\n",
				prog);
			return 1;
		}
	}

	if (optind < argc) {
		fprintf(stderr, "scx_flash: unexpected argument '%s'\n",
			argv[optind]);
		return 1;
	}
	return -1;
}

/* Read the first line of a sysfs file, without its newline. */
static int read_sysfs_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	int ret = 0;

	if (!f)
		return -errno;
	if (!fgets(buf, size, f))
		ret = -EIO;
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return ret;
}

/*
 * Refuse to start where the scheduler cannot be attached, with a message
 * that says why, before anything on the system is changed.
 */
static int check_sched_ext(void)
{
	char state[32];

	if (access(SCHED_EXT_SYSFS, F_OK)) {
		fprintf(stderr,
			"scx_flash: this kernel has no sched_ext support (%s is missing); boot a kernel with CONFIG_SCHED_CLASS_EXT=y\n",
			SCHED_EXT_SYSFS);
		return -ENODEV;
	}
	if (geteuid()) {
		fprintf(stderr,
			"scx_flash: attaching a BPF scheduler needs root (CAP_SYS_ADMIN and CAP_BPF)\n");
		return -EPERM;
	}
	if (!read_sysfs_line(SCHED_EXT_SYSFS "/state", state, sizeof(state)) &&
	    strcmp(state, "disabled")) {
		read_sysfs_line(SCHED_EXT_SYSFS "/root/ops", state,
				sizeof(state));
		fprintf(stderr,
			"scx_flash: another sched_ext scheduler is already attached (%s)\n",
			state);
		return -EBUSY;
	}
	return 0;
}

/*
 * Parse a CPU list such as "0-3,8" into @cpus.  Returns the number of CPUs
 * or -EINVAL.
 */
static int parse_cpu_list(const char *str, int *cpus, int max_cpus)
{
	int nr = 0;

	while (*str) {
		char *end;
		long first, last;

		first = strtol(str, &end, 10);
		last = first;
		if (*end == '-')
			last = strtol(end + 1, &end, 10);
		if (end == str || first < 0 || last < first ||
		    (*end && *end != ','))
			return -EINVAL;
		for (; first <= last; first++) {
			if (nr >= max_cpus)
				return -EINVAL;
			cpus[nr++] = first;
		}
		str = *end ? end + 1 : end;
	}
	return nr;
}

/* The SMT siblings of @cpu (itself included), or a negative error. */
static int cpu_siblings(int cpu, int *sibs, int max_sibs)
{
	char path[PATH_MAX], buf[256];
	int ret;

	snprintf(path, sizeof(path),
		 CPU_SYSFS "/cpu%d/topology/thread_siblings_list", cpu);
	ret = read_sysfs_line(path, buf, sizeof(buf));
	if (ret)
		return ret;
	return parse_cpu_list(buf, sibs, max_sibs);
}

/* Whether any online CPU shares its core with another CPU. */
static bool smt_active(int nr_cpus)
{
	int sibs[8], cpu;

	for (cpu = 0; cpu < nr_cpus; cpu++)
		if (cpu_siblings(cpu, sibs, 8) > 1)
			return true;
	return false;
}

static int run_syscall_prog(struct bpf_program *prog, void *arg, size_t size)
{
	struct bpf_test_run_opts attr = {
		.sz = sizeof(attr),
		.ctx_in = arg,
		.ctx_size_in = size,
	};
	int err;

	err = bpf_prog_test_run_opts(bpf_program__fd(prog), &attr);
	return err ?: (int)attr.retval;
}

/* Tell the BPF side which CPUs share a core. */
static int program_smt_siblings(struct scx_flash *skel, int nr_cpus)
{
	struct domain_arg arg = { .lvl_id = 0 };
	int sibs[8], nr, cpu, i, err;

	for (cpu = 0; cpu < nr_cpus; cpu++) {
		nr = cpu_siblings(cpu, sibs, 8);
		for (i = 0; i < nr; i++) {
			arg.cpu_id = cpu;
			arg.sibling_cpu_id = sibs[i];
			err = run_syscall_prog(skel->progs.enable_sibling_cpu,
					       &arg, sizeof(arg));
			if (err) {
				fprintf(stderr,
					"scx_flash: failed to set sibling %d of CPU %d: %d\n",
					sibs[i], cpu, err);
				return err;
			}
		}
	}
	return 0;
}

static u64 ops_flags(const struct flash_opts *o)
{
	u64 flags = SCX_OPS_ENQ_EXITING | SCX_OPS_ENQ_LAST |
		    SCX_OPS_ENQ_MIGRATION_DISABLED |
		    SCX_OPS_ALLOW_QUEUED_WAKEUP;

	if (!o->disable_numa)
		flags |= SCX_OPS_BUILTIN_IDLE_PER_NODE;
	return flags;
}

/* Open the skeleton and set everything that must be known before load. */
static struct scx_flash *open_scheduler(const struct flash_opts *o,
					bool smt)
{
	struct scx_flash *skel;

	skel = SCX_OPS_OPEN(flash_ops, scx_flash);

	skel->struct_ops.flash_ops->exit_dump_len = o->exit_dump_len;
	skel->struct_ops.flash_ops->flags = ops_flags(o);

	skel->rodata->slice_max = o->slice_us * NSEC_PER_USEC;
	skel->rodata->slice_lag = o->slice_us_lag * NSEC_PER_USEC;
	skel->rodata->throttle_ns = o->throttle_us * NSEC_PER_USEC;
	skel->rodata->tickless_sched = o->tickless;
	skel->rodata->rr_sched = o->rr_sched;
	skel->rodata->wakeup_throttle = o->wakeup_throttle;
	skel->rodata->slice_lag_scaling = o->slice_lag_scaling;
	skel->rodata->debug = o->debug;
	skel->rodata->smt_enabled = smt;
	skel->rodata->numa_disabled = o->disable_numa;
	skel->rodata->primary_all = true;

	info("scheduler flags: %#llx",
	     (unsigned long long)skel->struct_ops.flash_ops->flags);
	return skel;
}

/* The cpufreq target, read by the scheduler when it attaches. */
static void set_cpufreq_level(struct scx_flash *skel,
			      const struct flash_opts *o)
{
	skel->data->cpufreq_perf_lvl = o->cpufreq ? -1 : FLASH_PERF_ONE;
	info("cpufreq performance level: %s", o->cpufreq ? "auto" : "max");
}

struct flash_stats {
	u64 nr_running;
	u64 nr_cpus;
	u64 nr_kthread_dispatches;
	u64 nr_direct_dispatches;
	u64 nr_shared_dispatches;
};

static void read_stats(const struct scx_flash *skel, struct flash_stats *s)
{
	s->nr_running = skel->bss->nr_running;
	s->nr_cpus = skel->bss->nr_online_cpus;
	s->nr_kthread_dispatches = skel->bss->nr_kthread_dispatches;
	s->nr_direct_dispatches = skel->bss->nr_direct_dispatches;
	s->nr_shared_dispatches = skel->bss->nr_shared_dispatches;
}

/* Print @cur with the dispatch counters taken since @prev. */
static void print_stats(const struct flash_stats *cur,
			const struct flash_stats *prev)
{
	printf("[scx_flash] tasks -> r: %2" PRIu64 "/%-2" PRIu64
	       " | dispatch -> k: %-5" PRIu64 " d: %-5" PRIu64
	       " s: %-5" PRIu64 "\n",
	       cur->nr_running, cur->nr_cpus,
	       cur->nr_kthread_dispatches - prev->nr_kthread_dispatches,
	       cur->nr_direct_dispatches - prev->nr_direct_dispatches,
	       cur->nr_shared_dispatches - prev->nr_shared_dispatches);
	fflush(stdout);
}

/* Jiffies of user-mode (user + nice) and total CPU time since boot. */
struct cpu_times {
	u64 user;
	u64 total;
};

static int read_cpu_times(struct cpu_times *t)
{
	unsigned long long v[10] = {};
	FILE *f = fopen("/proc/stat", "r");
	int nr, i;

	if (!f)
		return -errno;
	nr = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu",
		    &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7],
		    &v[8], &v[9]);
	fclose(f);
	if (nr < 4)
		return -EINVAL;

	/* guest and guest_nice (8, 9) are already counted in user and nice */
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

/* Sleep for @secs, or less if an exit is requested. */
static void sleep_interval(double secs)
{
	struct timespec ts = {
		.tv_sec = (time_t)secs,
		.tv_nsec = (long)((secs - (time_t)secs) * 1e9),
	};

	nanosleep(&ts, NULL);
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

/*
 * Watch the attached scheduler until it exits or we are asked to stop:
 * sample the CPU utilisation every second for --slice-lag-scaling, print
 * the statistics every --stats interval.
 */
static void monitor(struct scx_flash *skel, const struct flash_opts *o)
{
	double tick = o->stats_interval && o->stats_interval < 1.0 ?
		      o->stats_interval : 1.0;
	double since_stats = 0, since_util = 0;
	struct flash_stats prev, cur;
	struct cpu_times times;

	read_stats(skel, &prev);
	read_cpu_times(&times);
	while (!exit_req && !UEI_EXITED(skel, uei)) {
		sleep_interval(tick);
		since_stats += tick;
		since_util += tick;

		if (o->slice_lag_scaling && since_util >= 1.0) {
			update_cpu_util(skel, &times);
			since_util = 0;
		}
		if (o->stats_interval && since_stats >= o->stats_interval) {
			read_stats(skel, &cur);
			print_stats(&cur, &prev);
			prev = cur;
			since_stats = 0;
		}
	}
}

int main(int argc, char **argv)
{
	struct flash_opts opts;
	struct scx_flash *skel;
	struct bpf_link *link;
	int nr_cpus, ret;
	bool smt;
	u64 ecode;

	ret = parse_opts(argc, argv, &opts);
	if (ret >= 0)
		return ret;
	if (check_sched_ext())
		return 1;

	verbose = opts.verbose;
	libbpf_set_print(libbpf_print_fn);
	signal(SIGINT, sigint_handler);
	signal(SIGTERM, sigint_handler);

	nr_cpus = libbpf_num_possible_cpus();
	smt = !opts.disable_smt && smt_active(nr_cpus);
restart:
	info("scx_flash %s SMT %s", SCX_FLASH_VERSION, smt ? "on" : "off");
	skel = open_scheduler(&opts, smt);
	SCX_OPS_LOAD(skel, flash_ops, scx_flash, uei);

	set_cpufreq_level(skel, &opts);
	if (smt && program_smt_siblings(skel, nr_cpus)) {
		scx_flash__destroy(skel);
		return 1;
	}

	link = SCX_OPS_ATTACH(skel, flash_ops, scx_flash);
	monitor(skel, &opts);

	bpf_link__destroy(link);
	ecode = UEI_REPORT(skel, uei);
	ret = exit_is_error(skel->data->uei.kind);
	scx_flash__destroy(skel);

	if (!exit_req && UEI_ECODE_RESTART(ecode))
		goto restart;
	return ret;
}
