// SPDX-License-Identifier: GPL-2.0
/*
 * topology: scx_flash on machines with SMT siblings, NUMA nodes, a primary
 * domain smaller than the machine, and CPUs going offline under load.
 *
 * Each case reads the topology it runs on from sysfs and skips, saying
 * why, when the VM lacks it (a plain 2-vCPU VM has no SMT and one node);
 * scripts/test.sh boots one more VM with SMT and two NUMA nodes for them.
 *
 * Placement is observed from outside: the test starts its load pinned to
 * some CPUs, widens the affinity to the whole machine and samples, every
 * SAMPLE_MS, the CPU each task last ran on (field 39 of /proc/PID/stat).
 * The verdicts are shares of those samples, so a scheduler that ignores
 * the topology fails them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <scx/common.h>
#include "../scx_flash.h"
#include "scx_flash.bpf.skel.h"
#include "scx_test.h"
#include "flash.h"
#include "util.h"

#define TOPO_MAX_CPUS		64
#define TOPO_MAX_NODES		8
#define TOPO_MAX_TASKS		64
#define CPU_SYSFS		"/sys/devices/system/cpu"
#define NODE_SYSFS		"/sys/devices/system/node"
#define ENABLE_SEQ		"/sys/kernel/sched_ext/enable_seq"

#define SETTLE_MS		500	/* after widening, before sampling */
#define SAMPLE_MS		20
#define MEASURE_MS		2500
#define REATTACH_TIMEOUT_MS	30000	/* plus twice the loaded start */
#define LOADED_START_TIMEOUT_MS	180000	/* the loader under a full load */

struct topo {
	int nr_cpus;			/* CPUs 0..nr_cpus-1, all online */
	int nr_nodes;			/* nodes with CPUs */
	int node[TOPO_MAX_CPUS];	/* index into node_id[] */
	int node_id[TOPO_MAX_NODES];
	cpu_set_t sibs[TOPO_MAX_CPUS];	/* SMT siblings, the CPU included */
	bool smt;
};

/* Where a set of tasks was seen running. */
struct placement {
	unsigned long nr;
	unsigned long on[TOPO_MAX_CPUS];
};

/* ------------------------------------------------------------------------
 * Topology from sysfs
 */

/* Parse a CPU list such as "0-3,8" into @set. */
static int parse_cpulist(const char *str, cpu_set_t *set)
{
	CPU_ZERO(set);
	while (*str) {
		char *end;
		long first, last;

		first = strtol(str, &end, 10);
		last = first;
		if (*end == '-')
			last = strtol(end + 1, &end, 10);
		if (end == str || first < 0 || last < first ||
		    last >= TOPO_MAX_CPUS || (*end && *end != ','))
			return -EINVAL;
		for (; first <= last; first++)
			CPU_SET(first, set);
		str = *end ? end + 1 : end;
	}
	return 0;
}

static int read_cpulist(const char *path, cpu_set_t *set)
{
	char buf[256];
	int ret = sysfs_read_str(path, buf, sizeof(buf));

	return ret < 0 ? ret : parse_cpulist(buf, set);
}

/*
 * Read the topology.  Returns 0, or a negative error with a reason in
 * @why (for example some CPU is offline: the cases need them all).
 */
static int topo_read(struct topo *t, char *why, size_t size)
{
	char path[PATH_MAX];
	cpu_set_t online, set;
	int cpu, n;

	memset(t, 0, sizeof(*t));
	if (read_cpulist(CPU_SYSFS "/online", &online)) {
		snprintf(why, size, "cannot read %s/online", CPU_SYSFS);
		return -EIO;
	}
	for (cpu = 0; cpu < TOPO_MAX_CPUS && CPU_ISSET(cpu, &online); cpu++)
		;
	t->nr_cpus = cpu;
	if (CPU_COUNT(&online) != t->nr_cpus) {
		snprintf(why, size, "not every CPU is online");
		return -EBUSY;
	}

	for (n = 0; n < TOPO_MAX_NODES; n++) {
		snprintf(path, sizeof(path), NODE_SYSFS "/node%d/cpulist", n);
		if (read_cpulist(path, &set) || !CPU_COUNT(&set))
			continue;
		for (cpu = 0; cpu < t->nr_cpus; cpu++)
			if (CPU_ISSET(cpu, &set))
				t->node[cpu] = t->nr_nodes;
		t->node_id[t->nr_nodes++] = n;
	}
	if (!t->nr_nodes)	/* a kernel without CONFIG_NUMA */
		t->nr_nodes = 1;

	for (cpu = 0; cpu < t->nr_cpus; cpu++) {
		snprintf(path, sizeof(path),
			 CPU_SYSFS "/cpu%d/topology/thread_siblings_list", cpu);
		if (read_cpulist(path, &t->sibs[cpu])) {
			CPU_ZERO(&t->sibs[cpu]);
			CPU_SET(cpu, &t->sibs[cpu]);
		}
		if (CPU_COUNT(&t->sibs[cpu]) > 1)
			t->smt = true;
	}
	return 0;
}

static void topo_print(const struct topo *t)
{
	int cpu;

	fprintf(stderr, "topology: %d CPUs, %d node(s), SMT %s; CPU:node/core",
		t->nr_cpus, t->nr_nodes, t->smt ? "on" : "off");
	for (cpu = 0; cpu < t->nr_cpus; cpu++) {
		int first = 0;

		while (!CPU_ISSET(first, &t->sibs[cpu]))
			first++;
		fprintf(stderr, " %d:%d/%d", cpu, t->node_id[t->node[cpu]],
			first);
	}
	fprintf(stderr, "\n");
}

static void set_all(const struct topo *t, cpu_set_t *set)
{
	int cpu;

	CPU_ZERO(set);
	for (cpu = 0; cpu < t->nr_cpus; cpu++)
		CPU_SET(cpu, set);
}

static void set_node(const struct topo *t, int node, cpu_set_t *set)
{
	int cpu;

	CPU_ZERO(set);
	for (cpu = 0; cpu < t->nr_cpus; cpu++)
		if (t->node[cpu] == node)
			CPU_SET(cpu, set);
}

/* @set minus @minus, into @out. */
static void set_sub(const cpu_set_t *set, const cpu_set_t *minus,
		    cpu_set_t *out)
{
	cpu_set_t tmp;

	CPU_XOR(&tmp, set, minus);
	CPU_AND(out, &tmp, set);
}

