/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers to run the real scx_flash loader from a test and to read the
 * counters of the scheduler it attached.
 */
#ifndef __SCX_FLASH_SELFTEST_FLASH_H
#define __SCX_FLASH_SELFTEST_FLASH_H

#include <stdbool.h>
#include "util.h"

struct scx_flash;

/* The scheduler's dispatch counters (its .bss, see scx_flash.bpf.c). */
struct flash_counters {
	unsigned long long nr_running;
	unsigned long long nr_online_cpus;
	unsigned long long nr_kthread_dispatches;
	unsigned long long nr_direct_dispatches;
	unsigned long long nr_shared_dispatches;
};

int flash_start(struct scx_child *child, const char *const args[]);
int flash_signal(struct scx_child *child, int sig);
int flash_stop(struct scx_child *child);
struct scx_flash *flash_skel_load(void);
void flash_dump_output(const struct scx_child *child);
int flash_counters_read(struct flash_counters *c);
int kmsg_mark(const char *marker);
int kmsg_problems_since(const char *marker);

#endif /* __SCX_FLASH_SELFTEST_FLASH_H */
