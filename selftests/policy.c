// SPDX-License-Identifier: GPL-2.0
/*
 * policy: the properties the scheduling policy promises, each in a case
 * that failed on a policy that broke it.
 *
 * - shares follow the kernel's nice weights exactly, for nice -5 to 19,
 *   with the hogs on one CPU and free on all CPUs, and on a CPU whose
 *   node queue is headed by tasks pinned to another, and at once for a
 *   task that joins such a CPU;
 * - a cgroup's new cpu.weight reaches the tasks already in it;
 * - a waker is not parked behind a SCHED_FIFO task on its previous CPU
 *   while another CPU runs a normal task;
 * - a waker does not cut a slice that has just begun;
 * - a task outside the primary domain moves to an idle CPU inside it;
 * - a weight-scaled slice stays far below the watchdog's timeout;
 * - a starving task, once served, gets its work done before it waits again;
 * - a nice 19 task, and a task whose affinity keeps changing, keep
 *   running under a message-passing storm;
 * - a hog that ran alone beside a task of low weight keeps no lead over
 *   the tasks that join it, and a shell beside them stays responsive.
 *
 * CPU time comes from /proc/PID/schedstat, over a window that starts after
 * the hogs settled: a nice 19 hog gets 1/69 of a CPU, so the first
 * milliseconds, before the deadlines reach their steady state, would
 * weigh on its share.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include "flash.h"
#include "load.h"
#include "scx_test.h"

#define SETTLE_MS	1000
#define WINDOW_MS	3000
#define REAP_MS		30000
#define MAX_HOGS	16

/*
 * Shares must hold within 5% of the ideal, plus what the tick adds: a task
 * whose slice is shorter than a tick runs to the next tick, so each edge
 * of the window may cut one of its runs short or long by up to a tick.
 * For nice 19 (43 ms in 3 s beside one nice 0 hog) that is +-19% more.
 * Measured (3 s windows, 2 vCPUs): nice -5, 5 and 10 within 3.3%.
 */
#define SHARE_TOL	0.05

/* The kernel's tick in ms, from its config; 10 (HZ=100) if unknown. */
static double tick_ms(void)
{
	char path[128], line[128];
	struct utsname u;
	double ms = 10;
	FILE *f;
	int hz;

	if (uname(&u))
		return ms;
	snprintf(path, sizeof(path), "/boot/config-%s", u.release);
	f = fopen(path, "r");
	if (!f)
		return ms;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CONFIG_HZ=%d", &hz) == 1 && hz > 0)
			ms = 1000.0 / hz;
	fclose(f);
	return ms;
}

/* The kernel's weight of nice level @nice, for the levels tested here. */
static double nice_weight(int nice)
{
	switch (nice) {
	case -5:
		return 3121;
	case 5:
		return 335;
	case 10:
		return 110;
	case 19:
		return 15;
	default:
		return 1024;
	}
}

static int nr_cpus(void)
{
	return sysconf(_SC_NPROCESSORS_ONLN);
}

static void hogs_reap(const pid_t *pids, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (pids[i] > 0)
			child_cpu_us(pids[i], REAP_MS);
}

/*
 * Kill the hogs of @pids that started, and reap them: a pid of -1, a hog
 * that did not start, would signal every process.
 */
static void hogs_stop(const pid_t *pids, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (pids[i] > 0)
			kill(pids[i], SIGKILL);
	hogs_reap(pids, n);
}

/*
 * Run @n hogs as @o says: after SETTLE_MS (calling @change, if any, half
 * way), measure the CPU time each gets over WINDOW_MS into @cpu_ns.
 */
static int hogs_measure(const struct load_opts *o, int n,
			void (*change)(void), long long *cpu_ns)
{
	long long start[MAX_HOGS];
	pid_t pids[MAX_HOGS];
	int i, err = 0;

	for (i = 0; i < n; i++)
		pids[i] = hog_start(&o[i], SETTLE_MS + WINDOW_MS + 500);

	sleep_ms(SETTLE_MS / 2);
	if (change)
		change();
	sleep_ms(SETTLE_MS / 2);
	for (i = 0; i < n; i++)
		start[i] = pids[i] > 0 ? proc_cpu_ns(pids[i]) : -1;
	sleep_ms(WINDOW_MS);
	for (i = 0; i < n; i++) {
		cpu_ns[i] = start[i] >= 0 ? proc_cpu_ns(pids[i]) - start[i] : -1;
		if (start[i] < 0 || cpu_ns[i] <= 0)
			err = -1;
	}

	hogs_reap(pids, n);
	return err;
}

/*
 * Check that CPU times @a and @b, of @per_group hogs each, are @ideal to
 * one, within SHARE_TOL plus two ticks per hog of the group with the
 * smaller share.
 */
static enum scx_test_status check_share(long long a, long long b,
					int per_group, double ideal,
					const char *what)
{
	double ratio, small_ms, tol;

	SCX_FAIL_IF(a <= 0 || b <= 0, "%s: a hog did not run", what);
	ratio = (double)a / b;
	small_ms = (a < b ? a : b) / 1e6;
	tol = SHARE_TOL + 2 * tick_ms() * per_group / small_ms;
	printf("# %s: %lld us against %lld us, ratio %.2f (ideal %.2f, +-%.0f%%)\n",
	       what, a / 1000, b / 1000, ratio, ideal, tol * 100);
	SCX_FAIL_IF(ratio < ideal * (1 - tol) || ratio > ideal * (1 + tol),
		    "%s: ratio %.2f is not within %.0f%% of %.2f", what, ratio,
		    tol * 100, ideal);
	return SCX_TEST_PASS;
}

/*
 * Run the hogs @o[0..n) and check the shares of the first @measured:
 * group a (@o[0..measured/2)) against group b (the rest of them).
 */