/* ------------------------------------------------------------------------
 * Load: CPU hogs and periodic tasks, started on some CPUs
 */

static unsigned long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000ULL + ts.tv_nsec / 1000;
}

/*
 * Start a task on @set that runs @run_ms of CPU at a time and then sleeps
 * @sleep_ms (0: a CPU hog), until it is killed.
 */
static pid_t task_start(const cpu_set_t *set, unsigned int run_ms,
			unsigned int sleep_ms)
{
	struct timespec nap = {
		.tv_sec = sleep_ms / 1000,
		.tv_nsec = (sleep_ms % 1000) * 1000000L,
	};
	volatile unsigned long spin;
	unsigned long long end;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid)
		return pid;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) ||
	    sched_setaffinity(0, sizeof(*set), set))
		_exit(2);
	for (;;) {
		end = now_us() + run_ms * 1000ULL;
		while (now_us() < end)
			for (spin = 0; spin < 1000; spin++)
				;
		if (sleep_ms)
			nanosleep(&nap, NULL);
	}
}

struct tasks {
	pid_t pid[TOPO_MAX_TASKS];
	int nr;
};

static int tasks_add(struct tasks *ts, const cpu_set_t *set,
		     unsigned int run_ms, unsigned int sleep_ms)
{
	pid_t pid;

	if (ts->nr >= TOPO_MAX_TASKS)
		return -E2BIG;
	pid = task_start(set, run_ms, sleep_ms);
	if (pid < 0)
		return -errno;
	ts->pid[ts->nr++] = pid;
	return 0;
}

/* Start a task on CPU @cpu only (tasks_add()). */
static int tasks_add_on(struct tasks *ts, int cpu, unsigned int run_ms,
			unsigned int sleep_ms)
{
	cpu_set_t one;

	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	return tasks_add(ts, &one, run_ms, sleep_ms);
}

/* Let every task of @ts run anywhere in @set. */
static int tasks_widen(const struct tasks *ts, const cpu_set_t *set)
{
	int i;

	for (i = 0; i < ts->nr; i++)
		if (sched_setaffinity(ts->pid[i], sizeof(*set), set))
			return -errno;
	return 0;
}

/* How many tasks of @ts are gone (exited or zombies). */
static int tasks_dead(const struct tasks *ts)
{
	char path[64], buf[512], *p;
	int i, nr = 0;

	for (i = 0; i < ts->nr; i++) {
		snprintf(path, sizeof(path), "/proc/%d/stat", ts->pid[i]);
		if (sysfs_read_str(path, buf, sizeof(buf)) < 0) {
			nr++;
			continue;
		}
		p = strrchr(buf, ')');
		if (!p || p[1] != ' ' || p[2] == 'Z' || p[2] == 'X')
			nr++;
	}
	return nr;
}

static void tasks_stop(struct tasks *ts)
{
	int i;

	for (i = 0; i < ts->nr; i++)
		kill(ts->pid[i], SIGKILL);
	for (i = 0; i < ts->nr; i++)
		waitpid(ts->pid[i], NULL, 0);
	ts->nr = 0;
}

/* The CPU @pid last ran on: field 39 of /proc/PID/stat. */
static int task_cpu(pid_t pid)
{
	char path[64], buf[1024], *p, *save;
	int field = 2;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (sysfs_read_str(path, buf, sizeof(buf)) < 0)
		return -ENOENT;
	p = strrchr(buf, ')');
	if (!p)
		return -EINVAL;
	for (p = strtok_r(p + 1, " ", &save); p; p = strtok_r(NULL, " ", &save))
		if (++field == 39)
			return atoi(p);
	return -EINVAL;
}

/*
 * Sample where the tasks of @ts run for @ms, into @pl.  Unless @observer
 * is negative, the sampling runs on that CPU only, so that it does not
 * disturb the placement it measures.
 */
static void tasks_sample(const struct tasks *ts, unsigned int ms,
			 int observer, struct placement *pl)
{
	unsigned long long end = monotonic_ms() + ms;
	cpu_set_t saved, one;
	int i, cpu;

	memset(pl, 0, sizeof(*pl));
	if (observer >= 0 && !sched_getaffinity(0, sizeof(saved), &saved)) {
		CPU_ZERO(&one);
		CPU_SET(observer, &one);
		if (sched_setaffinity(0, sizeof(one), &one))
			observer = -1;
	} else {
		observer = -1;
	}
	while (monotonic_ms() < end) {
		for (i = 0; i < ts->nr; i++) {
			cpu = task_cpu(ts->pid[i]);
			if (cpu < 0 || cpu >= TOPO_MAX_CPUS)
				continue;
			pl->on[cpu]++;
			pl->nr++;
		}
		sleep_ms(SAMPLE_MS);
	}
	if (observer >= 0)
		sched_setaffinity(0, sizeof(saved), &saved);
}

/* Share of the samples of @pl on the CPUs of @set, in percent. */
static unsigned int pl_share(const struct placement *pl, const cpu_set_t *set)
{
	unsigned long in = 0;
	int cpu;

	for (cpu = 0; cpu < TOPO_MAX_CPUS; cpu++)
		if (CPU_ISSET(cpu, set))
			in += pl->on[cpu];
	return pl->nr ? in * 100 / pl->nr : 0;
}

static void pl_print(const char *what, const struct placement *pl,
		     int nr_cpus)
{
	int cpu;

	fprintf(stderr, "%s: %lu samples, per CPU:", what, pl->nr);
	for (cpu = 0; cpu < nr_cpus; cpu++)
		fprintf(stderr, " %lu", pl->on[cpu]);
	fprintf(stderr, "\n");
}

/*
 * The one sampler of the cases: where the tasks of @ts run for @ms, seen
 * from @observer (tasks_sample()), printed as @what for the @nr_cpus CPUs;
 * the share of the samples on @where, in percent (0 if @where is NULL).
 * The samples are left in @pl.
 */
static int sample_share(const struct tasks *ts, unsigned int ms, int observer,
			int nr_cpus, const cpu_set_t *where, const char *what,
			struct placement *pl)
{
	tasks_sample(ts, ms, observer, pl);
	pl_print(what, pl, nr_cpus);
	return where ? pl_share(pl, where) : 0;
}

