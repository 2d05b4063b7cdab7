/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel-version helpers for the userspace loader: look things up in the
 * running kernel's BTF, and open, load and attach a scheduler skeleton so
 * that it works on that kernel.
 *
 * Meant to be included through common.h, which provides the u64 types and
 * SCX_BUG_ON().
 *
 * Copyright (c) 2026 The scx_flash authors
 */
#ifndef __SCX_COMPAT_H
#define __SCX_COMPAT_H

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * The running kernel's BTF, loaded once on first use.  Weak, so that every
 * object file of a loader shares one copy.
 */
extern struct btf *__COMPAT_vmlinux_btf;
struct btf *__COMPAT_vmlinux_btf __attribute__((weak));

/* __COMPAT_load_vmlinux_btf - load __COMPAT_vmlinux_btf, or die. */
static inline void __COMPAT_load_vmlinux_btf(void)
{
	if (__COMPAT_vmlinux_btf)
		return;
	__COMPAT_vmlinux_btf = btf__load_vmlinux_btf();
	SCX_BUG_ON(!__COMPAT_vmlinux_btf, "btf__load_vmlinux_btf()");
}

/*
 * __COMPAT_read_enum - look up enumerator @name of enum @type (without the
 * "enum" keyword) in the running kernel, 32- or 64-bit
 *
 * Stores its value in *@v and returns true, or returns false if the kernel
 * has no such type or enumerator.
 */
static inline bool __COMPAT_read_enum(const char *type, const char *name, u64 *v)
{
	const struct btf_type *t;
	const char *n;
	__u32 i, vlen;
	s32 tid;

	__COMPAT_load_vmlinux_btf();

	tid = btf__find_by_name(__COMPAT_vmlinux_btf, type);
	if (tid < 0)
		return false;
	t = btf__type_by_id(__COMPAT_vmlinux_btf, tid);
	SCX_BUG_ON(!t, "btf__type_by_id(%d)", tid);

	vlen = btf_vlen(t);
	if (btf_is_enum(t)) {
		const struct btf_enum *e = btf_enum(t);

		for (i = 0; i < vlen; i++) {
			n = btf__name_by_offset(__COMPAT_vmlinux_btf, e[i].name_off);
			SCX_BUG_ON(!n, "btf__name_by_offset(%u)", e[i].name_off);
			if (strcmp(n, name))
				continue;
			/* kflag marks a signed enum; sign-extend only those */
			if (btf_kflag(t))
				*v = (u64)(s64)e[i].val;
			else
				*v = (u32)e[i].val;
			return true;
		}
	} else if (btf_is_enum64(t)) {
		const struct btf_enum64 *e = btf_enum64(t);

		for (i = 0; i < vlen; i++) {
			n = btf__name_by_offset(__COMPAT_vmlinux_btf, e[i].name_off);
			SCX_BUG_ON(!n, "btf__name_by_offset(%u)", e[i].name_off);
			if (strcmp(n, name))
				continue;
			*v = btf_enum64_value(e + i);
			return true;
		}
	}

	return false;
}

/*
 * __COMPAT_ENUM_OR_ZERO - the running kernel's value of enumerator @__ent
 * of enum @__type, both strings (e.g. "scx_public_consts", "SCX_SLICE_DFL"),
 * or 0 if it has none.
 */
#define __COMPAT_ENUM_OR_ZERO(__type, __ent)					\
({										\
	u64 __val = 0;								\
										\
	__COMPAT_read_enum(__type, __ent, &__val);				\
	__val;									\
})

/* __COMPAT_has_ksym - does the running kernel's BTF know @ksym? */
static inline bool __COMPAT_has_ksym(const char *ksym)
{
	__COMPAT_load_vmlinux_btf();
	return btf__find_by_name(__COMPAT_vmlinux_btf, ksym) >= 0;
}

/*
 * __COMPAT_struct_has_field - does struct @type of the running kernel have
 * a member @field, directly or inside an anonymous struct or union member?
 */