static enum scx_test_status expect_share(const struct load_opts *o, int n,
					 int measured, void (*change)(void),
					 double ideal, const char *what)
{
	long long cpu_ns[MAX_HOGS], a = 0, b = 0;
	int i;

	SCX_FAIL_IF(hogs_measure(o, n, change, cpu_ns), "%s: hogs failed",
		    what);
	for (i = 0; i < measured; i++)
		*(i < measured / 2 ? &a : &b) += cpu_ns[i];
	return check_share(a, b, measured / 2, ideal, what);
}

#define NR_TESTED_NICE	4
static const int tested_nice[NR_TESTED_NICE] = { -5, 5, 10, 19 };

/*
 * Nice 0 against each tested level: one hog of each on CPU 0 (@spread
 * false) or as many of each as there are CPUs, free to run anywhere.
 */
static enum scx_test_status nice_matrix(bool spread)
{
	struct load_opts o[MAX_HOGS];
	enum scx_test_status ret = SCX_TEST_PASS;
	int per_group = spread ? nr_cpus() : 1;
	struct scx_child loader;
	char what[64];
	size_t i;
	int j;

	if (per_group * 2 > MAX_HOGS)
		per_group = MAX_HOGS / 2;

	SCX_FAIL_IF(flash_start(&loader, NULL), "scx_flash did not start");
	for (i = 0; i < NR_TESTED_NICE; i++) {
		for (j = 0; j < per_group * 2; j++)
			o[j] = (struct load_opts) {
				.cpu = spread ? -1 : 0,
				.nice = j < per_group ? 0 : tested_nice[i],
			};
		snprintf(what, sizeof(what), "%s nice 0 against %d",
			 spread ? "spread," : "one CPU,", tested_nice[i]);
		if (expect_share(o, per_group * 2, per_group * 2, NULL,
				 1024 / nice_weight(tested_nice[i]), what))
			ret = SCX_TEST_FAIL;
	}
	SCX_FAIL_IF(flash_stop(&loader), "scx_flash did not exit cleanly");
	return ret;
}

static enum scx_test_status run_nice_one_cpu(void *ctx)
{
	return nice_matrix(false);
}

static struct scx_test nice_one_cpu = {
	.name = "fairness_nice_matrix",
	.description = "Nice 0 against -5, 5, 10, 19 on 1 CPU: weights +-5% and a tick",
	.setup = flash_need_sched_ext,
	.run = run_nice_one_cpu,
};
REGISTER_SCX_TEST(&nice_one_cpu)

static enum scx_test_status run_nice_spread(void *ctx)
{
	return nice_matrix(true);
}

static struct scx_test nice_spread = {
	.name = "fairness_nice_spread",
	.description = "Nice 0 against -5, 5, 10, 19 on all CPUs: weights +-5% and a tick",
	.setup = flash_need_sched_ext,
	.run = run_nice_spread,
};
REGISTER_SCX_TEST(&nice_spread)

/* Run @body under scx_flash, on a machine with two CPUs at least. */
static enum scx_test_status run_two_cpus(enum scx_test_status (*body)(void))
{
	enum scx_test_status ret;
	struct scx_child loader;

	if (nr_cpus() < 2)
		SCX_SKIP("needs 2 CPUs, has %d", nr_cpus());

	SCX_FAIL_IF(flash_start(&loader, NULL), "scx_flash did not start");
	ret = body();
	SCX_FAIL_IF(flash_stop(&loader), "scx_flash did not exit cleanly");
	return ret;
}

/*
 * Nice 0 against 5 on CPU 1 while two hogs pinned to CPU 0 share the node
 * queue.  Each of those gets half a CPU, so their deadlines fall behind
 * the pair on CPU 1 and one of them waits first in the queue nearly all
 * the time.  CPU 1 gave its task up for that first task at every slice
 * end, then took the next task it could run, the other one of its pair
 * whatever its deadline: the pair alternated slice by slice.  This case
 * read 1.02 (ideal 3.06) on that policy; 8 s windows in another boot read
 * 1.34 and 1.39, where the default scheduler read 3.06 and 3.05.
 */
static enum scx_test_status nice_pinned(void)
{
	const struct load_opts o[4] = {
		{ .cpu = 1 }, { .cpu = 1, .nice = 5 }, { .cpu = 0 }, { .cpu = 0 },
	};

	return expect_share(o, 4, 2, NULL, 1024 / nice_weight(5),
			    "CPU 1, nice 0 against 5, beside CPU 0's hogs");
}

static enum scx_test_status run_nice_pinned(void *ctx)
{
	return run_two_cpus(nice_pinned);
}

static struct scx_test nice_pinned_case = {
	.name = "fairness_nice_pinned",
	.description = "Nice 0 against 5 on CPU 1, CPU 0's hogs queued first: weights +-5%, a tick",
	.setup = flash_need_sched_ext,
	.run = run_nice_pinned,
};
REGISTER_SCX_TEST(&nice_pinned_case)

/*
 * A hog joins CPU 1, whose lone hog ran for JOIN_LEAD_MS while two hogs
 * pinned to CPU 0 shared theirs.  CPU 0's hogs fall behind in virtual
 * time and one of them waits first in the node queue, so vtime_now, which
 * stops at the first waiting deadline, stays with them: the new hog
 * started far behind CPU 1's, and took 98% of CPU 1 in this case's
 * window (ratio 0.02).  Both must get half of CPU 1 once the new one
 * settled.
 */
#define JOIN_LEAD_MS	20000

static enum scx_test_status join_pinned(void)
{
	const struct load_opts cpu0 = { .cpu = 0 }, cpu1 = { .cpu = 1 };
	unsigned int ms = SETTLE_MS + WINDOW_MS + 500;
	long long old_ns, new_ns;
	pid_t pids[4];
	int i;

