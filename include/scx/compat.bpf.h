/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel-version shims for BPF schedulers.
 *
 * sched_ext kfuncs get renamed, gain arguments or change their return type
 * from one kernel to the next.  The wrappers here keep one source working
 * from v6.12 on: each declares every variant it knows as a weak kfunc and
 * picks, at load time, the newest the running kernel has (bpf_ksym_exists()
 * on the kfunc, or bpf_core_type_exists() on a type it introduced).  The
 * branches that do not apply are dead code the verifier never walks.
 *
 * Variants are named <kernel name>___<tag>: libbpf ignores everything from
 * the last "___" on when it looks a kfunc up.  A kernel name that itself
 * ends in ___v2 therefore needs one more tag, as in ___v2___compat.
 *
 * Included by common.bpf.h, before enums.bpf.h: the SCX_* enumerators used
 * here are still the plain vmlinux.h constants.
 *
 * Copyright (c) 2026 The scx_flash authors
 */
#ifndef __SCX_COMPAT_BPF_H
#define __SCX_COMPAT_BPF_H

/*
 * __COMPAT_ENUM_OR_ZERO - the running kernel's value of enumerator @__ent of
 * enum type @__type (e.g. enum scx_enq_flags), or 0 if it does not have it.
 */
#define __COMPAT_ENUM_OR_ZERO(__type, __ent)					\
({										\
	__type __ret = 0;							\
										\
	if (bpf_core_enum_value_exists(__type, __ent))				\
		__ret = bpf_core_enum_value(__type, __ent);			\
	__ret;									\
})

/*
 * scx_bpf_task_cgroup - the cgroup @p belongs to for scheduling, with a
 * reference to drop with bpf_cgroup_release(); NULL on kernels without it
 * (built without CONFIG_CGROUP_SCHED).  v6.12.
 */
struct cgroup *scx_bpf_task_cgroup___new(struct task_struct *p) __ksym __weak;

#define scx_bpf_task_cgroup(p)							\
	(bpf_ksym_exists(scx_bpf_task_cgroup___new) ?				\
	 scx_bpf_task_cgroup___new(p) : NULL)

/*
 * Moving tasks between dispatch queues.
 *
 * v6.12 named these scx_bpf_consume() and scx_bpf_dispatch_from_dsq*();
 * v6.13 renamed them scx_bpf_dsq_move*().  v7.1 added
 * scx_bpf_dsq_move_to_local___v2(), which takes enqueue flags.
 */
bool scx_bpf_dsq_move_to_local___v2___compat(u64 dsq_id, u64 enq_flags) __ksym __weak;
bool scx_bpf_dsq_move_to_local___v1(u64 dsq_id) __ksym __weak;
bool scx_bpf_consume___old(u64 dsq_id) __ksym __weak;

void scx_bpf_dsq_move_set_slice___new(struct bpf_iter_scx_dsq *it__iter,
				      u64 slice) __ksym __weak;
void scx_bpf_dsq_move_set_vtime___new(struct bpf_iter_scx_dsq *it__iter,
				      u64 vtime) __ksym __weak;
bool scx_bpf_dsq_move___new(struct bpf_iter_scx_dsq *it__iter,
			    struct task_struct *p, u64 dsq_id,
			    u64 enq_flags) __ksym __weak;
bool scx_bpf_dsq_move_vtime___new(struct bpf_iter_scx_dsq *it__iter,
				  struct task_struct *p, u64 dsq_id,
				  u64 enq_flags) __ksym __weak;

void scx_bpf_dispatch_from_dsq_set_slice___old(struct bpf_iter_scx_dsq *it__iter,
					       u64 slice) __ksym __weak;
void scx_bpf_dispatch_from_dsq_set_vtime___old(struct bpf_iter_scx_dsq *it__iter,
					       u64 vtime) __ksym __weak;
