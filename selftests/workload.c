// SPDX-License-Identifier: GPL-2.0
/*
 * workload: run a CPU-bound, yielding load under flash_ops and check that
 * the scheduler dispatched it without being ejected.
 *
 * 2 * nproc children spin for SPIN_MS, giving the CPU up every YIELD_MS by
 * sched_yield() or a 1 ms sleep, so the scheduler sees both preemption by
 * slice expiry and voluntary wakeups.  One more child checks from
 * /proc/self/sched that it is itself scheduled by sched_ext.
 */
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <scx/common.h>
#include "../scx_flash.h"
#include "scx_flash.bpf.skel.h"
#include "scx_test.h"
#include "flash.h"
#include "util.h"

#define STATE_TIMEOUT_MS	5000
#define WORKLOAD_TIMEOUT_MS	30000
#define SPIN_MS			1500
#define YIELD_MS		20
#define SCHED_EXT_POLICY	7

struct workload_ctx {
	struct scx_flash *skel;
	struct bpf_link *link;
	pid_t *pids;
	int *statuses;
	int nr_pids;
};

/* The sched_getattr() ABI; glibc 2.36 has no wrapper nor type for it. */
struct wl_sched_attr {
	__u32 size;
	__u32 sched_policy;
	__u64 sched_flags;
	__s32 sched_nice;
	__u32 sched_priority;
	__u64 sched_runtime;
	__u64 sched_deadline;
	__u64 sched_period;
};

static enum scx_test_status setup(void **ctx)
{
	struct workload_ctx *wctx;

	if (!scx_available())
		SCX_SKIP("sched_ext is not available (no %s)", SCX_SYSFS_STATE);

	wctx = calloc(1, sizeof(*wctx));
	SCX_FAIL_IF(!wctx, "Out of memory");

	wctx->skel = flash_skel_load();
	if (!wctx->skel) {
		free(wctx);
		return SCX_TEST_FAIL;
	}

	*ctx = wctx;
	return SCX_TEST_PASS;
}

/* Child body: returns its exit code. */
static int spin_child(void)
{
	unsigned long long start = monotonic_ms(), next = start + YIELD_MS;
	unsigned long long now;
	unsigned int nr_breaks = 0;

	while ((now = monotonic_ms()) - start < SPIN_MS) {
		if (now < next)
			continue;
		if (nr_breaks++ & 1)
			sched_yield();
		else
			sleep_ms(1);
		next = monotonic_ms() + YIELD_MS;
	}
	return 0;
}

static long sched_policy_of_self(void)
{
	struct wl_sched_attr attr = { .size = sizeof(attr) };

	if (syscall(SYS_sched_getattr, 0, &attr, sizeof(attr), 0))
		return -errno;
	return attr.sched_policy;
}

/*
 * flash_ops switches every fair task without changing its policy, so ask for
 * SCHED_EXT first: the kernel accepts it only if it has sched_ext.
 */
static long request_sched_ext(void)
{
	struct wl_sched_attr attr = {
		.size = sizeof(attr),
		.sched_policy = SCHED_EXT_POLICY,
	};

	if (syscall(SYS_sched_setattr, 0, &attr, 0))
		return -errno;
	return sched_policy_of_self();
}

/*
 * Child body: 0 if this process runs in the ext scheduling class according to
 * "ext.enabled" in /proc/self/sched, or to its policy where that is missing.
 */
static int check_child(void)
{
	long long enabled = -1;
	long policy;

	if (!proc_pid_sched_field(getpid(), "ext.enabled", &enabled)) {
		printf("# workload: checked /proc/self/sched ext.enabled = %lld\n",
		       enabled);
		fflush(stdout);
		return enabled == 1 ? 0 : 1;
	}

	policy = request_sched_ext();
	printf("# workload: no ext.enabled in /proc/self/sched, checked policy = %ld\n",
	       policy);
	fflush(stdout);
	return policy == SCHED_EXT_POLICY ? 0 : 1;
}

static int fork_children(struct workload_ctx *wctx, int nr_spinners)
{
	pid_t pid;
	int i;

	fflush(stdout);
	fflush(stderr);

	for (i = 0; i <= nr_spinners; i++) {
		pid = fork();
		if (pid < 0)
			return -errno;
		if (!pid)
			_exit(i < nr_spinners ? spin_child() : check_child());
		wctx->pids[wctx->nr_pids++] = pid;
	}
	return 0;
}

/* SIGKILL and reap every child not reaped yet. */
static void kill_children(struct workload_ctx *wctx)
{
	int i;

	for (i = 0; i < wctx->nr_pids; i++) {
		if (!wctx->pids[i])
			continue;
		kill(wctx->pids[i], SIGKILL);
		waitpid(wctx->pids[i], &wctx->statuses[i], 0);
		wctx->pids[i] = 0;
	}
}

