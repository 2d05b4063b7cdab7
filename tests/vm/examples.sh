#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Inside the VM: run each of the kernel tree's example schedulers built
# against our include/scx (scripts/examples-check.sh) for a few seconds
# under a small load.  One TAP result per example: it passes if the
# scheduler attached (state "enabled", root/ops naming it), kept running
# while a CPU hog and hackbench ran and hackbench completed, then detached
# on SIGINT, exiting 0 after reporting "EXIT: unregistered from user space"
# (which goes through our UEI_REPORT()), with sched_ext disabled again.
#
# When one of ours fails, the same example built with the tree's own
# headers (the reference of scripts/examples-check.sh) runs the same way:
# if it fails too, the problem is not in our headers (the toolchain, the
# example, this VM) and the example is skipped with both reasons;
# otherwise it fails, unless own_stall() shows the failure to be the
# example's own rare stall.  An example is also skipped, with the reason,
# when it was not built or the VM cannot run it (see need()).
#
# Usage: examples.sh DIR [EXAMPLE...]
#   DIR is scripts/examples-check.sh's output, $OUTPUT_DIR/examples.
# Environment: EXAMPLES_SECS, how long the load runs (default 3).

set -u

dir=$1
bindir=$dir/linux/tools/sched_ext/build/bin
refdir=$dir/ref/linux/tools/sched_ext/build/bin
bpftool=$dir/linux/tools/sched_ext/build/sbin/bpftool
sched_state=$(dirname "$0")/sched-state.py
shift
examples=${*:-scx_simple scx_qmap scx_central scx_flatcg scx_userland scx_pair}
secs=${EXAMPLES_SECS:-3}
sysfs=/sys/kernel/sched_ext
logdir=${SCX_RESULTS:-/tmp}/examples
nr_possible=0
rc=0
i=0

mkdir -p "$logdir"