bool scx_bpf_dispatch_from_dsq___old(struct bpf_iter_scx_dsq *it__iter,
				     struct task_struct *p, u64 dsq_id,
				     u64 enq_flags) __ksym __weak;
bool scx_bpf_dispatch_vtime_from_dsq___old(struct bpf_iter_scx_dsq *it__iter,
					   struct task_struct *p, u64 dsq_id,
					   u64 enq_flags) __ksym __weak;

/*
 * scx_bpf_dsq_move_to_local - from ops.dispatch(), move the first task of
 * @dsq_id to the local DSQ of the dispatching CPU; true if it moved one.
 * @enq_flags are passed on from v7.1 and dropped before.
 */
#define scx_bpf_dsq_move_to_local(dsq_id, enq_flags)				\
	(bpf_ksym_exists(scx_bpf_dsq_move_to_local___v2___compat) ?		\
	 scx_bpf_dsq_move_to_local___v2___compat(dsq_id, enq_flags) :		\
	 bpf_ksym_exists(scx_bpf_dsq_move_to_local___v1) ?			\
	 scx_bpf_dsq_move_to_local___v1(dsq_id) :				\
	 scx_bpf_consume___old(dsq_id))

/*
 * scx_bpf_dsq_move_set_slice, scx_bpf_dsq_move_set_vtime - slice or vtime
 * the next scx_bpf_dsq_move*() from iterator @it__iter gives the task.
 */
#define scx_bpf_dsq_move_set_slice(it__iter, slice)				\
	(bpf_ksym_exists(scx_bpf_dsq_move_set_slice___new) ?			\
	 scx_bpf_dsq_move_set_slice___new(it__iter, slice) :			\
	 bpf_ksym_exists(scx_bpf_dispatch_from_dsq_set_slice___old) ?		\
	 scx_bpf_dispatch_from_dsq_set_slice___old(it__iter, slice) :		\
	 (void)0)

#define scx_bpf_dsq_move_set_vtime(it__iter, vtime)				\
	(bpf_ksym_exists(scx_bpf_dsq_move_set_vtime___new) ?			\
	 scx_bpf_dsq_move_set_vtime___new(it__iter, vtime) :			\
	 bpf_ksym_exists(scx_bpf_dispatch_from_dsq_set_vtime___old) ?		\
	 scx_bpf_dispatch_from_dsq_set_vtime___old(it__iter, vtime) :		\
	 (void)0)

/*
 * scx_bpf_dsq_move, scx_bpf_dsq_move_vtime - move task @p, the current one
 * of iterator @it__iter (BPF_FOR_EACH_ITER), to @dsq_id, at its tail or by
 * vtime; true if it moved.
 */
#define scx_bpf_dsq_move(it__iter, p, dsq_id, enq_flags)			\
	(bpf_ksym_exists(scx_bpf_dsq_move___new) ?				\
	 scx_bpf_dsq_move___new(it__iter, p, dsq_id, enq_flags) :		\
	 bpf_ksym_exists(scx_bpf_dispatch_from_dsq___old) ?			\
	 scx_bpf_dispatch_from_dsq___old(it__iter, p, dsq_id, enq_flags) :	\
	 false)

#define scx_bpf_dsq_move_vtime(it__iter, p, dsq_id, enq_flags)			\
	(bpf_ksym_exists(scx_bpf_dsq_move_vtime___new) ?			\
	 scx_bpf_dsq_move_vtime___new(it__iter, p, dsq_id, enq_flags) :		\
	 bpf_ksym_exists(scx_bpf_dispatch_vtime_from_dsq___old) ?		\
	 scx_bpf_dispatch_vtime_from_dsq___old(it__iter, p, dsq_id, enq_flags) : \
	 false)

/*
 * __COMPAT_bpf_cpumask_populate - copy @size__sz bytes of bitmap @src into
 * bpf_cpumask @cpumask; -EOPNOTSUPP before v6.15.
 */