/* sample_share() of the task @pid alone, for MEASURE_MS. */
static int sample_task(pid_t pid, int observer, int nr_cpus,
		       const cpu_set_t *where, const char *what)
{
	struct tasks one = { .pid = { pid }, .nr = 1 };
	struct placement pl;

	return sample_share(&one, MEASURE_MS, observer, nr_cpus, where, what, &pl);
}

/* ------------------------------------------------------------------------
 * The scheduler: the loader, or the skeleton loaded here
 */

static int run_syscall_prog(struct bpf_program *prog, void *arg, size_t size)
{
	LIBBPF_OPTS(bpf_test_run_opts, attr,
		    .ctx_in = arg,
		    .ctx_size_in = size);
	int err;

	err = bpf_prog_test_run_opts(bpf_program__fd(prog), &attr);
	return err ?: (int)attr.retval;
}

static int program_siblings(struct scx_flash *skel, const struct topo *t)
{
	struct domain_arg arg = { .lvl_id = 0 };
	int cpu, sib, err;

	for (cpu = 0; cpu < t->nr_cpus; cpu++) {
		for (sib = 0; sib < t->nr_cpus; sib++) {
			if (!CPU_ISSET(sib, &t->sibs[cpu]))
				continue;
			arg.cpu_id = cpu;
			arg.sibling_cpu_id = sib;
			err = run_syscall_prog(skel->progs.enable_sibling_cpu,
					       &arg, sizeof(arg));
			if (err) {
				fprintf(stderr, "enable_sibling_cpu(%d, %d): %d\n",
					cpu, sib, err);
				return err;
			}
		}
	}
	return 0;
}

/*
 * Load scx_flash the way its loader does (same ops flags, SMT siblings),
 * with @primary as the primary domain (NULL: the whole machine).
 */
static struct scx_flash *skel_load(const struct topo *t,
				   const cpu_set_t *primary)
{
	struct cpu_arg arg;
	struct scx_flash *skel;
	int cpu;

	skel = flash_skel_open();
	if (!skel)
		return NULL;
	skel->struct_ops.flash_ops->flags |=
		SCX_OPS_ENQ_EXITING | SCX_OPS_ENQ_LAST |
		SCX_OPS_ENQ_MIGRATION_DISABLED | SCX_OPS_ALLOW_QUEUED_WAKEUP;
	/* Per-node queues and idle masks go together, as in the loader. */
	skel->rodata->numa_disabled = t->nr_nodes < 2;
	if (t->nr_nodes >= 2)
		skel->struct_ops.flash_ops->flags |=
			SCX_OPS_BUILTIN_IDLE_PER_NODE;
	skel->rodata->smt_enabled = t->smt;
	skel->rodata->primary_all = !primary;

	skel = flash_skel_finish_load(skel);
	if (!skel)
		return NULL;
	if (t->smt && program_siblings(skel, t))
		goto err;
	for (cpu = 0; primary && cpu < t->nr_cpus; cpu++) {
		if (!CPU_ISSET(cpu, primary))
			continue;
		arg.cpu_id = cpu;
		if (run_syscall_prog(skel->progs.enable_primary_cpu, &arg,
				     sizeof(arg))) {
			fprintf(stderr, "enable_primary_cpu(%d) failed\n", cpu);
			goto err;
		}
	}
	return skel;
err:
	scx_flash__destroy(skel);
	return NULL;
}

struct sched {
	struct scx_child child;		/* the loader, when it runs */
	struct scx_flash *skel;		/* or the skeleton loaded here */
	struct bpf_link *link;
	bool loader;
};

/*
 * Run the loader with @args (NULL-terminated, may be NULL), give it up to
 * @timeout_ms to attach, and show what it says of the topology.
 */
static int sched_start_loader_within(struct sched *s, const char *const args[],
				     unsigned int timeout_ms)
{
	char *out, *line, *save;
	int ret;

	memset(s, 0, sizeof(*s));
	s->loader = true;
	ret = flash_start_within(&s->child, args, timeout_ms);
	if (ret)
		return ret;
	out = scx_child_output(&s->child);
	for (line = out ? strtok_r(out, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save))
		if (strcasestr(line, "primary") || strcasestr(line, "numa") ||
		    strcasestr(line, "smt"))
			fprintf(stderr, "loader: %s\n", line);
	free(out);
	return 0;
}

static int sched_start_loader(struct sched *s, const char *const args[])
{
	return sched_start_loader_within(s, args, LOADER_START_TIMEOUT_MS);
}

/* Attach the skeleton with @primary as the primary domain. */
static int sched_start_skel(struct sched *s, const struct topo *t,
			    const cpu_set_t *primary)
{
	memset(s, 0, sizeof(*s));
	if (!scx_state_wait("disabled", 5000))
		return -EBUSY;
	s->skel = skel_load(t, primary);
	if (!s->skel)
		return -EINVAL;
	s->link = bpf_map__attach_struct_ops(s->skel->maps.flash_ops);
	if (!s->link || !scx_root_ops_wait("flash", 5000)) {
		fprintf(stderr, "cannot attach flash_ops\n");
		bpf_link__destroy(s->link);
		scx_flash__destroy(s->skel);
		s->skel = NULL;
		return -EINVAL;
	}
	return 0;
}

/* Whether the scheduler is still attached; 0 if so, else an error. */
static int sched_check(struct sched *s)
{
	if (s->loader && !scx_child_running(&s->child)) {
		flash_dump_output(&s->child);
		return -ESRCH;
	}
	if (!scx_state_wait("enabled", 0) || !scx_root_ops_has_prefix("flash"))
		return -ENOENT;
	return 0;
}

/* Stop the scheduler; 0 if it went cleanly. */
static int sched_stop(struct sched *s)
{
	int ret = 0;

	if (s->loader) {
		ret = flash_stop(&s->child);
		s->loader = false;
	} else if (s->skel) {
		bpf_link__destroy(s->link);
		scx_flash__destroy(s->skel);
		s->skel = NULL;
	}
	if (!scx_state_wait("disabled", 5000) && !ret)
		ret = -ETIMEDOUT;
	return ret;
}

/* ------------------------------------------------------------------------
 * Common set-up
 */

struct topo_ctx {
	struct topo t;
	struct tasks ts;
	struct sched s;
	char marker[64];
};

