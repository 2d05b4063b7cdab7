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
#include <sys/wait.h>
#include "scx_test.h"
#include "util.h"

#define LOADER_START_TIMEOUT_MS	15000
#define LOADER_EXIT_TIMEOUT_MS	10000
#define STATE_TIMEOUT_MS	5000
#define POLL_MS			50
#define OPS_NAME_PREFIX		"flash"
#define EXIT_MESSAGE		"EXIT: unregistered from user space"

struct exit_info_ctx {
	char path[PATH_MAX];
	struct scx_child child;
};

static enum scx_test_status setup(void **ctx)
{
	struct exit_info_ctx *ectx;
	int ret;

	ectx = calloc(1, sizeof(*ectx));
	SCX_FAIL_IF(!ectx, "Out of memory");
	ectx->child.out_fd = -1;

	ret = scx_loader_path(ectx->path, sizeof(ectx->path));
	if (ret) {
		free(ectx);
		SCX_FAIL("Cannot locate the loader (%s)", strerror(-ret));
	}

	if (access(ectx->path, X_OK)) {
		SCX_ERR("No executable loader at %s (%s); build it or set %s",
			ectx->path, strerror(errno), SCX_FLASH_BIN_ENV);
		free(ectx);
		return SCX_TEST_FAIL;
	}

	if (!scx_available()) {
		free(ectx);
		SCX_SKIP("sched_ext is not available (no %s)", SCX_SYSFS_STATE);
	}

	*ctx = ectx;
	return SCX_TEST_PASS;
}

static void dump_output(const struct scx_child *child)
{
	char *out = scx_child_output(child);

	fprintf(stderr, "----- loader output -----\n%s", out ? out : "");
	fprintf(stderr, "-------------------------\n");
	free(out);
}

/* Wait until the loader has flash enabled; false if it exits or times out. */
static bool wait_loader_enabled(struct scx_child *child)
{
	unsigned long long deadline = monotonic_ms() + LOADER_START_TIMEOUT_MS;
	char state[32];

	while (monotonic_ms() < deadline) {
		if (!scx_child_running(child))
			return false;
		if (scx_state_read(state, sizeof(state)) >= 0 &&
		    !strcmp(state, "enabled") &&
		    scx_root_ops_has_prefix(OPS_NAME_PREFIX))
			return true;
		sleep_ms(POLL_MS);
	}
	return false;
}

static enum scx_test_status check_exit_status(struct scx_child *child,
					      const char *signame)
{
	int status = child->status;

	if (WIFEXITED(status) && !WEXITSTATUS(status))
		return SCX_TEST_PASS;

	dump_output(child);
	if (WIFEXITED(status))
		SCX_FAIL("Loader exited with %d after %s", WEXITSTATUS(status),
			 signame);
	SCX_FAIL("Loader killed by signal %d after %s", WTERMSIG(status),
		 signame);
}

static enum scx_test_status stop_loader_with(struct exit_info_ctx *ectx,
					     int sig, const char *signame)
{
	struct scx_child *child = &ectx->child;
	enum scx_test_status status;
	bool reported;
	char *out;
	int ret;

	SCX_FAIL_IF(!scx_state_wait("disabled", STATE_TIMEOUT_MS),
		    "Another sched_ext scheduler is loaded");

	ret = scx_child_start(child, ectx->path, NULL);
	SCX_FAIL_IF(ret, "Failed to start %s (%s)", ectx->path,
		    strerror(-ret));

	if (!wait_loader_enabled(child)) {
		dump_output(child);
		SCX_FAIL("%s did not enable \"%s\" within %d ms", ectx->path,
			 OPS_NAME_PREFIX, LOADER_START_TIMEOUT_MS);
	}

	ret = scx_child_signal_wait(child, sig, LOADER_EXIT_TIMEOUT_MS);
	if (ret) {
		dump_output(child);
		SCX_FAIL("Loader did not exit within %d ms of %s (%s)",
			 LOADER_EXIT_TIMEOUT_MS, signame, strerror(-ret));
	}

	status = check_exit_status(child, signame);
	if (status != SCX_TEST_PASS)
		return status;

	SCX_FAIL_IF(!scx_state_wait("disabled", STATE_TIMEOUT_MS),
		    "sched_ext not disabled within %d ms of the loader's exit",
		    STATE_TIMEOUT_MS);

	out = scx_child_output(child);
	reported = out && strstr(out, EXIT_MESSAGE);
	free(out);
	if (!reported) {
		dump_output(child);
		SCX_FAIL("No \"%s\" in the loader output after %s",
			 EXIT_MESSAGE, signame);
	}

	scx_child_release(child);
	return SCX_TEST_PASS;
}

static enum scx_test_status run(void *ctx)
{
	struct exit_info_ctx *ectx = ctx;
	enum scx_test_status status;

	status = stop_loader_with(ectx, SIGINT, "SIGINT");
	if (status != SCX_TEST_PASS)
		return status;

	return stop_loader_with(ectx, SIGTERM, "SIGTERM");
}

static void cleanup(void *ctx)
{
	struct exit_info_ctx *ectx = ctx;

	scx_child_release(&ectx->child);
	free(ectx);
}

static struct scx_test exit_info = {
	.name = "exit_info",
	.description = "scx_flash exits 0 and reports unregistration on SIGINT/SIGTERM",
	.setup = setup,
	.run = run,
	.cleanup = cleanup,
};

REGISTER_SCX_TEST(&exit_info)
