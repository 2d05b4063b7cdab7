// SPDX-License-Identifier: GPL-2.0
/*
 * scx_flash: an earliest-deadline-first scheduler for interactive and
 * latency-sensitive work.
 *
 * Every task has a virtual runtime (vruntime): the CPU time it consumed,
 * scaled inversely by its weight.  Tasks wait in one dispatch queue per NUMA
 * node, ordered by a deadline:
 *
 *   deadline = vruntime + min(exec_runtime * 1024 / weight, slice_lag)
 *
 * where exec_runtime is the CPU time the task used since it last went to
 * sleep.  A task that runs for long stretches without blocking is pushed
 * back, by at most slice_lag of virtual time whatever its weight; a task
 * that wakes up, runs briefly and sleeps again comes first.  For tasks
 * that never sleep the second term is a constant, so the vruntime alone
 * sets their shares, exactly in proportion to their weights.
 *
 * Sleeping earns credit: when a task wakes up, its vruntime may lag behind
 * the global virtual clock (vtime_now) by at most
 *
 *   vsleep_max = slice_lag * max(wakeup_freq, 1) * weight / 1024
 *
 * so a task that wakes often (wakeup_freq is an average of wakeups per
 * 100 ms, capped at 100) may lag further and run sooner, while a task that
 * slept for long cannot monopolise the CPUs when it comes back.  The limit
 * is applied on wakeups only: a task that never sleeps earns no credit,
 * and keeps the lag that fair sharing gives it, up to LAG_MAX_NS, far
 * more than fair sharing ever gives.  With slice_lag_scaling the credit
 * also shrinks with the user-mode CPU utilisation the loader measures
 * (cpu_util):
 * message passing is favoured on a quiet system, fairness is restored on a
 * busy one.
 *
 * A waking task goes straight to an idle CPU when there is one (first
 * inside the primary domain, then anywhere it may run, whole idle SMT cores
 * first); only when every CPU is busy does it wait in its node's queue,
 * unless its deadline is earlier than that of the sched_ext task running on
 * its CPU and of every task waiting in the queue, and that running task
 * used its slice or ran slice_lag without sleeping, and has had half its
 * current slice (a refill starts a new one): then it preempts it,
 * straight through the CPU's local queue.  A waker turned away only by
 * that half slice gets in when it ends, through a per-CPU timer.  A task
 * in a local queue that cannot run there at once (a SCHED_FIFO task took
 * the CPU) comes back to ops.enqueue() (SCX_ENQ_IMMED) rather than wait
 * there unseen.
 * When a running task's slice ends it keeps its CPU if its own deadline is
 * still earlier than that of the first waiting task, its core is not
 * SMT-contended and it is not outside the primary domain while it could be
 * inside.
 *
 * No task waits for ever: deadlines order the queue, and a waker's sleep
 * credit lets it overtake tasks that wait, so under a storm of wakers a
 * task could wait without bound.  Once a task has waited STARVATION_NS
 * since its wakeup, or since it last had STARVED_SERVICE_NS of CPU time,
 * it gets the earliest deadline of all:
 * the next scan of its node's queue (every AGING_SCAN_NS, in a timer kept
 * running while tasks wait) or its next enqueue finds it, and then only
 * the tasks found starving before it and the running tasks' slices (at
 * most SLICE_CAP_NS) are ahead of it.  Without an overload that starving
 * tasks alone fill, a task waits at most about STARVATION_NS +
 * AGING_SCAN_NS + SLICE_CAP_NS (1.2 s), far below the kernel's 5 s
 * watchdog, whatever its weight and however many wakers overtake it.
 * Served, it goes first until it has had STARVED_SERVICE_NS, and no
 * waker preempts it meanwhile.  Kernel threads starve after
 * KTHREAD_STARVATION_NS and go ahead of the other starving tasks: the
 * watchdog's own work item must run within 2.5 s.
 * These figures are for the default 5 s watchdog; a shorter timeout
 * shrinks them in proportion.
 *
 * The weight is the exact weight of the task's nice level (1024 at nice 0,
 * as in the kernel's fair class) times its cgroup's cpu.weight / 100.  The
 * time slice is slice_max * weight / 1024, at most SLICE_CAP_NS.
 *
 * Modes:
 *   rr_sched         plain round robin with slice_max: no deadlines
 *   tickless_sched   infinite slices; a timer preempts a task that ran
 *                    longer than slice_max only when others are waiting
 *   throttle_ns > 0  idle injection: the CPUs run for slice_max, then are
 *                    kept idle for throttle_ns (per-CPU kthreads excepted)
 *   cpufreq_perf_lvl CPU frequency target: 0..1024 fixed, negative =
 *                    follow each CPU's utilisation
 *
 * Knobs (read-only data, set by the loader before load):
 *   slice_max          time slice at weight 100, in ns (--slice-us)
 *   slice_lag          cap of the sleep credit, in ns (--slice-us-lag)
 *   throttle_ns        idle injection period, 0 = off (--throttle-us)
 *   tickless_sched     --tickless
 *   rr_sched           --rr-sched
 *   wakeup_throttle    push back tasks that wake up every few us and run
 *                      less than 10 us each time (--wakeup-throttle)
 *   slice_lag_scaling  --slice-lag-scaling
 *   smt_enabled        the machine has SMT and it is in use
 *   numa_disabled      one queue for the whole machine (--disable-numa)
 *   primary_all        the primary domain is the whole machine
 *   watchdog_ns        the kernel's watchdog timeout (SCX_TIMEOUT_MS)
 *   debug              trace each decision to the kernel trace buffer with
 *                      bpf_printk() (--debug): where a task goes (an idle
 *                      CPU, its local queue, a preempted CPU, its node's
 *                      queue), which task a dispatching CPU runs, the
 *                      starvation guard, the wakeup throttle, tickless
 *                      preemption and the idle injection phases
 *
 * Test knob (writable data, never set by scx_flash itself):
 *   stall_dispatch     non-zero stops all dispatching, for the selftest of
 *                      the kernel's watchdog
 *
 * Copyright (c) 2026 The scx_flash authors
 */
#include <scx/common.bpf.h>
#include "scx_flash.h"

char _license[] SEC("license") = "GPL";

/* Tasks that run less than this per wakeup may be throttled. */
#define WAKEUP_THROTTLE_NS	(10ULL * NSEC_PER_USEC)

/* Period of the tickless preemption check. */
#define TICKLESS_INTERVAL_NS	(10ULL * NSEC_PER_MSEC)

/* Weight of a nice 0 task in the default cgroup. */
#define WEIGHT_ONE		1024ULL

/* Longest time slice, whatever the weight: well below the watchdog. */
#define SLICE_CAP_NS		(FLASH_SLICE_US_MAX * NSEC_PER_USEC)

/*
 * Starvation guard: a task that has waited this long to run is served next,
 * ahead of any deadline.  Each node's queue is scanned for such tasks
 * every AGING_SCAN_NS while tasks wait in it, and a task that is queued
 * again (a new affinity, nice level or cgroup takes it off its queue and
 * puts it back) keeps the wait it had: it is not a new wait.  Fair waits
 * can be long: a nice 19 task (1/69 of nice 0) that ran one 4 ms tick
 * waits 0.27 s per nice 0 task beside it, and must not be served early
 * for that.
 *
 * Kernel threads starve sooner and go first: the kernel's sched_ext
 * watchdog is a work item that must run within half its timeout (2.5 s)
 * of being due, or the kernel ejects the scheduler, and under an overload
 * the user tasks found starving before it could take longer than that.
 */
#define STARVATION_NS		(1000ULL * NSEC_PER_MSEC)
#define KTHREAD_STARVATION_NS	(250ULL * NSEC_PER_MSEC)
#define AGING_SCAN_NS		(100ULL * NSEC_PER_MSEC)

/*
 * A wait ends when the task has had this much CPU time since it began, or
 * when it sleeps, not when its next run ends: a low weight's slice is
 * microseconds, and the tick that ends it may come as soon as the task
 * starts running, before it got anywhere.  Ending the wait with every run,
 * a nice 19 task in a cgroup of cpu.weight 1, run in deadline order
 * 0.2-0.9 s into a wait and cut by the tick, waited a second more, and
 * took up to 3.2 s to do 2 ms of work.  So a task that does not sleep
 * gets at least 1% of a CPU, and a starving one goes first until it has.
 */
#define STARVED_SERVICE_NS	(10ULL * NSEC_PER_MSEC)

/*
 * The values above are for the default 5 s watchdog timeout; a shorter one
 * (SCX_TIMEOUT_MS, at least FLASH_TIMEOUT_MS_MIN) shrinks each in the same
 * proportion: a fifth, a twentieth, a fiftieth and a five hundredth of
 * the timeout.
 */
#define STARVATION_DIV		5
#define KTHREAD_STARVATION_DIV	20
#define AGING_SCAN_DIV		50
#define STARVED_SERVICE_DIV	500

/*
 * The most a task that does not sleep may lag behind vtime_now, in
 * virtual time at weight WEIGHT_ONE or below, in real time above it.
 * Without a bound, a task that ran alone on its CPU while a task of low
 * weight ran alone on another (whose vruntime goes 68 times faster at
 * nice 19, and drags vtime_now along) kept minutes of head start, and
 * every task that later shared its CPU waited for it.  The bound must be
 * larger than anything fair sharing makes a task lag: vtime_now moves by
 * at most one run of the lightest task, one tick at nice 19, 273 ms of
 * virtual time with HZ=250.
 */