int bpf_cpumask_populate(struct bpf_cpumask *dst, void *src,
			 size_t src__sz) __ksym __weak;

#define __COMPAT_bpf_cpumask_populate(cpumask, src, size__sz)			\
	(bpf_ksym_exists(bpf_cpumask_populate) ?				\
	 bpf_cpumask_populate(cpumask, src, size__sz) : -EOPNOTSUPP)

/*
 * __COMPAT_scx_bpf_dsq_peek - the first task of @dsq_id, without removing
 * it, or NULL
 *
 * scx_bpf_dsq_peek() appeared in v6.19 but could miss the head of a FIFO
 * DSQ until v7.1, so before v7.1 iterate over the DSQ and take its first
 * task instead.
 */
static inline struct task_struct *__COMPAT_scx_bpf_dsq_peek(u64 dsq_id)
{
	struct bpf_iter_scx_dsq it;
	struct task_struct *p = NULL;

	if (bpf_ksym_exists(scx_bpf_dsq_peek) &&
	    __scx_kernel_version() >= KERNEL_VERSION(7, 1, 0))
		return scx_bpf_dsq_peek(dsq_id);

	/* The iterator must be destroyed even when creating it failed. */
	if (!bpf_iter_scx_dsq_new(&it, dsq_id, 0))
		p = bpf_iter_scx_dsq_next(&it);
	bpf_iter_scx_dsq_destroy(&it);
	return p;
}

/*
 * scx_bpf_sub_dispatch - from ops.dispatch(), let the child sub-scheduler
 * of cgroup @cgroup_id dispatch; false if it did not or, before v7.1, if
 * the kernel has no sub-schedulers.
 */
bool scx_bpf_sub_dispatch___compat(u64 cgroup_id) __ksym __weak;

static inline bool scx_bpf_sub_dispatch(u64 cgroup_id)
{
	if (!bpf_ksym_exists(scx_bpf_sub_dispatch___compat))
		return false;
	return scx_bpf_sub_dispatch___compat(cgroup_id);
}

/*
 * scx_bpf_cid_override - from ops.init_cids(), replace the kernel's
 * CPU-to-cid map with @cpu_to_cid (@cpu_to_cid_cnt entries, indexed by CPU)
 * and its shards with those starting at the cids of @shard_start
 * (@shard_start_cnt entries), both arrays in the arena.  The kernel checks
 * the layout and fails the scheduler if it is invalid.  Does nothing before
 * v7.3, where cids keep the kernel's layout.
 */
void scx_bpf_cid_override___compat(const s32 __arena *cpu_to_cid__arena,
				   u32 cpu_to_cid_cnt,
				   const s32 __arena *shard_start__arena,
				   u32 shard_start_cnt) __ksym __weak;

static inline void scx_bpf_cid_override(const s32 __arena *cpu_to_cid,
					u32 cpu_to_cid_cnt,
					const s32 __arena *shard_start,
					u32 shard_start_cnt)
{
	if (bpf_ksym_exists(scx_bpf_cid_override___compat))
		scx_bpf_cid_override___compat(cpu_to_cid, cpu_to_cid_cnt,
					      shard_start, shard_start_cnt);
}

/*
 * __COMPAT_is_enq_cpu_selected - did ops.select_cpu() run for the task
 * ops.enqueue() got with @enq_flags?
 *
 * Tested through SCX_ENQ_CPU_SELECTED.  Kernels without that flag always
 * call ops.select_cpu() on wakeup, so the answer there is yes; so it is
 * when the vmlinux.h built against does not know the flag.
 */
static inline bool __COMPAT_is_enq_cpu_selected(u64 enq_flags)
{
#ifdef HAVE_SCX_ENQ_CPU_SELECTED
	if (!bpf_core_enum_value_exists(enum scx_enq_flags, SCX_ENQ_CPU_SELECTED))
		return true;
	return enq_flags & bpf_core_enum_value(enum scx_enq_flags,
					       SCX_ENQ_CPU_SELECTED);
#else
	return true;
#endif
}