	pids[0] = hog_start(&cpu0, JOIN_LEAD_MS + ms);
	pids[1] = hog_start(&cpu0, JOIN_LEAD_MS + ms);
	pids[2] = hog_start(&cpu1, JOIN_LEAD_MS + ms);
	sleep_ms(JOIN_LEAD_MS);
	pids[3] = hog_start(&cpu1, ms);
	sleep_ms(SETTLE_MS);

	old_ns = proc_cpu_ns(pids[2]);
	new_ns = proc_cpu_ns(pids[3]);
	sleep_ms(WINDOW_MS);
	old_ns = proc_cpu_ns(pids[2]) - old_ns;
	new_ns = proc_cpu_ns(pids[3]) - new_ns;

	hogs_reap(pids, 4);
	for (i = 0; i < 4; i++)
		SCX_FAIL_IF(pids[i] <= 0, "cannot start hog %d", i);
	return check_share(old_ns, new_ns, 1, 1.0,
			   "CPU 1, its hog against one that joined it");
}

static enum scx_test_status run_join_pinned(void *ctx)
{
	return run_two_cpus(join_pinned);
}

static struct scx_test join_pinned_case = {
	.name = "fairness_join_pinned",
	.description = "A hog joining a CPU that ran ahead of another gets half of it in 1 s",
	.setup = flash_need_sched_ext,
	.run = run_join_pinned,
};
REGISTER_SCX_TEST(&join_pinned_case)

/* --- cpu.weight changed while the tasks are in the cgroup --- */

static char heavy[128], light[128];

static void reweight_heavy(void)
{
	char path[160];

	snprintf(path, sizeof(path), "%s/cpu.weight", heavy);
	write_str(path, "200");
}

static enum scx_test_status run_cgroup_reweight(void *ctx)
{
	struct load_opts o[2] = {
		{ .cpu = 0, .cgroup = heavy },
		{ .cpu = 0, .cgroup = light },
	};
	enum scx_test_status ret;
	struct scx_child loader;

	if (cgroup_create("flash_reweight_a", 100, heavy, sizeof(heavy)) ||
	    cgroup_create("flash_reweight_b", 100, light, sizeof(light)))
		SCX_SKIP("no cgroup2 with the cpu controller");

	SCX_FAIL_IF(flash_start(&loader, NULL), "scx_flash did not start");
	ret = expect_share(o, 2, 2, reweight_heavy, 2.0,
			   "cpu.weight 100 -> 200 against 100");
	SCX_FAIL_IF(flash_stop(&loader), "scx_flash did not exit cleanly");
	cgroup_remove(heavy);
	cgroup_remove(light);
	return ret;
}

static struct scx_test cgroup_reweight = {
	.name = "fairness_cgroup_reweight",
	.description = "A cpu.weight changed after the tasks joined applies to them (2x +-5%)",
	.setup = flash_need_sched_ext,
	.run = run_cgroup_reweight,
};
REGISTER_SCX_TEST(&cgroup_reweight)

/* --- A waker whose previous CPU runs a SCHED_FIFO task --- */

#define FIFO_RUN_MS	3000
#define FIFO_PERIOD_US	1000

/*
 * A 1 ms sleeper that last ran on CPU 0 wakes up while a SCHED_FIFO hog
 * spins there and a normal hog on CPU 1.
 */
static int waker_beside_fifo_hog(struct latency_stats *st)
{
	struct load_opts sl = { .cpu = 0, .roam = true, .delay_ms = 300 };
	struct load_opts cpu1 = { .cpu = 1 };
	pid_t sleeper, fifo, hog;
	int fd, err;

	sleeper = sleeper_start(&sl, FIFO_PERIOD_US, FIFO_RUN_MS, &fd);
	sleep_ms(100);
	fifo = fifo_hog_start(0, FIFO_RUN_MS + 300);
	hog = hog_start(&cpu1, FIFO_RUN_MS + 300);
	err = sleeper > 0 ? sleeper_result(sleeper, fd, st) : -1;
	if (fifo > 0)
		child_cpu_us(fifo, REAP_MS);
	if (hog > 0)
		child_cpu_us(hog, REAP_MS);
	return err ?: (fifo > 0 && hog > 0 ? 0 : -1);
}

static void print_waker(const char *sched, const struct latency_stats *st)
{
	printf("# waker beside a SCHED_FIFO hog, %s: %llu of %llu wakeups",
	       sched, st->nr_home, st->nr);
	printf(" on its CPU, p99 %llu us, max %llu us\n", st->p99_us,
	       st->max_us);
}

/*
 * Parked in the local queue of the CPU the SCHED_FIFO hog spins on, the
 * waker only runs when the kernel's sched_ext server takes that CPU for
 * a moment, and waits for the server's next period when its budget is
 * spent: its worst wakeup took 894 ms on the old policy, against 50 ms
 * for the default scheduler in the same boot.  Served from the shared
 * queue by the other CPU (or by the server, now and then), its worst
 * wakeup is the emulator's: 0.5-1.7 times the default scheduler's in four
 * boots here.  Allowed: four times the default scheduler's worst wakeup.
 * How often it woke up on the FIFO hog's CPU is printed too; the server
 * makes that count vary between boots (0 to 230 of about 700).
 */
static enum scx_test_status run_fifo_waker(void *ctx)
{
	struct latency_stats dfl, fifo;
	struct scx_child loader;
	int err;

	if (nr_cpus() < 2)
		SCX_SKIP("needs 2 CPUs");

