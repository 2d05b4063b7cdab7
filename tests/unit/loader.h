/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host unit tests of the loader include it whole and call its static
 * functions; its main() is renamed out of the way, and its helpers
 * (scx_flash_topo.c, scx_flash_stats.c) are linked beside.  Also:
 * silencing the messages of calls that are meant to fail.
 */
#ifndef __SCX_TEST_LOADER_H
#define __SCX_TEST_LOADER_H

#define main scx_flash_main
int scx_flash_main(int argc, char **argv);
#include "scx_flash.c"
#undef main

#include <fcntl.h>
#include "tap.h"

static int quiet_fd[2];

/* Send stdout and stderr to /dev/null until loud(). */
static inline void quiet(void)
{
	int null = open("/dev/null", O_WRONLY);

	fflush(stdout);
	fflush(stderr);
	quiet_fd[0] = dup(1);
	quiet_fd[1] = dup(2);
	dup2(null, 1);
	dup2(null, 2);
	close(null);
}

static inline void loud(void)
{
	fflush(stdout);
	fflush(stderr);
	dup2(quiet_fd[0], 1);
	dup2(quiet_fd[1], 2);
	close(quiet_fd[0]);
	close(quiet_fd[1]);
}

#endif /* __SCX_TEST_LOADER_H */