/*
 * scx_bpf_now - the current time in ns, from the CPU's cached runqueue
 * clock where the kfunc exists, else bpf_ktime_get_ns().
 */
#define scx_bpf_now()								\
	(bpf_ksym_exists(scx_bpf_now) ? scx_bpf_now() : bpf_ktime_get_ns())

/*
 * __COMPAT_scx_bpf_events - copy the scheduler's event counters into
 * @events, @size bytes long; does nothing before v6.15.
 */
#define __COMPAT_scx_bpf_events(events, size)					\
({										\
	if (bpf_ksym_exists(scx_bpf_events))					\
		scx_bpf_events(events, size);					\
})

/*
 * NUMA-aware idle tracking, v6.15.  On older kernels these fall back to a
 * single node (0 of 1) and to the machine-wide idle kfuncs.
 */

/* __COMPAT_scx_bpf_nr_node_ids - number of NUMA node ids, 1 before v6.15. */
#define __COMPAT_scx_bpf_nr_node_ids()						\
	(bpf_ksym_exists(scx_bpf_nr_node_ids) ? scx_bpf_nr_node_ids() : 1U)

/* __COMPAT_scx_bpf_cpu_node - the node of @cpu, 0 before v6.15. */
#define __COMPAT_scx_bpf_cpu_node(cpu)						\
	(bpf_ksym_exists(scx_bpf_cpu_node) ? scx_bpf_cpu_node(cpu) : 0)

/* __COMPAT_scx_bpf_get_idle_cpumask_node - idle CPUs of @node. */
#define __COMPAT_scx_bpf_get_idle_cpumask_node(node)				\
	(bpf_ksym_exists(scx_bpf_get_idle_cpumask_node) ?			\
	 scx_bpf_get_idle_cpumask_node(node) :					\
	 scx_bpf_get_idle_cpumask())

/* __COMPAT_scx_bpf_get_idle_smtmask_node - CPUs of @node's idle cores. */
#define __COMPAT_scx_bpf_get_idle_smtmask_node(node)				\
	(bpf_ksym_exists(scx_bpf_get_idle_smtmask_node) ?			\
	 scx_bpf_get_idle_smtmask_node(node) :					\
	 scx_bpf_get_idle_smtmask())

/* __COMPAT_scx_bpf_pick_idle_cpu_node - claim an idle CPU, @node first. */
#define __COMPAT_scx_bpf_pick_idle_cpu_node(cpus_allowed, node, flags)		\
	(bpf_ksym_exists(scx_bpf_pick_idle_cpu_node) ?				\
	 scx_bpf_pick_idle_cpu_node(cpus_allowed, node, flags) :		\
	 scx_bpf_pick_idle_cpu(cpus_allowed, flags))

/* __COMPAT_scx_bpf_pick_any_cpu_node - an idle CPU, @node first, or any. */
#define __COMPAT_scx_bpf_pick_any_cpu_node(cpus_allowed, node, flags)		\
	(bpf_ksym_exists(scx_bpf_pick_any_cpu_node) ?				\
	 scx_bpf_pick_any_cpu_node(cpus_allowed, node, flags) :		\
	 scx_bpf_pick_any_cpu(cpus_allowed, flags))

/*
 * __COMPAT_scx_bpf_cpu_curr - the task running on @cpu (RCU-protected)
 *
 * scx_bpf_cpu_curr() appeared in v6.18; before, read the current task off
 * the runqueue scx_bpf_cpu_rq() returned, a kfunc later kernels removed.
 */
struct rq *scx_bpf_cpu_rq(s32 cpu) __ksym __weak;

static inline struct task_struct *__COMPAT_scx_bpf_cpu_curr(int cpu)
{
	struct rq *rq;

	if (bpf_ksym_exists(scx_bpf_cpu_curr))
		return scx_bpf_cpu_curr(cpu);

	rq = scx_bpf_cpu_rq(cpu);
	return rq ? rq->curr : NULL;
}