	SCX_FAIL_IF(waker_beside_fifo_hog(&dfl),
		    "the load failed without scx_flash");
	SCX_FAIL_IF(flash_start(&loader, NULL), "scx_flash did not start");
	err = waker_beside_fifo_hog(&fifo);
	SCX_FAIL_IF(flash_stop(&loader), "scx_flash did not exit cleanly");
	SCX_FAIL_IF(err, "the load failed under scx_flash");

	print_waker("default", &dfl);
	print_waker("scx_flash", &fifo);
	SCX_GT(fifo.nr, 100);
	SCX_LE(fifo.max_us, dfl.max_us * 4);
	return SCX_TEST_PASS;
}

static struct scx_test fifo_waker_case = {
	.name = "preempt_fifo_waker",
	.description = "A waker is not parked behind a SCHED_FIFO hog on its CPU",
	.setup = flash_need_sched_ext,
	.run = run_fifo_waker,
};
REGISTER_SCX_TEST(&fifo_waker_case)

/* --- A waker does not cut a slice it has just begun --- */

#define MIN_RUN_MS		3000
#define MIN_RUN_PERIOD_US	50
#define MIN_RUN_WORK_US		20
/* preempt_min_run() at nice 0 with the default 700 us slice */
#define MIN_RUN_US		350

/* The CPU time @pid ran, in ns, and in how many timeslices. */
static int proc_runs(pid_t pid, long long *ns, long long *runs)
{
	char path[64], buf[128];

	snprintf(path, sizeof(path), "/proc/%d/schedstat", pid);
	if (sysfs_read_str(path, buf, sizeof(buf)) < 0 ||
	    sscanf(buf, "%lld %*d %lld", ns, runs) != 2)
		return -1;
	return 0;
}

/*
 * A hog and a sleeper that wakes every 50 us share CPU 0: the hog's
 * average run, in us, once both settled.
 */
static long long hog_run_beside_waker(void)
{
	struct load_opts hog_o = { .cpu = 0 };
	struct load_opts waker_o = { .cpu = 0, .work_us = MIN_RUN_WORK_US };
	long long ns0, runs0, ns1, runs1, avg = -1;
	struct latency_stats st;
	pid_t hog, waker;
	int fd;

	hog = hog_start(&hog_o, SETTLE_MS + MIN_RUN_MS + 500);
	waker = sleeper_start(&waker_o, MIN_RUN_PERIOD_US,
			      SETTLE_MS + MIN_RUN_MS, &fd);
	sleep_ms(SETTLE_MS);
	if (hog > 0 && !proc_runs(hog, &ns0, &runs0)) {
		sleep_ms(MIN_RUN_MS);
		if (!proc_runs(hog, &ns1, &runs1) && runs1 > runs0)
			avg = (ns1 - ns0) / (runs1 - runs0) / 1000;
	}
	if (waker > 0)
		sleeper_result(waker, fd, &st);
	if (hog > 0)
		child_cpu_us(hog, REAP_MS);
	return avg;
}

/*
 * A task that ran slice_lag without sleeping was preemptible from the
 * first nanosecond of every later run and of every refill: beside a task
 * that wakes every 50 us its runs were cut to the waker's period, and
 * message passing paid a context switch per wakeup.  A waker may now cut
 * a slice only after preempt_min_run() of it, so the hog's runs average
 * at least that; 10% is left for the edges of the kernel's accounting.
 * And the waker turned away preempts when the protection ends, not at the
 * next tick: the hog's runs averaged 3.8 ms, a tick, until a timer ended
 * the protection.  Allowed: half a tick.
 */
static enum scx_test_status run_min_run(void *ctx)
{
	struct scx_child loader;
	long long avg_us;

	SCX_FAIL_IF(flash_start(&loader, NULL), "scx_flash did not start");
	avg_us = hog_run_beside_waker();
	SCX_FAIL_IF(flash_stop(&loader), "scx_flash did not exit cleanly");
	SCX_FAIL_IF(avg_us < 0, "the load failed under scx_flash");

	printf("# hog beside a 50 us waker on one CPU: runs of %lld us on average\n",
	       avg_us);
	SCX_GE(avg_us, MIN_RUN_US * 9 / 10);
	SCX_LT(avg_us, tick_ms() * 1000 / 2);
	return SCX_TEST_PASS;
}

static struct scx_test min_run_case = {
	.name = "preempt_min_run",
	.description = "A waker does not cut a slice it has just begun",
	.setup = flash_need_sched_ext,
	.run = run_min_run,
};
REGISTER_SCX_TEST(&min_run_case)

/* --- A task outside the primary domain --- */

#define DOMAIN_SAMPLE_MS	10

/*
 * With CPU 0 as the primary domain, a hog that started on CPU 1 and may
 * run anywhere must move to CPU 0, idle, at the end of its slice: the
 * fraction of samples that see it on CPU 0 after SETTLE_MS.
 */
static enum scx_test_status run_out_of_domain(void *ctx)
{
	static const char *const args[] = { "--primary-domain", "0x1", NULL };
	struct load_opts o = { .cpu = 1, .roam = true };
	int i, on_cpu0 = 0, samples = WINDOW_MS / DOMAIN_SAMPLE_MS;
	struct scx_child loader;
	pid_t hog;

	if (nr_cpus() < 2)
		SCX_SKIP("needs 2 CPUs");

	SCX_FAIL_IF(flash_start(&loader, args), "scx_flash did not start");
	hog = hog_start(&o, SETTLE_MS + WINDOW_MS + 500);
	sleep_ms(SETTLE_MS);
	for (i = 0; i < samples; i++) {
		on_cpu0 += proc_last_cpu(hog) == 0;
		sleep_ms(DOMAIN_SAMPLE_MS);
	}
	hogs_reap(&hog, 1);
	SCX_FAIL_IF(flash_stop(&loader), "scx_flash did not exit cleanly");