#define LAG_MAX_NS		(500ULL * NSEC_PER_MSEC)

/* The most NUMA nodes a kernel can have (x86-64's MAX_NUMNODES). */
#define MAX_NODES		1024

/* The most CPUs a kernel can have (x86-64's NR_CPUS with MAXSMP). */
#define MAX_CPUS		8192

/* Automatic cpufreq: thresholds of the busy share, of SCX_CPUPERF_ONE. */
#define CPUFREQ_HIGH_THRESH	(SCX_CPUPERF_ONE * 3 / 4)
#define CPUFREQ_LOW_THRESH	(SCX_CPUPERF_ONE / 4)

/* Knobs, see the top of the file. */
const volatile u64 slice_max = FLASH_SLICE_US_DFL * NSEC_PER_USEC;
const volatile u64 slice_lag = FLASH_SLICE_US_LAG_DFL * NSEC_PER_USEC;
const volatile u64 throttle_ns;
const volatile bool tickless_sched;
const volatile bool rr_sched;
const volatile bool wakeup_throttle;
const volatile bool slice_lag_scaling;
const volatile bool smt_enabled = true;
const volatile bool numa_disabled = true;	/* no per-node idle masks */
const volatile bool primary_all = true;
const volatile bool debug;
const volatile u64 watchdog_ns = FLASH_TIMEOUT_MS_DFL * NSEC_PER_MSEC;

/*
 * Set by the loader at run time: the cpufreq target (< 0: automatic, else a
 * fixed level, full speed unless told otherwise) and the user-mode CPU
 * utilisation (0..1024) for slice_lag_scaling.
 */
s64 cpufreq_perf_lvl = SCX_CPUPERF_ONE;
u64 cpu_util;

/*
 * Fault injection for selftests/faults.c (fault_stall_watchdog), which
 * writes it in this object's .bss from outside the loader: while it is
 * non-zero the CPUs are kept idle as in an idle injection phase that never
 * ends, so that no task is dispatched and the kernel's watchdog must eject
 * the scheduler.  It is a knob of its own, named and documented here, so
 * that the test does not depend on the name of a variable of the policy
 * (per-CPU kthreads are still spared with --throttle-us, which the test
 * does not give).  scx_flash never sets it.
 */
u32 stall_dispatch;

/*
 * The counters the loader serves (FLASH_STAT_*), one set per CPU, which the
 * loader sums: a global counter would be a cache line that every CPU
 * writes on every enqueue and dispatch.  A CPU only updates its own set,
 * from callbacks that run with interrupts off, so a plain increment is
 * enough.  FLASH_STAT_RUNNING goes up in ops.running() and down in
 * ops.stopping(), on the CPU the task runs on: summed, it is the number of
 * tasks running.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(key_size, sizeof(u32));
	__uint(value_size, sizeof(u64));
	__uint(max_entries, FLASH_NR_STATS);
} stats SEC(".maps");

/* Online CPUs, counted once by ops.init() and read by the loader. */
u64 nr_online_cpus;

/*
 * Global virtual clock: the largest vruntime of a task that started
 * running.  It only moves forward.
 */
static u64 vtime_now;

/* Idle injection: whether the CPUs are being kept idle right now. */
static bool throttled;

/*
 * Bumped when a cgroup's cpu.weight changes: tasks whose cached cgroup
 * weight is older look it up again.
 */
static u64 cgweight_gen;

UEI_DEFINE(uei);

#define dbg_msg(fmt, args...)						\
do {									\
	if (debug)							\
		bpf_printk(fmt, ##args);				\
} while (0)

/* Add @delta to this CPU's counter @idx. */
static void stat_add(u32 idx, s64 delta)
{
	u64 *cnt = bpf_map_lookup_elem(&stats, &idx);

	if (cnt)
		*cnt += delta;
}

static void stat_inc(u32 idx)
{
	stat_add(idx, 1);
}

/*
 * Return whether the CPUs must be kept idle: during an idle injection
 * phase, or while the selftests stall the scheduler.
 */
static bool cpus_kept_idle(void)
{
	return READ_ONCE(throttled) || READ_ONCE(stall_dispatch);
}

/*
 * Flags of every insert into a local queue that the policy chose: an idle
 * CPU, a preempted CPU, or the CPU that dispatches.  With SCX_ENQ_IMMED
 * (v7.3) a task that cannot run there at once, or loses the CPU to a
 * higher class (a SCHED_FIFO task), comes back through ops.enqueue() with
 * SCX_ENQ_REENQ instead of waiting in that local queue, where no other
 * CPU and no starvation guard would see it, for the kernel's sched_ext
 * server to run it.  On older kernels the loader sets it to 0 (a
 * relocatable enum, include/scx/enums.bpf.h).
 */
#define LOCAL_ENQ_FLAGS		SCX_ENQ_IMMED

/* CPUs of the primary domain, filled by enable_primary_cpu(). */
private(FLASH) struct bpf_cpumask __kptr *primary_cpumask;

/* Per-CPU state. */
struct cpu_ctx {
	struct bpf_cpumask __kptr *smt;	/* SMT siblings, not the CPU itself */
	u64 tot_runtime;		/* time spent running tasks */
	u64 prev_runtime;		/* tot_runtime at the last perf update */
	u64 last_running;		/* last perf update */
	u64 perf_lvl;			/* smoothed busy share, 0..1024 */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, u32);
	__type(value, struct cpu_ctx);
	__uint(max_entries, 1);
} cpu_ctx_stor SEC(".maps");

/* Per-task state. */
struct task_ctx {
	u64 vruntime;		/* weighted CPU time consumed */
	u64 exec_runtime;	/* CPU time used since the last sleep */
	u64 avg_runtime;	/* average CPU time used per run */
	u64 last_run_at;	/* start of the current run, 0 if not running */
	u64 slice_at;		/* start of the current slice (run or refill) */
	u64 sum_exec_at;	/* p->se.sum_exec_runtime at that start */
	u64 last_woke_at;	/* when the task last woke up */
	u64 waiting_since;	/* runnable and not served since then */
	u64 served;		/* CPU time used since waiting_since */
	u64 wakeup_freq;	/* average wakeups per 100 ms */
	u64 cgweight;		/* cpu.weight of the task's cgroup */
	u64 cgweight_gen;	/* cgweight_gen when cgweight was read */
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct task_ctx);
} task_ctx_stor SEC(".maps");

/* Per-cgroup cpu.weight (100 by default). */
struct cgrp_ctx {
	u64 weight;
};

struct {
	__uint(type, BPF_MAP_TYPE_CGRP_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct cgrp_ctx);
} cgrp_ctx_stor SEC(".maps");

/* The timers of tickless mode and of idle injection. */
struct timer_slot {
	struct bpf_timer timer;
};

enum flash_timers {
	TICKLESS_TIMER,
	THROTTLE_TIMER,
	NR_TIMERS,
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NR_TIMERS);
	__type(key, u32);
	__type(value, struct timer_slot);
} timers SEC(".maps");

/*
 * One timer per NUMA node: the starvation guard's scan of the node's
 * queue, off the CPUs' scheduling paths (aging_timerfn()).
 */
struct aging_slot {
	struct bpf_timer timer;
	u32 armed;		/* the timer is running */
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MAX_NODES);
	__type(key, u32);
	__type(value, struct aging_slot);
} aging_timers SEC(".maps");

/*
 * One timer per CPU, armed when a waker that would preempt the CPU's task
 * is turned away only because that task's slice has just begun: it fires
 * when the protection ends, rather than leave the waker to the next tick.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MAX_CPUS);
	__type(key, u32);
	__type(value, struct timer_slot);
} protect_timers SEC(".maps");

static struct task_ctx *lookup_task_ctx(const struct task_struct *p)
{
	return bpf_task_storage_get(&task_ctx_stor, (struct task_struct *)p,
				    0, 0);
}

static struct cpu_ctx *lookup_cpu_ctx(s32 cpu)
{
	const u32 idx = 0;

	return bpf_map_lookup_percpu_elem(&cpu_ctx_stor, &idx, cpu);
}

/* The cpu.weight of @cgrp, 100 if unknown. */
static u64 cgroup_weight(struct cgroup *cgrp)
{
	struct cgrp_ctx *cctx;

	cctx = bpf_cgrp_storage_get(&cgrp_ctx_stor, cgrp, 0, 0);
	return cctx ? cctx->weight : 100;
}

static bool is_kthread(const struct task_struct *p)
{
	return p->flags & PF_KTHREAD;
}

/* A task that can only run on one CPU. */
static bool is_pcpu_task(const struct task_struct *p)
{
	return p->nr_cpus_allowed == 1 || is_migration_disabled(p);
}

/* The NUMA node of @cpu; its dispatch queue has the node's id. */
static s32 cpu_node(s32 cpu)
{
	if (numa_disabled)
		return 0;
	return __COMPAT_scx_bpf_cpu_node(cpu);
}

/*
 * The idle CPUs of @cpu's node.  The kernel tracks them per node unless the
 * loader left out SCX_OPS_BUILTIN_IDLE_PER_NODE (--disable-numa).
 */
static const struct cpumask *get_node_idle_cpumask(s32 cpu)
{
	if (numa_disabled)
		return scx_bpf_get_idle_cpumask();
	return __COMPAT_scx_bpf_get_idle_cpumask_node(cpu_node(cpu));
}

/* ------------------------------------------------------------------------
 * Time slice, virtual time and the deadline
 */

