/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace side of the relocatable scx enums.
 *
 * Some scx enum values differ between kernels, so BPF code reads them from
 * .rodata variables (see enums.bpf.h) and the loader fills those variables
 * from the running kernel's BTF before load: SCX_ENUM_INIT(skel), which
 * SCX_OPS_OPEN() calls.
 *
 * Meant to be included through common.h, after compat.h.
 *
 * Copyright (c) 2026 The scx_flash authors
 */
#ifndef __SCX_ENUMS_H
#define __SCX_ENUMS_H

/* Store enumerator @name of enum @type of the running kernel in @val, or 0. */
static inline void __ENUM_set(u64 *val, const char *type, const char *name)
{
	if (!__COMPAT_read_enum(type, name, val))
		*val = 0;
}

/*
 * SCX_ENUM_SET - fill .rodata's __@name from enum @type of the running kernel
 * @skel: skeleton, opened and not yet loaded
 * @type: kernel enum type, without "enum" (e.g. scx_dsq_id_flags)
 * @name: enumerator (e.g. SCX_DSQ_LOCAL)
 */
#define SCX_ENUM_SET(skel, type, name)						\
	__ENUM_set(&(skel)->rodata->__##name, #type, #name)

#include "enums.autogen.h"

#endif /* __SCX_ENUMS_H */