static enum scx_test_status topo_setup(void **ctx, const char *name)
{
	char why[128];
	struct topo_ctx *c;

	if (!scx_available())
		SCX_SKIP("sched_ext is not available (no %s)", SCX_SYSFS_STATE);
	c = calloc(1, sizeof(*c));
	SCX_FAIL_IF(!c, "Out of memory");
	if (topo_read(&c->t, why, sizeof(why))) {
		free(c);
		SCX_SKIP("%s", why);
	}
	topo_print(&c->t);
	snprintf(c->marker, sizeof(c->marker), "scx_flash selftest %s", name);
	kmsg_mark(c->marker);
	*ctx = c;
	return SCX_TEST_PASS;
}

static void topo_cleanup(void *ctx)
{
	struct topo_ctx *c = ctx;

	tasks_stop(&c->ts);
	sched_stop(&c->s);
	free(c);
}

/* Stop the load and the scheduler, and check how both went. */
static enum scx_test_status topo_finish(struct topo_ctx *c)
{
	int ret, problems;

	SCX_FAIL_IF(tasks_dead(&c->ts), "%d task(s) of the load died",
		    tasks_dead(&c->ts));
	tasks_stop(&c->ts);
	SCX_FAIL_IF(sched_check(&c->s), "scx_flash is no longer attached");
	ret = sched_stop(&c->s);
	SCX_FAIL_IF(ret, "scx_flash did not stop cleanly (%d)", ret);
	problems = kmsg_problems_since(c->marker);
	SCX_FAIL_IF(problems, "%d problem(s) in the kernel log", problems);
	return SCX_TEST_PASS;
}

/* A core whose CPUs are all in @within, other than @but's; -1 if none. */
static int find_core(const struct topo *t, const cpu_set_t *within, int but)
{
	cpu_set_t in;
	int cpu;

	for (cpu = 0; cpu < t->nr_cpus; cpu++) {
		if (but >= 0 && CPU_ISSET(cpu, &t->sibs[but]))
			continue;
		CPU_AND(&in, &t->sibs[cpu], within);
		if (CPU_EQUAL(&in, &t->sibs[cpu]))
			return cpu;
	}
	return -1;
}

/* ------------------------------------------------------------------------
 * SMT
 */

static enum scx_test_status smt_setup(void **ctx)
{
	enum scx_test_status st = topo_setup(ctx, "smt");
	struct topo_ctx *c = *ctx;

	if (st != SCX_TEST_PASS)
		return st;
	if (!c->t.smt) {
		free(c);
		SCX_SKIP("no SMT siblings (boot the VM with threads=2)");
	}
	return SCX_TEST_PASS;
}

/*
 * The sibling masks reach BPF: enable_sibling_cpu() takes every pair the
 * kernel reports and refuses what makes no sense.
 */
static enum scx_test_status run_smt_siblings(void *ctx)
{
	struct topo_ctx *c = ctx;
	struct domain_arg arg = { .lvl_id = 1, .cpu_id = 0,
				  .sibling_cpu_id = 1 };
	struct scx_flash *skel;
	int ret, cpu, sib;

	/* The kernel's view must be symmetric before BPF is told about it. */
	for (cpu = 0; cpu < c->t.nr_cpus; cpu++)
		for (sib = 0; sib < c->t.nr_cpus; sib++)
			SCX_FAIL_IF(CPU_ISSET(sib, &c->t.sibs[cpu]) !=
				    CPU_ISSET(cpu, &c->t.sibs[sib]),
				    "CPU %d lists %d as sibling, not the reverse",
				    cpu, sib);

	skel = skel_load(&c->t, NULL);	/* programs every pair */
	SCX_FAIL_IF(!skel, "scx_flash did not take the sibling masks");

	ret = run_syscall_prog(skel->progs.enable_sibling_cpu, &arg,
			       sizeof(arg));
	if (ret == -EINVAL) {
		arg.lvl_id = 0;
		arg.cpu_id = libbpf_num_possible_cpus();
		ret = run_syscall_prog(skel->progs.enable_sibling_cpu, &arg,
				       sizeof(arg));
		ret = ret == -ENOENT ? 0 : (ret ?: -1);
	} else {
		fprintf(stderr, "topology level 1 accepted: %d\n", ret);
		ret = ret ?: -1;
	}
	scx_flash__destroy(skel);
	SCX_FAIL_IF(ret, "enable_sibling_cpu() accepted an impossible pair");
	return SCX_TEST_PASS;
}

/*
 * A task that wakes up often, started on one thread of a core whose other
 * thread runs a hog, leaves that core for a whole idle one.
 */
static enum scx_test_status run_smt_wakeup(void *ctx)
{
	struct topo_ctx *c = ctx;
	cpu_set_t all, core;
	int a, b, share;

	set_all(&c->t, &all);
	for (a = 0; a < c->t.nr_cpus; a++)
		if (CPU_COUNT(&c->t.sibs[a]) > 1 && find_core(&c->t, &all, a) >= 0)
			break;
	if (a == c->t.nr_cpus)
		SCX_SKIP("no second core to move to");
	for (b = 0; b == a || !CPU_ISSET(b, &c->t.sibs[a]); b++)
		;
	core = c->t.sibs[a];

	SCX_FAIL_IF(sched_start_loader(&c->s, NULL), "scx_flash did not start");
	SCX_FAIL_IF(tasks_add_on(&c->ts, b, 1000, 0), "cannot start the hog");
	SCX_FAIL_IF(tasks_add_on(&c->ts, a, 2, 3), "cannot start the task");
	sleep_ms(SETTLE_MS);
	SCX_FAIL_IF(sched_setaffinity(c->ts.pid[1], sizeof(all), &all),
		    "cannot widen the task");
	sleep_ms(SETTLE_MS);
	share = sample_task(c->ts.pid[1], c->t.nr_cpus - 1, c->t.nr_cpus, &core,
			    "periodic task");
	fprintf(stderr, "on the core of CPU %d, whose sibling %d is busy: %d%%\n",
		a, b, share);
	SCX_FAIL_IF(share > 20,
		    "the task stayed %d%% of the time on a core with a busy sibling",
		    share);
	return topo_finish(c);
}

/*
 * A CPU hog running alone on its core sees a second hog start on the
 * sibling thread while other cores of its node are idle: it must move to
 * one of them.  It never sleeps and its affinity does not change, so only
 * the scheduler can move it (there is no load balancer under sched_ext).
 */