# CPUs the loaders size their maps for (libbpf_num_possible_cpus()).
possible=$(cat /sys/devices/system/cpu/possible)
for range in ${possible//,/ }; do
	nr_possible=$((nr_possible + ${range#*-} - ${range%-*} + 1))
done

# ops name of each example, as its SCX_OPS_DEFINE() gives it
ops_name() {
	echo "${1#scx_}"
}

# need EXAMPLE: print why the VM cannot run EXAMPLE, nothing if it can.
need() {
	case "$1" in
	scx_pair)
		# pairs CPU i with CPU i + nr_cpus / 2; refuses odd counts
		[ $((nr_possible % 2)) -eq 0 ] ||
			echo "needs an even number of CPUs, have $nr_possible"
		;;
	scx_central)
		# one CPU dispatches for the others
		[ "$nr_possible" -ge 2 ] ||
			echo "needs 2 CPUs or more, have $nr_possible"
		;;
	scx_qmap)
		# a cid-form scheduler: struct sched_ext_ops_cid, v7.3
		grep -qa sched_ext_ops_cid /sys/kernel/btf/vmlinux ||
			echo "kernel $(uname -r) has no cid-form sched_ext_ops"
		;;
	esac
}

# wait_state STATE SECS [PID]: wait until sched_ext's state is STATE; give
# up after SECS seconds or when PID has exited.
wait_state() {
	local end=$((SECONDS + $2))

	while [ "$(cat $sysfs/state)" != "$1" ]; do
		[ $SECONDS -ge $end ] && return 1
		[ -n "${3:-}" ] && ! kill -0 "$3" 2>/dev/null && return 1
		sleep 0.2
	done
}

# load SECS: a CPU hog on every CPU beside hackbench rounds (or, without
# hackbench, a sleeper that wakes up every 10 ms); fails if a round fails
# or none completed.
load() {
	local end=$((SECONDS + $1)) hogs=() rounds=0 ok=0 h

	for _ in $(seq "$nr_possible"); do
		(while :; do :; done) &
		hogs+=($!)
	done
	while [ $SECONDS -lt $end ]; do
		if command -v hackbench > /dev/null; then
			hackbench -g 2 -f 5 -l 20 > /dev/null 2>&1 || break
		else
			for _ in $(seq 10); do sleep 0.01; done
		fi
		rounds=$((rounds + 1))
	done
	[ $SECONDS -ge $end ] && [ $rounds -gt 0 ] && ok=1
	for h in "${hogs[@]}"; do
		kill "$h"
	done
	wait "${hogs[@]}" 2>/dev/null
	echo "load: $rounds rounds in ${1}s"
	[ $ok = 1 ]
}

# callbacks_same EXAMPLE: did scripts/bpf-callbacks-diff.py find EXAMPLE's
# callbacks the same as the reference build's?
callbacks_same() {
	grep -q '^callbacks the same' "$dir/$1.callbacks" 2> /dev/null
}

# run EXAMPLE BINARY LOG: start BINARY, check it attached, load, stop,
# check; prints why it failed, if it did.  For an example whose callbacks
# are the reference's, what its loader set at load goes to LOG.state
# (tests/vm/sched-state.py), which own_stall() compares.
run() {
	local bin=$2 name log=$3 pid ops status

	name=$(ops_name "$1")
	if [ "$(cat $sysfs/state)" != disabled ]; then
		echo "sched_ext is $(cat $sysfs/state) before starting"
		return 1
	fi

	"$bin" > "$log" 2>&1 &
	pid=$!
	# BPF verification under software emulation can take a while
	if ! wait_state enabled 60 $pid; then
		echo "did not attach, state $(cat $sysfs/state):" \
		     "$(grep -m 1 -iE 'error|fail' "$log")"
		kill -KILL $pid 2>/dev/null
		wait $pid
		return 1
	fi
	ops=$(cat $sysfs/root/ops)
	if [ "$ops" != "$name" ]; then
		echo "root/ops is '$ops', not '$name'"
		kill -KILL $pid
		wait $pid
		return 1
	fi
	if callbacks_same "$1"; then
		"$sched_state" "$bpftool" $pid > "$log.state" 2> "$log.state.err"
	fi

	if ! load "$secs" >> "$log" 2>&1; then
		echo "the load failed beside it: $(tail -n 1 "$log")"
		kill -KILL $pid 2>/dev/null
		wait $pid
		return 1
	fi
	if ! kill -0 $pid 2>/dev/null ||
	   [ "$(cat $sysfs/state)" != enabled ] ||
	   [ "$(cat $sysfs/root/ops 2>/dev/null)" != "$name" ]; then
		echo "no longer attached after the load"
		kill -KILL $pid 2>/dev/null
		wait $pid
		return 1
	fi

	kill -INT $pid
	for _ in $(seq 100); do
		kill -0 $pid 2>/dev/null || break
		sleep 0.2
	done
	if kill -0 $pid 2>/dev/null; then
		echo "still running 20s after SIGINT"
		kill -KILL $pid
		wait $pid
		return 1
	fi
	wait $pid
	status=$?
	if [ $status -ne 0 ]; then
		echo "exited with status $status"
		return 1
	fi
	if ! grep -q '^EXIT: unregistered from user space' "$log"; then
		echo "no 'EXIT: unregistered from user space' report"
		return 1
	fi
	if ! wait_state disabled 10; then
		echo "sched_ext still $(cat $sysfs/state) after it exited"
		return 1
	fi
}

# callback_state FILE READS...: the lines of a tests/vm/sched-state.py
# FILE that the callbacks can see: every ops field, and the read-only data
# READS names (scripts/bpf-callbacks-diff.py's "reads:"), all of it when a
# reference could not be tied to one variable (".rodata").
callback_state() {
	local file=$1 v re='^ops\.'

	shift
	for v in "$@"; do
		if [ "$v" = .rodata ]; then
			re="$re|^rodata\."
		else
			re="$re|^rodata\.$v "
		fi
	done
	grep -E "$re" "$file"
}

# own_stall EXAMPLE: our build of EXAMPLE failed and the tree's passed;
# print the evidence that the failure is the example's own anyway, or why
# not as TAP comments, or nothing when it was no stall.  The kernel ejected
# ours for a stall, a rare event of timing (the sched_ext watchdog, the RCU
# or lockup detectors; the same examples stall in upstream's emulated CI);
# its callbacks are the reference's instruction for instruction, with
# nothing else that differs reaching them (scripts/bpf-callbacks-diff.py);
# and its loader gave them the same ops fields and read-only data as the
# reference's did in this boot.  Then no header of ours can have changed a
# scheduling decision.
own_stall() {
	local log=$logdir/$1.log cmp=$dir/$1.callbacks exit_line reads

	exit_line=$(grep -m 1 -E '^EXIT: (runnable task stall|runtime error \((RCU CPU stall|soft lockup|hard lockup))' "$log") ||
		return 0
	if ! callbacks_same "$1"; then
		echo "# a stall, not shown to be the example's own: $(tail -n 1 "$cmp" 2>&1)"
		return 0
	fi
	reads=$(sed -n 's/^reads: //p' "$cmp")
	# shellcheck disable=SC2086 # one variable name per word
	if [ ! -s "$log.state" ] ||
	   ! diff <(callback_state "$log.state" $reads) \
		  <(callback_state "$logdir/$1.ref.log.state" $reads) \
		  > "$log.state.diff"; then
		echo "# a stall, not shown to be the example's own: what the loaders set differs or is unknown ($log.state*)"
		sed 's/^/#   /' "$log.state.diff" "$log.state.err" 2> /dev/null |
			head -n 10
		return 0
	fi
	echo "$exit_line; callbacks, ops fields and the data they read are the tree build's ($(tail -n 1 "$cmp"))"
}

n=0
for ex in $examples; do
	n=$((n + 1))
done
echo "TAP version 13"
echo "1..$n"
echo "# kernel $(uname -r), $nr_possible possible CPUs, load ${secs}s"

if [ ! -d $sysfs ]; then
	for ex in $examples; do
		i=$((i + 1))
		echo "not ok $i run $ex # no $sysfs in this kernel"
	done
	exit 1
fi

for ex in $examples; do
	i=$((i + 1))
	if [ ! -x "$bindir/$ex" ]; then
		echo "ok $i run $ex # SKIP not built (see the examples build stage)"
		continue
	fi
	why=$(need "$ex")
	if [ -n "$why" ]; then
		echo "ok $i run $ex # SKIP $why"
		continue
	fi
	why=$(run "$ex" "$bindir/$ex" "$logdir/$ex.log")
	if [ -z "$why" ]; then
		echo "ok $i run $ex: attached as '$(ops_name "$ex")', ran a load, detached"
		continue
	fi
	# never leave a scheduler attached for the next run
	wait_state disabled 10 || echo "# sched_ext stays $(cat $sysfs/state)"

	ref_why="no reference build to compare"
	if [ -x "$refdir/$ex" ]; then
		ref_why=$(run "$ex" "$refdir/$ex" "$logdir/$ex.ref.log")
		wait_state disabled 10 ||
			echo "# sched_ext stays $(cat $sysfs/state)"
	fi
	if [ -z "$ref_why" ] && [ -x "$refdir/$ex" ]; then
		stall=$(own_stall "$ex")
		case $stall in
		'') ;;
		'#'*) echo "$stall" ;;
		*) echo "ok $i run $ex # SKIP the example's own stall, not our headers: $stall"
		   continue ;;
		esac
	fi
	if [ -z "$ref_why" ] || [ ! -x "$refdir/$ex" ]; then
		sed 's/^/# /' "$logdir/$ex.log" | tail -n 20
		[ -n "$ref_why" ] || ref_why="the tree's own build passes"
		echo "not ok $i run $ex # $why ($ref_why)"
		rc=1
		continue
	fi
	echo "# $ex with our headers and with the tree's own, first errors:"
	grep -h -m 3 -iE 'error|invalid|fail' "$logdir/$ex.log" \
		"$logdir/$ex.ref.log" | sed 's/^/#   /'
	echo "ok $i run $ex # SKIP fails with the tree's own headers too: $ref_why; ours: $why"
done
exit $rc