static inline bool __COMPAT_btf_has_member(const struct btf_type *t,
					   const char *field)
{
	const struct btf_member *m = btf_members(t);
	const struct btf_type *mt;
	const char *n;
	__u32 i;

	for (i = 0; i < btf_vlen(t); i++) {
		n = btf__name_by_offset(__COMPAT_vmlinux_btf, m[i].name_off);
		SCX_BUG_ON(!n, "btf__name_by_offset(%u)", m[i].name_off);
		if (!strcmp(n, field))
			return true;
		if (n[0])
			continue;
		mt = btf__type_by_id(__COMPAT_vmlinux_btf, m[i].type);
		SCX_BUG_ON(!mt, "btf__type_by_id(%u)", m[i].type);
		if (btf_is_composite(mt) && __COMPAT_btf_has_member(mt, field))
			return true;
	}
	return false;
}

static inline bool __COMPAT_struct_has_field(const char *type, const char *field)
{
	const struct btf_type *t;
	s32 tid;

	__COMPAT_load_vmlinux_btf();

	tid = btf__find_by_name_kind(__COMPAT_vmlinux_btf, type, BTF_KIND_STRUCT);
	if (tid < 0)
		return false;
	t = btf__type_by_id(__COMPAT_vmlinux_btf, tid);
	SCX_BUG_ON(!t, "btf__type_by_id(%d)", tid);

	return __COMPAT_btf_has_member(t, field);
}

/*
 * SCX_OPS_FLAG - sched_ext_ops.flags bit @name of the running kernel, 0 if
 * it lacks it.  The known flags follow; BUILTIN_IDLE_PER_NODE is from v6.15.
 */
#define SCX_OPS_FLAG(name)	__COMPAT_ENUM_OR_ZERO("scx_ops_flags", #name)

#define SCX_OPS_KEEP_BUILTIN_IDLE	SCX_OPS_FLAG(SCX_OPS_KEEP_BUILTIN_IDLE)
#define SCX_OPS_ENQ_LAST		SCX_OPS_FLAG(SCX_OPS_ENQ_LAST)
#define SCX_OPS_ENQ_EXITING		SCX_OPS_FLAG(SCX_OPS_ENQ_EXITING)
#define SCX_OPS_SWITCH_PARTIAL		SCX_OPS_FLAG(SCX_OPS_SWITCH_PARTIAL)
#define SCX_OPS_ENQ_MIGRATION_DISABLED	SCX_OPS_FLAG(SCX_OPS_ENQ_MIGRATION_DISABLED)
#define SCX_OPS_ALLOW_QUEUED_WAKEUP	SCX_OPS_FLAG(SCX_OPS_ALLOW_QUEUED_WAKEUP)
#define SCX_OPS_BUILTIN_IDLE_PER_NODE	SCX_OPS_FLAG(SCX_OPS_BUILTIN_IDLE_PER_NODE)
#define SCX_OPS_ALWAYS_ENQ_IMMED	SCX_OPS_FLAG(SCX_OPS_ALWAYS_ENQ_IMMED)
#define SCX_OPS_TID_TO_TASK		SCX_OPS_FLAG(SCX_OPS_TID_TO_TASK)

/*
 * SCX_PICK_IDLE_FLAG - flag @name of scx_bpf_pick_idle_cpu() and friends
 * in the running kernel, 0 if it lacks it (IN_NODE is from v6.15).
 */
