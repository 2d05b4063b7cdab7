/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the scx_flash selftests: sysfs reads, waits on the
 * sched_ext state, and running the scx_flash loader as a child process.
 */
#ifndef __SCX_FLASH_SELFTEST_UTIL_H
#define __SCX_FLASH_SELFTEST_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define SCX_SYSFS_STATE		"/sys/kernel/sched_ext/state"
#define SCX_SYSFS_ROOT_OPS	"/sys/kernel/sched_ext/root/ops"

/* Name of the loader next to the runner, and the variable overriding it. */
#define SCX_FLASH_BIN_NAME	"scx_flash"
#define SCX_FLASH_BIN_ENV	"SCX_FLASH_BIN"

/*
 * The long forms of two cases are opt-in: the variable sets the soak's
 * length in seconds and the number of attach/detach cycles; without it
 * they run short enough for a default run.
 */
#define SCX_SOAK_SECS_ENV	"SCX_SOAK_SECS"
#define SCX_SOAK_SECS_DFL	5
#define SCX_ATTACH_CYCLES_ENV	"SCX_ATTACH_CYCLES"
#define SCX_ATTACH_CYCLES_DFL	20

/* A child process whose stdout and stderr go to an unlinked temp file. */
struct scx_child {
	pid_t pid;		/* 0 once reaped or never started */
	int out_fd;		/* the temp file, -1 when none */
	int status;		/* wait status, valid once reaped */
	bool reaped;
};

unsigned long long monotonic_ms(void);
void sleep_ms(unsigned int ms);

int sysfs_read_str(const char *path, char *buf, size_t size);
int write_str(const char *path, const char *val);
int scx_state_read(char *buf, size_t size);
bool scx_state_wait(const char *state, unsigned int timeout_ms);
int scx_root_ops_read(char *buf, size_t size);
bool scx_root_ops_has_prefix(const char *prefix);
bool scx_root_ops_wait(const char *prefix, unsigned int timeout_ms);
bool scx_available(void);

int pid_wait_timeout(pid_t pid, int *status, unsigned int timeout_ms);

int scx_loader_path(char *buf, size_t size);
bool tool_available(const char *name);
int scx_child_start(struct scx_child *child, const char *path,
		    const char *const extra_args[]);
bool scx_child_running(struct scx_child *child);
int scx_child_wait(struct scx_child *child, unsigned int timeout_ms);
int scx_child_signal_wait(struct scx_child *child, int sig,
			  unsigned int timeout_ms);
char *scx_child_output(const struct scx_child *child);
void scx_child_release(struct scx_child *child);

#endif /* __SCX_FLASH_SELFTEST_UTIL_H */
