/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace side of BPF arenas: lets a header shared with the BPF side
 * (struct definitions with __arena pointers, see bpf_arena_common.bpf.h)
 * compile in the loader, where the arena is plain mmap()ed memory and an
 * arena pointer is an ordinary pointer.
 *
 * common.h includes this; a scheduler header may include it again.
 *
 * Copyright (c) 2026 The scx_flash authors
 */
#ifndef __SCX_BPF_ARENA_COMMON_H
#define __SCX_BPF_ARENA_COMMON_H

#include <stddef.h>
#include <linux/types.h>
/* PAGE_SIZE, as the BPF side has it from the kernel's BTF */
#include <sys/user.h>

/* Address-space markers and casts: nothing to do in userspace. */
#define __arena
#define __arg_arena
#define cast_kern(ptr)
#define cast_user(ptr)

/*
 * arena_container_of - the struct @type whose member @member is at arena
 * pointer @ptr, as container_of() does for ordinary pointers.
 */
#ifndef arena_container_of
#define arena_container_of(ptr, type, member)					\
	((type *)((char __arena *)(ptr) - offsetof(type, member)))
#endif

/*
 * The arena map's name in skeletons of schedulers that call it "arena";
 * weak, so that loaders whose BPF side has no arena still link code that
 * mentions it.
 */
extern char arena[1];
char arena[1] __attribute__((weak));

/*
 * The arena kfuncs exist only in BPF; these stubs let code shared with the
 * BPF side compile here, and fail as the kfuncs do when out of memory.
 */
static inline void __arena *bpf_arena_alloc_pages(void *map, void __arena *addr,
						  __u32 page_cnt, int node_id,
						  __u64 flags)
{
	return NULL;
}

static inline void bpf_arena_free_pages(void *map, void __arena *ptr,
					__u32 page_cnt)
{
}

#endif /* __SCX_BPF_ARENA_COMMON_H */