#define SCX_PICK_IDLE_FLAG(name)						\
	__COMPAT_ENUM_OR_ZERO("scx_pick_idle_cpu_flags", #name)

#define SCX_PICK_IDLE_CORE		SCX_PICK_IDLE_FLAG(SCX_PICK_IDLE_CORE)
#define SCX_PICK_IDLE_IN_NODE		SCX_PICK_IDLE_FLAG(SCX_PICK_IDLE_IN_NODE)

/*
 * scx_hotplug_seq - the kernel's CPU hotplug event count, or -ENOENT if
 * sched_ext does not export it
 *
 * Handed to the kernel in sched_ext_ops.hotplug_seq (SCX_OPS_OPEN() does):
 * if a CPU came or went since, attaching fails and the scheduler exits
 * with a restart request, rather than run with a stale topology.
 */
static inline long scx_hotplug_seq(void)
{
	char buf[32], *end;
	unsigned long val;
	ssize_t len;
	int fd;

	fd = open("/sys/kernel/sched_ext/hotplug_seq", O_RDONLY);
	if (fd < 0)
		return -ENOENT;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	SCX_BUG_ON(len <= 0, "reading hotplug_seq returned %zd", len);
	buf[len] = '\0';

	errno = 0;
	val = strtoul(buf, &end, 10);
	SCX_BUG_ON(errno || end == buf || (*end && *end != '\n'),
		   "hotplug_seq is not a number: %s", buf);
	return val;
}

/*
 * __SCX_OPS_CLEAR_MISSING - clear member @__field of the opened ops
 * @__ops if it is set but the running kernel's sched_ext_ops lacks it.
 */
#define __SCX_OPS_CLEAR_MISSING(__ops, __field)					\
	do {									\
		if ((__ops)->__field &&						\
		    !__COMPAT_struct_has_field("sched_ext_ops", #__field)) {	\
			fprintf(stderr,						\
				"WARNING: kernel doesn't support ops." #__field	\
				", ignoring it\n");				\
			memset(&(__ops)->__field, 0,				\
			       sizeof((__ops)->__field));			\
		}								\
	} while (0)

/*
 * __SCX_OPS_OPEN - open skeleton @__scx_name whose ops, of kernel type
 * struct @__ops_type (a string), are @__ops_name
 *
 * Dies unless the running kernel has that type with ops.dump() (the oldest
 * supported form), then opens the skeleton, passes the hotplug sequence
 * number and fills the relocatable enums (SCX_ENUM_INIT()).  Evaluates to
 * the skeleton.
 */
#define __SCX_OPS_OPEN(__ops_name, __scx_name, __ops_type)			\
({										\
	struct __scx_name *__skel;						\
										\
	SCX_BUG_ON(!__COMPAT_struct_has_field(__ops_type, "dump"),		\
		   __ops_type ".dump() missing, kernel too old?");		\
										\
	__skel = __scx_name##__open();						\
	SCX_BUG_ON(!__skel, "Could not open " #__scx_name);			\
	__skel->struct_ops.__ops_name->hotplug_seq = scx_hotplug_seq();	\
	SCX_ENUM_INIT(__skel);							\
	__skel;									\
})

/*
 * SCX_OPS_OPEN - open skeleton @__scx_name whose sched_ext_ops is
 * @__ops_name, as __SCX_OPS_OPEN() does
 *
 * Then clears, with a warning, whatever optional ops member the scheduler
 * sets but the running kernel does not know:
 *
 *   v6.17: ops.cgroup_set_bandwidth()
 *   v6.19: ops.cgroup_set_idle()
 *   v7.1:  ops.sub_attach(), ops.sub_detach(), ops.sub_cgroup_id
 *   v7.3:  ops.rescue_bandwidth_ppt, ops.rescue_quantum_us
 *
 * Evaluates to the skeleton.
 */
#define SCX_OPS_OPEN(__ops_name, __scx_name)					\
({										\
	struct __scx_name *__skel;						\
	typeof(__skel->struct_ops.__ops_name) __ops;				\
										\
	__skel = __SCX_OPS_OPEN(__ops_name, __scx_name, "sched_ext_ops");	\
	__ops = __skel->struct_ops.__ops_name;					\
	__SCX_OPS_CLEAR_MISSING(__ops, cgroup_set_bandwidth);			\
	__SCX_OPS_CLEAR_MISSING(__ops, cgroup_set_idle);			\
	__SCX_OPS_CLEAR_MISSING(__ops, sub_attach);				\
	__SCX_OPS_CLEAR_MISSING(__ops, sub_detach);				\
	__SCX_OPS_CLEAR_MISSING(__ops, sub_cgroup_id);				\
	__SCX_OPS_CLEAR_MISSING(__ops, rescue_bandwidth_ppt);			\
	__SCX_OPS_CLEAR_MISSING(__ops, rescue_quantum_us);			\
	__skel;									\
})

/*
 * SCX_OPS_CID_OPEN - the same for a cid-form scheduler, whose ops are a
 * struct sched_ext_ops_cid (SCX_OPS_CID_DEFINE(), v7.3).  Every kernel with
 * that type has all of its members, so nothing needs clearing.
 */
#define SCX_OPS_CID_OPEN(__ops_name, __scx_name)				\
	__SCX_OPS_OPEN(__ops_name, __scx_name, "sched_ext_ops_cid")

/*
 * __scx_ops_assoc_prog - tie non-struct_ops program @prog to the scheduler's
 * ops map @map, so that the sched_ext kfuncs it calls act on this scheduler
 * (which matters once sub-schedulers exist).  Needs libbpf 1.7; a failure,
 * e.g. on kernels without program association, is only reported.
 */
#if LIBBPF_MAJOR_VERSION > 1 ||							\
	(LIBBPF_MAJOR_VERSION == 1 && LIBBPF_MINOR_VERSION >= 7)
static inline void __scx_ops_assoc_prog(struct bpf_program *prog,
					struct bpf_map *map)
{
	int err = bpf_program__assoc_struct_ops(prog, map, NULL);

	if (err)
		fprintf(stderr, "WARNING: associating %s with %s failed (%d)\n",
			bpf_program__name(prog), bpf_map__name(map), err);
}
#else
static inline void __scx_ops_assoc_prog(struct bpf_program *prog,
					struct bpf_map *map)
{
}
#endif

/*
 * SCX_OPS_LOAD - size the exit record's dump buffer (UEI_SET_SIZE()) and
 * load skeleton @__skel, or die; then associate its other programs with
 * ops @__ops_name (see __scx_ops_assoc_prog()).
 */
#define SCX_OPS_LOAD(__skel, __ops_name, __scx_name, __uei_name)		\
	do {									\
		struct bpf_program *__prog;					\
										\
		UEI_SET_SIZE(__skel, __ops_name, __uei_name);			\
		SCX_BUG_ON(__scx_name##__load(__skel),				\
			   "Failed to load " #__scx_name);			\
		bpf_object__for_each_program(__prog, (__skel)->obj) {		\
			if (bpf_program__type(__prog) !=			\
			    BPF_PROG_TYPE_STRUCT_OPS)				\
				__scx_ops_assoc_prog(__prog,			\
					(__skel)->maps.__ops_name);		\
		}								\
	} while (0)

/*
 * Skeletons from recent bpftool attach struct_ops maps in
 * <skel>__attach() when libbpf (1.5 and later) supports it.
 * SCX_OPS_ATTACH() attaches the ops itself, to get the link and work with
 * older libbpf as well, so it turns that off first.
 */
#if LIBBPF_MAJOR_VERSION > 1 ||							\
	(LIBBPF_MAJOR_VERSION == 1 && LIBBPF_MINOR_VERSION >= 5)
#define __SCX_OPS_DISABLE_AUTOATTACH(__skel, __ops_name)			\
	bpf_map__set_autoattach((__skel)->maps.__ops_name, false)
#else
#define __SCX_OPS_DISABLE_AUTOATTACH(__skel, __ops_name)			\
	((void)(__skel)->maps.__ops_name)
#endif

/*
 * SCX_OPS_ATTACH - attach the skeleton's other programs (such as the
 * scx_lib_init_probe() fentry program), then ops @__ops_name, which starts
 * the scheduler.  Dies on failure; evaluates to the ops' bpf_link.
 */
#define SCX_OPS_ATTACH(__skel, __ops_name, __scx_name)				\
({										\
	struct bpf_link *__link;						\
										\
	__SCX_OPS_DISABLE_AUTOATTACH(__skel, __ops_name);			\
	SCX_BUG_ON(__scx_name##__attach(__skel),				\
		   "Failed to attach " #__scx_name);				\
	__link = bpf_map__attach_struct_ops((__skel)->maps.__ops_name);		\
	SCX_BUG_ON(!__link, "Failed to attach struct_ops " #__ops_name);	\
	__link;									\
})

#endif /* __SCX_COMPAT_H */