/*
 * The kernel's weight of each nice level, -20 to 19 (its
 * sched_prio_to_weight[]), and of SCHED_IDLE tasks.  p->scx.weight rounds
 * these to a scale of 100 at nice 0, which makes nice 19 weigh 1/100 of
 * nice 0 where the fair class gives it 15/1024.
 */
#define NR_NICE_LEVELS		40
static const u32 nice_weights[NR_NICE_LEVELS] = {
	88761, 71755, 56483, 46273, 36291, 29154, 23254, 18705, 14949, 11916,
	9548, 7620, 6100, 4904, 3906, 3121, 2501, 1991, 1586, 1277,
	1024, 820, 655, 526, 423, 335, 272, 215, 172, 137,
	110, 87, 70, 56, 45, 36, 29, 23, 18, 15,
};
#define IDLE_POLICY_WEIGHT	3
#ifndef SCHED_IDLE
#define SCHED_IDLE		5
#endif

static u64 nice_weight(const struct task_struct *p)
{
	u32 prio = p->static_prio - 100;	/* MAX_RT_PRIO */

	if (p->policy == SCHED_IDLE)
		return IDLE_POLICY_WEIGHT;
	return prio < NR_NICE_LEVELS ? nice_weights[prio] : WEIGHT_ONE;
}

/*
 * Task weight: nice weight times the cgroup's cpu.weight / 100, 1024 for a
 * nice 0 task in a default cgroup.
 */
static u64 task_weight(const struct task_struct *p,
		       const struct task_ctx *tctx)
{
	return nice_weight(p) * tctx->cgweight / 100 ?: 1;
}

static u64 scale_up(u64 val, u64 weight)
{
	return val * weight / WEIGHT_ONE;
}

static u64 scale_down(u64 val, u64 weight)
{
	return val * WEIGHT_ONE / weight;
}

/*
 * Time slice of @p, whose context @tctx may be NULL: infinite in tickless
 * mode, else slice_max by weight, at most SLICE_CAP_NS.
 */
static u64 task_slice(const struct task_struct *p,
		      const struct task_ctx *tctx)
{
	u64 slice;

	if (tickless_sched)
		return SCX_SLICE_INF;
	if (!tctx || rr_sched)
		return slice_max;
	slice = scale_up(slice_max, task_weight(p, tctx));
	return slice < SLICE_CAP_NS ? slice : SLICE_CAP_NS;
}

/*
 * How far the vruntime of a waking task may lag behind vtime_now: more for
 * tasks that wake often, less on a quiet system with slice_lag_scaling.
 */
static u64 sleep_credit(const struct task_ctx *tctx, u64 weight)
{
	u64 credit = slice_lag * (tctx->wakeup_freq ?: 1);

	/* Scale the credit, not the wakeup count, which would round to 0. */
	if (slice_lag_scaling)
		credit = credit * cpu_util / FLASH_PERF_ONE;
	return scale_up(credit, weight);
}

/*
 * Whether @p wakes up all the time only to run a few microseconds, which
 * would otherwise earn it the largest sleep credit for free.  Per-CPU
 * kthreads are never throttled.
 */
static bool is_wakeup_abuser(const struct task_struct *p,
			     const struct task_ctx *tctx)
{
	if (!wakeup_throttle || (is_kthread(p) && is_pcpu_task(p)))
		return false;
	return tctx->avg_runtime && tctx->avg_runtime < WAKEUP_THROTTLE_NS;
}

/*
 * A waking task's vruntime may lag behind vtime_now by its sleep credit at
 * most: what it did not use while it slept is only partly kept.
 */
static void limit_sleep_credit(struct task_ctx *tctx, u64 weight)
{
	tctx->vruntime = flash_limit_lag(tctx->vruntime, READ_ONCE(vtime_now),
					 sleep_credit(tctx, weight));
}

/*
 * The most any task may lag, sleeping or not: LAG_MAX_NS of virtual time,
 * or of real time for weights above WEIGHT_ONE.
 */
static u64 max_lag(u64 weight)
{
	return weight > WEIGHT_ONE ? scale_up(LAG_MAX_NS, weight) : LAG_MAX_NS;
}

/* @vruntime, lagging behind vtime_now by max_lag() at most. */
static u64 limit_lag(u64 vruntime, u64 weight)
{
	return flash_limit_lag(vruntime, READ_ONCE(vtime_now), max_lag(weight));
}

/* The first task waiting in a node queue that a CPU may take. */
struct next_task {
	u64 deadline;
	u64 weight;
};

/*
 * @p, whose slice ended, may lead @next, the task its CPU would run
 * instead, by max_lag() at most.  vtime_now stops at the first waiting
 * deadline, which may be that of a task pinned to another CPU, whose
 * tasks share less CPU time and fall behind in virtual time: a task that
 * joined a CPU shared by fewer tasks started that far behind the one
 * already there, and took the whole CPU for seconds (93-99% of each of
 * the 4 s after it joined a hog that had run alone on its CPU for 20 s,
 * beside two hogs pinned to the other CPU).
 *
 * A @next of low weight may lead by LAG_MAX_NS of its own service, which
 * is more virtual time: its vruntime runs ahead by the nature of its
 * weight (one tick of a nice 19 task is 273 ms of it).  Held to 500 ms,
 * a nice 19 hog pinned to a CPU dragged each nice 0 hog that found it
 * the only task it could take, for an instant in which the other hogs
 * ran elsewhere, 22 s ahead: their CPU times spread 1.33:1, and a
 * shell's `sleep 1` took up to 3.3 s, placed that far behind them.
 */
static void limit_lead(const struct task_struct *p, struct task_ctx *tctx,
		       const struct next_task *next)
{
	u64 lead = max_lag(task_weight(p, tctx));
	u64 next_lead = scale_down(LAG_MAX_NS, next->weight);

	if (next_lead > lead)
		lead = next_lead;
	tctx->vruntime = flash_limit_lag(tctx->vruntime, next->deadline, lead);
}

/*
 * The deadline part of the runtime @exec used since the last sleep: in
 * weighted time, at most slice_lag, so that a low weight cannot push a
 * task back without bound.
 */
static u64 exec_vruntime(u64 exec, u64 weight)
{
	u64 vexec = scale_down(exec, weight);

	return vexec < slice_lag ? vexec : slice_lag;
}

/* Deadline of @p: vruntime plus the runtime used since its last sleep. */
static u64 task_deadline(const struct task_struct *p,
			 const struct task_ctx *tctx)
{
	u64 weight = task_weight(p, tctx);
	u64 deadline = tctx->vruntime + exec_vruntime(tctx->exec_runtime,
						      weight);

	if (is_wakeup_abuser(p, tctx)) {
		dbg_msg("wakeup throttle: %d pushed back", p->pid);
		deadline += slice_lag;
	}
	return deadline;
}

/* @dfl, or a @div-th of the watchdog timeout if that is shorter. */
static u64 watchdog_share(u64 dfl, u64 div)
{
	u64 share = watchdog_ns / div;

	return share < dfl ? share : dfl;
}

/*
 * Whether @p has waited to run as long as the starvation guard allows: it
 * then gets starving_vtime() when it is queued and when its queue is
 * scanned.
 */
static bool is_starving(const struct task_struct *p,
			const struct task_ctx *tctx, u64 now)
{
	u64 limit;

	if (is_kthread(p))
		limit = watchdog_share(KTHREAD_STARVATION_NS,
				       KTHREAD_STARVATION_DIV);
	else
		limit = watchdog_share(STARVATION_NS, STARVATION_DIV);
	return time_delta(now, tctx->waiting_since) >= limit;
}

/* The deadline of @p once it starves: kernel threads first. */
static u64 starving_vtime(const struct task_struct *p)
{
	return flash_starving_deadline(READ_ONCE(vtime_now), is_kthread(p));
}

/* Whether @tctx's task is running under sched_ext right now. */
static bool is_running(const struct task_ctx *tctx)
{
	return tctx->last_run_at;
}

/* CPU time used since the last sleep, counting the current run. */
static u64 running_exec_runtime(const struct task_ctx *tctx, u64 now)
{
	return tctx->exec_runtime + now - tctx->last_run_at;
}

/*
 * The deadline of @p while it runs: its vruntime plus the runtime used
 * since its last sleep, both counting the time it has run so far, which
 * ops.stopping() has not charged yet (a task that keeps its CPU goes on
 * without stopping).
 */
static u64 running_deadline(const struct task_struct *p,
			    const struct task_ctx *tctx, u64 now)
{
	u64 weight = task_weight(p, tctx);
	u64 vruntime = limit_lag(tctx->vruntime +
				 scale_down(now - tctx->last_run_at, weight),
				 weight);

	return vruntime + exec_vruntime(running_exec_runtime(tctx, now),
					weight);
}

/* Whether a cgroup's cpu.weight changed since @tctx's was read. */
static bool is_cgweight_stale(const struct task_ctx *tctx)
{
	return tctx->cgweight_gen != READ_ONCE(cgweight_gen);
}

/*
 * The cgroup weight of @p, read again after any cgroup's cpu.weight
 * changed.  Only for a task the current operation is about: the kernel
 * gives the task's cgroup to no other.
 */
static void refresh_cgweight(struct task_struct *p, struct task_ctx *tctx)
{
	struct cgroup *cgrp;
	u64 gen;

	if (!is_cgweight_stale(tctx))
		return;

	/*
	 * A fully ordered read, paired with the increment in
	 * flash_cgroup_set_weight(): the weight read below is at least as
	 * new as the generation recorded with it.  Only after a change.
	 */
	gen = __sync_fetch_and_add(&cgweight_gen, 0);
	cgrp = scx_bpf_task_cgroup(p);
	if (cgrp) {
		tctx->cgweight = cgroup_weight(cgrp);
		bpf_cgroup_release(cgrp);
	}
	tctx->cgweight_gen = gen;
}