	printf("# hog seen on CPU 0 (the primary domain) in %d of %d samples\n",
	       on_cpu0, samples);
	SCX_GE(on_cpu0, samples * 9 / 10);
	return SCX_TEST_PASS;
}

static struct scx_test out_of_domain = {
	.name = "placement_out_of_domain",
	.description = "A task outside the primary domain moves to an idle CPU in it",
	.setup = flash_need_sched_ext,
	.run = run_out_of_domain,
};
REGISTER_SCX_TEST(&out_of_domain)

/* --- Check the scheduler survived a load --- */

#define MARKER	"scx_flash selftest: policy load starts"

static enum scx_test_status still_attached(struct scx_child *loader)
{
	int problems = kmsg_problems_since(MARKER);

	SCX_FAIL_IF(!scx_child_running(loader),
		    "scx_flash exited during the load");
	SCX_FAIL_IF(!scx_root_ops_has_prefix("flash"),
		    "scx_flash is no longer attached");
	SCX_FAIL_IF(problems, "the kernel reported %d problem(s)", problems);
	return SCX_TEST_PASS;
}

/*
 * Run @load into @dfl under the default scheduler, then into @flash with
 * scx_flash attached; SCX_TEST_FAIL if either run or scx_flash's start or
 * stop failed.  Whether scx_flash stayed attached through its run, without
 * a problem in the kernel log, goes to @attached: the caller prints what
 * both runs measured first.
 */
static enum scx_test_status beside_default(int (*load)(void *), void *dfl,
					   void *flash,
					   enum scx_test_status *attached)
{
	struct scx_child loader;
	int err;

	SCX_FAIL_IF(load(dfl), "the load failed without scx_flash");
	SCX_FAIL_IF(flash_start(&loader, NULL), "scx_flash did not start");
	kmsg_mark(MARKER);
	err = load(flash);
	*attached = still_attached(&loader);
	SCX_FAIL_IF(flash_stop(&loader), "scx_flash did not exit cleanly");
	SCX_FAIL_IF(err, "the load failed under scx_flash");
	return SCX_TEST_PASS;
}

/* --- The largest weight with the longest slice --- */

#define CAP_RUN_MS	7000

/*
 * The bound the policy promises for a single starving task (the top of
 * scx_flash.bpf.c: 1.2 s), with room for the emulator: a vCPU thread the
 * host does not run for a while makes every guest task late.
 */
#define STARVATION_BOUND_MS	2000
#define STARVATION_MS		1000	/* STARVATION_NS in scx_flash.bpf.c */

/*
 * With --slice-us 100000, nice -20 (88761/1024 of nice 0) used to get an
 * 8.7 s slice: a nice 0 task beside it on the CPU waited for seconds, or
 * past the 5 s watchdog.  The nice 0 task spins and measures the longest
 * time it was kept off the CPU.
 */
static enum scx_test_status run_slice_cap(void *ctx)
{
	static const char *const args[] = { "--slice-us", "100000", NULL };
	struct load_opts big = { .cpu = 0, .nice = -20 }, small = { .cpu = 0 };
	struct latency_stats st = {};
	struct scx_child loader;
	enum scx_test_status ret;
	pid_t hog, spinner;
	int fd, err;

	SCX_FAIL_IF(flash_start(&loader, args), "scx_flash did not start");
	kmsg_mark(MARKER);
	hog = hog_start(&big, CAP_RUN_MS);
	spinner = sleeper_start(&small, 0, CAP_RUN_MS, &fd);
	err = spinner > 0 ? sleeper_result(spinner, fd, &st) : -1;
	if (hog > 0)
		child_cpu_us(hog, REAP_MS);
	ret = still_attached(&loader);
	SCX_FAIL_IF(flash_stop(&loader), "scx_flash did not exit cleanly");

	SCX_FAIL_IF(err || hog <= 0, "the load failed");
	printf("# nice 0 beside nice -20, --slice-us 100000: longest time off the CPU %llu us\n",
	       st.max_us);
	SCX_LT(st.max_us, STARVATION_BOUND_MS * 1000ULL);
	return ret;
}

static struct scx_test slice_cap = {
	.name = "robust_slice_cap",
	.description = "--slice-us 100000 beside a nice -20 hog: bounded wait, no stall",
	.setup = flash_need_sched_ext,
	.run = run_slice_cap,
};
REGISTER_SCX_TEST(&slice_cap)

/* --- A starving task gets to run --- */

#define STARVED_RUN_MS		12000
#define STARVED_PERIOD_US	10000
#define STARVED_WORK_US		4000
#define STARVED_PAIRS_PER_CPU	2

/*
 * A nice 19 task in a cgroup of cpu.weight 1 (1/6900 of a nice 0 task)
 * works 4 ms of CPU time every 10 ms beside ping-pong pairs that keep
 * every CPU busy.  It runs when its deadline comes up, for its weighted
 * slice of under a microsecond, which the next tick ends, or when the
 * starvation guard serves it, once it has waited a second.  The guard owes
 * a task that waits STARVED_SERVICE_MS of CPU time, so a wakeup that got
 * less is done within the wait, the guard's scan and the work: 1.1 s,
 * allowed STARVED_RESPONSE_MS.  A run cut short used to start a new wait:
 * after a run in deadline order 0.2-0.9 s into a wait, wakeups that
 * used under 10 ms of CPU time took up to 1.77-2.56 s (six runs).
 * A run can end with nothing done and yet count (a vCPU the host did not
 * run meanwhile: the kernel charges the task the whole stretch, 8-36 ms
 * seen), and the task then waits once more: such wakeups are only counted.
 */
#define STARVED_SERVICE_MS	10	/* STARVED_SERVICE_NS in scx_flash.bpf.c */
#define STARVED_RESPONSE_MS	(STARVATION_MS * 3 / 2)

