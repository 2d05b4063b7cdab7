/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a sched_ext BPF scheduler includes: vmlinux.h and libbpf's helpers,
 * the sched_ext and generic kfuncs it may call, message and exit macros,
 * verifier-friendly accessors and small helpers, BPF arenas
 * (bpf_arena_common.bpf.h), then the kernel-version shims of compat.bpf.h,
 * the relocatable enums of enums.bpf.h and the cmask helpers of cid.bpf.h.
 *
 * Kernel versions below are those of mainline: sched_ext itself appeared in
 * v6.12, and the releases after v6.19 are v7.0, v7.1 and so on.  They are
 * given where known; a weak kfunc without one may still be missing from
 * some supported kernels, so test it with bpf_ksym_exists() before use.
 *
 * Copyright (c) 2026 The scx_flash authors
 */
#ifndef __SCX_COMMON_BPF_H
#define __SCX_COMMON_BPF_H

/*
 * vmlinux.h also declares every kfunc of the kernel it was dumped from, but
 * without the address-space attributes some of them need; that breaks the
 * build (sched-ext/scx issue 1111).  Suppress those and declare the kfuncs
 * used here below.
 */
#define BPF_NO_KFUNC_PROTOTYPES

#ifdef LSP
#define __bpf__
#include "../vmlinux.h"
#else
#include "vmlinux.h"
#endif

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <asm-generic/errno.h>
#include "user_exit_info.bpf.h"
#include "enum_defs.autogen.h"
#include "bpf_arena_common.bpf.h"

/* Bits of task_struct::flags; vmlinux.h only has types, not macros. */
#define PF_IDLE			0x00000002	/* an idle thread */
#define PF_EXITING		0x00000004	/* being shut down */
#define PF_IO_WORKER		0x00000010	/* an io_uring worker */
#define PF_WQ_WORKER		0x00000020	/* a workqueue worker */
#define PF_KCOMPACTD		0x00010000	/* kcompactd */
#define PF_KSWAPD		0x00020000	/* kswapd */
#define PF_KTHREAD		0x00200000	/* a kernel thread */

/* Clock id for bpf_timer_init(). */
#define CLOCK_MONOTONIC		1

/* Upper bound on CPU ids for sizing arrays; override it before including. */
#ifndef NR_CPUS
#define NR_CPUS			1024
#endif

/* "No preferred node", e.g. for scx_bpf_create_dsq(). */
#ifndef NUMA_NO_NODE
#define NUMA_NO_NODE		(-1)
#endif

/* Configuration of the running kernel, filled in by libbpf at load. */
extern int LINUX_KERNEL_VERSION __kconfig;
extern const char CONFIG_CC_VERSION_TEXT[64] __kconfig __weak;
extern const char CONFIG_LOCALVERSION[64] __kconfig __weak;
extern bool CONFIG_PREEMPT_RCU __kconfig __weak;

/*
 * __scx_kernel_version - LINUX_KERNEL_VERSION, the running kernel's version
 * as KERNEL_VERSION(major, minor, patch) encodes it, for comparisons that
 * keep the constant on the right.
 */
static __always_inline int __scx_kernel_version(void)
{
	return LINUX_KERNEL_VERSION;
}

/*
 * Old clang and pahole versions drop the upper 32 bits of 64-bit enums
 * when they write vmlinux.h, and everything built on it then silently goes
 * wrong.  SCX_DSQ_FLAG_BUILTIN is bit 63: refuse to build if it reads 0.
 */
static inline void ___vmlinux_h_sanity_check___(void)
{
	_Static_assert(SCX_DSQ_FLAG_BUILTIN,
		       "vmlinux.h lost the upper bits of 64-bit enums; regenerate it with newer clang and pahole");
}

/*
 * Compiler helpers
 */

/* Branch hints; recent libbpf's bpf_helpers.h has them already. */
#ifndef likely
#define likely(x)		__builtin_expect(!!(x), 1)
#endif
#ifndef unlikely
#define unlikely(x)		__builtin_expect(!!(x), 0)
#endif
#ifndef __maybe_unused
#define __maybe_unused		__attribute__((__unused__))
#endif

/* Turn a macro argument into a string, after expanding it for TOSTRING. */
#define SCX_STRINGIFY(x)	#x
#define SCX_TOSTRING(x)		SCX_STRINGIFY(x)

/*
 * READ_ONCE - load @x exactly once, with a single access the compiler may
 * neither tear, merge, repeat nor move across other volatile accesses.  For
 * scalars and pointers, as in the kernel.
 */
#define READ_ONCE(x)		(*(const volatile typeof(x) *)&(x))

/* WRITE_ONCE - the store counterpart of READ_ONCE(); evaluates to @val. */
#define WRITE_ONCE(x, val)							\
({										\
	__auto_type __wo_val = (val);						\
										\
	*(volatile typeof(x) *)&(x) = __wo_val;					\
	__wo_val;								\
})

/*
 * Formatted messages
 *
 * The *_bstr kfuncs take a format string and its arguments as an array of
 * u64.  The macros below build that array from ordinary printf-style
 * arguments, and hand the same arguments to an empty printf-like function
 * so that the compiler checks them against the format.
 */