/*
 * A wakeup ends a sleep: sample the wakeup frequency, restart the runtime
 * since the last sleep and limit the sleep credit.  Other runnable
 * transitions (a changed nice level or affinity, a migration) are no sleep
 * and change none of this.
 */
void BPF_STRUCT_OPS(flash_runnable, struct task_struct *p, u64 enq_flags)
{
	u64 now = bpf_ktime_get_ns();
	struct task_ctx *tctx;

	if (!(enq_flags & SCX_ENQ_WAKEUP))
		return;

	tctx = lookup_task_ctx(p);
	if (!tctx)
		return;

	tctx->exec_runtime = 0;
	tctx->waiting_since = now;
	tctx->served = 0;
	tctx->wakeup_freq = flash_avg(tctx->wakeup_freq,
			flash_wakeup_freq_sample(now - tctx->last_woke_at));
	tctx->last_woke_at = now;

	refresh_cgweight(p, tctx);
	limit_sleep_credit(tctx, task_weight(p, tctx));
}

/*
 * Automatic cpufreq: follow the share of time @cpu spent running tasks
 * since the last update, smoothed; full speed above 75%, half below 25%.
 * The new sample counts for three quarters, as upstream's: the thresholds
 * already keep the level from flapping, and a slower average would leave
 * a CPU that just got busy at half speed for several updates.  Until its
 * first update a CPU runs at full speed (init_cpuperf_target()).
 */
static void update_cpuperf_target(s32 cpu, struct cpu_ctx *cctx, u64 now)
{
	u64 delta_t = now - cctx->last_running;
	u64 busy, perf_lvl;

	if (cpufreq_perf_lvl >= 0 || !delta_t)
		return;
	if (!cctx->last_running) {
		cctx->prev_runtime = cctx->tot_runtime;
		cctx->last_running = now;
		return;
	}

	busy = cctx->tot_runtime - cctx->prev_runtime;
	perf_lvl = busy * SCX_CPUPERF_ONE / delta_t;
	if (perf_lvl > SCX_CPUPERF_ONE)
		perf_lvl = SCX_CPUPERF_ONE;
	cctx->perf_lvl = flash_busy_avg(cctx->perf_lvl, perf_lvl);

	if (cctx->perf_lvl >= CPUFREQ_HIGH_THRESH)
		perf_lvl = SCX_CPUPERF_ONE;
	else if (cctx->perf_lvl <= CPUFREQ_LOW_THRESH)
		perf_lvl = SCX_CPUPERF_ONE / 2;
	else
		perf_lvl = cctx->perf_lvl;
	scx_bpf_cpuperf_set(cpu, perf_lvl);

	cctx->prev_runtime = cctx->tot_runtime;
	cctx->last_running = now;
}

/*
 * The deadline of the first task waiting in @dsq_id, in @deadline; false
 * when the queue is empty or cannot be peeked.
 */
static bool first_deadline(u64 dsq_id, u64 *deadline)
{
	struct task_struct *first = __COMPAT_scx_bpf_dsq_peek(dsq_id);

	if (!first)
		return false;
	*deadline = first->scx.dsq_vtime;
	return true;
}

/*
 * vtime_now follows the vruntime of the tasks that start running, but not
 * past the deadline of the first task waiting in @cpu's node queue.  A
 * task may run out of deadline order: its CPU had nothing earlier that it
 * could run (a nice 19 hog pinned to a CPU whose other tasks were taken),
 * or another CPU took the earlier task in the same instant.  Its vruntime
 * may then be far ahead of every other (a tick of a nice 19 hog is 0.4 s
 * of it), and vtime_now used to jump there: every task that started or
 * woke up afterwards was placed that far behind the waiting ones, and a
 * shell's `sleep 1` took 2.1 s beside four hogs.
 */
static void advance_vtime_now(u64 vruntime, s32 cpu)
{
	u64 first = 0;
	bool waiting;

	/* Most runs start behind vtime_now: nothing to follow, no peek. */
	if (!time_before(vtime_now, vruntime))
		return;
	waiting = first_deadline(cpu_node(cpu), &first);
	vtime_now = flash_next_vtime_now(vtime_now, vruntime, waiting, first);
}

void BPF_STRUCT_OPS(flash_running, struct task_struct *p)
{
	s32 cpu = scx_bpf_task_cpu(p);
	u64 now = bpf_ktime_get_ns();
	struct task_ctx *tctx;
	struct cpu_ctx *cctx;

	stat_inc(FLASH_STAT_RUNNING);

	cctx = lookup_cpu_ctx(cpu);
	if (cctx)
		update_cpuperf_target(cpu, cctx, now);

	tctx = lookup_task_ctx(p);
	if (!tctx)
		return;

	tctx->last_run_at = now;
	tctx->slice_at = now;
	tctx->sum_exec_at = p->se.sum_exec_runtime;

	/*
	 * A run the starvation guard gave is out of deadline order: the
	 * task's vruntime may be far ahead of every other (a nice 19 hog
	 * beside four nice 0 hogs on a CPU starves between its fair runs,
	 * and each service adds 10 ms, 0.7 s of its virtual time).
	 * vtime_now, against which every waking task is clamped, must not
	 * follow it: it did, and every wakeup then waited behind the nice 0
	 * hogs for hundreds of milliseconds, kernel threads until they
	 * starved too.
	 */
	if (!is_starving(p, tctx, now))
		advance_vtime_now(tctx->vruntime, cpu);
}

/*
 * @tctx's task stops running after a run of @used but stays runnable: its
 * wait goes on until it has had STARVED_SERVICE_NS, then a new one starts.
 */
static void serve_wait(const struct task_struct *p, struct task_ctx *tctx,
		       u64 used, u64 now)
{
	tctx->served += used;
	if (tctx->served < watchdog_share(STARVED_SERVICE_NS,
					  STARVED_SERVICE_DIV)) {
		dbg_msg("starvation: %d had %llu ns, keeps its wait", p->pid,
			tctx->served);
		return;
	}
	tctx->waiting_since = now;
	tctx->served = 0;
}

/*
 * The vruntime that @tctx's run is charged on top of.  A run that started
 * @starving, after the task had waited as long as the starvation guard
 * allows, was out of deadline order, and is charged from vtime_now at
 * most: charged on top of the lead it already had, a nice 19 hog pinned
 * beside four nice 0 hogs, which the guard served every second, went
 * ahead of them by 0.9 s of virtual time every second, without bound.
 */
static u64 charge_base(const struct task_ctx *tctx, bool starving)
{
	u64 vnow = READ_ONCE(vtime_now);

	if (starving && time_before(vnow, tctx->vruntime))
		return vnow;
	return tctx->vruntime;
}

void BPF_STRUCT_OPS(flash_stopping, struct task_struct *p, bool runnable)
{
	struct task_ctx *tctx;
	struct cpu_ctx *cctx;
	u64 used, weight, base;
	bool starving;

	stat_add(FLASH_STAT_RUNNING, -1);

	tctx = lookup_task_ctx(p);
	if (!tctx || !is_running(tctx))
		return;

	/*
	 * The run, as the kernel accounts it: without the time interrupts
	 * took, which the wall clock would charge to whoever they hit.
	 */
	used = p->se.sum_exec_runtime - tctx->sum_exec_at ?: 1;
	/* Whether the run started starving, before a new wait starts. */
	starving = is_starving(p, tctx, tctx->last_run_at);
	base = charge_base(tctx, starving);
	if (runnable)
		serve_wait(p, tctx, used, bpf_ktime_get_ns());
	tctx->last_run_at = 0;

	cctx = lookup_cpu_ctx(scx_bpf_task_cpu(p));
	if (cctx)
		cctx->tot_runtime += used;

	if (rr_sched)
		return;

	refresh_cgweight(p, tctx);
	/* Seeded by the first run: 0 would make a wakeup abuser of it. */
	tctx->avg_runtime = flash_avg_runtime(tctx->avg_runtime, used);
	weight = task_weight(p, tctx);
	tctx->vruntime = limit_lag(base + scale_down(used, weight), weight);
	tctx->exec_runtime += used;
	if (tctx->exec_runtime > slice_lag)
		tctx->exec_runtime = slice_lag;
}

void BPF_STRUCT_OPS(flash_enable, struct task_struct *p)
{
	struct task_ctx *tctx = lookup_task_ctx(p);

	if (tctx) {
		tctx->vruntime = vtime_now;
		tctx->waiting_since = bpf_ktime_get_ns();
	}
}

/* ------------------------------------------------------------------------
 * CPU selection
 */

/*
 * Whether @cpu shares its core with a busy SMT sibling while another CPU
 * of its node is idle: a task running there would go faster elsewhere.
 */
static bool is_smt_contended(s32 cpu)
{
	const struct cpumask *smt, *idle;
	struct cpu_ctx *cctx;
	bool contended;

	if (!smt_enabled)
		return false;

	cctx = lookup_cpu_ctx(cpu);
	if (!cctx)
		return false;
	smt = cast_mask(cctx->smt);
	if (!smt)
		return false;

	idle = get_node_idle_cpumask(cpu);
	contended = !bpf_cpumask_subset(smt, idle) && !bpf_cpumask_empty(idle);
	scx_bpf_put_cpumask(idle);
	return contended;
}