/* Reap all children by @deadline; returns how many were still running. */
static int reap_children(struct workload_ctx *wctx,
			 unsigned long long deadline)
{
	unsigned long long now;
	int i, nr_late = 0;

	for (i = 0; i < wctx->nr_pids; i++) {
		now = monotonic_ms();
		if (pid_wait_timeout(wctx->pids[i], &wctx->statuses[i],
				     deadline > now ? deadline - now : 0)) {
			nr_late++;
			continue;
		}
		wctx->pids[i] = 0;
	}
	return nr_late;
}

static int nr_failed_children(struct workload_ctx *wctx)
{
	int i, status, nr_failed = 0;

	for (i = 0; i < wctx->nr_pids; i++) {
		status = wctx->statuses[i];
		if (WIFEXITED(status) && !WEXITSTATUS(status))
			continue;
		nr_failed++;
		if (WIFEXITED(status))
			SCX_ERR("Child %d exited with %d", i,
				WEXITSTATUS(status));
		else
			SCX_ERR("Child %d killed by signal %d", i,
				WTERMSIG(status));
	}
	return nr_failed;
}

static __u64 nr_dispatches(struct scx_flash *skel)
{
	unsigned long long sums[FLASH_NR_STATS] = {};

	flash_stats_sum(bpf_map__fd(skel->maps.stats), sums);
	return sums[FLASH_STAT_DIRECT_DISPATCHES] +
	       sums[FLASH_STAT_SHARED_DISPATCHES];
}

static enum scx_test_status run_workload(struct workload_ctx *wctx)
{
	long nr_cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int nr_spinners, ret, nr_late;

	SCX_FAIL_IF(nr_cpus < 1, "Cannot count the online CPUs");
	nr_spinners = 2 * nr_cpus;

	wctx->pids = calloc(nr_spinners + 1, sizeof(*wctx->pids));
	wctx->statuses = calloc(nr_spinners + 1, sizeof(*wctx->statuses));
	SCX_FAIL_IF(!wctx->pids || !wctx->statuses, "Out of memory");

	printf("# workload: %d spinning children on %ld CPUs\n",
	       nr_spinners, nr_cpus);

	ret = fork_children(wctx, nr_spinners);
	SCX_FAIL_IF(ret, "fork() failed (%s)", strerror(-ret));

	nr_late = reap_children(wctx, monotonic_ms() + WORKLOAD_TIMEOUT_MS);
	SCX_FAIL_IF(nr_late, "%d of %d children still running after %d ms",
		    nr_late, wctx->nr_pids, WORKLOAD_TIMEOUT_MS);

	SCX_EQ(nr_failed_children(wctx), 0);
	return SCX_TEST_PASS;
}

static enum scx_test_status run(void *ctx)
{
	struct workload_ctx *wctx = ctx;
	struct scx_flash *skel = wctx->skel;
	enum scx_test_status status;
	char state[32] = "";
	__u64 before, after;

	SCX_FAIL_IF(!scx_state_wait("disabled", STATE_TIMEOUT_MS),
		    "Another sched_ext scheduler is loaded");

	wctx->link = bpf_map__attach_struct_ops(skel->maps.flash_ops);
	SCX_FAIL_IF(!wctx->link, "Failed to attach flash_ops (%s)",
		    strerror(errno));
	SCX_FAIL_IF(!scx_state_wait("enabled", STATE_TIMEOUT_MS),
		    "Scheduler not enabled within %d ms", STATE_TIMEOUT_MS);

	before = nr_dispatches(skel);
	status = run_workload(wctx);
	if (status != SCX_TEST_PASS)
		return status;
	after = nr_dispatches(skel);

	printf("# workload: dispatches %llu -> %llu\n",
	       (unsigned long long)before, (unsigned long long)after);
	SCX_GT(after, before);
	SCX_EQ(skel->data->uei.kind, EXIT_KIND(SCX_EXIT_NONE));

	scx_state_read(state, sizeof(state));
	SCX_FAIL_IF(strcmp(state, "enabled"),
		    "sched_ext state is \"%s\" after the workload", state);

	bpf_link__destroy(wctx->link);
	wctx->link = NULL;
	SCX_FAIL_IF(!scx_state_wait("disabled", STATE_TIMEOUT_MS),
		    "Scheduler not disabled within %d ms", STATE_TIMEOUT_MS);

	return SCX_TEST_PASS;
}

static void cleanup(void *ctx)
{
	struct workload_ctx *wctx = ctx;

	kill_children(wctx);
	bpf_link__destroy(wctx->link);
	scx_flash__destroy(wctx->skel);
	free(wctx->pids);
	free(wctx->statuses);
	free(wctx);
}

static struct scx_test workload = {
	.name = "workload",
	.description = "2 * nproc yielding spinners run and are dispatched by flash",
	.setup = setup,
	.run = run,
	.cleanup = cleanup,
};

REGISTER_SCX_TEST(&workload)
