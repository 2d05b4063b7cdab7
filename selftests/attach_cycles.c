// SPDX-License-Identifier: GPL-2.0
/*
 * attach_cycles: attach and detach flash_ops many times in a row from one
 * loaded skeleton, the way a loader does, and check that every cycle
 * works and that the process holding the scheduler leaks neither file
 * descriptors nor memory.  It runs SCX_ATTACH_CYCLES_DFL (20) cycles by
 * default; SCX_ATTACH_CYCLES sets the count of a long run ('make test'
 * runs 200).
 *
 * attach_busy: with another sched_ext scheduler attached, scx_flash must
 * fail to attach, say why, and leave the other scheduler running.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <scx/common.h>
#include "scx_flash.bpf.skel.h"
#include "scx_test.h"
#include "flash.h"
#include "util.h"

#define NR_WARMUP		5
#define STATE_TIMEOUT_MS	10000
/* Allowed growth of this process's resident memory over the cycles. */
#define RSS_SLACK_KB		256

/* Idle injection's idle time: short, so the test machine stays usable. */
#define TIMER_THROTTLE_NS	1000000ULL

/*
 * Load scx_flash with no other scheduler attached; with @timers, with
 * every BPF timer it has (tickless, idle injection, the per-node aging
 * timers).
 */
static enum scx_test_status load_flash(void **ctx, bool timers)
{
	struct scx_flash *skel;

	if (!scx_available())
		SCX_SKIP("sched_ext is not available (no %s)", SCX_SYSFS_STATE);
	SCX_FAIL_IF(!scx_state_wait("disabled", STATE_TIMEOUT_MS),
		    "Another sched_ext scheduler is loaded");

	skel = flash_skel_open();
	SCX_FAIL_IF(!skel, "cannot open scx_flash");
	if (timers) {
		skel->rodata->tickless_sched = true;
		skel->rodata->throttle_ns = TIMER_THROTTLE_NS;
	}
	skel = flash_skel_finish_load(skel);
	SCX_FAIL_IF(!skel, "cannot load scx_flash");
	*ctx = skel;
	return SCX_TEST_PASS;
}

static enum scx_test_status setup(void **ctx)
{
	return load_flash(ctx, false);
}

static void cleanup(void *ctx)
{
	scx_flash__destroy(ctx);
}

static int nr_cycles(void)
{
	const char *env = getenv(SCX_ATTACH_CYCLES_ENV);
	int nr = env ? atoi(env) : 0;

	return nr > NR_WARMUP ? nr : SCX_ATTACH_CYCLES_DFL;
}

/* One attach and detach; false, saying why, if either went wrong. */
static bool attach_detach_once(struct scx_flash *skel, int nr)
{
	struct bpf_link *link;

	link = bpf_map__attach_struct_ops(skel->maps.flash_ops);
	if (!link) {
		fprintf(stderr, "attach %d failed: %s\n", nr,
			strerror(errno));
		return false;
	}
	if (!scx_state_wait("enabled", STATE_TIMEOUT_MS) ||
	    !scx_root_ops_has_prefix("flash")) {
		fprintf(stderr, "attach %d: scheduler not enabled\n", nr);
		bpf_link__destroy(link);
		return false;
	}

	bpf_link__destroy(link);
	if (!scx_state_wait("disabled", STATE_TIMEOUT_MS)) {
		fprintf(stderr, "detach %d: scheduler not disabled\n", nr);
		return false;
	}
	if (skel->data->uei.kind != EXIT_KIND(SCX_EXIT_UNREG)) {
		fprintf(stderr, "detach %d: exit kind %d, not SCX_EXIT_UNREG\n",
			nr, skel->data->uei.kind);
		return false;
	}
	skel->data->uei.kind = 0;
	return true;
}

static enum scx_test_status run_cycles(void *ctx)
{
	struct scx_flash *skel = ctx;
	int i, nr = nr_cycles(), fds0 = 0, fds;
	long long rss0 = 0, rss, seq0, seq;
	unsigned long long t0 = 0;
	pid_t self = getpid();

	seq0 = scx_enable_seq();
	for (i = 1; i <= nr; i++) {
		if (!attach_detach_once(skel, i))
			SCX_FAIL("attach/detach cycle %d of %d failed", i, nr);
		if (i == NR_WARMUP) {
			fds0 = proc_nr_fds(self);
			rss0 = proc_status_kb(self, "VmRSS");
			t0 = monotonic_ms();
		}
	}
	fds = proc_nr_fds(self);
	rss = proc_status_kb(self, "VmRSS");
	seq = scx_enable_seq();

	printf("# %d cycles, %llu ms each; fds %d -> %d, VmRSS %lld -> %lld kB\n",
	       nr, (monotonic_ms() - t0) / (nr - NR_WARMUP), fds0, fds, rss0,
	       rss);
	SCX_FAIL_IF(fds0 <= 0 || rss0 <= 0, "cannot read the fds or VmRSS");
	SCX_EQ(seq - seq0, nr);
	SCX_EQ(fds, fds0);
	SCX_LE(rss, rss0 + RSS_SLACK_KB);
	return SCX_TEST_PASS;
}

static struct scx_test attach_cycles = {
	.name = "attach_cycles",
	.description = "Attach/detach cycles in a row (SCX_ATTACH_CYCLES); no fd or memory growth",
	.setup = setup,
	.run = run_cycles,
	.cleanup = cleanup,
};

REGISTER_SCX_TEST(&attach_cycles)

#define NR_TIMER_CYCLES		3