/*
 * Look for an idle CPU for @p: inside the primary domain first, unless it
 * spans the whole machine, then anywhere @p may run.  The built-in idle
 * selection prefers whole idle SMT cores and the task's own node.  Returns
 * the CPU, claimed, or a negative error.
 *
 * Sync wakeups are treated as normal ones: the waker is not trusted to
 * release its CPU soon.  Kernels without scx_bpf_select_cpu_and() can only
 * use the default selection, and only on wakeups.
 */
static s32 pick_idle_cpu(struct task_struct *p, s32 prev_cpu, u64 wake_flags)
{
	const struct cpumask *primary;
	s32 cpu;

	wake_flags &= ~SCX_WAKE_SYNC;

	if (!__COMPAT_HAS_scx_bpf_select_cpu_and) {
		bool is_idle = false;

		if (!wake_flags)
			return -EBUSY;
		cpu = scx_bpf_select_cpu_dfl(p, prev_cpu, wake_flags, &is_idle);
		return is_idle ? cpu : -EBUSY;
	}

	primary = cast_mask(primary_cpumask);
	if (!primary_all && primary) {
		cpu = scx_bpf_select_cpu_and(p, prev_cpu, wake_flags, primary, 0);
		if (cpu >= 0)
			return cpu;
	}

	return scx_bpf_select_cpu_and(p, prev_cpu, wake_flags, p->cpus_ptr, 0);
}

s32 BPF_STRUCT_OPS(flash_select_cpu, struct task_struct *p, s32 prev_cpu,
		   u64 wake_flags)
{
	s32 cpu;

	if (cpus_kept_idle())
		return prev_cpu;

	cpu = pick_idle_cpu(p, prev_cpu, wake_flags);
	if (cpu >= 0 || rr_sched) {
		scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL,
				   task_slice(p, lookup_task_ctx(p)),
				   cpu >= 0 ? LOCAL_ENQ_FLAGS : 0);
		stat_inc(FLASH_STAT_DIRECT_DISPATCHES);
		dbg_msg("select_cpu: %d direct to %s cpu %d", p->pid,
			cpu >= 0 ? "idle" : "its", cpu >= 0 ? cpu : prev_cpu);
	}
	return cpu >= 0 ? cpu : prev_cpu;
}

/* ------------------------------------------------------------------------
 * Enqueue
 */

/*
 * Dispatch @p straight to an idle CPU it may run on, if there is one.  A
 * per-CPU task can only use its own CPU.
 */
static bool try_dispatch_to_idle_cpu(struct task_struct *p, s32 prev_cpu,
				     u64 enq_flags)
{
	s32 cpu;

	if (is_pcpu_task(p))
		cpu = scx_bpf_test_and_clear_cpu_idle(prev_cpu) ? prev_cpu : -EBUSY;
	else
		cpu = pick_idle_cpu(p, prev_cpu, 0);
	if (cpu < 0)
		return false;

	scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL_ON | cpu,
			   task_slice(p, lookup_task_ctx(p)),
			   enq_flags | LOCAL_ENQ_FLAGS);
	stat_inc(FLASH_STAT_DIRECT_DISPATCHES);
	dbg_msg("enqueue: %d direct to idle cpu %d", p->pid, cpu);
	scx_bpf_kick_cpu(cpu, SCX_KICK_IDLE);
	return true;
}

/* Round robin: an idle CPU if the task just woke up, else its own CPU. */
static void enqueue_rr(struct task_struct *p, s32 prev_cpu, u64 enq_flags)
{
	if ((enq_flags & (SCX_ENQ_WAKEUP | SCX_ENQ_REENQ)) &&
	    try_dispatch_to_idle_cpu(p, prev_cpu, enq_flags))
		return;

	scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL, slice_max, enq_flags);
	stat_inc(FLASH_STAT_SHARED_DISPATCHES);
	dbg_msg("enqueue: %d to local queue of cpu %d", p->pid, prev_cpu);
}

/*
 * How long a slice is safe from wakeup preemption: half of it, at most
 * half of slice_max (a tickless slice is infinite).  Without it a task
 * that ran slice_lag without sleeping (a pipe writer under emulation
 * does) was preemptible from the first nanosecond of every later run and
 * of every refill, and message passing paid a context switch, and the
 * victim an enqueue, for each wakeup.
 */
static u64 preempt_min_run(const struct task_struct *curr,
			   const struct task_ctx *tctx)
{
	u64 slice = task_slice(curr, tctx);

	return (slice < slice_max ? slice : slice_max) / 2;
}

/* preempt_wait(): no waker may preempt the task in this slice. */
#define PREEMPT_NEVER		((u64)-1)

/*
 * How long until a task that just woke up may preempt @curr, whose slice
 * started at slice_at: 0 if it may now, the rest of preempt_min_run() if
 * only that protection stands in the way, PREEMPT_NEVER if it may not in
 * this slice.  It may once @curr has had preempt_min_run() of its slice,
 * and has used up its slice, which the kernel only notices at the next
 * tick (up to 1/HZ, several times slice_max), or is a CPU hog that ran a
 * whole slice_lag without sleeping, counting its current run.  Other tasks
 * keep their CPU: message passing loses much of its throughput to the
 * extra context switches.  A run the starvation guard gave is never cut by
 * a waker: at a low weight its slice is over within microseconds, and any
 * waker would end it before the task got anywhere; the tick ends it.
 */
static u64 preempt_wait(const struct task_struct *curr,
			const struct task_ctx *tctx, u64 now)
{
	u64 ran = time_delta(now, tctx->slice_at);
	u64 min_run = preempt_min_run(curr, tctx);

	if (is_starving(curr, tctx, tctx->last_run_at))
		return PREEMPT_NEVER;
	if (time_delta(now, tctx->last_run_at) < task_slice(curr, tctx) &&
	    running_exec_runtime(tctx, now) < slice_lag)
		return PREEMPT_NEVER;
	return ran < min_run ? min_run - ran : 0;
}

/*
 * Whether the first task waiting in @dsq_id has a deadline earlier than
 * @deadline; an empty or unpeekable queue has none.
 */
static bool dsq_has_earlier(u64 dsq_id, u64 deadline)
{
	u64 first = 0;

	return first_deadline(dsq_id, &first) &&
	       !time_before(deadline, first);
}

/*
 * Wakeup preemption: how long until a task that just woke up on @cpu with
 * an earlier @deadline may take the CPU from its task (preempt_wait()), or
 * PREEMPT_NEVER.  Only a sched_ext task can be preempted this way: a task
 * of a higher class (SCHED_FIFO, SCHED_DEADLINE) has task storage, as
 * every task does, but never passes ops.running(), and a waker put in the
 * local queue behind it would wait there while another CPU could run it.
 */
static u64 preempt_delay(s32 cpu, u64 deadline)
{
	u64 now = bpf_ktime_get_ns(), wait = PREEMPT_NEVER;
	struct task_struct *curr;
	struct task_ctx *tctx;

	/*
	 * Before v6.18 the running task can only be read off the runqueue,
	 * as a pointer task storage does not take: no wakeup preemption.
	 */
	if (!bpf_ksym_exists(scx_bpf_cpu_curr))
		return PREEMPT_NEVER;

	bpf_rcu_read_lock();
	curr = scx_bpf_cpu_curr(cpu);
	if (curr && !(curr->flags & PF_IDLE)) {
		tctx = lookup_task_ctx(curr);
		if (tctx && is_running(tctx))
			wait = preempt_wait(curr, tctx, now);
		if (wait != PREEMPT_NEVER &&
		    !time_before(deadline, running_deadline(curr, tctx, now)))
			wait = PREEMPT_NEVER;
	}
	bpf_rcu_read_unlock();
	return wait;
}

/*
 * The protection of @cpu's slice ended: let the first task waiting in the
 * CPU's node queue preempt its task, if a waker could now.
 */
static int protect_timerfn(void *map, int *key, struct bpf_timer *timer)
{
	u64 deadline = 0;
	s32 cpu = *key;
	bool waiting;

	bpf_rcu_read_lock();
	waiting = first_deadline(cpu_node(cpu), &deadline);
	bpf_rcu_read_unlock();

	if (waiting && !preempt_delay(cpu, deadline)) {
		dbg_msg("preempt: protection of cpu %d over", cpu);
		scx_bpf_kick_cpu(cpu, SCX_KICK_PREEMPT);
	}
	return 0;
}

/* Call protect_timerfn() for @cpu in @delay ns. */
static void arm_protect_timer(s32 cpu, u64 delay)
{
	struct timer_slot *slot;
	u32 key = cpu;

	slot = bpf_map_lookup_elem(&protect_timers, &key);
	if (!slot)
		return;
	/* The first use sets it up; later ones get -EBUSY here. */
	if (!bpf_timer_init(&slot->timer, &protect_timers, CLOCK_MONOTONIC))
		bpf_timer_set_callback(&slot->timer, protect_timerfn);
	bpf_timer_start(&slot->timer, delay, 0);
}

/*
 * Whether a task that just woke up on @cpu with an earlier @deadline should
 * take the CPU at once.  If only the protection of the running task's
 * slice stands in the way, the CPU's timer lets it (or whichever task then
 * waits first) in when the protection ends.
 */
static bool should_preempt(s32 cpu, u64 deadline)
{
	u64 wait = preempt_delay(cpu, deadline);

	if (wait == PREEMPT_NEVER)
		return false;
	if (wait)
		arm_protect_timer(cpu, wait);
	return !wait;
}

