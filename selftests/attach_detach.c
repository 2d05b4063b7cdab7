// SPDX-License-Identifier: GPL-2.0
/*
 * attach_detach: attach flash_ops, see the kernel enable it under the name
 * "flash", detach it and see the kernel report a user-space unregistration.
 * Three cycles from one loaded skeleton show that the struct_ops map can be
 * attached again after a clean detach.
 */
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <scx/common.h>
#include "scx_flash.bpf.skel.h"
#include "scx_test.h"
#include "flash.h"
#include "util.h"

#define NR_CYCLES		3
#define STATE_TIMEOUT_MS	5000
#define OPS_NAME_PREFIX		"flash"

struct attach_ctx {
	struct scx_flash *skel;
	struct bpf_link *link;
};

static enum scx_test_status setup(void **ctx)
{
	struct attach_ctx *actx;

	if (!scx_available())
		SCX_SKIP("sched_ext is not available (no %s)", SCX_SYSFS_STATE);

	actx = calloc(1, sizeof(*actx));
	SCX_FAIL_IF(!actx, "Out of memory");

	actx->skel = flash_skel_load();
	if (!actx->skel) {
		free(actx);
		return SCX_TEST_FAIL;
	}

	*ctx = actx;
	return SCX_TEST_PASS;
}

static void print_sched_ext_status(void)
{
	char state[32] = "?", ops[128] = "(none)";

	scx_state_read(state, sizeof(state));
	scx_root_ops_read(ops, sizeof(ops));
	fprintf(stderr, "sched_ext state: %s, root ops: %s\n", state, ops);
}

static enum scx_test_status attach_and_check(struct attach_ctx *actx,
					     int cycle)
{
	actx->link = bpf_map__attach_struct_ops(actx->skel->maps.flash_ops);
	SCX_FAIL_IF(!actx->link, "Cycle %d: failed to attach flash_ops (%s)",
		    cycle, strerror(errno));

	if (!scx_state_wait("enabled", STATE_TIMEOUT_MS)) {
		print_sched_ext_status();
		SCX_FAIL("Cycle %d: scheduler not enabled within %d ms",
			 cycle, STATE_TIMEOUT_MS);
	}

	if (!scx_root_ops_has_prefix(OPS_NAME_PREFIX)) {
		print_sched_ext_status();
		SCX_FAIL("Cycle %d: root ops is not \"%s\"", cycle,
			 OPS_NAME_PREFIX);
	}

	return SCX_TEST_PASS;
}

static enum scx_test_status detach_and_check(struct attach_ctx *actx,
					     int cycle)
{
	bpf_link__destroy(actx->link);
	actx->link = NULL;

	if (!scx_state_wait("disabled", STATE_TIMEOUT_MS)) {
		print_sched_ext_status();
		SCX_FAIL("Cycle %d: scheduler not disabled within %d ms",
			 cycle, STATE_TIMEOUT_MS);
	}

	SCX_EQ(actx->skel->data->uei.kind, EXIT_KIND(SCX_EXIT_UNREG));

	/* The next attach starts from a clean exit record. */
	actx->skel->data->uei.kind = 0;
	return SCX_TEST_PASS;
}

static enum scx_test_status run(void *ctx)
{
	struct attach_ctx *actx = ctx;
	enum scx_test_status status;
	int cycle;

	SCX_FAIL_IF(!scx_state_wait("disabled", STATE_TIMEOUT_MS),
		    "Another sched_ext scheduler is loaded");

	for (cycle = 1; cycle <= NR_CYCLES; cycle++) {
		status = attach_and_check(actx, cycle);
		if (status != SCX_TEST_PASS)
			return status;

		status = detach_and_check(actx, cycle);
		if (status != SCX_TEST_PASS)
			return status;
	}

	return SCX_TEST_PASS;
}

static void cleanup(void *ctx)
{
	struct attach_ctx *actx = ctx;

	bpf_link__destroy(actx->link);
	scx_flash__destroy(actx->skel);
	free(actx);
}

static struct scx_test attach_detach = {
	.name = "attach_detach",
	.description = "Attach/detach flash_ops 3 times, each exit is SCX_EXIT_UNREG",
	.setup = setup,
	.run = run,
	.cleanup = cleanup,
};

REGISTER_SCX_TEST(&attach_detach)