/*
 * Kfuncs with more scalar arguments than a BPF call can pass took them
 * packed in a struct from v6.19 on (__scx_bpf_select_cpu_and() and
 * __scx_bpf_dsq_insert_vtime(), declared in common.bpf.h).  The wrappers
 * below keep the unpacked calling convention and fall back to the older
 * kfuncs, including the v6.12 names of the DSQ insertion ones.
 */
s32 scx_bpf_select_cpu_and___compat(struct task_struct *p, s32 prev_cpu,
				    u64 wake_flags,
				    const struct cpumask *cpus_allowed,
				    u64 flags) __ksym __weak;
void scx_bpf_dsq_insert_vtime___compat(struct task_struct *p, u64 dsq_id,
				       u64 slice, u64 vtime,
				       u64 enq_flags) __ksym __weak;
void scx_bpf_dispatch_vtime___compat(struct task_struct *p, u64 dsq_id,
				     u64 slice, u64 vtime,
				     u64 enq_flags) __ksym __weak;

/*
 * scx_bpf_select_cpu_and - the built-in idle CPU selection of
 * scx_bpf_select_cpu_dfl(), restricted to @cpus_allowed
 * @p: task being woken up
 * @prev_cpu: CPU @p last ran on
 * @wake_flags: SCX_WAKE_* flags from ops.select_cpu()
 * @cpus_allowed: CPUs to choose from
 * @flags: SCX_PICK_IDLE_* flags
 *
 * Returns the idle CPU it claimed, or a negative error if none was found.
 */
static inline s32 scx_bpf_select_cpu_and(struct task_struct *p, s32 prev_cpu,
					 u64 wake_flags,
					 const struct cpumask *cpus_allowed,
					 u64 flags)
{
	if (bpf_core_type_exists(struct scx_bpf_select_cpu_and_args)) {
		struct scx_bpf_select_cpu_and_args args = {
			.prev_cpu	= prev_cpu,
			.wake_flags	= wake_flags,
			.flags		= flags,
		};

		return __scx_bpf_select_cpu_and(p, cpus_allowed, &args);
	}

	return scx_bpf_select_cpu_and___compat(p, prev_cpu, wake_flags,
					       cpus_allowed, flags);
}

/*
 * __COMPAT_HAS_scx_bpf_select_cpu_and - can scx_bpf_select_cpu_and() be
 * used?  It is an inline now, so bpf_ksym_exists() cannot tell.
 */
#define __COMPAT_HAS_scx_bpf_select_cpu_and					\
	(bpf_core_type_exists(struct scx_bpf_select_cpu_and_args) ||		\
	 bpf_ksym_exists(scx_bpf_select_cpu_and___compat))

/*
 * scx_bpf_dsq_insert_vtime - queue @p on @dsq_id ordered by @vtime
 * @p: task to queue
 * @dsq_id: user DSQ to queue on (built-in DSQs are FIFO only)
 * @slice: time slice in ns, 0 to keep @p's current one
 * @vtime: position of @p in the DSQ's vtime order
 * @enq_flags: SCX_ENQ_* flags
 *
 * Returns false if the kernel refused the insertion (v6.19 and later only;
 * older kernels report nothing and this returns true).
 */
static inline bool scx_bpf_dsq_insert_vtime(struct task_struct *p, u64 dsq_id,
					    u64 slice, u64 vtime, u64 enq_flags)
{
	if (bpf_core_type_exists(struct scx_bpf_dsq_insert_vtime_args)) {
		struct scx_bpf_dsq_insert_vtime_args args = {
			.dsq_id		= dsq_id,
			.slice		= slice,
			.vtime		= vtime,
			.enq_flags	= enq_flags,
		};

		return __scx_bpf_dsq_insert_vtime(p, &args);
	}

	if (bpf_ksym_exists(scx_bpf_dsq_insert_vtime___compat))
		scx_bpf_dsq_insert_vtime___compat(p, dsq_id, slice, vtime,
						  enq_flags);
	else
		scx_bpf_dispatch_vtime___compat(p, dsq_id, slice, vtime,
						enq_flags);
	return true;
}