/*
 * A task just went to @prev_cpu's node queue: wake up an idle CPU of that
 * node that may run it (a CPU of another node never reads this queue).  A
 * CPU that found the queue empty and went idle since the search for an
 * idle CPU of this wakeup would otherwise sleep while the task waits; one
 * that goes idle after this look finds the task in flash_update_idle().
 * A task that woke up without select_cpu() may find its own CPU idle and
 * not yet marked so: kick it too.  Not while the CPUs are kept idle.
 */
static void kick_idle_cpu(const struct task_struct *p, s32 prev_cpu,
			  u64 enq_flags)
{
	s32 cpu;

	if (cpus_kept_idle())
		return;

	if (numa_disabled)
		cpu = scx_bpf_pick_idle_cpu(p->cpus_ptr, 0);
	else
		cpu = __COMPAT_scx_bpf_pick_idle_cpu_node(p->cpus_ptr,
							  cpu_node(prev_cpu),
							  SCX_PICK_IDLE_IN_NODE);
	if (cpu >= 0)
		scx_bpf_kick_cpu(cpu, SCX_KICK_IDLE);
	else if ((enq_flags & SCX_ENQ_WAKEUP) &&
		 !__COMPAT_is_enq_cpu_selected(enq_flags))
		scx_bpf_kick_cpu(prev_cpu, SCX_KICK_IDLE);
}

/* The deadline @p waits with in its node's queue: the earliest if it starves. */
static u64 queue_deadline(const struct task_struct *p,
			  const struct task_ctx *tctx)
{
	u64 now = bpf_ktime_get_ns();

	if (!is_starving(p, tctx, now))
		return task_deadline(p, tctx);
	dbg_msg("starving: %d waited %llu ns, queued first", p->pid,
		time_delta(now, tctx->waiting_since));
	return starving_vtime(p);
}

/*
 * Per-CPU kthreads run even while the CPUs are kept idle: the system must
 * not be throttled to death.  Straight to their CPU with idle injection.
 */
static bool enqueue_throttled_kthread(struct task_struct *p, s32 prev_cpu,
				      u64 enq_flags)
{
	if (!throttle_ns || !is_kthread(p) || !is_pcpu_task(p))
		return false;

	scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL, task_slice(p, lookup_task_ctx(p)),
			   enq_flags);
	stat_inc(FLASH_STAT_KTHREAD_DISPATCHES);
	dbg_msg("enqueue: kthread %d to local queue of cpu %d", p->pid,
		prev_cpu);
	return true;
}

/*
 * select_cpu() found no idle CPU for this wakeup, and the previous CPU is
 * a fine place to wait: go to the queue.  Otherwise (no select_cpu(), a
 * contended SMT core, or the task lost its CPU to a higher priority
 * class) look for an idle CPU first.
 */
static bool enqueue_on_idle_cpu(struct task_struct *p, s32 prev_cpu,
				u64 enq_flags)
{
	if (__COMPAT_is_enq_cpu_selected(enq_flags) &&
	    !(enq_flags & SCX_ENQ_REENQ) &&
	    (is_pcpu_task(p) || !is_smt_contended(prev_cpu)))
		return false;
	return !cpus_kept_idle() &&
	       try_dispatch_to_idle_cpu(p, prev_cpu, enq_flags);
}

/*
 * An earlier deadline than the running task's and than every waiting
 * task's: take its CPU at once, straight through the local queue, rather
 * than through the shared queue and a kick, which another CPU may answer
 * first.  Not while the CPUs are kept idle.
 */
static bool enqueue_preempting(struct task_struct *p, struct task_ctx *tctx,
			       s32 prev_cpu, u64 deadline, u64 enq_flags)
{
	if (!(enq_flags & SCX_ENQ_WAKEUP) || cpus_kept_idle() ||
	    dsq_has_earlier(cpu_node(prev_cpu), deadline) ||
	    !should_preempt(prev_cpu, deadline))
		return false;

	scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL_ON | prev_cpu, task_slice(p, tctx),
			   enq_flags | SCX_ENQ_PREEMPT | LOCAL_ENQ_FLAGS);
	stat_inc(FLASH_STAT_DIRECT_DISPATCHES);
	stat_inc(FLASH_STAT_PREEMPT_DISPATCHES);
	dbg_msg("enqueue: %d preempts cpu %d, deadline %llu", p->pid,
		prev_cpu, deadline);
	return true;
}

void BPF_STRUCT_OPS(flash_enqueue, struct task_struct *p, u64 enq_flags)
{
	s32 prev_cpu = scx_bpf_task_cpu(p);
	struct task_ctx *tctx;
	u64 deadline, dsq_id;

	if (rr_sched) {
		enqueue_rr(p, prev_cpu, enq_flags);
		return;
	}
	if (enqueue_throttled_kthread(p, prev_cpu, enq_flags) ||
	    enqueue_on_idle_cpu(p, prev_cpu, enq_flags))
		return;

	tctx = lookup_task_ctx(p);
	if (!tctx) {
		scx_bpf_error("task %d (%s) has no context", p->pid, p->comm);
		return;
	}

	refresh_cgweight(p, tctx);
	deadline = queue_deadline(p, tctx);
	if (enqueue_preempting(p, tctx, prev_cpu, deadline, enq_flags))
		return;

	dsq_id = cpu_node(prev_cpu);
	scx_bpf_dsq_insert_vtime(p, dsq_id, task_slice(p, tctx), deadline,
				 enq_flags);
	stat_inc(FLASH_STAT_SHARED_DISPATCHES);
	dbg_msg("enqueue: %d to node queue %llu, deadline %llu", p->pid,
		dsq_id, deadline);
	kick_idle_cpu(p, prev_cpu, enq_flags);
}

/* ------------------------------------------------------------------------
 * Dispatch
 */

/*
 * Whether @p runs on @cpu outside the primary domain while it may run
 * inside and a CPU there is idle.  Not necessarily one @p may use: with a
 * partial affinity the idle search may come back empty, at the cost of
 * one search per slice.
 */
static bool has_idle_primary_cpu(const struct task_struct *p, s32 cpu)
{
	const struct cpumask *primary = cast_mask(primary_cpumask);
	const struct cpumask *idle;
	bool found;

	if (primary_all || !primary || bpf_cpumask_test_cpu(cpu, primary) ||
	    !bpf_cpumask_intersects(primary, p->cpus_ptr))
		return false;

	idle = get_node_idle_cpumask(cpu);
	found = bpf_cpumask_intersects(primary, idle);
	scx_bpf_put_cpumask(idle);
	return found;
}

/*
 * Whether @prev may keep @cpu once its slice ran out: it still wants to run,
 * its cgroup weight is current (a changed one is read when it stops), its
 * core is not SMT-contended, and it does not sit outside the primary
 * domain while a CPU inside that it may use is idle.
 */
static bool may_keep_cpu(const struct task_struct *prev, s32 cpu)
{
	const struct task_ctx *tctx;

	if (!(prev->scx.flags & SCX_TASK_QUEUED))
		return false;
	tctx = lookup_task_ctx(prev);
	if (tctx && is_cgweight_stale(tctx))
		return false;
	if (is_pcpu_task(prev))
		return true;
	if (is_smt_contended(cpu))
		return false;
	return !has_idle_primary_cpu(prev, cpu);
}

/*
 * Whether @cpu may take @p from its node queue: the kernel moves a task to
 * another CPU only where its affinity allows and its migration is enabled.
 */
static bool may_take(const struct task_struct *p, s32 cpu)
{
	if (!bpf_cpumask_test_cpu(cpu, p->cpus_ptr))
		return false;
	return !p->migration_disabled || scx_bpf_task_cpu(p) == cpu;
}

/* How many waiting tasks first_for() walks past, at most. */
#define PREV_LOOKAHEAD		8

/* Note @p as the task a CPU would run next: its deadline and weight. */
static void note_next(const struct task_struct *p, struct next_task *next)
{
	const struct task_ctx *tctx = lookup_task_ctx(p);

	next->deadline = p->scx.dsq_vtime;
	next->weight = tctx ? task_weight(p, tctx) : WEIGHT_ONE;
}

/*
 * The first task waiting in @dsq_id that @cpu may take, in @next; false
 * if there is none.  Past PREV_LOOKAHEAD tasks @cpu may not take, the
 * walk stops at a bound below it: the last task walked.  The first task
 * settles it in most calls, without the walk and its locking.
 */
static bool first_for(u64 dsq_id, s32 cpu, struct next_task *next)
{
	struct task_struct *p = __COMPAT_scx_bpf_dsq_peek(dsq_id);
	int walked = 0;

	if (!p)
		return false;
	if (may_take(p, cpu)) {
		note_next(p, next);
		return true;
	}

	bpf_for_each(scx_dsq, p, dsq_id, 0) {
		if (may_take(p, cpu) || ++walked >= PREV_LOOKAHEAD) {
			note_next(p, next);
			return true;
		}
	}
	return false;
}

/*
 * Whether @prev's deadline, counting the time it has just run, is still
 * earlier than that of every task @cpu may take from @dsq_id instead.  A
 * task @cpu may not take (pinned to another CPU) does not count: giving
 * @prev up for it made the CPU run the next one it could take, however
 * late, and a nice 5 hog pinned beside a nice 0 one got as much of their
 * CPU as it whenever another CPU's pinned task waited first.
 *
 * @prev may lead the task it is compared with by limit_lead() at most.
 */