static enum scx_test_status run_smt_hog(void *ctx)
{
	struct topo_ctx *c = ctx;
	cpu_set_t all, node, core;
	int x, y, obs, share;

	set_all(&c->t, &all);
	SCX_FAIL_IF(sched_start_loader(&c->s, NULL), "scx_flash did not start");
	SCX_FAIL_IF(tasks_add(&c->ts, &all, 1000, 0), "cannot start the hog");
	sleep_ms(SETTLE_MS);
	x = task_cpu(c->ts.pid[0]);
	SCX_FAIL_IF(x < 0 || x >= c->t.nr_cpus, "where does the hog run? (%d)", x);
	core = c->t.sibs[x];
	for (y = 0; y == x || !CPU_ISSET(y, &core); y++)
		;
	set_node(&c->t, c->t.node[x], &node);
	if (find_core(&c->t, &node, x) < 0)
		SCX_SKIP("no second core in the node of CPU %d", x);
	/* Observe from a CPU of another core, outside the node if possible. */
	for (obs = c->t.nr_cpus - 1; obs > 0; obs--)
		if (!CPU_ISSET(obs, &core) && c->t.node[obs] != c->t.node[x])
			break;
	for (; obs > 0 && CPU_ISSET(obs, &core); obs--)
		;

	fprintf(stderr, "hog on CPU %d, second hog pinned to its sibling %d\n",
		x, y);
	SCX_FAIL_IF(tasks_add_on(&c->ts, y, 1000, 0), "cannot start the hog");
	share = sample_task(c->ts.pid[0], obs, c->t.nr_cpus, &core, "free hog");
	fprintf(stderr, "on the core of CPU %d, whose sibling %d is busy: %d%%\n",
		x, y, share);
	SCX_FAIL_IF(share > 50,
		    "the hog stayed %d%% of the time beside a busy sibling",
		    share);
	return topo_finish(c);
}

/* ------------------------------------------------------------------------
 * NUMA
 */

static enum scx_test_status numa_setup(void **ctx)
{
	enum scx_test_status st = topo_setup(ctx, "numa");
	struct topo_ctx *c = *ctx;
	cpu_set_t n0;

	if (st != SCX_TEST_PASS)
		return st;
	set_node(&c->t, 0, &n0);
	if (c->t.nr_nodes < 2 || CPU_COUNT(&n0) < 2) {
		free(c);
		SCX_SKIP("needs 2 NUMA nodes with 2 CPUs or more (vm-run.sh -n)");
	}
	return SCX_TEST_PASS;
}

/*
 * Start @nr tasks (@run_ms on, @nap_ms off) on @from, let them run
 * anywhere and sample where they go; the share on @where comes back.
 */
static int spread(struct topo_ctx *c, const cpu_set_t *from, int nr,
		  unsigned int run_ms, unsigned int nap_ms,
		  const cpu_set_t *where, const char *what)
{
	struct placement pl;
	struct tasks ts = {};
	cpu_set_t all;
	int i, first = c->ts.nr;

	set_all(&c->t, &all);
	for (i = 0; i < nr; i++)
		if (tasks_add(&c->ts, from, run_ms, nap_ms))
			return -1;
	sleep_ms(SETTLE_MS);
	for (i = first; i < c->ts.nr; i++)
		ts.pid[ts.nr++] = c->ts.pid[i];
	if (tasks_widen(&ts, &all))
		return -1;
	sleep_ms(SETTLE_MS);
	return sample_share(&ts, MEASURE_MS, c->t.nr_cpus - 1, c->t.nr_cpus,
			    where, what, &pl);
}

/*
 * Tasks that sleep half of the time, as many as node 0 has cores, stay on
 * node 0 while it has room.  On SMT, one thread of every core of the other
 * nodes runs a pinned hog first: the kernel's idle selection rightly takes
 * a whole idle core on another node over a busy sibling at home, so
 * without them any stray wakeup on node 0 would send a task away for good.
 */
static enum scx_test_status run_numa_local(void *ctx)
{
	struct topo_ctx *c = ctx;
	cpu_set_t n0;
	int share, nr, cpu;

	set_node(&c->t, 0, &n0);
	nr = CPU_COUNT(&n0) / CPU_COUNT(&c->t.sibs[0]);
	if (nr < 1)
		nr = 1;
	SCX_FAIL_IF(sched_start_loader(&c->s, NULL), "scx_flash did not start");
	for (cpu = 0; c->t.smt && cpu < c->t.nr_cpus; cpu++) {
		/* The last thread of each core outside node 0. */
		if (CPU_ISSET(cpu, &n0))
			continue;
		if (cpu + 1 < c->t.nr_cpus && CPU_ISSET(cpu + 1, &c->t.sibs[cpu]))
			continue;
		SCX_FAIL_IF(tasks_add_on(&c->ts, cpu, 1000, 0),
			    "cannot start the load");
	}
	share = spread(c, &n0, nr, 2, 2, &n0, "node 0 tasks");
	SCX_FAIL_IF(share < 0, "cannot run the load");
	fprintf(stderr, "%d periodic task(s) started on node 0: %d%% there\n",
		nr, share);
	SCX_FAIL_IF(share < 85, "the tasks left node 0 (%d%% on it) with room",
		    share);
	return topo_finish(c);
}

/*
 * Twice as many CPU hogs as node 0 has CPUs, started there: node 0 is
 * saturated and they overflow to the other nodes.
 */
static enum scx_test_status run_numa_overflow(void *ctx)
{
	struct topo_ctx *c = ctx;
	cpu_set_t n0, all, others;
	int share, nr;

	set_all(&c->t, &all);
	set_node(&c->t, 0, &n0);
	set_sub(&all, &n0, &others);
	nr = 2 * CPU_COUNT(&n0);
	SCX_FAIL_IF(sched_start_loader(&c->s, NULL), "scx_flash did not start");
	share = spread(c, &n0, nr, 1000, 0, &others, "node 0 hogs");
	SCX_FAIL_IF(share < 0, "cannot run the load");
	fprintf(stderr, "%d hogs started on node 0: %d%% on the other nodes\n",
		nr, share);
	SCX_FAIL_IF(share < 25, "only %d%% of the hogs' time off a saturated node 0",
		    share);
	return topo_finish(c);
}

