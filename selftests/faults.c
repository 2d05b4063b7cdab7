// SPDX-License-Identifier: GPL-2.0
/*
 * faults: how the loader and the kernel handle a scheduler that fails.
 *
 * The shipped scx_flash is made to fail from outside: the syscall programs
 * of faults.bpf.c call scx_bpf_error() and scx_bpf_exit() asking user space
 * for a restart; a stop of all dispatching, which the kernel's watchdog
 * must catch, comes from the scheduler's own stall knob (stall_dispatch).
 * The loader is also killed with SIGKILL under load.  After each, the
 * machine must keep working.
 */
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <scx/common.h>
#include "faults.bpf.skel.h"
#include "flash.h"
#include "load.h"
#include "scx_test.h"
#include "util.h"

/* The watchdog fires after timeout_ms (5 s); TCG makes everything slow. */
#define FAULT_EXIT_TIMEOUT_MS	60000
#define REATTACH_TIMEOUT_MS	30000
#define STATE_TIMEOUT_MS	10000
#define MARKER			"scx_flash selftest: fault injected"

/* Fork and reap a child: the machine still schedules new tasks. */
static bool machine_works(void)
{
	struct load_opts any = { .cpu = -1 };
	pid_t pid = hog_start(&any, 100);

	return pid > 0 && child_cpu_us(pid, 30000) >= 0;
}

/* Setup of the cases that raise faults.bpf.c's faults: load it. */
static enum scx_test_status faults_setup(void **ctx)
{
	enum scx_test_status ret = flash_need_sched_ext(ctx);
	struct faults *skel;

	if (ret != SCX_TEST_PASS)
		return ret;
	skel = faults__open();
	SCX_FAIL_IF(!skel, "cannot open faults.bpf.c");
	SCX_ENUM_INIT(skel);
	if (faults__load(skel)) {
		faults__destroy(skel);
		SCX_FAIL("cannot load faults.bpf.c");
	}
	*ctx = skel;
	return SCX_TEST_PASS;
}

static void faults_cleanup(void *ctx)
{
	faults__destroy(ctx);
}

/* Run the syscall program @prog once; returns 0 or a negative error. */
static int prog_run(struct bpf_program *prog)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts);

	return bpf_prog_test_run_opts(bpf_program__fd(prog), &opts);
}

/*
 * scx_flash's stall_dispatch, a knob of its .bss that exists for this
 * case (see scx_flash.bpf.c), keeps the CPUs idle as a stuck idle
 * injection phase would: ops.dispatch() does nothing and ops.enqueue()
 * only queues.  Without --throttle-us no task is spared, not even per-CPU
 * kthreads: the scheduler stops dispatching.  A knob that no longer
 * exists fails the case (-ENOENT) rather than passing it unnoticed.
 */
static int stall(void *ctx)
{
	return flash_bss_write("stall_dispatch", 1);
}

static int error(void *ctx)
{
	return prog_run(((struct faults *)ctx)->progs.inject_error);
}

/*
 * Start the shipped loader, make its scheduler fail with @inject and check
 * that the loader exits with a non-zero status, reports the kernel's
 * @reason and, if not NULL, the message @msg, and that sched_ext is left
 * disabled.
 */
static enum scx_test_status fault_exit(int (*inject)(void *ctx), void *ctx,
				       const char *reason, const char *msg)
{
	unsigned long long t0;
	struct scx_child loader;
	bool has_reason, has_msg;
	int ret;

	SCX_FAIL_IF(flash_start(&loader, NULL), "scx_flash did not start");
	kmsg_mark(MARKER);
	t0 = monotonic_ms();
	ret = inject(ctx);
	if (ret) {
		flash_stop(&loader);
		SCX_FAIL("cannot inject the fault (%d)", ret);
	}

	ret = scx_child_wait(&loader, FAULT_EXIT_TIMEOUT_MS);
	has_reason = flash_output_has(&loader, reason);
	has_msg = !msg || flash_output_has(&loader, msg);
	if (ret || !has_reason || !has_msg)
		flash_dump_output(&loader);
	else
		flash_print_lines(&loader, "EXIT");
	scx_child_release(&loader);

	SCX_FAIL_IF(ret, "the loader still runs %d ms after the fault",
		    FAULT_EXIT_TIMEOUT_MS);
	printf("# loader exited %llu ms after the fault, status %#x\n",
	       monotonic_ms() - t0, loader.status);
	SCX_FAIL_IF(!WIFEXITED(loader.status), "the loader died of a signal");
	SCX_FAIL_IF(!WEXITSTATUS(loader.status),
		    "the loader exited with 0 after the fault");
	SCX_FAIL_IF(!has_reason, "no \"%s\" in the loader output", reason);
	SCX_FAIL_IF(!has_msg, "no \"%s\" in the loader output", msg);
	SCX_FAIL_IF(!scx_state_wait("disabled", STATE_TIMEOUT_MS),
		    "sched_ext not disabled after the loader exited");
	SCX_FAIL_IF(!machine_works(), "a task did not run after the fault");
	return SCX_TEST_PASS;
}

