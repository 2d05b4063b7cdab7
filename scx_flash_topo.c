// SPDX-License-Identifier: GPL-2.0
/*
 * scx_flash_topo: the machine as sysfs describes it (scx_flash_topo.h),
 * in place of upstream's scx_utils crate.
 *
 * Copyright (c) 2026 The scx_flash authors
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "scx_flash_topo.h"

#define CPU_DIR		SCX_FLASH_CPU_DIR
#define NODE_DIR	"/sys/devices/system/node"
#define QOS_FILE	CPU_DIR "/cpu%d/power/pm_qos_resume_latency_us"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

/* The path @fmt names under SCX_SYSFS_PREFIX, in a buffer of its own. */
const char *scx_flash_sys_path(const char *fmt, ...)
{
	static char path[PATH_MAX];
	const char *prefix = getenv("SCX_SYSFS_PREFIX");
	va_list args;
	int len;

	len = snprintf(path, sizeof(path), "%s", prefix ? prefix : "");
	va_start(args, fmt);
	vsnprintf(path + len, sizeof(path) - len, fmt, args);
	va_end(args);
	return path;
}

/*
 * Cut the @len bytes read into @buf after their last non-blank, non-NUL
 * byte.  A NUL before that is an error: "enabled\0junk" is no "enabled".
 */
static int trim_text(char *buf, ssize_t len)
{
	while (len && (isspace((unsigned char)buf[len - 1]) || !buf[len - 1]))
		len--;
	buf[len] = '\0';
	if (strlen(buf) == (size_t)len)
		return 0;
	buf[0] = '\0';
	return -EINVAL;
}

/* Read @path into @buf without trailing blanks or NULs; 0 or -errno. */
int scx_flash_read_text(const char *path, char *buf, size_t size)
{
	ssize_t len;
	int fd, err;

	buf[0] = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	len = read(fd, buf, size - 1);
	err = -errno;
	close(fd);
	if (len < 0) {
		buf[0] = '\0';
		return err;
	}
	return trim_text(buf, len);
}

#define read_sys(buf, size, ...)	\
	scx_flash_read_text(scx_flash_sys_path(__VA_ARGS__), buf, size)

/* The number in the file @path, with a sign if @sign; 0 or -EINVAL. */
static int read_num(const char *path, bool sign, long long *val)
{
	char buf[32], *end;

	if (scx_flash_read_text(path, buf, sizeof(buf)))
		return -EINVAL;
	if (!sign && !isdigit((unsigned char)*buf))
		return -EINVAL;
	if (sign)
		*val = strtoll(buf, &end, 10);
	else
		*val = (long long)strtoull(buf, &end, 10);
	if (end == buf || *end)
		return -EINVAL;
	return 0;
}

