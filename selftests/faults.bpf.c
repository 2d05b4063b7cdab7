// SPDX-License-Identifier: GPL-2.0
/*
 * Faults for the running scx_flash, raised from outside it: faults.c runs
 * these BPF_PROG_TYPE_SYSCALL programs with BPF_PROG_RUN, as the kernel's
 * own prog_run selftest does.  The kernel lets syscall programs call
 * scx_bpf_error() and scx_bpf_exit(), and applies them to the root
 * scheduler when the program is associated with no struct_ops map and the
 * root scheduler hosts no sub-schedulers, which is scx_flash's case.
 */
#include <scx/common.bpf.h>

char _license[] SEC("license") = "GPL";

SEC("syscall")
int inject_error(void *ctx)
{
	scx_bpf_error("test fault: error requested by the selftest");
	return 0;
}

SEC("syscall")
int inject_restart(void *ctx)
{
	scx_bpf_exit(SCX_ECODE_ACT_RESTART,
		     "test fault: restart requested by the selftest");
	return 0;
}