/*
 * One shared queue per node: with every CPU of the other nodes busy with
 * its own pinned hog, hogs queued on node 0 never run elsewhere.  With
 * --disable-numa the one queue is shared by all CPUs and they do.
 */
static int numa_queue_share(struct topo_ctx *c, const char *const args[])
{
	cpu_set_t n0, all, others;
	int cpu, share;

	set_all(&c->t, &all);
	set_node(&c->t, 0, &n0);
	set_sub(&all, &n0, &others);
	if (sched_start_loader(&c->s, args))
		return -1;
	for (cpu = 0; cpu < c->t.nr_cpus; cpu++) {
		if (CPU_ISSET(cpu, &others) && tasks_add_on(&c->ts, cpu, 1000, 0))
			return -1;
	}
	share = spread(c, &n0, 2 * CPU_COUNT(&n0), 1000, 0, &others,
		       args ? "node 0 hogs, --disable-numa" : "node 0 hogs");
	if (topo_finish(c) != SCX_TEST_PASS)
		return -1;
	kmsg_mark(c->marker);
	return share;
}

static enum scx_test_status run_numa_queues(void *ctx)
{
	static const char *const folded[] = { "--disable-numa", NULL };
	struct topo_ctx *c = ctx;
	int per_node, one_queue;

	per_node = numa_queue_share(c, NULL);
	SCX_FAIL_IF(per_node < 0, "the run with per-node queues failed");
	one_queue = numa_queue_share(c, folded);
	SCX_FAIL_IF(one_queue < 0, "the run with --disable-numa failed");
	fprintf(stderr, "node 0 hogs on other nodes: %d%% per-node, %d%% one queue\n",
		per_node, one_queue);
	SCX_FAIL_IF(per_node > 5,
		    "%d%% of node 0's queue ran on the busy other nodes",
		    per_node);
	SCX_FAIL_IF(one_queue < 10,
		    "--disable-numa did not share the queue (%d%% off node 0)",
		    one_queue);
	return SCX_TEST_PASS;
}

/* ------------------------------------------------------------------------
 * Primary domain
 */

/*
 * The primary domain: node 0 on a NUMA machine, else the first half of
 * the cores.
 */
static void primary_domain(const struct topo *t, cpu_set_t *dom)
{
	cpu_set_t all;
	int cpu, half = t->nr_cpus / 2;

	if (t->nr_nodes > 1) {
		set_node(t, 0, dom);
		return;
	}
	set_all(t, &all);
	CPU_ZERO(dom);
	for (cpu = 0; cpu < t->nr_cpus && CPU_COUNT(dom) < half; cpu++)
		CPU_OR(dom, dom, &t->sibs[cpu]);
}

static enum scx_test_status primary_setup(void **ctx)
{
	enum scx_test_status st = topo_setup(ctx, "primary");
	struct topo_ctx *c = *ctx;

	if (st != SCX_TEST_PASS)
		return st;
	if (c->t.nr_cpus < 4) {
		free(c);
		SCX_SKIP("needs 4 CPUs or more for a primary domain of 2");
	}
	return SCX_TEST_PASS;
}

/*
 * Tasks that sleep half of the time, started outside the primary domain,
 * move into it and stay; CPU hogs twice as many as its CPUs overflow.
 */
static enum scx_test_status primary_checks(struct topo_ctx *c,
					   const cpu_set_t *dom)
{
	cpu_set_t all, out;
	int share, nr;

	set_all(&c->t, &all);
	set_sub(&all, dom, &out);
	nr = CPU_COUNT(dom) / CPU_COUNT(&c->t.sibs[0]);
	share = spread(c, &out, nr > 1 ? nr : 1, 2, 2, dom,
		       "periodic tasks started outside");
	SCX_FAIL_IF(share < 0, "cannot run the load");
	fprintf(stderr, "periodic tasks started outside: %d%% in the domain\n",
		share);
	SCX_FAIL_IF(share < 85,
		    "the tasks ran only %d%% of the time in the idle primary domain",
		    share);
	tasks_stop(&c->ts);

	nr = 2 * CPU_COUNT(dom);
	share = spread(c, dom, nr, 1000, 0, &out, "hogs started inside");
	SCX_FAIL_IF(share < 0, "cannot run the load");
	fprintf(stderr, "%d hogs started in the domain: %d%% outside\n", nr,
		share);
	SCX_FAIL_IF(share < 25,
		    "only %d%% of the hogs' time outside a saturated primary domain",
		    share);
	return topo_finish(c);
}

static enum scx_test_status run_primary(void *ctx)
{
	struct topo_ctx *c = ctx;
	cpu_set_t dom;

	primary_domain(&c->t, &dom);
	fprintf(stderr, "primary domain: %d of %d CPUs\n", CPU_COUNT(&dom),
		c->t.nr_cpus);
	SCX_FAIL_IF(sched_start_skel(&c->s, &c->t, &dom),
		    "scx_flash did not attach with a primary domain");
	return primary_checks(c, &dom);
}

/* Whether the loader's --help mentions @opt. */
static bool loader_has_option(const char *opt)
{
	static const char *const help[] = { "--help", NULL };
	struct scx_child child;
	char path[PATH_MAX], *out;
	bool has = false;

	if (scx_loader_path(path, sizeof(path)) ||
	    scx_child_start(&child, path, help))
		return false;
	if (!scx_child_wait(&child, 10000)) {
		out = scx_child_output(&child);
		has = out && strstr(out, opt);
		free(out);
	}
	scx_child_release(&child);
	return has;
}

static enum scx_test_status primary_loader_setup(void **ctx)
{
	enum scx_test_status st = primary_setup(ctx);

	if (st != SCX_TEST_PASS)
		return st;
	if (!loader_has_option("--primary-domain")) {
		free(*ctx);
		SCX_SKIP("the loader has no --primary-domain");
	}
	return SCX_TEST_PASS;
}

/* The same with the loader's --primary-domain, given as a CPU mask. */
static enum scx_test_status run_primary_loader(void *ctx)
{
	char arg[32];
	const char *const args[] = { "--primary-domain", arg, NULL };
	struct topo_ctx *c = ctx;
	unsigned long long mask = 0;
	cpu_set_t dom;
	int cpu;

