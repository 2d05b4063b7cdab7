/* SPDX-License-Identifier: GPL-2.0 */
/*
 * BPF side of the exit record: define it and fill it from ops.exit().
 *
 * Meant to be included through common.bpf.h, after vmlinux.h; UEI_DEFINE()
 * uses RESIZABLE_ARRAY() from there.
 *
 * Copyright (c) 2026 The scx_flash authors
 */
#ifndef __SCX_USER_EXIT_INFO_BPF_H
#define __SCX_USER_EXIT_INFO_BPF_H

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#include "user_exit_info_common.h"

/*
 * UEI_DEFINE - define the exit record @__name
 *
 * Besides the record itself (in .data, so the loader can poll it) this
 * defines @__name_dump, a resizable buffer for the kernel's debug dump in
 * its own .data.@__name_dump section, and @__name_dump_len, its length in
 * .rodata.  The loader sizes both with UEI_SET_SIZE() before loading.
 */
#define UEI_DEFINE(__name)							\
	char RESIZABLE_ARRAY(data, __name##_dump);				\
	const volatile u32 __name##_dump_len;					\
	struct user_exit_info __name SEC(".data")

/*
 * UEI_RECORD - copy the kernel's struct scx_exit_info @__ei into @__name
 *
 * Call it from ops.exit().  exit_code and exit_cpu are copied only if the
 * running kernel's scx_exit_info has them (exit_cpu reads -1 otherwise).
 * @kind goes last, through a compare-and-swap that also orders it after the
 * other stores: the loader treats a nonzero kind as "record complete".
 */
#define UEI_RECORD(__name, __ei)						\
({										\
	bpf_probe_read_kernel_str(__name.reason, sizeof(__name.reason),		\
				  (__ei)->reason);				\
	bpf_probe_read_kernel_str(__name.msg, sizeof(__name.msg),		\
				  (__ei)->msg);					\
	bpf_probe_read_kernel_str(__name##_dump, __name##_dump_len,		\
				  (__ei)->dump);				\
	if (bpf_core_field_exists((__ei)->exit_code))				\
		__name.exit_code = (__ei)->exit_code;				\
	__name.exit_cpu = -1;							\
	if (bpf_core_field_exists((__ei)->exit_cpu))				\
		__name.exit_cpu = (__ei)->exit_cpu;				\
	__sync_val_compare_and_swap(&__name.kind, __name.kind, (__ei)->kind);	\
})

#endif /* __SCX_USER_EXIT_INFO_BPF_H */
