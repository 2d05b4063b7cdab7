/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Workloads for the scx_flash selftests: CPU hogs whose CPU time is
 * measured, and sleepers whose wakeup latency is measured.
 */
#ifndef __SCX_FLASH_SELFTEST_LOAD_H
#define __SCX_FLASH_SELFTEST_LOAD_H

#include <stdbool.h>
#include <sys/types.h>

/*
 * Where and how a child runs; cpu < 0 means anywhere, cgroup may be NULL.
 * With @roam the child starts on @cpu, then may run on every CPU.  A
 * sleeper waits @delay_ms before it starts measuring, and after each
 * wakeup works @work_us of CPU time, which its latency counts; a wakeup
 * that used less than @served_us of CPU time in all also counts in
 * max_unserved_us.
 */
struct load_opts {
	int cpu;
	int nice;
	const char *cgroup;
	bool roam;
	unsigned int delay_ms;
	unsigned int work_us;
	unsigned int served_us;
};

/* What a sleeper saw: wakeup latency and CPU time, in microseconds. */
struct latency_stats {
	unsigned long long avg_us;
	unsigned long long max_us;
	unsigned long long p99_us;
	unsigned long long nr;		/* wakeups */
	unsigned long long nr_home;	/* wakeups that ran on o->cpu */
	unsigned long long nr_served;	/* wakeups that used served_us */
	unsigned long long max_unserved_us; /* longest of the others */
	unsigned long long cpu_us;	/* CPU time used, filled by the parent */
};

pid_t hog_start(const struct load_opts *o, unsigned int ms);
pid_t sleeper_start(const struct load_opts *o, unsigned int period_us,
		    unsigned int ms, int *fd);
pid_t pingpong_start(const struct load_opts *o, unsigned int ms);
pid_t fifo_hog_start(int cpu, unsigned int ms);
int allow_all_cpus(pid_t pid);
long long proc_cpu_ns(pid_t pid);
int proc_last_cpu(pid_t pid);
long long child_cpu_us(pid_t pid, unsigned int timeout_ms);
int sleeper_result(pid_t pid, int fd, struct latency_stats *st);
pid_t command_start(const char *const argv[]);
int cgroup_create(const char *name, unsigned int weight, char *path,
		  size_t size);
void cgroup_remove(const char *path);

#endif /* __SCX_FLASH_SELFTEST_LOAD_H */