static enum scx_test_status run_error(void *ctx)
{
	/* The kernel's reason for SCX_EXIT_ERROR_BPF, then the BPF message. */
	return fault_exit(error, ctx, "scx_bpf_error",
			  "error requested by the selftest");
}

static struct scx_test error_exit = {
	.name = "fault_error_exit",
	.description = "scx_bpf_error(): the loader exits non-zero with the reason and message",
	.setup = faults_setup,
	.run = run_error,
	.cleanup = faults_cleanup,
};

REGISTER_SCX_TEST(&error_exit)

static enum scx_test_status run_stall(void *ctx)
{
	/* The kernel's reason for SCX_EXIT_ERROR_STALL. */
	return fault_exit(stall, NULL, "runnable task stall", NULL);
}

static struct scx_test stall_exit = {
	.name = "fault_stall_watchdog",
	.description = "A scheduler that stops dispatching is caught by the watchdog and reported",
	.setup = flash_need_sched_ext,
	.run = run_stall,
};

REGISTER_SCX_TEST(&stall_exit)

/* Restarts asked of one loader process, the first ones to warm up. */
#define NR_RESTARTS		20
#define NR_WARMUP		5
#define RESTART_MSG		"restart requested by the selftest"
/*
 * Allowed growth of the loader's resident memory over the restarts after
 * the warm-up: malloc keeps some of what libbpf frees at each reload,
 * while a leaked object or BTF would cost hundreds of kB per restart.
 */
#define RSS_SLACK_KB		512

/*
 * Wait until @loader re-attached after restart number @nr: sched_ext was
 * enabled again (enable_seq reached @seq) and the new scheduler runs.
 */
static bool wait_reattached(struct scx_child *loader, int nr, long long seq)
{
	unsigned long long deadline = monotonic_ms() + REATTACH_TIMEOUT_MS;
	struct flash_counters c;

	while (monotonic_ms() < deadline) {
		if (!scx_child_running(loader))
			return false;
		if (flash_output_count(loader, RESTART_MSG) >= nr &&
		    scx_enable_seq() >= seq && scx_state_wait("enabled", 0) &&
		    scx_root_ops_has_prefix("flash") &&
		    !flash_counters_read(&c))
			return true;
		sleep_ms(100);
	}
	return false;
}

/*
 * The loader's fd count once it settled after a re-attach: it may still
 * be setting up when the new scheduler shows, so wait for two equal
 * counts 200 ms apart.
 */
static int settled_nr_fds(pid_t pid)
{
	int i, prev = proc_nr_fds(pid), cur = prev;

	for (i = 0; i < 10; i++) {
		sleep_ms(200);
		cur = proc_nr_fds(pid);
		if (cur == prev)
			break;
		prev = cur;
	}
	return cur;
}

static enum scx_test_status run_restart(void *ctx)
{
	struct faults *skel = ctx;
	long long rss0 = 0, rss, seq0, seq;
	struct scx_child loader;
	int i, fds0 = 0, fds, reported;
	unsigned long long t0;
	pid_t pid;

	/* Read while nothing is attached: enable_seq moves after "enabled". */
	seq0 = scx_enable_seq();
	SCX_FAIL_IF(flash_start(&loader, NULL), "scx_flash did not start");
	pid = loader.pid;