	primary_domain(&c->t, &dom);
	for (cpu = 0; cpu < c->t.nr_cpus; cpu++)
		if (CPU_ISSET(cpu, &dom))
			mask |= 1ULL << cpu;
	snprintf(arg, sizeof(arg), "0x%llx", mask);
	fprintf(stderr, "scx_flash --primary-domain %s\n", arg);
	SCX_FAIL_IF(sched_start_loader(&c->s, args),
		    "scx_flash --primary-domain %s did not start", arg);
	return primary_checks(c, &dom);
}

/*
 * CPU hogs that overflowed from a saturated primary domain move back into
 * it once it has idle CPUs: a task outside the domain must not keep its
 * CPU while it could use the domain.  They never sleep and their affinity
 * does not change, so only the scheduler can move them.
 */
static enum scx_test_status run_primary_return(void *ctx)
{
	struct topo_ctx *c = ctx;
	cpu_set_t dom, all;
	struct placement pl;
	struct tasks pinned = {}, free_hogs = {};
	int cpu, i, nr, share;

	set_all(&c->t, &all);
	primary_domain(&c->t, &dom);
	SCX_FAIL_IF(sched_start_skel(&c->s, &c->t, &dom),
		    "scx_flash did not attach with a primary domain");

	/* Fill the domain with pinned hogs, then start the free ones. */
	for (cpu = 0; cpu < c->t.nr_cpus; cpu++) {
		if (!CPU_ISSET(cpu, &dom))
			continue;
		SCX_FAIL_IF(tasks_add_on(&c->ts, cpu, 1000, 0),
			    "cannot start the load");
		pinned.pid[pinned.nr++] = c->ts.pid[c->ts.nr - 1];
	}
	sleep_ms(SETTLE_MS);
	nr = CPU_COUNT(&dom) / CPU_COUNT(&c->t.sibs[0]);
	for (i = 0; i < (nr > 1 ? nr : 1); i++) {
		SCX_FAIL_IF(tasks_add(&c->ts, &all, 1000, 0),
			    "cannot start the load");
		free_hogs.pid[free_hogs.nr++] = c->ts.pid[c->ts.nr - 1];
	}
	sleep_ms(SETTLE_MS);
	sample_share(&free_hogs, 500, c->t.nr_cpus - 1, c->t.nr_cpus, NULL,
		     "free hogs, domain full", &pl);

	/* Free the domain: the pinned hogs go. */
	tasks_stop(&pinned);
	c->ts = free_hogs;
	sleep_ms(SETTLE_MS);
	share = sample_share(&free_hogs, MEASURE_MS, c->t.nr_cpus - 1, c->t.nr_cpus,
			     &dom, "free hogs, domain idle", &pl);
	fprintf(stderr, "%d free hog(s) in the idle domain: %d%%\n",
		free_hogs.nr, share);
	SCX_FAIL_IF(share < 75,
		    "the hogs ran only %d%% of the time in the idle primary domain",
		    share);
	return topo_finish(c);
}

/* ------------------------------------------------------------------------
 * CPU hotplug under load
 */

static long enable_seq(void)
{
	char buf[32];

	if (sysfs_read_str(ENABLE_SEQ, buf, sizeof(buf)) < 0)
		return -1;
	return atol(buf);
}

static bool cpu_hotpluggable(int cpu)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), CPU_SYSFS "/cpu%d/online", cpu);
	return !access(path, W_OK);
}

/*
 * Where @pid is: its state and, when it sleeps, where in the kernel
 * (/proc/PID/stack, root only).  The kernel does not unwind a task that
 * runs on another CPU, so a running loader shows no stack.
 */
static void dump_kernel_stack(pid_t pid)
{
	char path[64], line[256];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (f && fgets(line, sizeof(line), f))
		fprintf(stderr, "loader's /proc/%d/stat: %s", pid, line);
	if (f)
		fclose(f);
	snprintf(path, sizeof(path), "/proc/%d/stack", pid);
	f = fopen(path, "r");
	if (!f)
		return;
	fprintf(stderr, "----- loader's kernel stack (empty if running) -----\n");
	while (fgets(line, sizeof(line), f))
		fputs(line, stderr);
	fclose(f);
}

/*
 * What a failed re-attach leaves to go on: the kernel's state, how far
 * enable_seq moved since @seq, and what the loader said.
 */
static void reattach_diagnose(struct topo_ctx *c, long seq)
{
	char state[32] = "?", ops[128] = "?";

	scx_state_read(state, sizeof(state));
	scx_root_ops_read(ops, sizeof(ops));
	fprintf(stderr, "sched_ext state %s, ops %s, enable_seq %ld -> %ld\n",
		state, ops, seq, enable_seq());
	if (!c->s.loader)
		return;
	flash_dump_output(&c->s.child);
	dump_kernel_stack(c->s.child.pid);
}

/*
 * Take @cpu offline (@on false) or bring it back, then wait up to
 * @timeout_ms until the loader has attached scx_flash again: the kernel
 * ejects a scheduler without hotplug callbacks and asks its loader to
 * restart.
 */
static enum scx_test_status hotplug(struct topo_ctx *c, int cpu, bool on,
				    unsigned long long timeout_ms)
{
	unsigned long long deadline = monotonic_ms() + timeout_ms;
	struct placement pl;
	char path[PATH_MAX];
	long seq = enable_seq();
	int ret;

	fprintf(stderr, "CPU %d %s\n", cpu, on ? "online" : "offline");
	snprintf(path, sizeof(path), CPU_SYSFS "/cpu%d/online", cpu);
	ret = write_str(path, on ? "1" : "0");
	SCX_FAIL_IF(ret, "cannot take CPU %d %s: %s", cpu,
		    on ? "online" : "offline", strerror(-ret));

	for (;;) {
		bool again = seq < 0 ? true : enable_seq() > seq;

		SCX_FAIL_IF(!scx_child_running(&c->s.child),
			    "the loader exited after CPU %d went %s", cpu,
			    on ? "online" : "offline");
		if (again && !sched_check(&c->s))
			break;
		if (monotonic_ms() > deadline) {
			reattach_diagnose(c, seq);
			SCX_FAIL("scx_flash not attached again %llu ms after CPU %d went %s",
				 timeout_ms, cpu,
				 on ? "online" : "offline");
		}
		sleep_ms(50);
	}
	fprintf(stderr, "scx_flash attached again (enable_seq %ld -> %ld)\n",
		seq, enable_seq());

	sleep_ms(SETTLE_MS);
	sample_share(&c->ts, 1000, -1, c->t.nr_cpus, NULL, "load", &pl);
	SCX_FAIL_IF(!on && pl.on[cpu],
		    "the load still ran on CPU %d after it went offline", cpu);
	SCX_FAIL_IF(tasks_dead(&c->ts), "%d task(s) of the load died",
		    tasks_dead(&c->ts));
	return SCX_TEST_PASS;
}