static inline __attribute__((format(printf, 1, 2)))
void ___scx_bpf_bstr_format_checker(const char *fmt, ...)
{
}

/*
 * scx_bpf_bstr_preamble - declare ___fmt (@fmt in a static buffer) and
 * ___param (the arguments as u64, at least one slot: the verifier rejects
 * empty arrays), for a *_bstr kfunc call that follows.
 */
#define scx_bpf_bstr_preamble(fmt, args...)					\
	static char ___fmt[] = fmt;						\
	unsigned long long ___param[___bpf_narg(args) ?: 1] = {};		\
										\
	_Pragma("GCC diagnostic push")						\
	_Pragma("GCC diagnostic ignored \"-Wint-conversion\"")			\
	___bpf_fill(___param, args);						\
	_Pragma("GCC diagnostic pop")

/*
 * scx_bpf_exit - unload the scheduler as a normal exit, with a formatted
 * message; @code reaches the loader as the exit record's exit_code.
 */
#define scx_bpf_exit(code, fmt, args...)					\
({										\
	scx_bpf_bstr_preamble(fmt, args)					\
	scx_bpf_exit_bstr(code, ___fmt, ___param, sizeof(___param));		\
	___scx_bpf_bstr_format_checker(fmt, ##args);				\
})

/*
 * scx_bpf_error - unload the scheduler as failed, with a formatted message
 * prefixed by "file:line: ".
 */
#define scx_bpf_error(fmt, args...)						\
({										\
	scx_bpf_bstr_preamble(__FILE__ ":" SCX_TOSTRING(__LINE__) ": " fmt,	\
			      ##args)						\
	scx_bpf_error_bstr(___fmt, ___param, sizeof(___param));			\
	___scx_bpf_bstr_format_checker(__FILE__ ":" SCX_TOSTRING(__LINE__)	\
				       ": " fmt, ##args);			\
})

/* scx_bpf_dump - append a formatted line to the debug dump, from ops.dump*(). */
#define scx_bpf_dump(fmt, args...)						\
({										\
	scx_bpf_bstr_preamble(fmt, args)					\
	scx_bpf_dump_bstr(___fmt, ___param, sizeof(___param));			\
	___scx_bpf_bstr_format_checker(fmt, ##args);				\
})

/* scx_bpf_dump_header - dump the kernel version, local version and compiler. */
#define scx_bpf_dump_header()							\
	scx_bpf_dump("kernel: %d.%d.%d %s\ncc: %s\n",				\
		     LINUX_KERNEL_VERSION >> 16,				\
		     (u8)(LINUX_KERNEL_VERSION >> 8),			\
		     (u8)LINUX_KERNEL_VERSION,					\
		     CONFIG_LOCALVERSION, CONFIG_CC_VERSION_TEXT)

/*
 * scx_bpf_sub_kill - kill the child sub-scheduler attached to cgroup @cgid,
 * with a formatted reason.  Evaluates to the kfunc's result, or -EOPNOTSUPP
 * on kernels without sub-schedulers (before v7.1).
 */
#define scx_bpf_sub_kill(cgid, fmt, args...)					\
({										\
	scx_bpf_bstr_preamble(fmt, args)					\
	___scx_bpf_bstr_format_checker(fmt, ##args);				\
	bpf_ksym_exists(scx_bpf_sub_kill_bstr) ?				\
		scx_bpf_sub_kill_bstr((cgid), ___fmt, ___param,			\
				      sizeof(___param)) :			\
		-EOPNOTSUPP;							\
})

/*
 * Programs and data
 */

/* Define sched_ext_ops callback @name; BPF_PROG() unpacks its arguments. */
#define BPF_STRUCT_OPS(name, args...)						\
	SEC("struct_ops/" #name) BPF_PROG(name, ##args)

/* The same for a callback that may sleep (ops.init(), ops.init_task(), ...). */
#define BPF_STRUCT_OPS_SLEEPABLE(name, args...)					\
	SEC("struct_ops.s/" #name) BPF_PROG(name, ##args)

/*
 * RESIZABLE_ARRAY - declare @arr as a one-element array alone in data
 * section .@elfsec.@arr (@elfsec: normally data)
 *
 * Every data section is a map, and libbpf can change a map's value size
 * before load, which also stretches the section's last array.  Giving the
 * array a section of its own lets the loader size it at run time with
 * RESIZE_ARRAY() (see common.h), e.g. to the number of CPUs.  Index it with
 * ARRAY_ELEM_PTR(), since its compile-time size is 1.
 */
#define RESIZABLE_ARRAY(elfsec, arr)	arr[1] SEC("." #elfsec "." #arr)

/*
 * MEMBER_VPTR - bounds-checked pointer to a member of an object
 * @base: a struct or array object (not a pointer to one)
 * @member: what to apply to it: .field, [i], [i][j], .field[i], ...
 *
 * Evaluates to &(@base @member), or NULL if that lies outside @base.  The
 * check is done in inline assembly, on the byte offset, so the verifier
 * sees an explicit bound instead of whatever index arithmetic the compiler
 * would emit.  Test the result for NULL before using it.  For something
 * behind a pointer, use MEMBER_VPTR(*ptr, .member).
 */
#ifndef MEMBER_VPTR
#define MEMBER_VPTR(base, member)						\
((typeof((base) member) *)({							\
	u64 __vptr_base = (u64)&(base);						\
	u64 __vptr = (u64)&((base) member) - __vptr_base;			\
										\
	_Static_assert(sizeof(base) >= sizeof((base) member),			\
		       "MEMBER_VPTR: @base must be an object, not a pointer");	\
	asm volatile ("if %[ofs] > %[lim] goto +2\n\t"				\
		      "%[ofs] += %[start]\n\t"					\
		      "goto +1\n\t"						\
		      "%[ofs] = 0"						\
		      : [ofs] "+r"(__vptr)					\
		      : [start] "r"(__vptr_base),				\
			[lim] "i"(sizeof(base) - sizeof((base) member)));	\
	__vptr;									\
}))
#endif

/*
 * ARRAY_ELEM_PTR - bounds-checked pointer to @arr[@i] when @arr has @n
 * elements, @n known only at run time (RESIZABLE_ARRAY()); NULL if @i is
 * out of range.
 */
#ifndef ARRAY_ELEM_PTR
#define ARRAY_ELEM_PTR(arr, i, n)						\
((typeof((arr)[i]) *)({								\
	u64 __elem_base = (u64)(arr);						\
	u64 __elem = (u64)&(arr)[i] - __elem_base;				\
										\
	asm volatile ("if %[ofs] > %[lim] goto +2\n\t"				\
		      "%[ofs] += %[start]\n\t"					\
		      "goto +1\n\t"						\
		      "%[ofs] = 0"						\
		      : [ofs] "+r"(__elem)					\
		      : [start] "r"(__elem_base),				\
			[lim] "r"(sizeof((arr)[0]) * ((n) - 1)));		\
	__elem;									\
}))
#endif

/*
 * __contains - tag a bpf_list_head or bpf_rb_root with the type of its
 * nodes: struct @name, linked through its member @node.
 */
#define __contains(name, node)							\
	__attribute__((btf_decl_tag("contains:" #name ":" #node)))

/*
 * private - put a global in its own hidden data section .data.@name: where
 * kptrs, bpf_spin_lock and the list and rbtree roots they protect go.
 */
#define private(name)	SEC(".data." #name) __hidden __attribute__((aligned(8)))

/*
 * BPF_FOR_EACH_ITER - the current iterator of a bpf_for_each() loop, for
 * the @it__iter argument of scx_bpf_dsq_move*() inside
 * bpf_for_each(scx_dsq, ...).
 */
#define BPF_FOR_EACH_ITER	(&___it)

/* scx_read_event - field @name of struct scx_event_stats @e, 0 if unknown. */
#define scx_read_event(e, name)							\
	(bpf_core_field_exists((e)->name) ? (e)->name : 0)

/*
 * sched_ext kfuncs
 *
 * Declared __weak when a scheduler may have to test them with
 * bpf_ksym_exists() (newer than v6.12, or optional); then the load does
 * not fail on kernels without them.  Kfuncs that changed their signature or
 * name are reached through the wrappers in compat.bpf.h instead.
 */

/* Dispatch queues */
s32 scx_bpf_create_dsq(u64 dsq_id, s32 node) __ksym;
void scx_bpf_destroy_dsq(u64 dsq_id) __ksym;
s32 scx_bpf_dsq_nr_queued(u64 dsq_id) __ksym;
struct task_struct *scx_bpf_dsq_peek(u64 dsq_id) __ksym __weak;	/* v6.19 */
int bpf_iter_scx_dsq_new(struct bpf_iter_scx_dsq *it, u64 dsq_id,
			 u64 flags) __ksym __weak;
struct task_struct *bpf_iter_scx_dsq_next(struct bpf_iter_scx_dsq *it) __ksym __weak;
void bpf_iter_scx_dsq_destroy(struct bpf_iter_scx_dsq *it) __ksym __weak;

/* Backends of scx_bpf_dsq_insert_vtime() and scx_bpf_select_cpu_and(), v6.19 */
bool __scx_bpf_dsq_insert_vtime(struct task_struct *p,
				struct scx_bpf_dsq_insert_vtime_args *args) __ksym __weak;
s32 __scx_bpf_select_cpu_and(struct task_struct *p,
			     const struct cpumask *cpus_allowed,
			     struct scx_bpf_select_cpu_and_args *args) __ksym __weak;

/* ops.dispatch() */
u32 scx_bpf_dispatch_nr_slots(void) __ksym;
void scx_bpf_dispatch_cancel(void) __ksym;

/* CPU selection and idle tracking */
s32 scx_bpf_select_cpu_dfl(struct task_struct *p, s32 prev_cpu, u64 wake_flags,
			   bool *is_idle) __ksym;
void scx_bpf_kick_cpu(s32 cpu, u64 flags) __ksym;
const struct cpumask *scx_bpf_get_idle_cpumask(void) __ksym;
const struct cpumask *scx_bpf_get_idle_smtmask(void) __ksym;
void scx_bpf_put_idle_cpumask(const struct cpumask *cpumask) __ksym;
bool scx_bpf_test_and_clear_cpu_idle(s32 cpu) __ksym;
s32 scx_bpf_pick_idle_cpu(const struct cpumask *cpus_allowed, u64 flags) __ksym;
s32 scx_bpf_pick_any_cpu(const struct cpumask *cpus_allowed, u64 flags) __ksym;

/* Per-node variants, v6.15; need SCX_OPS_BUILTIN_IDLE_PER_NODE */
const struct cpumask *scx_bpf_get_idle_cpumask_node(int node) __ksym __weak;
const struct cpumask *scx_bpf_get_idle_smtmask_node(int node) __ksym __weak;
s32 scx_bpf_pick_idle_cpu_node(const struct cpumask *cpus_allowed, int node,
			       u64 flags) __ksym __weak;
s32 scx_bpf_pick_any_cpu_node(const struct cpumask *cpus_allowed, int node,
			      u64 flags) __ksym __weak;

/* CPU topology and performance; cpuperf values range 0..SCX_CPUPERF_ONE */
u32 scx_bpf_nr_cpu_ids(void) __ksym __weak;
u32 scx_bpf_nr_node_ids(void) __ksym __weak;			/* v6.15 */
int scx_bpf_cpu_node(s32 cpu) __ksym __weak;			/* v6.15 */
const struct cpumask *scx_bpf_get_possible_cpumask(void) __ksym __weak;
const struct cpumask *scx_bpf_get_online_cpumask(void) __ksym __weak;
void scx_bpf_put_cpumask(const struct cpumask *cpumask) __ksym __weak;
u32 scx_bpf_cpuperf_cap(s32 cpu) __ksym __weak;
u32 scx_bpf_cpuperf_cur(s32 cpu) __ksym __weak;
void scx_bpf_cpuperf_set(s32 cpu, u32 perf) __ksym __weak;

/* Tasks and runqueues */
bool scx_bpf_task_running(const struct task_struct *p) __ksym;
s32 scx_bpf_task_cpu(const struct task_struct *p) __ksym;
struct task_struct *scx_bpf_cpu_curr(s32 cpu) __ksym __weak;	/* v6.18 */
struct task_struct *scx_bpf_tid_to_task(u64 tid) __ksym __weak;
struct rq *scx_bpf_locked_rq(void) __ksym;
u64 scx_bpf_now(void) __ksym __weak;

/* Exit, error and debug dump; see the message macros above */
void scx_bpf_exit_bstr(s64 exit_code, char *fmt, unsigned long long *data,
		       u32 data__sz) __ksym __weak;
void scx_bpf_error_bstr(char *fmt, unsigned long long *data, u32 data__sz) __ksym;
void scx_bpf_dump_bstr(char *fmt, unsigned long long *data, u32 data__sz) __ksym __weak;

/* Event counters, v6.15 */
void scx_bpf_events(struct scx_event_stats *events, size_t events__sz) __ksym __weak;

/* Backend of scx_bpf_sub_kill(), v7.1 */
s32 scx_bpf_sub_kill_bstr(u64 cgroup_id, char *fmt, unsigned long long *data,
			  u32 data__sz) __ksym __weak;

/*
 * Sub-schedulers, v7.1: grant the child scheduler of cgroup @cgroup_id
 * capabilities @caps on the cids of @cmask__arena (those that cannot be
 * granted go to @denied_out__arena__nullable, if not NULL), take them back,
 * or read the cids on which a scheduler (@cgroup_id 0: this one) holds
 * @caps into @out__arena.
 */
s32 scx_bpf_sub_grant(u64 cgroup_id, u64 caps,
		      const struct scx_cmask __arena *cmask__arena,
		      struct scx_cmask __arena *denied_out__arena__nullable) __ksym __weak;
void scx_bpf_sub_revoke(u64 cgroup_id, u64 caps,
			const struct scx_cmask __arena *cmask__arena) __ksym __weak;
s32 scx_bpf_sub_caps(u64 cgroup_id, u64 caps,
		     struct scx_cmask __arena *out__arena) __ksym __weak;

/*
 * cids, v7.3: compact CPU ids, numbered so that CPUs close in the topology
 * have close cids, and the cid forms of the CPU kfuncs, for cid-form
 * schedulers (SCX_OPS_CID_DEFINE()).  Translation both ways, the topology
 * of a cid, the counts of possible and online cids and the online cids as
 * an arena cmask, the current task of a cid, a task's and this CPU's cid,
 * kicking a cid and its performance level.
 */
s32 scx_bpf_cpu_to_cid(s32 cpu) __ksym __weak;
s32 scx_bpf_cid_to_cpu(s32 cid) __ksym __weak;
void scx_bpf_cid_topo(s32 cid, struct scx_cid_topo *out,
		      size_t out__sz) __ksym __weak;
u32 scx_bpf_nr_cids(void) __ksym __weak;
u32 scx_bpf_nr_online_cids(void) __ksym __weak;
const void __arena *scx_bpf_online_cmask(void) __ksym __weak;
struct task_struct *scx_bpf_cid_curr(s32 cid) __ksym __weak;
s32 scx_bpf_task_cid(const struct task_struct *p) __ksym __weak;
s32 scx_bpf_this_cid(void) __ksym __weak;
void scx_bpf_kick_cid(s32 cid, u64 flags) __ksym __weak;
u32 scx_bpf_cidperf_cap(s32 cid) __ksym __weak;
u32 scx_bpf_cidperf_cur(s32 cid) __ksym __weak;
s32 scx_bpf_cidperf_set(s32 cid, u32 perf) __ksym __weak;

/*
 * Generic kfuncs
 */

/* Allocated objects: bpf_obj_new(struct foo) and bpf_obj_drop() */
void *bpf_obj_new_impl(__u64 local_type_id, void *meta) __ksym;
void bpf_obj_drop_impl(void *kptr, void *meta) __ksym;
void *bpf_refcount_acquire_impl(void *kptr, void *meta) __ksym;

#define bpf_obj_new(type)							\
	((type *)bpf_obj_new_impl(bpf_core_type_id_local(type), NULL))
#define bpf_obj_drop(kptr)		bpf_obj_drop_impl(kptr, NULL)
#define bpf_refcount_acquire(kptr)	bpf_refcount_acquire_impl(kptr, NULL)

/* Lists and red-black trees of allocated objects, see __contains() */
int bpf_list_push_front_impl(struct bpf_list_head *head,
			     struct bpf_list_node *node,
			     void *meta, __u64 off) __ksym;
int bpf_list_push_back_impl(struct bpf_list_head *head,
			    struct bpf_list_node *node,
			    void *meta, __u64 off) __ksym;
struct bpf_list_node *bpf_list_pop_front(struct bpf_list_head *head) __ksym;
struct bpf_list_node *bpf_list_pop_back(struct bpf_list_head *head) __ksym;
int bpf_rbtree_add_impl(struct bpf_rb_root *root, struct bpf_rb_node *node,
			bool (less)(struct bpf_rb_node *a,
				    const struct bpf_rb_node *b),
			void *meta, __u64 off) __ksym;
struct bpf_rb_node *bpf_rbtree_remove(struct bpf_rb_root *root,
				      struct bpf_rb_node *node) __ksym;
struct bpf_rb_node *bpf_rbtree_first(struct bpf_rb_root *root) __ksym;

#define bpf_list_push_front(head, node)						\
	bpf_list_push_front_impl(head, node, NULL, 0)
#define bpf_list_push_back(head, node)						\
	bpf_list_push_back_impl(head, node, NULL, 0)
#define bpf_rbtree_add(root, node, less)					\
	bpf_rbtree_add_impl(root, node, less, NULL, 0)

/* Tasks */
struct task_struct *bpf_task_from_pid(s32 pid) __ksym;
struct task_struct *bpf_task_acquire(struct task_struct *p) __ksym;
void bpf_task_release(struct task_struct *p) __ksym;

/* Cgroups */
struct cgroup *bpf_cgroup_ancestor(struct cgroup *cgrp, int level) __ksym;
struct cgroup *bpf_cgroup_acquire(struct cgroup *cgrp) __ksym;
void bpf_cgroup_release(struct cgroup *cgrp) __ksym;
struct cgroup *bpf_cgroup_from_id(u64 cgid) __ksym;

/* Open-coded iteration over cgroup css's: bpf_for_each(css, ...) */
struct bpf_iter_css;
struct cgroup_subsys_state;
int bpf_iter_css_new(struct bpf_iter_css *it, struct cgroup_subsys_state *start,
		     unsigned int flags) __ksym __weak;
struct cgroup_subsys_state *bpf_iter_css_next(struct bpf_iter_css *it) __ksym __weak;
void bpf_iter_css_destroy(struct bpf_iter_css *it) __ksym __weak;

/* cpumasks: struct bpf_cpumask is writable, read it through cast_mask() */
struct bpf_cpumask *bpf_cpumask_create(void) __ksym;
struct bpf_cpumask *bpf_cpumask_acquire(struct bpf_cpumask *cpumask) __ksym;
void bpf_cpumask_release(struct bpf_cpumask *cpumask) __ksym;
u32 bpf_cpumask_first(const struct cpumask *cpumask) __ksym;
u32 bpf_cpumask_first_zero(const struct cpumask *cpumask) __ksym;
void bpf_cpumask_set_cpu(u32 cpu, struct bpf_cpumask *cpumask) __ksym;
void bpf_cpumask_clear_cpu(u32 cpu, struct bpf_cpumask *cpumask) __ksym;
bool bpf_cpumask_test_cpu(u32 cpu, const struct cpumask *cpumask) __ksym;
bool bpf_cpumask_test_and_set_cpu(u32 cpu, struct bpf_cpumask *cpumask) __ksym;
bool bpf_cpumask_test_and_clear_cpu(u32 cpu, struct bpf_cpumask *cpumask) __ksym;
void bpf_cpumask_setall(struct bpf_cpumask *cpumask) __ksym;
void bpf_cpumask_clear(struct bpf_cpumask *cpumask) __ksym;
bool bpf_cpumask_and(struct bpf_cpumask *dst, const struct cpumask *src1,
		     const struct cpumask *src2) __ksym;
void bpf_cpumask_or(struct bpf_cpumask *dst, const struct cpumask *src1,
		    const struct cpumask *src2) __ksym;
void bpf_cpumask_xor(struct bpf_cpumask *dst, const struct cpumask *src1,
		     const struct cpumask *src2) __ksym;
bool bpf_cpumask_equal(const struct cpumask *src1,
		       const struct cpumask *src2) __ksym;
bool bpf_cpumask_intersects(const struct cpumask *src1,
			    const struct cpumask *src2) __ksym;
bool bpf_cpumask_subset(const struct cpumask *src1,
			const struct cpumask *src2) __ksym;
bool bpf_cpumask_empty(const struct cpumask *cpumask) __ksym;
bool bpf_cpumask_full(const struct cpumask *cpumask) __ksym;
void bpf_cpumask_copy(struct bpf_cpumask *dst, const struct cpumask *src) __ksym;
u32 bpf_cpumask_any_distribute(const struct cpumask *cpumask) __ksym;
u32 bpf_cpumask_any_and_distribute(const struct cpumask *src1,
				   const struct cpumask *src2) __ksym;
u32 bpf_cpumask_weight(const struct cpumask *cpumask) __ksym;

/* Open-coded iteration over the set bits of a bitmap */
int bpf_iter_bits_new(struct bpf_iter_bits *it, const u64 *unsafe_ptr__ign,
		      u32 nr_words) __ksym;
int *bpf_iter_bits_next(struct bpf_iter_bits *it) __ksym;
void bpf_iter_bits_destroy(struct bpf_iter_bits *it) __ksym;

/* RCU read-side critical sections */
void bpf_rcu_read_lock(void) __ksym;
void bpf_rcu_read_unlock(void) __ksym;

/* Resilient spin lock: fails with an error instead of deadlocking */
int bpf_res_spin_lock(struct bpf_res_spin_lock *lock) __ksym __weak;
void bpf_res_spin_unlock(struct bpf_res_spin_lock *lock) __ksym __weak;

/*
 * Helpers
 */

/* cast_mask - read-only view of a bpf_cpumask, for the cpumask kfuncs. */
static __always_inline const struct cpumask *cast_mask(struct bpf_cpumask *mask)
{
	return (const struct cpumask *)mask;
}

/*
 * Whether the trampoline entering non-sleepable BPF programs
 * (__bpf_prog_enter()) calls migrate_disable() on the current task, as
 * measured by scx_lib_init_probe() below.  Until it has run, or if it could
 * not tell, assume it does: is_migration_disabled() then at worst reports a
 * task pinned that is not, which only costs a local dispatch, while the
 * opposite mistake can get the scheduler killed.
 */
bool __scx_prolog_disables_migration __weak = true;

/*
 * scx_lib_init_probe - measure __scx_prolog_disables_migration
 *
 * Runs on entry of bpf_scx_reg(), the struct_ops callback through which
 * the kernel registers the scheduler when the loader attaches it, before
 * ops.init().  SCX_OPS_ATTACH() attaches this program first, with the rest
 * of the skeleton.  At that point the loader's own task has exactly the
 * prolog's migrate_disable(), if any; a count above one means something
 * else on the way disabled migration too, and the measurement is dropped.
 *
 * Every object that includes this header carries the program; it is weak
 * so that such objects still link together.
 */
SEC("fentry/bpf_scx_reg") __weak
int scx_lib_init_probe(void *ctx)
{
	const struct task_struct *cur = bpf_get_current_task_btf();
	u32 md;

	if (!bpf_core_field_exists(cur->migration_disabled))
		return 0;

	md = cur->migration_disabled;
	if (md > 1)
		bpf_printk("scx: migration_disabled=%u on bpf_scx_reg() entry, prolog probe ignored",
			   md);
	else
		__scx_prolog_disables_migration = md;
	return 0;
}

/*
 * is_migration_disabled - is @p pinned to its CPU by migrate_disable()?
 *
 * Reads p->migration_disabled (CO-RE; false on kernels without it).  A count
 * of one on the current task is ambiguous: it may be the BPF prolog's own
 * migrate_disable().  The prolog does so with CONFIG_PREEMPT_RCU, never
 * without it since v6.18, and before v6.18 as scx_lib_init_probe() found.
 *
 * Only valid in non-sleepable programs: the sleepable prolog always disables
 * migration, which this does not account for.
 */
static inline bool is_migration_disabled(const struct task_struct *p)
{
	bool prolog_disables;
	u32 md;

	if (!bpf_core_field_exists(p->migration_disabled))
		return false;

	md = p->migration_disabled;
	if (md != 1)
		return md;

	if (CONFIG_PREEMPT_RCU)
		prolog_disables = true;
	else if (__scx_kernel_version() >= KERNEL_VERSION(6, 18, 0))
		prolog_disables = false;
	else
		prolog_disables = __scx_prolog_disables_migration;

	return !prolog_disables || p != bpf_get_current_task_btf();
}

/*
 * Comparisons of u64 timestamps (ns) and other counters that stay correct
 * across wraparound, as long as the two values are less than 2^63 apart;
 * modelled on the kernel's jiffies helpers.
 */

/* time_delta - @after - @before, or 0 if @after is not later. */
static inline s64 time_delta(u64 after, u64 before)
{
	s64 delta = (s64)(after - before);

	return delta > 0 ? delta : 0;
}

/* time_after - is @a later than @b? */
static inline bool time_after(u64 a, u64 b)
{
	return (s64)(b - a) < 0;
}

/* time_before - is @a earlier than @b? */
static inline bool time_before(u64 a, u64 b)
{
	return time_after(b, a);
}

/* time_after_eq - is @a later than or equal to @b? */
static inline bool time_after_eq(u64 a, u64 b)
{
	return (s64)(a - b) >= 0;
}

/* time_before_eq - is @a earlier than or equal to @b? */
static inline bool time_before_eq(u64 a, u64 b)
{
	return time_after_eq(b, a);
}

/* time_in_range - is @a within [@b, @c]? */
static inline bool time_in_range(u64 a, u64 b, u64 c)
{
	return time_after_eq(a, b) && time_before_eq(a, c);
}

/* time_in_range_open - is @a within [@b, @c)? */
static inline bool time_in_range_open(u64 a, u64 b, u64 c)
{
	return time_after_eq(a, b) && time_before(a, c);
}

/* log2_u32 - floor(log2(@v)), 0 for 0 and 1. */
static inline u32 log2_u32(u32 v)
{
	u32 r = 0;

	if (v >> 16) {
		v >>= 16;
		r += 16;
	}
	if (v >> 8) {
		v >>= 8;
		r += 8;
	}
	if (v >> 4) {
		v >>= 4;
		r += 4;
	}
	if (v >> 2) {
		v >>= 2;
		r += 2;
	}
	if (v >> 1)
		r += 1;
	return r;
}

/*
 * log2_u64 - floor(log2(@v)) + 1, i.e. the number of significant bits of
 * @v, except that 0 also gives 1.  Note the + 1, unlike log2_u32().
 */
static inline u32 log2_u64(u64 v)
{
	u32 hi = v >> 32;

	return hi ? log2_u32(hi) + 33 : log2_u32(v) + 1;
}

/*
 * ctzll - the number of trailing zero bits of @v, i.e. the index of its
 * lowest set bit; undefined for 0.  clang's BPF backend handles the builtin
 * from clang 19 on; older ones get a branchy binary search.
 */
static __always_inline int ctzll(u64 v)
{
#if defined(__clang_major__) && __clang_major__ >= 19
	return __builtin_ctzll(v);
#else
	int n = 0;

	if (!(v & 0xffffffffULL)) {
		v >>= 32;
		n += 32;
	}
	if (!(v & 0xffffULL)) {
		v >>= 16;
		n += 16;
	}
	if (!(v & 0xffULL)) {
		v >>= 8;
		n += 8;
	}
	if (!(v & 0xfULL)) {
		v >>= 4;
		n += 4;
	}
	if (!(v & 0x3ULL)) {
		v >>= 2;
		n += 2;
	}
	return n + !(v & 1);
#endif
}

/* scale_by_task_weight - @value * weight / 100: 100 is nice 0's weight. */
static inline u64 scale_by_task_weight(const struct task_struct *p, u64 value)
{
	return value * p->scx.weight / 100;
}

/* scale_by_task_weight_inverse - @value * 100 / weight. */
static inline u64 scale_by_task_weight_inverse(const struct task_struct *p,
					       u64 value)
{
	return value * 100 / p->scx.weight;
}

/*
 * __sink - make the compiler and the verifier forget what they know about
 * the value of lvalue @expr: an empty asm that claims to read and rewrite
 * it.  For loop counters that the verifier would otherwise follow value by
 * value, one state each, until it gives up.
 */
#define __sink(expr)		({ asm volatile("" : "+g"(expr)); })

/*
 * __calc_avg - exponentially weighted moving average of @old with the new
 * sample @new: each step keeps @old less its 1/2^@decay share and adds
 * @new's share, so a larger @decay follows @new more slowly.  While either
 * value is below 2^@decay that share would round to nothing, so a decay of
 * 1 (halving) is used instead, and an average of 1 with a sample of 0 drops
 * to 0 rather than stay at 1 forever.
 */
#define __calc_avg(old, new, decay)						\
({										\
	typeof(old) __ca_old = (old), __ca_new = (new);				\
	u32 __ca_d = (decay);							\
										\
	if (__ca_old < (1ULL << __ca_d) || __ca_new < (1ULL << __ca_d))		\
		__ca_d = 1;							\
	(__ca_old == 1 && __ca_new == 0) ? 0 :					\
		__ca_old - (__ca_old >> __ca_d) + (__ca_new >> __ca_d);		\
})

/* get_prandom_u64 - 64 pseudo-random bits, from two bpf_get_prandom_u32(). */
static inline u64 get_prandom_u64(void)
{
	u64 hi = bpf_get_prandom_u32();

	return hi << 32 | bpf_get_prandom_u32();
}

/*
 * __sqrt_u64 - floor of the square root of @x, exact, one result bit per
 * round (32 rounds, a loop the verifier can bound).
 */
static inline u64 __sqrt_u64(u64 x)
{
	u64 root = 0, bit = 1ULL << 62;
	int i;

	for (i = 0; i < 32; i++) {
		if (x >= root + bit) {
			x -= root + bit;
			root = (root >> 1) + bit;
		} else {
			root >>= 1;
		}
		bit >>= 2;
	}
	return root;
}

/*
 * for_each_possible_cpu, for_each_online_cpu - loop with int *@cpu over the
 * CPUs of scx_bpf_get_possible_cpumask() or scx_bpf_get_online_cpumask():
 * bpf_for_each() iterators (struct bpf_iter_possible, bpf_iter_online)
 * over the mask's bits, which put the mask back when the loop ends.
 */
struct bpf_iter_possible {
	struct bpf_iter_bits	bits;
	const struct cpumask	*mask;
};

static inline int bpf_iter_possible_new(struct bpf_iter_possible *it)
{
	it->mask = scx_bpf_get_possible_cpumask();
	return bpf_iter_bits_new(&it->bits, (const u64 *)it->mask,
				 sizeof(struct cpumask) / sizeof(u64));
}

static inline int *bpf_iter_possible_next(struct bpf_iter_possible *it)
{
	return bpf_iter_bits_next(&it->bits);
}

static inline void bpf_iter_possible_destroy(struct bpf_iter_possible *it)
{
	bpf_iter_bits_destroy(&it->bits);
	scx_bpf_put_cpumask(it->mask);
}

#define for_each_possible_cpu(cpu)	bpf_for_each(possible, cpu)

struct bpf_iter_online {
	struct bpf_iter_bits	bits;
	const struct cpumask	*mask;
};

static inline int bpf_iter_online_new(struct bpf_iter_online *it)
{
	it->mask = scx_bpf_get_online_cpumask();
	return bpf_iter_bits_new(&it->bits, (const u64 *)it->mask,
				 sizeof(struct cpumask) / sizeof(u64));
}

static inline int *bpf_iter_online_next(struct bpf_iter_online *it)
{
	return bpf_iter_bits_next(&it->bits);
}

static inline void bpf_iter_online_destroy(struct bpf_iter_online *it)
{
	bpf_iter_bits_destroy(&it->bits);
	scx_bpf_put_cpumask(it->mask);
}

#define for_each_online_cpu(cpu)	bpf_for_each(online, cpu)

/*
 * Run-queue clocks of a CPU, read without its rq lock (so possibly a
 * little stale), through CO-RE: the fields below are looked up in the
 * running kernel's struct rq and struct irqtime, and a clock the kernel
 * was built without reads 0.
 */
struct rq___scx {
	u64		clock_task;		/* task time: no IRQ or steal time */
	u64		clock_pelt;		/* clock_task scaled by CPU capacity */
	unsigned long	lost_idle_time;		/* idle time missing from clock_pelt */
	u64		prev_steal_time_rq;	/* steal time (PARAVIRT_TIME_ACCOUNTING) */
} __attribute__((preserve_access_index));

struct irqtime___scx {
	u64		total;			/* IRQ time (IRQ_TIME_ACCOUNTING) */
} __attribute__((preserve_access_index));

extern struct rq runqueues __ksym;
extern struct irqtime___scx cpu_irqtime __ksym __weak;

/*
 * get_current_rq - the run queue of @cpu (bpf_per_cpu_ptr() of runqueues),
 * NULL if @cpu is out of range; the rq of the removed scx_bpf_cpu_rq().
 */
static inline struct rq___scx *get_current_rq(u32 cpu)
{
	return (struct rq___scx *)bpf_per_cpu_ptr(&runqueues, cpu);
}

/* scx_clock_task - @cpu's rq->clock_task (ns), 0 if @cpu is invalid. */
static inline u64 scx_clock_task(u32 cpu)
{
	struct rq___scx *rq = get_current_rq(cpu);

	return rq ? rq->clock_task : 0;
}

/*
 * scx_clock_pelt - @cpu's PELT clock: rq->clock_pelt minus the idle time
 * it has not caught up with yet (ns); 0 if @cpu is invalid.
 */
static inline u64 scx_clock_pelt(u32 cpu)
{
	struct rq___scx *rq = get_current_rq(cpu);

	return rq ? rq->clock_pelt - rq->lost_idle_time : 0;
}

/* scx_clock_virt - time stolen from @cpu by the hypervisor (ns), or 0. */
static inline u64 scx_clock_virt(u32 cpu)
{
	struct rq___scx *rq;

	if (!bpf_core_field_exists(((struct rq___scx *)0)->prev_steal_time_rq))
		return 0;
	rq = get_current_rq(cpu);
	return rq ? rq->prev_steal_time_rq : 0;
}

/* scx_clock_irq - time @cpu spent in interrupts (ns), or 0. */
static inline u64 scx_clock_irq(u32 cpu)
{
	struct irqtime___scx *irqt;

	if (!bpf_core_type_exists(struct irqtime___scx) ||
	    !bpf_ksym_exists(&cpu_irqtime))
		return 0;
	irqt = bpf_per_cpu_ptr(&cpu_irqtime, cpu);
	return irqt ? irqt->total : 0;
}

/* Sizes of structs ending in a flexible array, as in <linux/overflow.h>. */
#define flex_array_size(p, member, count)					\
	((count) * sizeof(*(p)->member))
#define struct_size(p, member, count)						\
	(offsetof(typeof(*(p)), member) + flex_array_size(p, member, count))
#define struct_size_t(type, member, count)					\
	struct_size((type *)NULL, member, count)

#include "compat.bpf.h"
#include "enums.bpf.h"
#include "cid.bpf.h"

#endif /* __SCX_COMMON_BPF_H */