static bool is_prev_earliest(struct task_struct *prev, s32 cpu, u64 dsq_id)
{
	struct task_ctx *tctx = lookup_task_ctx(prev);
	struct next_task next;

	if (!tctx)
		return false;
	if (!first_for(dsq_id, cpu, &next))
		return true;

	limit_lead(prev, tctx, &next);
	return time_before(running_deadline(prev, tctx, bpf_ktime_get_ns()),
			   next.deadline);
}

/*
 * Starvation guard: give every task in @dsq_id that has waited too long a
 * deadline far below vtime_now (starving_vtime()), so that the node's CPUs
 * serve them next, in the order they were found, ahead of any waker: a
 * waker's sleep credit may put its deadline below that of every task
 * already waiting, but not that low.
 */
static void promote_if_starving(struct bpf_iter_scx_dsq *it,
				struct task_struct *p, u64 dsq_id, u64 now)
{
	struct task_ctx *tctx;

	if (flash_is_starving_deadline(p->scx.dsq_vtime, READ_ONCE(vtime_now)))
		return;
	tctx = lookup_task_ctx(p);
	if (!tctx || !is_starving(p, tctx, now))
		return;
	scx_bpf_dsq_move_set_vtime(it, starving_vtime(p));
	if (scx_bpf_dsq_move_vtime(it, p, dsq_id, 0))
		dbg_msg("starving: %d waited %llu ns, moved first in node queue %llu",
			p->pid, time_delta(now, tctx->waiting_since), dsq_id);
}

/*
 * The scan walks the whole queue, so it runs in a timer: a walk inside
 * ops.dispatch() held the dispatching CPU's runqueue lock, with interrupts
 * off, for as long as the queue was long.  Here it holds the queue's lock
 * one step at a time and the runqueue lock of a task it moves.  A budget,
 * from the tail where the late deadlines wait, was tried and dropped:
 * under an overload the tasks it promoted piled up at the head faster
 * than the CPUs served them, and a kernel thread that woke up behind that
 * pile was never reached, so the kernel's watchdog work item could not be
 * served first.
 */
static void age_starving(u64 dsq_id)
{
	u64 now = bpf_ktime_get_ns();
	struct task_struct *p;
	u64 walked = 0;

	bpf_for_each(scx_dsq, p, dsq_id, 0) {
		promote_if_starving(BPF_FOR_EACH_ITER, p, dsq_id, now);
		walked++;
	}
	stat_inc(FLASH_STAT_AGING_SCANS);
	stat_add(FLASH_STAT_AGING_WALKED, walked);
	stat_add(FLASH_STAT_AGING_NS, time_delta(bpf_ktime_get_ns(), now));
}

static u64 aging_period(void)
{
	return watchdog_share(AGING_SCAN_NS, AGING_SCAN_DIV);
}

/*
 * Scan node *@key's queue, and again a period later while tasks wait in
 * it.  An empty queue lets the timer stop, so that an idle machine is not
 * woken up for it; the next dispatch from that node starts it again.  So
 * does the end of the scheduler: the count is then an error.
 */
static int aging_timerfn(void *map, int *key, struct bpf_timer *timer)
{
	u32 node = *key;
	struct aging_slot *slot;

	age_starving(node);
	if (scx_bpf_dsq_nr_queued(node) > 0) {
		bpf_timer_start(timer, aging_period(), 0);
		return 0;
	}
	slot = bpf_map_lookup_elem(&aging_timers, &node);
	if (slot)
		WRITE_ONCE(slot->armed, 0);
	return 0;
}

/*
 * Keep @node's aging timer running while its CPUs dispatch: a task can
 * only wait in the queue while one of them runs something else, and a
 * running task's slice ends in ops.dispatch().  The flag stops the arming
 * from pushing the timer back at every dispatch.
 */
static void arm_aging_timer(u32 node)
{
	struct aging_slot *slot = bpf_map_lookup_elem(&aging_timers, &node);

	if (!slot || READ_ONCE(slot->armed) ||
	    !__sync_bool_compare_and_swap(&slot->armed, 0, 1))
		return;
	bpf_timer_start(&slot->timer, aging_period(), 0);
}

/*
 * Whether @prev may go on running on @cpu after its slice: only if it may
 * keep the CPU, else ops.enqueue() (SCX_OPS_ENQ_LAST) looks for an idle CPU
 * that suits it better.  In round-robin mode any task may.
 */
static bool may_refill(struct task_struct *prev, s32 cpu)
{
	if (rr_sched)
		return prev->scx.flags & SCX_TASK_QUEUED;
	return may_keep_cpu(prev, cpu);
}

/*
 * @prev goes on running with a fresh slice, which starts now: the part of
 * it that no waker may cut (preempt_min_run()) too.
 */
static void refill_slice(struct task_struct *prev)
{
	struct task_ctx *tctx = lookup_task_ctx(prev);

	scx_bpf_task_set_slice(prev, task_slice(prev, tctx));
	if (tctx)
		tctx->slice_at = bpf_ktime_get_ns();
}

void BPF_STRUCT_OPS(flash_dispatch, s32 cpu, struct task_struct *prev)
{
	u64 dsq_id = cpu_node(cpu);

	/* Idle injection (or a selftest's stall): leave the CPU idle. */
	if (cpus_kept_idle())
		return;

	arm_aging_timer(dsq_id);

	if (prev && !rr_sched && may_keep_cpu(prev, cpu) &&
	    is_prev_earliest(prev, cpu, dsq_id)) {
		refill_slice(prev);
		dbg_msg("dispatch: %d keeps cpu %d, earliest deadline",
			prev->pid, cpu);
		return;
	}

	if (scx_bpf_dsq_move_to_local(dsq_id, LOCAL_ENQ_FLAGS)) {
		dbg_msg("dispatch: cpu %d takes the first task of node queue %llu",
			cpu, dsq_id);
		return;
	}

	/* Nothing else to run here: let @prev go on if it may. */
	if (prev && may_refill(prev, cpu)) {
		refill_slice(prev);
		dbg_msg("dispatch: %d keeps cpu %d, nothing waits", prev->pid,
			cpu);
	}
}

/*
 * A CPU went idle after its last look at its node's queue: if a task was
 * queued since, which ops.enqueue() could not see this CPU idle for, wake
 * it up to look again.  The kernel updates the idle masks before calling
 * this, so that either ops.enqueue() sees the CPU idle or this sees the
 * task.
 */
void BPF_STRUCT_OPS(flash_update_idle, s32 cpu, bool idle)
{
	if (idle && !cpus_kept_idle() && scx_bpf_dsq_nr_queued(cpu_node(cpu)))
		scx_bpf_kick_cpu(cpu, SCX_KICK_IDLE);
}

/* ------------------------------------------------------------------------
 * Tickless mode
 */

/* Whether tasks are waiting for @cpu: in its local queue or its node's. */
static bool cpu_has_waiters(s32 cpu)
{
	return scx_bpf_dsq_nr_queued(SCX_DSQ_LOCAL_ON | cpu) ||
	       scx_bpf_dsq_nr_queued(cpu_node(cpu));
}

/*
 * Preempt the task running on @cpu if it has an infinite slice, has run
 * longer than slice_max and others are waiting.
 */
static void tickless_check_cpu(s32 cpu, u64 now)
{
	struct task_struct *p;
	struct task_ctx *tctx;

	if (!cpu_has_waiters(cpu))
		return;

	bpf_rcu_read_lock();
	p = __COMPAT_scx_bpf_cpu_curr(cpu);
	if (p && p->scx.slice == SCX_SLICE_INF) {
		/*
		 * Before v6.18 p comes off the runqueue, a pointer task
		 * storage does not take: preempt without knowing how long
		 * it ran, at worst one timer period early.
		 */
		tctx = bpf_ksym_exists(scx_bpf_cpu_curr) ?
		       lookup_task_ctx(p) : NULL;
		if (!bpf_ksym_exists(scx_bpf_cpu_curr) ||
		    (tctx && now - tctx->last_run_at > slice_max)) {
			dbg_msg("tickless: preempt %d on cpu %d", p->pid, cpu);
			scx_bpf_kick_cpu(cpu, SCX_KICK_PREEMPT);
		}
	}
	bpf_rcu_read_unlock();
}

static int tickless_timerfn(void *map, int *key, struct bpf_timer *timer)
{
	const struct cpumask *online = scx_bpf_get_online_cpumask();
	u64 now = bpf_ktime_get_ns();
	s32 cpu;

	bpf_for(cpu, 0, scx_bpf_nr_cpu_ids())
		if (bpf_cpumask_test_cpu(cpu, online))
			tickless_check_cpu(cpu, now);
	scx_bpf_put_cpumask(online);

	bpf_timer_start(timer, TICKLESS_INTERVAL_NS, 0);
	return 0;
}

/* ------------------------------------------------------------------------
 * Idle injection
 */

/*
 * Kick every online CPU: the possible CPUs may have holes, which the
 * kernel takes for an error.
 */
static void kick_all_cpus(u64 flags)
{
	const struct cpumask *online = scx_bpf_get_online_cpumask();
	s32 cpu;

	bpf_for(cpu, 0, scx_bpf_nr_cpu_ids())
		if (bpf_cpumask_test_cpu(cpu, online))
			scx_bpf_kick_cpu(cpu, flags);
	scx_bpf_put_cpumask(online);
}

/*
 * Alternate between running for slice_max and idling for throttle_ns.
 * Entering idle preempts every CPU; leaving it wakes them up.
 */