/* Write @val, without a newline, to the file @path. */
static int write_text(const char *path, const char *val)
{
	int fd, ret = 0;

	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

void scx_flash_mask_init(struct scx_flash_mask *m, int nr)
{
	m->nr = nr;
	memset(m->bits, 0, sizeof(m->bits));
}

void scx_flash_mask_set(struct scx_flash_mask *m, int cpu)
{
	m->bits[cpu / 64] |= 1ULL << (cpu % 64);
}

bool scx_flash_mask_test(const struct scx_flash_mask *m, int cpu)
{
	return m->bits[cpu / 64] & (1ULL << (cpu % 64));
}

int scx_flash_mask_weight(const struct scx_flash_mask *m)
{
	int cpu, w = 0;

	for (cpu = 0; cpu < m->nr; cpu++)
		w += scx_flash_mask_test(m, cpu);
	return w;
}

/* @str past its "0x" or "0X", if any. */
static const char *skip_0x(const char *str)
{
	if (!strncasecmp(str, "0x", 2))
		return str + 2;
	return str;
}

/* Whether @str is hex digits, '_' allowed, "0x" optional, one digit at least. */
bool scx_flash_is_hex_mask(const char *str)
{
	bool digits = false;

	for (str = skip_0x(str); *str; str++) {
		if (!isxdigit((unsigned char)*str) && *str != '_')
			return false;
		if (*str != '_')
			digits = true;
	}
	return digits;
}

static int hex_value(char c)
{
	if (isdigit((unsigned char)c))
		return c - '0';
	return tolower((unsigned char)c) - 'a' + 10;
}

/*
 * A hex CPU mask into @m: "0x" optional, "_" ignored, "none" empty.
 * -ERANGE, with the lowest CPU @m cannot hold in @bad_cpu, for a CPU the
 * machine lacks.
 */
int scx_flash_mask_parse(const char *str, struct scx_flash_mask *m, int *bad_cpu)
{
	const char *p, *digits = skip_0x(str);
	int bit = 0, i, v;

	if (!strcmp(str, "none"))
		return 0;
	if (!scx_flash_is_hex_mask(str))
		return -EINVAL;
	for (p = digits + strlen(digits) - 1; p >= digits; p--) {
		if (*p == '_')
			continue;
		v = hex_value(*p);
		for (i = 0; i < 4; i++, bit++) {
			if (!(v & (1 << i)))
				continue;
			if (bit >= m->nr) {
				if (bad_cpu)
					*bad_cpu = bit;
				return -ERANGE;
			}
			scx_flash_mask_set(m, bit);
		}
	}
	return 0;
}

/*
 * @m as upstream prints it: 32-bit words, most significant first, the first
 * only as wide as the CPU count needs ("0xff" for 8, "0xffffffff,ffffffff").
 */
char *scx_flash_mask_format(const struct scx_flash_mask *m, char *buf, size_t size)
{
	int nr_words = (m->nr + 31) / 32, first_width = ((m->nr + 3) / 4) % 8;
	int w, width, len = snprintf(buf, size, "0x");
	const char *sep;
	uint32_t word;

	for (w = nr_words - 1; w >= 0 && len < (int)size; w--) {
		word = (uint32_t)(m->bits[w / 2] >> (32 * (w % 2)));
		width = 8;
		sep = ",";
		if (w == nr_words - 1) {
			sep = "";
			if (first_width)
				width = first_width;
		}
		len += snprintf(buf + len, size - len, "%s%0*x", sep, width, word);
	}
	return buf;
}

/* The CPUs of a list such as "0-3,8" into @m, all below its width. */
int scx_flash_parse_cpu_list(const char *str, struct scx_flash_mask *m)
{
	long first, last;
	char *end;

	while (*str) {
		if (!isdigit((unsigned char)*str))
			return -EINVAL;
		first = strtol(str, &end, 10);
		last = first;
		if (*end == '-' && !isdigit((unsigned char)end[1]))
			return -EINVAL;
		if (*end == '-')
			last = strtol(end + 1, &end, 10);
		if (last < first || last >= m->nr || (*end && *end != ','))
			return -EINVAL;
		for (; first <= last; first++)
			scx_flash_mask_set(m, first);
		if (*end)
			end++;
		str = end;
	}
	return 0;
}

/* Add the N of each "<stem>N" in @path to @found; the highest N + 1, or -errno. */
static int scan_numbered(const char *path, const char *stem, struct scx_flash_mask *found)
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
		if (*end || n >= SCX_FLASH_MAX_CPUS)
			continue;
		scx_flash_mask_set(found, n);
		if (n >= nr)
			nr = n + 1;
	}
	closedir(d);
	return nr;
}

/*
 * The cpuN into @present; the highest N + 1, the width of every CPU mask,
 * or -ENOENT, said in @why.
 */
static int scan_cpus(struct scx_flash_mask *present, char *why, size_t size)
{
	const char *dir = scx_flash_sys_path(CPU_DIR);
	int nr;

	scx_flash_mask_init(present, SCX_FLASH_MAX_CPUS);
	nr = scan_numbered(dir, "cpu", present);
	if (nr > 0)
		return nr;
	snprintf(why, size, "no CPU found under '%s'", dir);
	return -ENOENT;
}

/* The number of CPU ids, or -ENOENT if sysfs lists no cpuN, said in @why. */
int scx_flash_nr_cpu_ids(char *why, size_t size)
{
	struct scx_flash_mask present;

	return scan_cpus(&present, why, size);
}

/* Assign each CPU the node whose nodeN/cpuM links name it; count the nodes in use. */
static void read_nodes(struct scx_flash_topo *t)
{
	struct scx_flash_mask nodes = {}, cpus, used = {};
	int node, cpu;

	scan_numbered(scx_flash_sys_path(NODE_DIR), "node", &nodes);
	for (node = 0; node < SCX_FLASH_MAX_CPUS; node++) {
		if (!scx_flash_mask_test(&nodes, node))
			continue;
		scx_flash_mask_init(&cpus, SCX_FLASH_MAX_CPUS);
		scan_numbered(scx_flash_sys_path(NODE_DIR "/node%d", node), "cpu", &cpus);
		for (cpu = 0; cpu < t->nr_cpu_ids; cpu++)
			if (scx_flash_mask_test(&cpus, cpu))
				t->cpus[cpu].node = node;
	}
	for (cpu = 0; cpu < t->nr_cpu_ids; cpu++) {
		if (!t->cpus[cpu].online)
			continue;
		if (!scx_flash_mask_test(&used, t->cpus[cpu].node))
			t->nr_nodes++;
		scx_flash_mask_set(&used, t->cpus[cpu].node);
	}
}