static enum scx_test_status run_starved_runs(void *ctx)
{
	int i, fd, err, nr = STARVED_PAIRS_PER_CPU * nr_cpus(), failed = 0;
	struct load_opts victim = { .cpu = -1, .nice = 19,
				    .work_us = STARVED_WORK_US,
				    .served_us = STARVED_SERVICE_MS * 1000 };
	struct load_opts any = { .cpu = -1 };
	pid_t pairs[MAX_HOGS], task;
	struct latency_stats st = {};
	struct scx_child loader;
	enum scx_test_status ret;
	char cgroup[256];

	if (cgroup_create("flash_starved", 1, cgroup, sizeof(cgroup)))
		SCX_SKIP("no cgroup2 with the cpu controller");
	victim.cgroup = cgroup;
	if (nr > MAX_HOGS)
		nr = MAX_HOGS;
	SCX_FAIL_IF(flash_start(&loader, NULL), "scx_flash did not start");
	kmsg_mark(MARKER);
	for (i = 0; i < nr; i++)
		pairs[i] = pingpong_start(&any, STARVED_RUN_MS + 1000);
	task = sleeper_start(&victim, STARVED_PERIOD_US, STARVED_RUN_MS, &fd);
	err = task > 0 ? sleeper_result(task, fd, &st) : -1;
	for (i = 0; i < nr; i++)
		if (pairs[i] <= 0 || child_cpu_us(pairs[i], REAP_MS) <= 0)
			failed++;
	cgroup_remove(cgroup);
	ret = still_attached(&loader);
	SCX_FAIL_IF(flash_stop(&loader), "scx_flash did not exit cleanly");

	SCX_FAIL_IF(err || failed, "the load failed");
	printf("# cpu.weight 1, nice 19, %d us every %d us, beside %d ping-pong pairs:\n",
	       STARVED_WORK_US, STARVED_PERIOD_US, nr);
	printf("#   %llu wakeups, p99 %llu us, max %llu us\n", st.nr, st.p99_us,
	       st.max_us);
	printf("#   %llu of them used %d ms of CPU time or more; the others took %llu us at most\n",
	       st.nr_served, STARVED_SERVICE_MS, st.max_unserved_us);
	SCX_FAIL_IF(st.max_us < STARVATION_MS * 1000ULL * 9 / 10,
		    "the task never starved (longest %llu us): nothing tested",
		    st.max_us);
	SCX_LT(st.max_unserved_us, STARVED_RESPONSE_MS * 1000ULL);
	return ret;
}

static struct scx_test starved_runs = {
	.name = "robust_starved_runs",
	.description = "A starving task gets its 4 ms of work done within 1.5 s",
	.setup = flash_need_sched_ext,
	.run = run_starved_runs,
};
REGISTER_SCX_TEST(&starved_runs)

/* --- Waits under a message-passing storm --- */

#define STORM_PERIOD_US		10000
#define STORM_SLEEPER_MS	15000
#define STORM_REAP_MS		300000
#define STORM_CHURN_MS		10

/*
 * No task may wait long enough for the watchdog (5 s): allowed, half of
 * it.  The guard serves a task that waited 1 s next; under this storm (800
 * processes on 2 CPUs) the nice 19 sleeper waited 1.13 s at most in three
 * runs, against the default scheduler's 28 s printed beside it.  It
 * waited 2.0-3.1 s while a served run that the tick cut short started a
 * new wait (robust_starved_runs).
 */
#define STORM_BOUND_MS		2500

struct storm_result {
	unsigned long long ms;		/* hackbench's run */
	struct latency_stats nice19;	/* a nice 19 task waking every 10 ms */
	struct latency_stats churned;	/* a spinner moved every 10 ms */
};

/* Move @pid between the first and the last CPU until @bench exits. */
static int churn_until_exit(pid_t pid, pid_t bench, int *status)
{
	unsigned long long end = monotonic_ms() + STORM_REAP_MS;
	int cpus[2] = { 0, nr_cpus() - 1 }, i = 0;
	cpu_set_t set;

	while (monotonic_ms() < end) {
		if (waitpid(bench, status, WNOHANG) == bench)
			return 0;
		CPU_ZERO(&set);
		CPU_SET(cpus[i++ % 2], &set);
		if (pid > 0)
			sched_setaffinity(pid, sizeof(set), &set);
		sleep_ms(STORM_CHURN_MS);
	}
	kill(bench, SIGKILL);
	waitpid(bench, status, 0);
	return -1;
}

/*
 * hackbench -g 20 under the scheduler attached, beside a nice 19 sleeper
 * and a spinner whose affinity changes every STORM_CHURN_MS: each change
 * takes it off the queue and puts it back, which must not restart its
 * wait (it did: the spinner waited 7 s, and the watchdog ejected
 * scx_flash).
 */
static int storm_waits(void *result)
{
	struct storm_result *r = result;
	static const char *const storm[] = {
		"hackbench", "-g", "20", "-l", "300", NULL
	};
	struct load_opts nice19 = { .cpu = -1, .nice = 19 }, any = { .cpu = -1 };
	unsigned long long t0 = monotonic_ms();
	int status = 0, fd, fd_churned, err;
	pid_t sleeper, spinner, bench;

	bench = command_start(storm);
	sleeper = sleeper_start(&nice19, STORM_PERIOD_US, STORM_SLEEPER_MS, &fd);
	spinner = sleeper_start(&any, 0, STORM_SLEEPER_MS, &fd_churned);
	err = bench > 0 ? churn_until_exit(spinner, bench, &status) : -1;
	r->ms = monotonic_ms() - t0;
	if (sleeper <= 0 || sleeper_result(sleeper, fd, &r->nice19))
		err = -1;
	if (spinner <= 0 || sleeper_result(spinner, fd_churned, &r->churned))
		err = -1;
	return err || !WIFEXITED(status) || WEXITSTATUS(status) ? -1 : 0;
}