/*
 * scx_bpf_dsq_insert - queue @p at the tail of @dsq_id (the head with
 * SCX_ENQ_HEAD), with time slice @slice (0 keeps the current one)
 *
 * v6.19 made the kfunc return a bool, under the name
 * scx_bpf_dsq_insert___v2; v6.13 renamed scx_bpf_dispatch() to
 * scx_bpf_dsq_insert().  Returns false if the kernel refused the insertion,
 * always true on kernels before v6.19.
 */
bool scx_bpf_dsq_insert___v2___compat(struct task_struct *p, u64 dsq_id,
				      u64 slice, u64 enq_flags) __ksym __weak;
void scx_bpf_dsq_insert___v1(struct task_struct *p, u64 dsq_id, u64 slice,
			     u64 enq_flags) __ksym __weak;
void scx_bpf_dispatch___compat(struct task_struct *p, u64 dsq_id, u64 slice,
			       u64 enq_flags) __ksym __weak;

static inline bool scx_bpf_dsq_insert(struct task_struct *p, u64 dsq_id,
				      u64 slice, u64 enq_flags)
{
	if (bpf_ksym_exists(scx_bpf_dsq_insert___v2___compat))
		return scx_bpf_dsq_insert___v2___compat(p, dsq_id, slice,
							enq_flags);

	if (bpf_ksym_exists(scx_bpf_dsq_insert___v1))
		scx_bpf_dsq_insert___v1(p, dsq_id, slice, enq_flags);
	else
		scx_bpf_dispatch___compat(p, dsq_id, slice, enq_flags);
	return true;
}

/*
 * scx_bpf_task_set_slice, scx_bpf_task_set_dsq_vtime - set @p's time slice
 * or DSQ vtime
 *
 * Through the v6.19 kfuncs, which let the kernel check that the scheduler
 * owns @p (it may belong to a sub-scheduler), else by writing p->scx
 * directly as older kernels allow.
 */
bool scx_bpf_task_set_slice___new(struct task_struct *p, u64 slice) __ksym __weak;
bool scx_bpf_task_set_dsq_vtime___new(struct task_struct *p,
				      u64 vtime) __ksym __weak;

static inline void scx_bpf_task_set_slice(struct task_struct *p, u64 slice)
{
	if (bpf_ksym_exists(scx_bpf_task_set_slice___new))
		scx_bpf_task_set_slice___new(p, slice);
	else
		p->scx.slice = slice;
}

static inline void scx_bpf_task_set_dsq_vtime(struct task_struct *p, u64 vtime)
{
	if (bpf_ksym_exists(scx_bpf_task_set_dsq_vtime___new))
		scx_bpf_task_set_dsq_vtime___new(p, vtime);
	else
		p->scx.dsq_vtime = vtime;
}

/*
 * Re-enqueueing queued tasks, i.e. handing them to ops.enqueue() again.
 *
 * v7.1 added scx_bpf_dsq_reenq(), for any local or user DSQ.  Before it,
 * scx_bpf_reenqueue_local() only covered the local DSQ of the current CPU:
 * callable from anywhere since v6.19 (its ___v2), only from
 * ops.cpu_release() before.  Each ksym is tested in a branch of its own:
 * the compiler may merge a combined test into an OR of the two addresses,
 * which the verifier rejects.
 */
void scx_bpf_dsq_reenq___compat(u64 dsq_id, u64 reenq_flags) __ksym __weak;
void scx_bpf_reenqueue_local___v2___compat(void) __ksym __weak;
u32 scx_bpf_reenqueue_local___v1(void) __ksym __weak;