/*
 * Pair @cpu with the first CPU before it on the same node, package and
 * core, if that one has no sibling yet: a third thread stays unpaired, as
 * upstream leaves it.
 */
static void pair_sibling(struct scx_flash_topo *t, int cpu)
{
	struct scx_flash_cpu *c = &t->cpus[cpu], *o;
	int other;

	for (other = 0; other < cpu; other++) {
		o = &t->cpus[other];
		if (!o->online || o->node != c->node ||
		    memcmp(o->ids, c->ids, sizeof(c->ids)))
			continue;
		if (o->sibling < 0) {
			o->sibling = cpu;
			c->sibling = other;
		}
		return;
	}
}

/* Read each online CPU's core and package ids and pair the SMT siblings. */
static int read_cores(struct scx_flash_topo *t)
{
	struct scx_flash_cpu *c;
	int cpu;

	for (cpu = 0; cpu < t->nr_cpu_ids; cpu++) {
		c = &t->cpus[cpu];
		if (!c->online)
			continue;
		if (read_num(scx_flash_sys_path(CPU_DIR "/cpu%d/topology/core_id", cpu),
			     true, &c->ids[0]) ||
		    read_num(scx_flash_sys_path(CPU_DIR "/cpu%d/topology/physical_package_id",
						cpu), true, &c->ids[1])) {
			t->bad_cpu = cpu;
			snprintf(t->why, sizeof(t->why), "cannot read CPU %d's topology under '%s'",
				 cpu, scx_flash_sys_path(CPU_DIR));
			return -ENOENT;
		}
		pair_sibling(t, cpu);
	}
	return 0;
}

/* A capacity from sysfs, 0 if it cannot be read. */
static uint64_t read_capacity(int cpu, const char *file)
{
	long long v = 0;

	if (read_num(scx_flash_sys_path(CPU_DIR "/cpu%d/%s", cpu, file), false, &v))
		return 0;
	return v;
}

/*
 * The first of these files whose value differs between CPUs; if none does,
 * the last one that has a value (all CPUs are then alike).
 */