static void print_storm(const char *sched, const struct storm_result *r)
{
	printf("# hackbench -g 20 -l 300, %s: %llu ms\n", sched, r->ms);
	printf("#   nice 19 sleeper: p99 %llu us, max %llu us\n",
	       r->nice19.p99_us, r->nice19.max_us);
	printf("#   spinner moved every 10 ms: max off-CPU %llu us\n",
	       r->churned.max_us);
}

static enum scx_test_status run_storm_waits(void *ctx)
{
	struct storm_result dfl, flash;
	enum scx_test_status ret;

	if (beside_default(storm_waits, &dfl, &flash, &ret))
		return SCX_TEST_FAIL;

	print_storm("default", &dfl);
	print_storm("scx_flash", &flash);
	SCX_LT(flash.nice19.max_us, STORM_BOUND_MS * 1000ULL);
	SCX_LT(flash.churned.max_us, STORM_BOUND_MS * 1000ULL);
	return ret;
}

static struct scx_test storm_waits_case = {
	.name = "robust_storm_waits",
	.description = "hackbench -g 20 beside a nice 19 and a moving task: waits < 2.5 s",
	.setup = flash_need_sched_ext,
	.run = run_storm_waits,
};
REGISTER_SCX_TEST(&storm_waits_case)

/* --- A hog that ran alone beside a task of low weight --- */

#define LAG_BUILD_MS		20000
#define LAG_SLEEPS		8
#define LAG_SETTLE_SLEEPS	2
#define LAG_NEWCOMERS		3
#define LAG_SHARE_TOL		0.15

/*
 * A `sleep 1` may take this much longer than a second under scx_flash:
 * 1 s, or twice the most it took under the default scheduler, whichever
 * is larger (the emulator runs the fork, the exec and the exit).
 */
#define LAG_SLEEP_EXTRA_MS	1000

struct lag_result {
	unsigned long long sleep_ms[LAG_SLEEPS];	/* each `sleep 1` */
	unsigned long long worst_ms;
	int nr_hogs;
	long long cpu_ns[LAG_NEWCOMERS + 1];	/* nice 0 hogs */
	double spread;				/* most / least CPU time */
};

/* Run `sleep 1` and wait for it as a shell does: the time it took, in ms. */
static long long timed_sleep_1(void)
{
	static const char *const cmd[] = { "sleep", "1", NULL };
	unsigned long long t0 = monotonic_ms();
	int status;
	pid_t pid;

	pid = command_start(cmd);
	if (pid < 0 || waitpid(pid, &status, 0) != pid ||
	    !WIFEXITED(status) || WEXITSTATUS(status))
		return -1;
	return monotonic_ms() - t0;
}

/* The CPU time of each of @n hogs in @cpu_ns, minus what @start says. */
static int hogs_cpu_since(const pid_t *pids, int n, const long long *start,
			  long long *cpu_ns)
{
	int i;

	for (i = 0; i < n; i++) {
		cpu_ns[i] = proc_cpu_ns(pids[i]) - start[i];
		if (start[i] < 0 || cpu_ns[i] <= 0)
			return -1;
	}
	return 0;
}

/*
 * While r->nr_hogs nice 0 @hogs run, a shell runs `sleep 1` LAG_SLEEPS
 * times: how long each took, and the hogs' CPU times over the sleeps after
 * LAG_SETTLE_SLEEPS, with the most over the least.
 */
static int sleeps_beside_hogs(const pid_t *hogs, struct lag_result *r)
{
	long long start[LAG_NEWCOMERS + 1], ms, most = 0, least = 0;
	int i, j;

	for (i = 0; i < LAG_SLEEPS; i++) {
		if (i == LAG_SETTLE_SLEEPS)
			for (j = 0; j < r->nr_hogs; j++)
				start[j] = proc_cpu_ns(hogs[j]);
		ms = timed_sleep_1();
		if (ms < 0)
			return -1;
		r->sleep_ms[i] = ms;
		if (ms > (long long)r->worst_ms)
			r->worst_ms = ms;
	}
	if (hogs_cpu_since(hogs, r->nr_hogs, start, r->cpu_ns))
		return -1;
	for (i = 0; i < r->nr_hogs; i++) {
		if (!most || r->cpu_ns[i] > most)
			most = r->cpu_ns[i];
		if (!least || r->cpu_ns[i] < least)
			least = r->cpu_ns[i];
	}
	r->spread = (double)most / least;
	return 0;
}

/*
 * A nice 0 hog on CPU 0 and a nice 19 hog on CPU 1 run alone for
 * LAG_BUILD_MS, then LAG_NEWCOMERS nice 0 hogs that may run anywhere
 * join them, while a shell runs `sleep 1` (sleeps_beside_hogs()).
 */
static int lagging_hog(void *result)
{
	struct lag_result *r = result;
	struct load_opts cpu0 = { .cpu = 0 }, cpu1 = { .cpu = 1, .nice = 19 };
	struct load_opts any = { .cpu = -1 };
	unsigned int run_ms = LAG_BUILD_MS + LAG_SLEEPS * 3000;
	pid_t hogs[LAG_NEWCOMERS + 1], low;
	int i, err;

	memset(r, 0, sizeof(*r));
	r->nr_hogs = LAG_NEWCOMERS + 1;
	hogs[0] = hog_start(&cpu0, run_ms);
	low = hog_start(&cpu1, run_ms);
	sleep_ms(LAG_BUILD_MS);
	for (i = 1; i <= LAG_NEWCOMERS; i++)
		hogs[i] = hog_start(&any, run_ms - LAG_BUILD_MS);

	err = sleeps_beside_hogs(hogs, r);

	hogs_stop(hogs, LAG_NEWCOMERS + 1);
	hogs_stop(&low, 1);
	return err;
}