/*
 * Take the @nr @cpus offline one after the other, then bring them back in
 * reverse order (hotplug()); after a failure, every one is brought back.
 */
static enum scx_test_status hotplug_cycle(struct topo_ctx *c, const int *cpus,
					  int nr, unsigned long long timeout_ms)
{
	enum scx_test_status st = SCX_TEST_PASS;
	char path[PATH_MAX];
	int i;

	for (i = 0; i < nr && st == SCX_TEST_PASS; i++)
		st = hotplug(c, cpus[i], false, timeout_ms);
	for (i = nr - 1; i >= 0 && st == SCX_TEST_PASS; i--)
		st = hotplug(c, cpus[i], true, timeout_ms);
	if (st == SCX_TEST_PASS)
		return st;
	for (i = 0; i < nr; i++) {
		snprintf(path, sizeof(path), CPU_SYSFS "/cpu%d/online", cpus[i]);
		write_str(path, "1");
	}
	return st;
}

static enum scx_test_status hotplug_setup(void **ctx)
{
	enum scx_test_status st = topo_setup(ctx, "hotplug");
	struct topo_ctx *c = *ctx;

	if (st != SCX_TEST_PASS)
		return st;
	if (!c->t.smt && c->t.nr_nodes < 2) {
		free(c);
		SCX_SKIP("neither SMT nor NUMA (hotplug_offline_online covers plain CPUs)");
	}
	if (!cpu_hotpluggable(c->t.nr_cpus - 1)) {
		int cpu = c->t.nr_cpus - 1;

		free(c);
		SCX_SKIP("CPU %d cannot go offline", cpu);
	}
	return SCX_TEST_PASS;
}

/*
 * Under a load of CPU hogs and periodic tasks, take the last CPU offline,
 * then its SMT sibling (a whole core; on the last NUMA node) if it has
 * one, then bring them back.  Each time the loader must attach scx_flash
 * again with the new topology, the load must go on and leave the offline
 * CPUs.
 *
 * How long a re-attach may take is measured in this boot: the loader is
 * started under the same load first.  With every vCPU busy, an emulator
 * that runs all vCPUs on one host thread slows each of them down as many
 * times as there are vCPUs, and the loader's BPF load took 47-55 s under
 * this load with 8 vCPUs (2.6 s idle), where a fixed 30 s bound failed.
 */
static enum scx_test_status run_hotplug(void *ctx)
{
	struct topo_ctx *c = ctx;
	unsigned long long start, attach_ms, timeout_ms;
	enum scx_test_status st;
	int cpus[2], nr = 0, i;
	cpu_set_t all;

	cpus[nr++] = c->t.nr_cpus - 1;
	for (i = c->t.nr_cpus - 2; i > 0; i--)
		if (CPU_ISSET(i, &c->t.sibs[cpus[0]]) && cpu_hotpluggable(i))
			cpus[nr++] = i;
	if (nr > 2)
		nr = 2;

	set_all(&c->t, &all);
	for (i = 0; i < c->t.nr_cpus; i++) {
		SCX_FAIL_IF(tasks_add(&c->ts, &all, 1000, 0),
			    "cannot start the load");
		SCX_FAIL_IF(tasks_add(&c->ts, &all, 2, 2),
			    "cannot start the load");
	}
	sleep_ms(SETTLE_MS);
	start = monotonic_ms();
	SCX_FAIL_IF(sched_start_loader_within(&c->s, NULL,
					      LOADED_START_TIMEOUT_MS),
		    "scx_flash did not start under the load in %d ms",
		    LOADED_START_TIMEOUT_MS);
	attach_ms = monotonic_ms() - start;
	timeout_ms = REATTACH_TIMEOUT_MS + 2 * attach_ms;
	fprintf(stderr, "the loader attached in %llu ms under the load\n",
		attach_ms);
	fprintf(stderr, "each re-attach may take %llu ms\n", timeout_ms);
	sleep_ms(SETTLE_MS);

	st = hotplug_cycle(c, cpus, nr, timeout_ms);
	if (st != SCX_TEST_PASS)
		return st;
	return topo_finish(c);
}

#define TOPO_TEST(__name, __setup, __run, __desc)			\
	static struct scx_test __name##_test = {			\
		.name = #__name,					\
		.description = __desc,					\
		.setup = __setup,					\
		.run = __run,						\
		.cleanup = topo_cleanup,				\
	};								\
	REGISTER_SCX_TEST(&__name##_test)

TOPO_TEST(topo_smt_siblings, smt_setup, run_smt_siblings,
	  "enable_sibling_cpu() takes the kernel's SMT sibling pairs");
TOPO_TEST(topo_smt_wakeup, smt_setup, run_smt_wakeup,
	  "a waking task leaves a core with a busy sibling for an idle core");
TOPO_TEST(topo_smt_hog, smt_setup, run_smt_hog,
	  "a CPU hog leaves a core with a busy sibling for an idle core");
TOPO_TEST(topo_numa_local, numa_setup, run_numa_local,
	  "tasks stay on their NUMA node while it has room");
TOPO_TEST(topo_numa_overflow, numa_setup, run_numa_overflow,
	  "CPU hogs overflow from a saturated node to the others");
TOPO_TEST(topo_numa_queues, numa_setup, run_numa_queues,
	  "one queue per node; --disable-numa folds them into one");
TOPO_TEST(topo_primary, primary_setup, run_primary,
	  "tasks go to the primary domain and overflow when it is saturated");
TOPO_TEST(topo_primary_loader, primary_loader_setup, run_primary_loader,
	  "the same with the loader's --primary-domain mask");
TOPO_TEST(topo_primary_return, primary_setup, run_primary_return,
	  "CPU hogs outside the primary domain move into it when it is idle");
TOPO_TEST(topo_hotplug, hotplug_setup, run_hotplug,
	  "scx_flash is attached again as CPUs go offline and online under load");
