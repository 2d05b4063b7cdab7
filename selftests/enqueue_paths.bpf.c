// SPDX-License-Identifier: GPL-2.0
/*
 * Count the ways tasks reach scx_flash's ops.enqueue(), from outside the
 * scheduler: an fentry program on the running scheduler's own
 * flash_enqueue program.  enqueue_paths.c points it at that program
 * (bpf_program__set_attach_target()) before loading it, so scx_flash
 * carries no code for the test.
 *
 * flash_enqueue, written with BPF_STRUCT_OPS(), takes one argument: the
 * array of the callback's arguments, here (p, enq_flags).  The verifier
 * lets us see it as a number only, so @p is read with CO-RE probe reads.
 */
#include <scx/common.bpf.h>

char _license[] SEC("license") = "GPL";

u64 nr_enqueues, nr_wakeups, nr_reenq, nr_last;
u64 nr_exiting, nr_pcpu, nr_migration_disabled;

/*
 * Whether migrate_disable() pinned @p, leaving out what the BPF trampolines
 * add: when @p is the current task, the prologs of flash_enqueue and of
 * this program each disable migration once with CONFIG_PREEMPT_RCU, and
 * always before v6.18.
 */
static bool migration_disabled(struct task_struct *p)
{
	int kernel_version = LINUX_KERNEL_VERSION;
	u32 md, prologs = 0;

	if (!bpf_core_field_exists(p->migration_disabled))
		return false;

	md = BPF_CORE_READ(p, migration_disabled);
	if ((u64)p == bpf_get_current_task() &&
	    (CONFIG_PREEMPT_RCU || kernel_version < KERNEL_VERSION(6, 18, 0)))
		prologs = 2;
	return md > prologs;
}

SEC("fentry/flash_enqueue")
int BPF_PROG(count_enqueue, u64 *args)
{
	struct task_struct *p;
	u64 enq_flags;

	if (bpf_probe_read_kernel(&p, sizeof(p), &args[0]) ||
	    bpf_probe_read_kernel(&enq_flags, sizeof(enq_flags), &args[1]))
		return 0;

	__sync_fetch_and_add(&nr_enqueues, 1);
	if (enq_flags & SCX_ENQ_WAKEUP)
		__sync_fetch_and_add(&nr_wakeups, 1);
	if (enq_flags & SCX_ENQ_REENQ)
		__sync_fetch_and_add(&nr_reenq, 1);
	if (enq_flags & SCX_ENQ_LAST)
		__sync_fetch_and_add(&nr_last, 1);
	if (BPF_CORE_READ(p, flags) & PF_EXITING)
		__sync_fetch_and_add(&nr_exiting, 1);
	if (BPF_CORE_READ(p, nr_cpus_allowed) == 1)
		__sync_fetch_and_add(&nr_pcpu, 1);
	if (migration_disabled(p))
		__sync_fetch_and_add(&nr_migration_disabled, 1);
	return 0;
}
