/* SPDX-License-Identifier: GPL-2.0 */
/*
 * BPF side of the relocatable scx enums: each SCX_X listed in
 * enums.autogen.bpf.h reads a .rodata variable that the loader fills from
 * the running kernel (SCX_ENUM_INIT(), see enums.h), instead of the value
 * vmlinux.h had at build time.  Until the loader fills them they read 0.
 *
 * common.bpf.h includes this last, so that the headers before it still see
 * the plain vmlinux.h enumerators.
 *
 * Copyright (c) 2026 The scx_flash authors
 */
#ifndef __SCX_ENUMS_BPF_H
#define __SCX_ENUMS_BPF_H

#include "enums.autogen.bpf.h"

#endif /* __SCX_ENUMS_BPF_H */