static int throttle_timerfn(void *map, int *key, struct bpf_timer *timer)
{
	bool idle = !throttled;

	WRITE_ONCE(throttled, idle);
	dbg_msg("idle injection: CPUs %s for %llu ns",
		idle ? "idle" : "running", idle ? throttle_ns : slice_max);
	kick_all_cpus(idle ? SCX_KICK_PREEMPT : SCX_KICK_IDLE);
	bpf_timer_start(timer, idle ? throttle_ns : slice_max, 0);
	return 0;
}

/* ------------------------------------------------------------------------
 * CPU frequency
 */

/*
 * The frequency target of every online CPU: the fixed level, or full speed
 * until automatic mode measured the CPU's load.
 */
static void init_cpuperf_target(void)
{
	u32 lvl = cpufreq_perf_lvl < 0 ? SCX_CPUPERF_ONE : cpufreq_perf_lvl;
	const struct cpumask *online;
	s32 cpu;

	online = scx_bpf_get_online_cpumask();
	bpf_for(cpu, 0, scx_bpf_nr_cpu_ids())
		if (bpf_cpumask_test_cpu(cpu, online))
			scx_bpf_cpuperf_set(cpu, lvl);
	scx_bpf_put_cpumask(online);
}

/* ------------------------------------------------------------------------
 * Topology, programmed by the loader between load and attach
 */

/*
 * Set bit @cpu in the cpumask stored in @kptr, creating the mask first if
 * it does not exist yet.
 */
static int set_cpu_in_kptr_mask(struct bpf_cpumask __kptr **kptr, s32 cpu)
{
	struct bpf_cpumask *mask;

	if (!*kptr) {
		mask = bpf_cpumask_create();
		if (!mask)
			return -ENOMEM;
		mask = bpf_kptr_xchg(kptr, mask);
		if (mask)
			bpf_cpumask_release(mask);
	}

	bpf_rcu_read_lock();
	mask = *kptr;
	if (mask)
		bpf_cpumask_set_cpu(cpu, mask);
	bpf_rcu_read_unlock();
	return 0;
}

/* Add a CPU to the primary domain, or clear the domain (cpu_id < 0). */
SEC("syscall")
int enable_primary_cpu(struct cpu_arg *input)
{
	struct bpf_cpumask *mask;

	if (input->cpu_id >= 0)
		return set_cpu_in_kptr_mask(&primary_cpumask, input->cpu_id);

	bpf_rcu_read_lock();
	mask = primary_cpumask;
	if (mask)
		bpf_cpumask_clear(mask);
	bpf_rcu_read_unlock();
	return 0;
}

/*
 * Record that two CPUs share an SMT core (level 0, the only one known).  A
 * CPU is not its own sibling and a negative sibling means none.
 */
SEC("syscall")
int enable_sibling_cpu(struct domain_arg *input)
{
	struct cpu_ctx *cctx;

	if (input->lvl_id != 0)
		return -EINVAL;
	if (input->sibling_cpu_id < 0 ||
	    input->cpu_id == input->sibling_cpu_id)
		return 0;

	cctx = lookup_cpu_ctx(input->cpu_id);
	if (!cctx)
		return -ENOENT;

	return set_cpu_in_kptr_mask(&cctx->smt, input->sibling_cpu_id);
}

/* ------------------------------------------------------------------------
 * cgroups and task initialisation
 */

s32 BPF_STRUCT_OPS(flash_init_task, struct task_struct *p,
		   struct scx_init_task_args *args)
{
	struct task_ctx *tctx;

	tctx = bpf_task_storage_get(&task_ctx_stor, p, 0,
				    BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!tctx)
		return -ENOMEM;

	tctx->cgweight = args->cgroup ? cgroup_weight(args->cgroup) : 100;
	tctx->cgweight_gen = READ_ONCE(cgweight_gen);
	return 0;
}

s32 BPF_STRUCT_OPS(flash_cgroup_init, struct cgroup *cgrp,
		   struct scx_cgroup_init_args *args)
{
	struct cgrp_ctx *cctx;

	cctx = bpf_cgrp_storage_get(&cgrp_ctx_stor, cgrp, 0,
				    BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!cctx)
		return -ENOMEM;

	cctx->weight = args->weight;
	return 0;
}

/*
 * A new cpu.weight reaches the cgroup's tasks through cgweight_gen: each
 * reads it again at its next wakeup, enqueue or stop.
 */
void BPF_STRUCT_OPS(flash_cgroup_set_weight, struct cgroup *cgrp, u32 weight)
{
	struct cgrp_ctx *cctx;

	cctx = bpf_cgrp_storage_get(&cgrp_ctx_stor, cgrp, 0, 0);
	if (cctx)
		cctx->weight = weight;
	__sync_fetch_and_add(&cgweight_gen, 1);
}

void BPF_STRUCT_OPS(flash_cgroup_move, struct task_struct *p,
		    struct cgroup *from, struct cgroup *to)
{
	struct task_ctx *tctx = lookup_task_ctx(p);

	if (tctx)
		tctx->cgweight = cgroup_weight(to);
}

/* ------------------------------------------------------------------------
 * Scheduler initialisation and exit
 */

typedef int (*timer_fn_t)(void *map, int *key, struct bpf_timer *timer);

/*
 * Set up (not start) @timer of @map to call @fn.  A timer outlives the
 * attachment that set it up: an object attached again (the selftests
 * attach one object many times) finds it initialised, -EBUSY, and maybe
 * still armed.
 */
static __always_inline s32 setup_timer(struct bpf_timer *timer, void *map,
				       timer_fn_t fn)
{
	s32 err = bpf_timer_init(timer, map, CLOCK_MONOTONIC);

	if (err && err != -EBUSY)
		return err;
	return bpf_timer_set_callback(timer, fn);
}

/* Set up the aging timer of @node's queue; dispatch starts it. */
static s32 init_aging_timer(u32 node)
{
	struct aging_slot *slot = bpf_map_lookup_elem(&aging_timers, &node);

	if (!slot)
		return -ENOENT;
	return setup_timer(&slot->timer, &aging_timers, aging_timerfn);
}

/* Create one dispatch queue per NUMA node, or one in all, with its timer. */
static s32 create_node_dsqs(void)
{
	u32 nr_nodes = numa_disabled ? 1 : __COMPAT_scx_bpf_nr_node_ids();
	s32 node, err;

	bpf_for(node, 0, nr_nodes) {
		err = scx_bpf_create_dsq(node, numa_disabled ? -1 : node);
		if (err) {
			scx_bpf_error("failed to create DSQ %d: %d", node, err);
			return err;
		}
		err = init_aging_timer(node);
		if (err) {
			scx_bpf_error("failed to set up the aging timer of node %d: %d",
				      node, err);
			return err;
		}
	}
	return 0;
}

/* Arm timer @id to call @fn after @delay ns. */
static __always_inline s32 start_timer(u32 id, timer_fn_t fn, u64 delay)
{
	struct timer_slot *slot;
	s32 err;

	slot = bpf_map_lookup_elem(&timers, &id);
	if (!slot) {
		scx_bpf_error("no timer slot %u", id);
		return -ENOENT;
	}

	err = setup_timer(&slot->timer, &timers, fn);
	if (!err)
		err = bpf_timer_start(&slot->timer, delay, 0);
	if (err)
		scx_bpf_error("failed to start timer %u: %d", id, err);
	return err;
}

static void count_online_cpus(void)
{
	const struct cpumask *online = scx_bpf_get_online_cpumask();

	nr_online_cpus = bpf_cpumask_weight(online);
	scx_bpf_put_cpumask(online);
}

s32 BPF_STRUCT_OPS_SLEEPABLE(flash_init)
{
	s32 err;

	count_online_cpus();
	init_cpuperf_target();

	err = create_node_dsqs();
	if (err)
		return err;

	if (tickless_sched) {
		err = start_timer(TICKLESS_TIMER, tickless_timerfn,
				  TICKLESS_INTERVAL_NS);
		if (err)
			return err;
	}
	if (throttle_ns)
		err = start_timer(THROTTLE_TIMER, throttle_timerfn, slice_max);

	dbg_msg("flash: init, %llu CPUs online", nr_online_cpus);
	return err;
}

void BPF_STRUCT_OPS(flash_exit, struct scx_exit_info *ei)
{
	UEI_RECORD(uei, ei);
}

/*
 * ops.update_idle() turns the kernel's idle tracking off unless the flags
 * keep it, and the policy's idle CPU search needs it.  The object asks for
 * it here, once: the loader and the selftests add their flags to these.
 */
SCX_OPS_DEFINE(flash_ops,
	       .flags			= SCX_OPS_KEEP_BUILTIN_IDLE,
	       .select_cpu		= (void *)flash_select_cpu,
	       .enqueue			= (void *)flash_enqueue,
	       .dispatch		= (void *)flash_dispatch,
	       .runnable		= (void *)flash_runnable,
	       .running			= (void *)flash_running,
	       .stopping		= (void *)flash_stopping,
	       .update_idle		= (void *)flash_update_idle,
	       .enable			= (void *)flash_enable,
	       .init_task		= (void *)flash_init_task,
	       .cgroup_init		= (void *)flash_cgroup_init,
	       .cgroup_set_weight	= (void *)flash_cgroup_set_weight,
	       .cgroup_move		= (void *)flash_cgroup_move,
	       .init			= (void *)flash_init,
	       .exit			= (void *)flash_exit,
	       .timeout_ms		= FLASH_TIMEOUT_MS_DFL,
	       .name			= "flash");