static const char *pick_capacity_file(const struct scx_flash_topo *t)
{
	static const char *const files[] = {
		"cpufreq/amd_pstate_prefcore_ranking", "cpufreq/amd_pstate_highest_perf",
		"acpi_cppc/highest_perf", "cpu_capacity", "cpufreq/cpuinfo_max_freq",
	};
	const char *chosen = files[ARRAY_SIZE(files) - 1];
	size_t i;
	uint64_t v0;
	int cpu;

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

/* Read each present CPU's capacity from @file; the sum, and @min and @max. */
static uint64_t read_cpu_capacities(struct scx_flash_topo *t, const char *file,
				    uint64_t *min, uint64_t *max)
{
	struct scx_flash_cpu *c;
	uint64_t sum = 0;

	*min = UINT64_MAX;
	*max = 0;
	for (c = t->cpus; c < t->cpus + t->nr_cpu_ids; c++) {
		c->type = SCX_FLASH_CORE_BIG;
		if (!c->present)
			continue;
		c->rcap = read_capacity(c - t->cpus, file);
		if (c->rcap > *max)
			*max = c->rcap;
		if (c->rcap < *min)
			*min = c->rcap;
		sum += c->rcap;
	}
	return sum;
}

/*
 * Turbo: the highest capacity, if not all have it.  Little: below average
 * where the largest capacity is 1.3 times the smallest.  Else, or without
 * capacities, big.
 */
static void read_capacities(struct scx_flash_topo *t)
{
	uint64_t max, min, avg, rcap, sum;
	struct scx_flash_cpu *c;
	int nr = 0;

	sum = read_cpu_capacities(t, pick_capacity_file(t), &min, &max);
	t->capacities = max;
	if (!max)
		return;
	for (c = t->cpus; c < t->cpus + t->nr_cpu_ids; c++)
		nr += c->present;
	avg = sum / nr;
	for (c = t->cpus; c < t->cpus + t->nr_cpu_ids; c++) {
		rcap = c->rcap ? c->rcap : max;
		if (avg < max && rcap == max)
			c->type = SCX_FLASH_CORE_TURBO;
		else if (max * 10 >= min * 13 && rcap < avg)
			c->type = SCX_FLASH_CORE_LITTLE;
	}
}

/* The CPUs present and online: -ENOENT without cpuN, -EINVAL if online is bad. */
static int read_cpus(struct scx_flash_topo *t)
{
	struct scx_flash_mask present, online;
	struct scx_flash_cpu *c;
	char buf[4096];
	int cpu;

	t->nr_cpu_ids = scan_cpus(&present, t->why, sizeof(t->why));
	if (t->nr_cpu_ids < 0)
		return t->nr_cpu_ids;
	scx_flash_mask_init(&online, t->nr_cpu_ids);
	if (read_sys(buf, sizeof(buf), CPU_DIR "/online") ||
	    scx_flash_parse_cpu_list(buf, &online)) {
		snprintf(t->why, sizeof(t->why), "cannot parse '%s'",
			 scx_flash_sys_path(CPU_DIR "/online"));
		return -EINVAL;
	}
	t->cpus = calloc(t->nr_cpu_ids, sizeof(*t->cpus));
	if (!t->cpus)
		return -ENOMEM;
	for (cpu = 0; cpu < t->nr_cpu_ids; cpu++) {
		c = &t->cpus[cpu];
		c->present = scx_flash_mask_test(&present, cpu);
		c->online = scx_flash_mask_test(&online, cpu);
		c->sibling = -1;
	}
	return 0;
}

void scx_flash_topo_free(struct scx_flash_topo *t)
{
	free(t->cpus);
	t->cpus = NULL;
}

/*
 * Read the machine from sysfs: -ENOENT if it lists no CPU, or with
 * @t->bad_cpu set if a CPU's core ids cannot be read, -EINVAL if the
 * online CPUs cannot, said in @t->why; or -ENOMEM.  The idle resume
 * latency of each online CPU is kept, to be put back.
 */
int scx_flash_topo_read(struct scx_flash_topo *t)
{
	struct scx_flash_cpu *c;
	long long smt = 0;
	int ret;

	*t = (struct scx_flash_topo) { .bad_cpu = -1 };
	ret = read_cpus(t);
	if (!ret) {
		read_nodes(t);
		ret = read_cores(t);
	}
	if (ret) {
		scx_flash_topo_free(t);
		return ret;
	}
	if (!read_num(scx_flash_sys_path(CPU_DIR "/smt/active"), false, &smt))
		t->smt_active = smt == 1;
	read_capacities(t);
	for (c = t->cpus; c < t->cpus + t->nr_cpu_ids; c++)
		if (c->online)
			read_sys(c->qos, sizeof(c->qos), QOS_FILE, (int)(c - t->cpus));
	return 0;
}

/* Whether a CPU of @type is one of the CPUs @class names; -ENOENT for no class. */
static int in_class(enum scx_flash_core_type type, const char *class)
{
	if (!strcmp(class, "all"))
		return true;
	if (!strcmp(class, "turbo"))
		return type == SCX_FLASH_CORE_TURBO;
	if (!strcmp(class, "performance"))
		return type != SCX_FLASH_CORE_LITTLE;
	if (!strcmp(class, "powersave"))
		return type == SCX_FLASH_CORE_LITTLE;
	return -ENOENT;
}

/* Whether @name is one of the classes scx_flash_topo_class_cpus() knows. */
bool scx_flash_is_class(const char *name)
{
	return in_class(SCX_FLASH_CORE_BIG, name) >= 0;
}

/*
 * Add to @m the online CPUs of @class: "turbo" (the highest capacity),
 * "performance" (all but the little ones), "powersave" (the little ones)
 * or "all"; all of them if @class has none, as upstream falls back.  The
 * number of CPUs added, or -ENOENT if @class names none of these.
 */
int scx_flash_topo_class_cpus(const struct scx_flash_topo *t, const char *class,
			      struct scx_flash_mask *m)
{
	int cpu, nr = 0;

	if (!scx_flash_is_class(class))
		return -ENOENT;
	for (cpu = 0; cpu < t->nr_cpu_ids; cpu++) {
		if (!t->cpus[cpu].online || in_class(t->cpus[cpu].type, class) <= 0)
			continue;
		scx_flash_mask_set(m, cpu);
		nr++;
	}
	if (!nr && strcmp(class, "all"))
		return scx_flash_topo_class_cpus(t, "all", m);
	return nr;
}

static const char *const profile_names[] = {
	[SCX_FLASH_PROFILE_UNKNOWN] = "unknown",
	[SCX_FLASH_PROFILE_POWERSAVE] = "powersave",
	[SCX_FLASH_PROFILE_BALANCED_POWER] = "balanced_power",
	[SCX_FLASH_PROFILE_BALANCED_PERFORMANCE] = "balanced_performance",
	[SCX_FLASH_PROFILE_PERFORMANCE] = "performance",
};

const char *scx_flash_profile_name(enum scx_flash_profile profile)
{
	return profile_names[profile];
}

/*
 * The profile an energy performance preference or a cpufreq governor
 * names, or, if @platform, an ACPI platform profile.
 */
enum scx_flash_profile scx_flash_profile_of(const char *name, bool platform)
{
	static const struct {
		const char *name;
		bool platform;
		enum scx_flash_profile profile;
	} map[] = {
		{ "power", false, SCX_FLASH_PROFILE_POWERSAVE },
		{ "powersave", false, SCX_FLASH_PROFILE_POWERSAVE },
		{ "balance_power", false, SCX_FLASH_PROFILE_BALANCED_POWER },
		{ "balance_performance", false, SCX_FLASH_PROFILE_BALANCED_PERFORMANCE },
		{ "performance", false, SCX_FLASH_PROFILE_PERFORMANCE },
		{ "low-power", true, SCX_FLASH_PROFILE_POWERSAVE },
		{ "cool", true, SCX_FLASH_PROFILE_POWERSAVE },
		{ "quiet", true, SCX_FLASH_PROFILE_POWERSAVE },
		{ "balanced", true, SCX_FLASH_PROFILE_BALANCED_PERFORMANCE },
		{ "balanced-performance", true, SCX_FLASH_PROFILE_BALANCED_PERFORMANCE },
		{ "performance", true, SCX_FLASH_PROFILE_PERFORMANCE },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(map); i++)
		if (map[i].platform == platform && !strcmp(name, map[i].name))
			return map[i].profile;
	return SCX_FLASH_PROFILE_UNKNOWN;
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
enum scx_flash_profile scx_flash_power_profile(void)
{
	enum scx_flash_profile profile = SCX_FLASH_PROFILE_UNKNOWN;
	char buf[64];

	if (!read_sys(buf, sizeof(buf), CPU_DIR "/cpufreq/policy0/energy_performance_preference") ||
	    !read_sys(buf, sizeof(buf), CPU_DIR "/cpufreq/policy0/scaling_governor"))
		profile = scx_flash_profile_of(buf, false);
	if (profile == SCX_FLASH_PROFILE_UNKNOWN &&
	    !read_sys(buf, sizeof(buf), "/sys/firmware/acpi/platform_profile"))
		profile = scx_flash_profile_of(buf, true);
	return profile;
}

int scx_flash_cpu_times(struct scx_flash_cpu_times *t)
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

bool scx_flash_idle_qos_supported(void)
{
	return !access(scx_flash_sys_path(QOS_FILE, 0), F_OK);
}

/*
 * Limit every online CPU's idle exit latency to @us; at the first CPU that
 * refuses, -errno with the CPU in @bad_cpu (those before keep @us).
 */
int scx_flash_idle_qos_set(const struct scx_flash_topo *t, int64_t us, int *bad_cpu)
{
	char val[24];
	int cpu, ret;

	snprintf(val, sizeof(val), "%" PRId64, us);
	for (cpu = 0; cpu < t->nr_cpu_ids; cpu++) {
		if (!t->cpus[cpu].online)
			continue;
		ret = write_text(scx_flash_sys_path(QOS_FILE, cpu), val);
		if (ret) {
			*bad_cpu = cpu;
			return ret;
		}
	}
	return 0;
}

/* Put back @cpu's idle resume latency as it was read; 0 or -errno. */
int scx_flash_idle_qos_restore(const struct scx_flash_topo *t, int cpu)
{
	const struct scx_flash_cpu *c = &t->cpus[cpu];

	if (!c->online || !c->qos[0])
		return 0;
	return write_text(scx_flash_sys_path(QOS_FILE, cpu), c->qos);
}
