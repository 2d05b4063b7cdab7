/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the userspace loader of a sched_ext scheduler includes: kernel-style
 * integer types, fatal-error macros, RESIZE_ARRAY(), then the exit record
 * (user_exit_info.h), the kernel-version helpers (compat.h), the
 * relocatable enums (enums.h) and the userspace side of BPF arenas
 * (bpf_arena_common.h).
 *
 * Copyright (c) 2026 The scx_flash authors
 */
#ifndef __SCX_COMMON_H
#define __SCX_COMMON_H

#ifdef __KERNEL__
#error "scx/common.h is for userspace; BPF programs include scx/common.bpf.h"
#endif

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <errno.h>
#include <string.h>
#include "enum_defs.autogen.h"

/* The kernel's names for fixed-size integers, as the skeletons use them. */
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

static inline void __attribute__((noreturn, format(printf, 3, 4)))
__scx_bug(const char *file, int line, const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	fprintf(stderr, "[SCX_BUG] %s:%d", file, line);
	if (err)
		fprintf(stderr, " (%s)", strerror(err));
	fputc('\n', stderr);

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);

	exit(EXIT_FAILURE);
}

/*
 * SCX_BUG - print "[SCX_BUG] file:line", errno's description if errno is
 * set, and the formatted message to stderr, then exit with EXIT_FAILURE.
 */
#define SCX_BUG(__fmt, ...)							\
	__scx_bug(__FILE__, __LINE__, __fmt, ##__VA_ARGS__)

/* SCX_BUG_ON - SCX_BUG() if @__cond is true. */
#define SCX_BUG_ON(__cond, __fmt, ...)						\
	do {									\
		if (__cond)							\
			SCX_BUG(__fmt, ##__VA_ARGS__);				\
	} while (0)

/*
 * RESIZE_ARRAY - give array @arr, declared with RESIZABLE_ARRAY(@elfsec,
 * @arr) on the BPF side, @n elements
 *
 * Resizes the map behind its data section, which stretches the array in
 * the BTF as well, and points the skeleton at the section's new memory.
 * Only between open and load.
 */
#define RESIZE_ARRAY(__skel, elfsec, arr, n)					\
	do {									\
		struct bpf_map *__map = (__skel)->maps.elfsec##_##arr;		\
		size_t __sz = sizeof((__skel)->elfsec##_##arr->arr[0]) * (n);	\
										\
		SCX_BUG_ON(bpf_map__set_value_size(__map, __sz),		\
			   "resizing " #elfsec "." #arr " to %zu bytes", __sz);	\
		(__skel)->elfsec##_##arr = (typeof((__skel)->elfsec##_##arr))	\
			bpf_map__initial_value(__map, &__sz);			\
	} while (0)

#include "user_exit_info.h"
#include "compat.h"
#include "enums.h"
#include "bpf_arena_common.h"

#endif /* __SCX_COMMON_H */