static void print_lag(const char *sched, const struct lag_result *r)
{
	int i;

	printf("# %s: `sleep 1` took", sched);
	for (i = 0; i < LAG_SLEEPS; i++)
		printf(" %llu", r->sleep_ms[i]);
	printf(" ms; nice 0 hogs:");
	for (i = 0; i < r->nr_hogs; i++)
		printf(" %lld", r->cpu_ns[i] / 1000000);
	printf(" ms of CPU, most/least %.2f\n", r->spread);
}

/*
 * Run @load beside the default scheduler and check what scx_flash did:
 * the longest `sleep 1` within the bound LAG_SLEEP_EXTRA_MS gives, and the
 * nice 0 hogs' CPU times within LAG_SHARE_TOL of each other.
 */
static enum scx_test_status check_sleeps_beside_hogs(int (*load)(void *))
{
	struct lag_result dfl, flash;
	enum scx_test_status ret;
	unsigned long long bound;

	if (nr_cpus() < 2)
		SCX_SKIP("needs 2 CPUs");
	if (beside_default(load, &dfl, &flash, &ret))
		return SCX_TEST_FAIL;

	print_lag("default", &dfl);
	print_lag("scx_flash", &flash);
	bound = 1000 + LAG_SLEEP_EXTRA_MS;
	if (dfl.worst_ms > 1000 && 2 * (dfl.worst_ms - 1000) > LAG_SLEEP_EXTRA_MS)
		bound = 1000 + 2 * (dfl.worst_ms - 1000);
	SCX_LE(flash.worst_ms, bound);
	SCX_FAIL_IF(flash.spread > 1 + LAG_SHARE_TOL,
		    "the hogs' CPU times spread %.2f:1, more than %.2f:1",
		    flash.spread, 1 + LAG_SHARE_TOL);
	return ret;
}

/*
 * The nice 19 hog's vruntime runs 68 times faster than the nice 0 hog's,
 * and vtime_now follows the larger: the nice 0 hog used to keep its
 * lag, hundreds of seconds of virtual time, and beat every task that later
 * shared its CPU, its per-CPU kernel threads included.  A shell's
 * `sleep 1` took 57-125 s, and the newcomers got nothing on CPU 0.  The
 * default scheduler, in the same boot, shows what the emulator allows.
 * The hogs' CPU times are printed the old one first.
 */
static enum scx_test_status run_lagging_hog(void *ctx)
{
	return check_sleeps_beside_hogs(lagging_hog);
}

static struct scx_test lagging_hog_case = {
	.name = "robust_lagging_hog",
	.description = "A hog that ran beside a nice 19 one keeps no lead: fair shares, `sleep 1`",
	.setup = flash_need_sched_ext,
	.run = run_lagging_hog,
};
REGISTER_SCX_TEST(&lagging_hog_case)

/* --- Hogs that find a task of the lowest weight the only one waiting --- */

/*
 * Long enough for the starvation guard's runs of the idle hog to carry it
 * past any bound on a lead over it, if they add up: they did within 45 s.
 */
#define IDLE_PINNED_SETTLE_MS	45000

/*
 * A SCHED_IDLE hog pinned to CPU 1, a nice 0 hog pinned to CPU 0 and two
 * nice 0 hogs that may run anywhere, while a shell runs `sleep 1`
 * (sleeps_beside_hogs()) after IDLE_PINNED_SETTLE_MS.
 */
static int idle_pinned(void *result)
{
	static const struct sched_param idle_param = {};
	struct lag_result *r = result;
	struct load_opts cpu0 = { .cpu = 0 }, cpu1 = { .cpu = 1 };
	struct load_opts any = { .cpu = -1 };
	unsigned int run_ms = IDLE_PINNED_SETTLE_MS + LAG_SLEEPS * 3000;
	pid_t hogs[3], low;
	int err;

	memset(r, 0, sizeof(*r));
	r->nr_hogs = 3;
	low = hog_start(&cpu1, run_ms);
	err = low < 0 || sched_setscheduler(low, SCHED_IDLE, &idle_param);
	hogs[0] = hog_start(&cpu0, run_ms);
	hogs[1] = hog_start(&any, run_ms);
	hogs[2] = hog_start(&any, run_ms);
	sleep_ms(IDLE_PINNED_SETTLE_MS);

	if (!err)
		err = sleeps_beside_hogs(hogs, r);

	hogs_stop(&low, 1);
	hogs_stop(hogs, 3);
	return err;
}

/*
 * One tick of a SCHED_IDLE task is 1.4 s of its virtual time.  When a
 * slice ended on CPU 1 while the other hog that may run anywhere ran on
 * CPU 0, the idle hog was the only task CPU 1 could take instead, and the
 * hog whose slice ended was held to lead it by 500 ms at most, as if both
 * had weight 1024: it jumped seconds ahead of the other hogs, whose CPU
 * times then spread 1.5:1 to 2:1.  With that bound in the idle hog's own
 * service, they still spread 1.7:1 after 45 s: the starvation guard's
 * runs of the idle hog were each charged on top of its lead, which grew
 * past any bound.
 */
static enum scx_test_status run_idle_pinned(void *ctx)
{
	return check_sleeps_beside_hogs(idle_pinned);
}

static struct scx_test idle_pinned_case = {
	.name = "robust_idle_pinned",
	.description = "Hogs beside a pinned SCHED_IDLE hog: fair shares, `sleep 1`",
	.setup = flash_need_sched_ext,
	.run = run_idle_pinned,
};
REGISTER_SCX_TEST(&idle_pinned_case)