/*
 * A BPF timer outlives the attachment that set it up: a second ops.init()
 * of the same object finds it initialised.  Re-attach an object with
 * every timer, so that each attachment meets them all.
 */
static enum scx_test_status setup_timers(void **ctx)
{
	return load_flash(ctx, true);
}

static enum scx_test_status run_timer_cycles(void *ctx)
{
	int i;

	for (i = 1; i <= NR_TIMER_CYCLES; i++)
		if (!attach_detach_once(ctx, i))
			SCX_FAIL("attach/detach cycle %d with timers failed", i);
	return SCX_TEST_PASS;
}

static struct scx_test attach_cycles_timers = {
	.name = "attach_cycles_timers",
	.description = "Re-attach one object with its tickless, idle injection and aging timers",
	.setup = setup_timers,
	.run = run_timer_cycles,
	.cleanup = cleanup,
};

REGISTER_SCX_TEST(&attach_cycles_timers)

#define OTHER_NAME		"selftest_other"
#define SCX_OPS_NAME_MAX	128	/* sizeof(sched_ext_ops.name) */

/*
 * Name flash_ops @name.  The skeleton does not expose the name field, so
 * find it in the object's BTF.
 */
static int set_ops_name(struct scx_flash *skel, const char *name)
{
	const struct btf *btf = bpf_object__btf(skel->obj);
	const struct btf_member *m;
	const struct btf_type *t;
	int id, i;

	id = btf__find_by_name_kind(btf, "sched_ext_ops", BTF_KIND_STRUCT);
	if (id < 0)
		return id;
	t = btf__type_by_id(btf, id);
	m = btf_members(t);
	for (i = 0; i < btf_vlen(t); i++, m++) {
		if (strcmp(btf__name_by_offset(btf, m->name_off), "name"))
			continue;
		snprintf((char *)skel->struct_ops.flash_ops +
			 btf_member_bit_offset(t, i) / 8, SCX_OPS_NAME_MAX,
			 "%s", name);
		return 0;
	}
	return -ENOENT;
}

/*
 * Run the loader while another scheduler is attached and wait for it to
 * give up.  Returns 0, or why it could not be run or did not exit in time;
 * *@said_why tells whether its output named the reason.
 */
static int loader_try_attach(struct scx_child *loader, bool *said_why)
{
	char path[PATH_MAX];
	int ret;

	ret = scx_loader_path(path, sizeof(path));
	if (!ret)
		ret = scx_child_start(loader, path, NULL);
	if (!ret)
		ret = scx_child_wait(loader, STATE_TIMEOUT_MS);
	/* The loader must name the reason, whatever its exact words. */
	*said_why = flash_output_has(loader, "already") ||
		    flash_output_has(loader, "busy") ||
		    flash_output_has(loader, "exists");
	flash_dump_output(loader);
	scx_child_release(loader);
	return ret;
}

static enum scx_test_status run_busy(void *ctx)
{
	struct scx_flash *other;
	struct scx_child loader;
	struct bpf_link *link;
	bool said_why, other_ok;
	int ret;

	/* The other scheduler: flash_ops loaded here, under another name. */
	other = scx_flash__open();
	SCX_FAIL_IF(!other, "cannot open the scx_flash skeleton");
	SCX_ENUM_INIT(other);
	other->struct_ops.flash_ops->hotplug_seq = scx_hotplug_seq();
	ret = set_ops_name(other, OTHER_NAME);
	if (!ret)
		ret = scx_flash__load(other);
	if (ret) {
		scx_flash__destroy(other);
		SCX_FAIL("cannot load the other scheduler (%d)", ret);
	}
	link = bpf_map__attach_struct_ops(other->maps.flash_ops);
	if (!link || !scx_state_wait("enabled", STATE_TIMEOUT_MS) ||
	    !scx_root_ops_has_prefix(OTHER_NAME)) {
		bpf_link__destroy(link);
		scx_flash__destroy(other);
		SCX_FAIL("the other scheduler did not attach");
	}

	ret = loader_try_attach(&loader, &said_why);

	other_ok = scx_state_wait("enabled", 0) &&
		   scx_root_ops_has_prefix(OTHER_NAME) &&
		   !other->data->uei.kind;

	bpf_link__destroy(link);
	scx_state_wait("disabled", STATE_TIMEOUT_MS);
	scx_flash__destroy(other);

	SCX_FAIL_IF(ret, "the loader did not exit within %d ms (%d)",
		    STATE_TIMEOUT_MS, ret);
	SCX_FAIL_IF(!WIFEXITED(loader.status) || !WEXITSTATUS(loader.status),
		    "the loader did not fail (status %#x)", loader.status);
	SCX_FAIL_IF(!said_why, "the loader did not say another scheduler is attached");
	SCX_FAIL_IF(!other_ok, "the other scheduler was disturbed");
	return SCX_TEST_PASS;
}

static enum scx_test_status setup_busy(void **ctx)
{
	if (!scx_available())
		SCX_SKIP("sched_ext is not available (no %s)", SCX_SYSFS_STATE);
	SCX_FAIL_IF(!scx_state_wait("disabled", STATE_TIMEOUT_MS),
		    "Another sched_ext scheduler is loaded");
	return SCX_TEST_PASS;
}

static struct scx_test attach_busy = {
	.name = "attach_busy",
	.description = "Attach beside another scheduler fails clearly, leaves it running",
	.setup = setup_busy,
	.run = run_busy,
};

REGISTER_SCX_TEST(&attach_busy)
