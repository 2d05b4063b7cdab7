/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scx_flash_stats: the scx_stats protocol of the scx tools, for the
 * scx_flash loader: a server that answers "stats" and "stats_meta"
 * requests on a UNIX socket, one JSON object per line, and the client
 * side that --monitor uses.  It stands in for upstream's scx_stats crate.
 *
 * The caller describes its statistics with a table of fields and a
 * callback that reads their current values.  Data in, -errno out: nothing
 * here logs or exits, and nothing knows of BPF.
 *
 * Copyright (c) 2026 The scx_flash authors
 */
#ifndef __SCX_FLASH_STATS_H
#define __SCX_FLASH_STATS_H

#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define SCX_FLASH_STATS_MAX_FIELDS	16
#define SCX_FLASH_STATS_MAX_CLIENTS	16
#define SCX_FLASH_STATS_REQ_MAX		4096	/* longest request line + 1 */

struct scx_flash_stats_field {
	const char *name;
	const char *desc;
	bool counter;		/* reported as the change since last time */
};

struct scx_flash_stats_table {
	const char *name;			/* of the statistics, "Metrics" */
	const struct scx_flash_stats_field *fields;	/* sorted by name */
	int nr_fields;
	/* store the current value of each field in @vals */
	void (*read)(uint64_t *vals, void *arg);
	void *arg;
};

struct scx_flash_stats_client {
	int fd;
	size_t len;
	uint64_t prev[SCX_FLASH_STATS_MAX_FIELDS];	/* at its last request */
	char buf[SCX_FLASH_STATS_REQ_MAX];
};

struct scx_flash_stats_server {
	int fd;
	const char *path;
	const struct scx_flash_stats_table *tab;
	int nr_clients;
	struct scx_flash_stats_client clients[SCX_FLASH_STATS_MAX_CLIENTS];
	char why[PATH_MAX + 32];	/* what failed to start, for the caller */
};

int scx_flash_stats_server_start(struct scx_flash_stats_server *srv, const char *path,
				 const struct scx_flash_stats_table *tab);
void scx_flash_stats_server_poll(struct scx_flash_stats_server *srv, int timeout_ms);
void scx_flash_stats_server_stop(struct scx_flash_stats_server *srv);

int scx_flash_stats_connect(const char *path);
int scx_flash_stats_request(int fd, const struct scx_flash_stats_table *tab,
			    uint64_t *vals, char *reply, size_t size);

/* What --monitor asks for: scx_flash_stats_monitor() */
struct scx_flash_stats_monitor {
	const char *path;
	const struct scx_flash_stats_table *tab;
	struct timespec interval;
	volatile sig_atomic_t *stop;		/* set to end the monitor */
	void (*print)(const uint64_t *vals);
	/*
	 * What went wrong, said in @why for the caller to log: -ENOENT the
	 * second time in a row that no server listens, -EINVAL for a bad
	 * reply, -ECONNRESET if the server closed the connection, another
	 * -errno if it broke.
	 */
	void (*report)(int err, const char *why);
};

int scx_flash_stats_monitor(const struct scx_flash_stats_monitor *mon);

#endif /* __SCX_FLASH_STATS_H */
