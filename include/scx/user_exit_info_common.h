/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How a sched_ext BPF scheduler tells its loader why it stopped.
 *
 * The BPF side fills a struct user_exit_info from ops.exit() (see
 * user_exit_info.bpf.h); the loader reads it back through the skeleton (see
 * user_exit_info.h).  This file holds the part both sides share, so it needs
 * the s32/s64 types from vmlinux.h (BPF) or common.h (userspace).
 *
 * Copyright (c) 2026 The scx_flash authors
 */
#ifndef __SCX_USER_EXIT_INFO_COMMON_H
#define __SCX_USER_EXIT_INFO_COMMON_H

/*
 * Sizes of the text buffers, in bytes: the exit reason (e.g. "runtime
 * error"), the message (e.g. from scx_bpf_error()) and the debug dump when
 * ops.exit_dump_len is left 0.
 */
enum uei_sizes {
	UEI_REASON_LEN		= 128,
	UEI_MSG_LEN		= 1024,
	UEI_DUMP_DFL_LEN	= 32768,
};

/*
 * Exit record.  @kind (an enum scx_exit_kind) stays 0, SCX_EXIT_NONE, while
 * the scheduler runs and is written last, so a nonzero @kind means the rest
 * is complete.  @exit_cpu is the CPU that triggered the exit, -1 if unknown;
 * @exit_code holds the scx_bpf_exit() code and the kernel's SCX_ECODE_* bits.
 */
struct user_exit_info {
	int	kind;
	s32	exit_cpu;
	s64	exit_code;
	char	reason[UEI_REASON_LEN];
	char	msg[UEI_MSG_LEN];
};

#endif /* __SCX_USER_EXIT_INFO_COMMON_H */
