/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers to run the real scx_flash loader from a test and to read the
 * counters of the scheduler it attached.
 */
#ifndef __SCX_FLASH_SELFTEST_FLASH_H
#define __SCX_FLASH_SELFTEST_FLASH_H

#include <stdbool.h>
#include "scx_test.h"
#include "util.h"

struct scx_flash;

/*
 * The scheduler's counters: its per-CPU "stats" map summed, and the
 * number of online CPUs from its .bss (see scx_flash.bpf.c).
 */
struct flash_counters {
	unsigned long long nr_running;
	unsigned long long nr_online_cpus;
	unsigned long long nr_kthread_dispatches;
	unsigned long long nr_direct_dispatches;
	unsigned long long nr_shared_dispatches;
	unsigned long long nr_preempt_dispatches;
};

/* How long the loader may take to attach on an otherwise idle machine. */
#define LOADER_START_TIMEOUT_MS	15000

int flash_start_within(struct scx_child *child, const char *const args[],
		       unsigned int timeout_ms);
int flash_start(struct scx_child *child, const char *const args[]);
int flash_signal(struct scx_child *child, int sig);
int flash_stop(struct scx_child *child);
struct scx_flash *flash_skel_open(void);
struct scx_flash *flash_skel_finish_load(struct scx_flash *skel);
struct scx_flash *flash_skel_load(void);
void flash_dump_output(const struct scx_child *child);
int flash_stats_sum(int map_fd, unsigned long long sums[]);
int flash_counters_read(struct flash_counters *c);
int flash_bss_read(const char *const names[], unsigned long long vals[],
		   int nr);
int flash_bss_write(const char *name, unsigned long long val);
int flash_prog_fd(const char *name);
bool flash_output_has(const struct scx_child *child, const char *str);
void flash_print_lines(const struct scx_child *child, const char *str);
int flash_output_count(const struct scx_child *child, const char *str);
int proc_nr_fds(pid_t pid);
long long proc_status_kb(pid_t pid, const char *key);
int proc_pid_sched_field(pid_t pid, const char *key, long long *val);
long long scx_enable_seq(void);
enum scx_test_status flash_need_sched_ext(void **ctx);
int kmsg_mark(const char *marker);
int kmsg_problems_since(const char *marker);

#endif /* __SCX_FLASH_SELFTEST_FLASH_H */
