/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scx_flash_topo: the machine as sysfs describes it, for the scx_flash
 * loader.  CPU lists and masks, the CPUs and their SMT siblings, NUMA
 * nodes, capacity classes, the power profile, the CPUs' idle resume
 * latency, and from /proc/stat the CPU time used.  It stands in for the
 * parts of upstream's scx_utils crate (Topology, Cpumask, the power
 * profile) that scx_flash uses, and of the procfs crate.
 *
 * Data in, -errno out: nothing here logs or exits, the caller says what
 * went wrong.  Every path is read under $SCX_SYSFS_PREFIX when it is set
 * (a fake tree, for tests).
 *
 * Copyright (c) 2026 The scx_flash authors
 */
#ifndef __SCX_FLASH_TOPO_H
#define __SCX_FLASH_TOPO_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SCX_FLASH_CPU_DIR	"/sys/devices/system/cpu"

/* The kernel's largest NR_CPUS (CONFIG_MAXSMP): a cpuN beyond is no CPU. */
#define SCX_FLASH_MAX_CPUS	8192

/* A set of CPUs 0..nr-1 (or nodes); 1 KiB spares every allocation. */
struct scx_flash_mask {
	int nr;
	uint64_t bits[SCX_FLASH_MAX_CPUS / 64];
};

void scx_flash_mask_init(struct scx_flash_mask *m, int nr);
void scx_flash_mask_set(struct scx_flash_mask *m, int cpu);
bool scx_flash_mask_test(const struct scx_flash_mask *m, int cpu);
int scx_flash_mask_weight(const struct scx_flash_mask *m);
bool scx_flash_is_hex_mask(const char *str);
int scx_flash_mask_parse(const char *str, struct scx_flash_mask *m, int *bad_cpu);
char *scx_flash_mask_format(const struct scx_flash_mask *m, char *buf, size_t size);
int scx_flash_parse_cpu_list(const char *str, struct scx_flash_mask *m);

enum scx_flash_core_type {
	SCX_FLASH_CORE_LITTLE,
	SCX_FLASH_CORE_BIG,
	SCX_FLASH_CORE_TURBO,		/* the highest capacity */
};

struct scx_flash_cpu {
	bool present;			/* cpuN exists in sysfs */
	bool online;
	int node;
	int sibling;			/* SMT sibling, or -1 */
	long long ids[2];		/* core_id, physical_package_id */
	uint64_t rcap;			/* capacity as sysfs gives it */
	enum scx_flash_core_type type;
	char qos[16];			/* pm_qos_resume_latency_us at start */
};

struct scx_flash_topo {
	int nr_cpu_ids;			/* highest cpuN + 1 */
	int nr_nodes;			/* NUMA nodes with an online CPU */
	bool smt_active;
	bool capacities;		/* false: sysfs gives none, all are big */
	int bad_cpu;			/* whose topology could not be read */
	struct scx_flash_cpu *cpus;
	char why[PATH_MAX + 64];	/* what could not be read, for the caller */
};

const char *scx_flash_sys_path(const char *fmt, ...);
int scx_flash_read_text(const char *path, char *buf, size_t size);
int scx_flash_nr_cpu_ids(char *why, size_t size);
int scx_flash_topo_read(struct scx_flash_topo *t);
void scx_flash_topo_free(struct scx_flash_topo *t);
bool scx_flash_is_class(const char *name);
int scx_flash_topo_class_cpus(const struct scx_flash_topo *t, const char *class,
			      struct scx_flash_mask *m);

enum scx_flash_profile {
	SCX_FLASH_PROFILE_UNKNOWN,
	SCX_FLASH_PROFILE_POWERSAVE,
	SCX_FLASH_PROFILE_BALANCED_POWER,
	SCX_FLASH_PROFILE_BALANCED_PERFORMANCE,
	SCX_FLASH_PROFILE_PERFORMANCE,
};

const char *scx_flash_profile_name(enum scx_flash_profile profile);
enum scx_flash_profile scx_flash_profile_of(const char *name, bool platform);
enum scx_flash_profile scx_flash_power_profile(void);

/* Jiffies of user-mode (user + nice) and total CPU time since boot. */
struct scx_flash_cpu_times {
	uint64_t user, total;
};

int scx_flash_cpu_times(struct scx_flash_cpu_times *t);

bool scx_flash_idle_qos_supported(void);
int scx_flash_idle_qos_set(const struct scx_flash_topo *t, int64_t us, int *bad_cpu);
int scx_flash_idle_qos_restore(const struct scx_flash_topo *t, int cpu);

#endif /* __SCX_FLASH_TOPO_H */
