// SPDX-License-Identifier: GPL-2.0
/*
 * exit_info: run the scx_flash loader, stop it with SIGINT and then with
 * SIGTERM, and check that each time it exits cleanly, sched_ext goes back to
 * disabled and the loader reports a user-space unregistration.
 */
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "flash.h"
#include "scx_test.h"
#include "util.h"

#define STATE_TIMEOUT_MS	5000
#define EXIT_MESSAGE		"EXIT: unregistered from user space"

static enum scx_test_status setup(void **ctx)
{
	char path[PATH_MAX];

	if (scx_loader_path(path, sizeof(path)) || access(path, X_OK))
		SCX_FAIL("No executable loader at %s; build it or set %s",
			 path, SCX_FLASH_BIN_ENV);
	if (!scx_available())
		SCX_SKIP("sched_ext is not available (no %s)", SCX_SYSFS_STATE);
	return SCX_TEST_PASS;
}

/* Start the loader, stop it with @sig and check how it went. */
static enum scx_test_status stop_loader_with(int sig)
{
	struct scx_child child;
	bool reported;
	char *out;
	int ret;

	SCX_FAIL_IF(flash_start(&child, NULL), "scx_flash did not start");

	ret = flash_signal(&child, sig);
	out = scx_child_output(&child);
	reported = out && strstr(out, EXIT_MESSAGE);
	free(out);
	if (!reported)
		flash_dump_output(&child);
	scx_child_release(&child);

	SCX_FAIL_IF(ret, "the loader exited with %d after %s", ret,
		    strsignal(sig));
	SCX_FAIL_IF(!scx_state_wait("disabled", STATE_TIMEOUT_MS),
		    "sched_ext not disabled within %d ms of the loader's exit",
		    STATE_TIMEOUT_MS);
	SCX_FAIL_IF(!reported, "No \"%s\" in the loader output after %s",
		    EXIT_MESSAGE, strsignal(sig));
	return SCX_TEST_PASS;
}

static enum scx_test_status run(void *ctx)
{
	enum scx_test_status status;

	status = stop_loader_with(SIGINT);
	return status ?: stop_loader_with(SIGTERM);
}

static struct scx_test exit_info = {
	.name = "exit_info",
	.description = "scx_flash exits 0 and reports unregistration on SIGINT/SIGTERM",
	.setup = setup,
	.run = run,
};

REGISTER_SCX_TEST(&exit_info)