	for (i = 1; i <= NR_RESTARTS; i++) {
		t0 = monotonic_ms();
		if (prog_run(skel->progs.inject_restart) ||
		    !wait_reattached(&loader, i, seq0 + 1 + i)) {
			flash_dump_output(&loader);
			scx_child_release(&loader);
			SCX_FAIL("the loader did not re-attach after restart %d",
				 i);
		}
		fds = settled_nr_fds(pid);
		rss = proc_status_kb(pid, "VmRSS");
		printf("# restart %d: re-attached in %llu ms, %d fds, VmRSS %lld kB\n",
		       i, monotonic_ms() - t0, fds, rss);
		/*
		 * The baseline is the highest VmRSS of the warm-up: one sample
		 * can catch the loader while it frees the old scheduler.
		 */
		if (i <= NR_WARMUP && rss > rss0)
			rss0 = rss;
		if (i == NR_WARMUP)
			fds0 = fds;
	}
	seq = scx_enable_seq();
	reported = flash_output_count(&loader, RESTART_MSG);
	printf("# the loader reported %d restart request(s)\n", reported);

	SCX_FAIL_IF(flash_stop(&loader), "the loader did not exit cleanly");
	SCX_FAIL_IF(fds0 <= 0 || rss0 <= 0, "cannot read the loader's fds or VmRSS");
	SCX_EQ(fds, fds0);
	SCX_LE(rss, rss0 + RSS_SLACK_KB);
	SCX_EQ(seq - seq0, NR_RESTARTS + 1);
	SCX_EQ(reported, NR_RESTARTS);
	return SCX_TEST_PASS;
}

static struct scx_test restart = {
	.name = "fault_restart_reattach",
	.description = "A requested restart makes the loader re-attach, leaking no fds or memory",
	.setup = faults_setup,
	.run = run_restart,
	.cleanup = faults_cleanup,
};

REGISTER_SCX_TEST(&restart)

#define NR_WORKERS		4
#define WORK_MS			4000
#define KILL_AFTER_MS		1000

/*
 * SIGKILL the shipped loader while a load runs: the kernel must unload
 * the scheduler, hand every task back to the fair class, and the load
 * started before must run to its end.
 */
static enum scx_test_status run_sigkill(void *ctx)
{
	struct load_opts any = { .cpu = -1 };
	long long enabled, cpu_us;
	struct scx_child loader;
	struct latency_stats st;
	pid_t pids[NR_WORKERS], sleeper;
	int i, fd, failed = 0, on_ext = 0;

	SCX_FAIL_IF(flash_start(&loader, NULL), "scx_flash did not start");

	for (i = 0; i < NR_WORKERS; i++)
		pids[i] = hog_start(&any, WORK_MS);
	sleeper = sleeper_start(&any, 1000, WORK_MS, &fd);

	sleep_ms(KILL_AFTER_MS);
	SCX_FAIL_IF(!scx_root_ops_has_prefix("flash"),
		    "scx_flash is not attached under the load");
	scx_child_signal_wait(&loader, SIGKILL, STATE_TIMEOUT_MS);
	scx_child_release(&loader);
	SCX_FAIL_IF(!scx_state_wait("disabled", STATE_TIMEOUT_MS),
		    "sched_ext still enabled after the loader was killed");

	for (i = 0; i < NR_WORKERS; i++) {
		if (pids[i] > 0 &&
		    !proc_pid_sched_field(pids[i], "ext.enabled", &enabled) &&
		    enabled)
			on_ext++;
	}
	for (i = 0; i < NR_WORKERS; i++) {
		cpu_us = pids[i] > 0 ? child_cpu_us(pids[i], 60000) : -1;
		if (cpu_us <= 0)
			failed++;
	}
	if (sleeper <= 0 || sleeper_result(sleeper, fd, &st))
		failed++;
	else
		printf("# sleeper: %llu wakeups, average latency %llu us\n",
		       st.nr, st.avg_us);

	SCX_FAIL_IF(on_ext, "%d task(s) still in the ext class", on_ext);
	SCX_FAIL_IF(failed, "%d task(s) of the load failed", failed);
	SCX_FAIL_IF(!machine_works(), "a new task did not run");
	return SCX_TEST_PASS;
}

static struct scx_test sigkill = {
	.name = "fault_sigkill_loader",
	.description = "SIGKILL of the loader returns all tasks to the fair class; load finishes",
	.setup = flash_need_sched_ext,
	.run = run_sigkill,
};

REGISTER_SCX_TEST(&sigkill)
