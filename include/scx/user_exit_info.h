/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace side of the exit record: size the dump buffer before load, poll
 * for the exit and report it.
 *
 * Meant to be included through common.h, which provides the u32/s64 types
 * and RESIZE_ARRAY().
 *
 * Copyright (c) 2026 The scx_flash authors
 */
#ifndef __SCX_USER_EXIT_INFO_H
#define __SCX_USER_EXIT_INFO_H

#include <stdio.h>
#include <stdbool.h>

#include "user_exit_info_common.h"

/*
 * UEI_SET_SIZE - size the debug dump buffer of exit record @__uei_name
 *
 * Takes the length from the ops' exit_dump_len, or UEI_DUMP_DFL_LEN when it
 * is 0 (the kernel's default), stores it in .rodata and resizes the buffer
 * to match.  Call it between open and load; SCX_OPS_LOAD() does.
 */
#define UEI_SET_SIZE(__skel, __ops_name, __uei_name)				\
({										\
	u32 __uei_len = (__skel)->struct_ops.__ops_name->exit_dump_len;		\
										\
	if (!__uei_len)								\
		__uei_len = UEI_DUMP_DFL_LEN;					\
	(__skel)->rodata->__uei_name##_dump_len = __uei_len;			\
	RESIZE_ARRAY((__skel), data, __uei_name##_dump, __uei_len);		\
})

/*
 * UEI_EXITED - has the scheduler exited?
 *
 * A sequentially consistent load of the record's kind, so the fields that
 * UEI_RECORD() wrote before it are visible once it reads nonzero.
 */
#define UEI_EXITED(__skel, __uei_name)						\
	(__atomic_load_n(&(__skel)->data->__uei_name.kind, __ATOMIC_SEQ_CST) != 0)

#define __UEI_RULER								\
	"================================================================================"

static inline s64 __uei_report(const struct user_exit_info *uei,
			       const char *dump)
{
	if (dump[0])
		fprintf(stderr, "\nDEBUG DUMP\n%s\n\n%s\n%s\n\n",
			__UEI_RULER, dump, __UEI_RULER);

	fprintf(stderr, "EXIT: %s", uei->reason);
	if (uei->msg[0])
		fprintf(stderr, " (%s)", uei->msg);
	if (uei->exit_cpu >= 0)
		fprintf(stderr, " on CPU %d", uei->exit_cpu);
	fputc('\n', stderr);

	return uei->exit_code;
}

/*
 * UEI_REPORT - print the exit record to stderr and return its exit code
 *
 * Prints the debug dump, if there is one, between two rulers, then
 * "EXIT: <reason>", " (<msg>)" if there is a message and " on CPU <n>" if
 * the CPU is known.  Evaluates to exit_code; see UEI_ECODE_*() below.
 */
#define UEI_REPORT(__skel, __uei_name)						\
	__uei_report(&(__skel)->data->__uei_name,				\
		     (__skel)->data_##__uei_name##_dump->__uei_name##_dump)

/*
 * Userspace cannot include vmlinux.h, so mirror the kernel's enum
 * scx_exit_code here: the bits of exit_code that the kernel itself sets.
 */
enum scx_exit_code {
	/* Reasons, bits 32-47 */
	SCX_ECODE_RSN_HOTPLUG		= 1LLU << 32,	/* CPU hotplug */

	/* Actions, bits 48-63 */
	SCX_ECODE_ACT_RESTART		= 1LLU << 48,	/* reload the scheduler */
};

/* How exit_code divides between the BPF scheduler and the kernel. */
enum uei_ecode_mask {
	UEI_ECODE_USER_MASK		= (1LLU << 32) - 1,
	UEI_ECODE_SYS_RSN_MASK		= ((1LLU << 16) - 1) << 32,
	UEI_ECODE_SYS_ACT_MASK		= ((1LLU << 16) - 1) << 48,
};

/* The scheduler's own code (scx_bpf_exit()), the kernel's reason, its action */
#define UEI_ECODE_USER(__ecode)		((__ecode) & UEI_ECODE_USER_MASK)
#define UEI_ECODE_SYS_RSN(__ecode)	((__ecode) & UEI_ECODE_SYS_RSN_MASK)
#define UEI_ECODE_SYS_ACT(__ecode)	((__ecode) & UEI_ECODE_SYS_ACT_MASK)

/* True if the kernel asks the loader to load the scheduler again. */
#define UEI_ECODE_RESTART(__ecode)						\
	(UEI_ECODE_SYS_ACT(__ecode) == SCX_ECODE_ACT_RESTART)

#endif /* __SCX_USER_EXIT_INFO_H */
