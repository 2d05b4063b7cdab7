/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fake sysfs trees for the host unit tests: a temporary directory that
 * SCX_SYSFS_PREFIX points the loader at, and helpers that write its files.
 */
#ifndef __SCX_FAKE_SYSFS_H
#define __SCX_FAKE_SYSFS_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char fake_root[PATH_MAX];

/* Write @val to the file @fmt under the fake root, creating directories. */
static inline void fake_write(const char *val, const char *fmt, ...)
{
	char path[PATH_MAX], *slash;
	va_list args;
	FILE *f;
	int len;

	len = snprintf(path, sizeof(path), "%s/", fake_root);
	va_start(args, fmt);
	vsnprintf(path + len, sizeof(path) - len, fmt, args);
	va_end(args);

	for (slash = path + len; (slash = strchr(slash, '/')); slash++) {
		*slash = '\0';
		mkdir(path, 0755);
		*slash = '/';
	}
	f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(2);
	}
	fputs(val, f);
	fclose(f);
}

/* The content of the file @fmt under the fake root, "" if unreadable. */
static inline const char *fake_read(const char *fmt, ...)
{
	static char buf[256];
	char path[PATH_MAX];
	va_list args;
	size_t n = 0;
	FILE *f;
	int len;

	len = snprintf(path, sizeof(path), "%s/", fake_root);
	va_start(args, fmt);
	vsnprintf(path + len, sizeof(path) - len, fmt, args);
	va_end(args);
	f = fopen(path, "r");
	if (f) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	return buf;
}

/* Remove the file @fmt under the fake root. */
static inline void fake_remove(const char *fmt, ...)
{
	char path[PATH_MAX];
	va_list args;
	int len;

	len = snprintf(path, sizeof(path), "%s/", fake_root);
	va_start(args, fmt);
	vsnprintf(path + len, sizeof(path) - len, fmt, args);
	va_end(args);
	unlink(path);
}

/* Start a new, empty tree and point the loader at it. */
static inline void fake_begin(void)
{
	char cmd[PATH_MAX + 16];

	if (fake_root[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fake_root);
		if (system(cmd))
			exit(2);
	}
	snprintf(fake_root, sizeof(fake_root), "/tmp/scx-flash-sysfs.XXXXXX");
	if (!mkdtemp(fake_root)) {
		perror("mkdtemp");
		exit(2);
	}
	setenv("SCX_SYSFS_PREFIX", fake_root, 1);
}

static inline void fake_end(void)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fake_root);
	if (system(cmd))
		exit(2);
	fake_root[0] = '\0';
	unsetenv("SCX_SYSFS_PREFIX");
}

#define CPU_PATH	"sys/devices/system/cpu"
#define PLATFORM_PROFILE_PATH	"sys/firmware/acpi/platform_profile"

/* CPU @cpu as thread of core @core in package @pkg. */
static inline void fake_cpu(int cpu, int pkg, int core)
{
	char v[16];

	snprintf(v, sizeof(v), "%d\n", core);
	fake_write(v, CPU_PATH "/cpu%d/topology/core_id", cpu);
	snprintf(v, sizeof(v), "%d\n", pkg);
	fake_write(v, CPU_PATH "/cpu%d/topology/physical_package_id", cpu);
}

/* Make CPU @cpu a member of NUMA node @node. */
static inline void fake_node_cpu(int node, int cpu)
{
	fake_write("0 10\n", "sys/devices/system/node/node%d/distance", node);
	fake_write("", "sys/devices/system/node/node%d/cpu%d/.link", node,
		   cpu);
}

/* A machine of @nr CPUs (4 or 8), each a core, with capacities @caps in @file. */
static inline void fake_capacities(const char *file, const int *caps, int nr)
{
	char v[16];
	int cpu;

	fake_begin();
	fake_write(nr == 8 ? "0-7\n" : "0-3\n", CPU_PATH "/online");
	for (cpu = 0; cpu < nr; cpu++) {
		fake_cpu(cpu, 0, cpu);
		if (!file)
			continue;
		snprintf(v, sizeof(v), "%d\n", caps[cpu]);
		fake_write(v, CPU_PATH "/cpu%d/%s", cpu, file);
	}
}

#endif /* __SCX_FAKE_SYSFS_H */