/* __COMPAT_has_generic_reenq - does scx_bpf_dsq_reenq() exist (v7.1)? */
static inline bool __COMPAT_has_generic_reenq(void)
{
	return bpf_ksym_exists(scx_bpf_dsq_reenq___compat);
}

/*
 * __COMPAT_scx_bpf_reenqueue_local_from_anywhere - does the v6.19
 * scx_bpf_reenqueue_local(), callable outside ops.cpu_release(), exist?
 */
static inline bool __COMPAT_scx_bpf_reenqueue_local_from_anywhere(void)
{
	return bpf_ksym_exists(scx_bpf_reenqueue_local___v2___compat);
}

/*
 * scx_bpf_reenqueue_local - re-enqueue the tasks on the current CPU's local
 * DSQ.  Before v6.19 only valid from ops.cpu_release().
 */
static inline void scx_bpf_reenqueue_local(void)
{
	if (__COMPAT_has_generic_reenq())
		scx_bpf_dsq_reenq___compat(SCX_DSQ_LOCAL, 0);
	else if (__COMPAT_scx_bpf_reenqueue_local_from_anywhere())
		scx_bpf_reenqueue_local___v2___compat();
	else
		scx_bpf_reenqueue_local___v1();
}

/*
 * scx_bpf_reenqueue_local_from_anywhere - scx_bpf_reenqueue_local() for
 * callers outside ops.cpu_release(): 0, or -EOPNOTSUPP before v6.19.
 */
static inline int scx_bpf_reenqueue_local_from_anywhere(void)
{
	if (__COMPAT_has_generic_reenq()) {
		scx_bpf_dsq_reenq___compat(SCX_DSQ_LOCAL, 0);
		return 0;
	}
	if (__COMPAT_scx_bpf_reenqueue_local_from_anywhere()) {
		scx_bpf_reenqueue_local___v2___compat();
		return 0;
	}
	return -EOPNOTSUPP;
}

/*
 * scx_bpf_dsq_reenq - re-enqueue the tasks of @dsq_id, filtered by
 * SCX_REENQ_* @reenq_flags.  Before v7.1 only the current CPU's local DSQ
 * without flags can be done; anything else fails the scheduler.
 */
static inline void scx_bpf_dsq_reenq(u64 dsq_id, u64 reenq_flags)
{
	if (__COMPAT_has_generic_reenq())
		scx_bpf_dsq_reenq___compat(dsq_id, reenq_flags);
	else if (dsq_id == SCX_DSQ_LOCAL && !reenq_flags)
		scx_bpf_reenqueue_local();
	else
		scx_bpf_error("re-enqueueing DSQ 0x%llx with flags 0x%llx needs v7.1 or later",
			      dsq_id, reenq_flags);
}

/*
 * SCX_OPS_DEFINE - define the scheduler's struct sched_ext_ops @__name, its
 * members given as designated initializers.
 *
 * It goes in .struct_ops.link, so that attaching it yields a bpf_link; the
 * loader adapts it to the running kernel when opening it (SCX_OPS_OPEN()).
 */
#define SCX_OPS_DEFINE(__name, ...)						\
	SEC(".struct_ops.link")							\
	struct sched_ext_ops __name = {						\
		__VA_ARGS__,							\
	}

/*
 * SCX_OPS_CID_DEFINE - the same for a cid-form scheduler (v7.3): its
 * struct sched_ext_ops_cid takes and gives cids where sched_ext_ops has
 * CPU numbers (ops.select_cid(), ops.dispatch(), ...), and its programs may
 * call only the cid forms of the kfuncs.  The loader opens it with
 * SCX_OPS_CID_OPEN().
 */
#define SCX_OPS_CID_DEFINE(__name, ...)						\
	SEC(".struct_ops.link")							\
	struct sched_ext_ops_cid __name = {					\
		__VA_ARGS__,							\
	}

#endif /* __SCX_COMPAT_BPF_H */
