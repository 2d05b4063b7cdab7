#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 'make bench': one VM boot per round, each running the kernel's
# default scheduler, scx_flash in a few configurations, upstream's
# scx_flash (the peer in ../shared/peers, when there) and the kernel
# tree's scx_simple side by side, in interleaved rounds
# (tests/vm/bench.sh), then summarises the
# medians and their ratios to the default scheduler in a markdown table
# and plots them (scripts/bench-report.py, gnuplot).
#
# Two modes (BENCH_MODE):
#   clock     the default, for A/B comparisons of a policy: one emulator
#             thread and QEMU's instruction clock (-icount shift=0,
#             sleep=off).  Guest time advances 1 ns per emulated
#             instruction and jumps over time in which every vCPU idles,
#             so the host's load does not move what the guest measures.
#             The vCPUs take turns in instruction quanta: nothing is truly
#             simultaneous, and memory and cache costs are not counted.
#             All rounds run in one boot.
#   parallel  one emulator thread per vCPU (multi-threaded TCG), where CPUs
#             really race for queues and wakeups; host load moves every
#             figure.  For races and to confirm what the clock shows.
#             One boot per round (see run_round()).
#
# Usage: scripts/bench.sh
# Environment: BENCH_MODE, ROUNDS (default 5), QUICK=1 (one round of
# short loads),
# SCHEDS (names of the schedulers to run, default all), EXTRA_SCHEDS
# (more, as "NAME|=PATH ARGS;..."), BENCHES (which loads, see
# tests/vm/bench.sh; by default all, and in clock mode those whose figures
# that clock measures truly), BENCH_CPUS (vCPUs: 2, the default, 4, or 8 as two
# NUMA nodes of two SMT cores each), PEER (upstream's scx_flash binary, default
# ../shared/peers/upstream-scx_flash; empty: none), VM_ACCEL (parallel
# mode's accelerator), OUTPUT_DIR,
# KSRC, CLANG, CC.  Results go to $OUTPUT_DIR/bench/: raw.txt,
# results.md, hist/ (latency histograms), *.png and console.log (the
# guest's console).

set -u

top=$(cd "$(dirname "$0")/.." && pwd)
OUTPUT_DIR=${OUTPUT_DIR:-$top/build}
KSRC=${KSRC:-$top/.cache/linux}
results=$OUTPUT_DIR/bench
rounds=${ROUNDS:-5}
mode=${BENCH_MODE:-clock}
secs=3
loops=100

die() { echo "bench: $*" >&2; exit 2; }

case $mode in
clock)
	accel=tcg,thread=single
	qemu_opts="-icount shift=0,sleep=off"
	# A guest second is about a host second here: 4x the messages
	# keep each run well above the scheduler's slice.
	loops=400
	# A vCPU's turn lasts until the next timer of the machine is due:
	# a wakeup waits for the other vCPU's turn, whatever the scheduler
	# (1 ms sleeper's p99 19 ms, frames missed 51-56% for every one of
	# them).  Latency and frames are measured in parallel mode.
	benches=${BENCHES:-hackbench fairness throughput}
	;;
parallel)
	accel=${VM_ACCEL:-tcg,thread=multi}
	qemu_opts=
	benches=${BENCHES:-}
	;;
*)	die "BENCH_MODE must be clock or parallel, not '$mode'" ;;
esac
if [ "${QUICK:-0}" = 1 ]; then
	rounds=1
	secs=2
	loops=$((loops / 2))
fi

case ${BENCH_CPUS:-2} in
2|4)	topo=(-c "${BENCH_CPUS:-2}") ;;
8)	topo=(-c 8,sockets=2,cores=2,threads=2 -n 1G,cpus=0-3 -n 1G,cpus=4-7) ;;
*)	die "BENCH_CPUS must be 2, 4 or 8, not '$BENCH_CPUS'" ;;
esac

[ -x "$OUTPUT_DIR/bin/scx_flash" ] || die "no $OUTPUT_DIR/bin/scx_flash: run make"
bpftool=$OUTPUT_DIR/sbin/bpftool
[ -x "$bpftool" ] || die "no $bpftool: run make"

# The load generator, a plain C program.
load=$OUTPUT_DIR/bin/bench-load
if [ ! -x "$load" ] || [ "$top/tests/bench/bench-load.c" -nt "$load" ]; then
	"${CC:-gcc}" -O2 -Wall -Werror -o "$load" \
		"$top/tests/bench/bench-load.c" || die "bench-load did not build"
fi

# scx_simple, the tree's reference example, from the in-tree scratch copy.
simple=$OUTPUT_DIR/intree/linux/tools/sched_ext/build/bin/scx_simple
if [ ! -x "$simple" ]; then
	"$top/scripts/intree-check.sh" > /dev/null
	make -s -C "$OUTPUT_DIR/intree/linux/tools/sched_ext" \
		CLANG="${CLANG:-clang-19}" \
		VMLINUX_BTF="$(ls -1 "$OUTPUT_DIR"/obj/vmlinux-* | head -n 1)" \
		scx_simple > "$OUTPUT_DIR/intree/simple.log" 2>&1 ||
		echo "bench: scx_simple did not build; left out" >&2
fi
[ -x "$simple" ] || simple=

# Upstream's scx_flash, the peer to beat, in every round.
peer=${PEER-$top/../shared/peers/upstream-scx_flash}
extra=${EXTRA_SCHEDS:-}
if [ -n "$peer" ] && [ -x "$peer" ]; then
	extra="upstream|=$(realpath "$peer")${extra:+;$extra}"
elif [ -n "$peer" ]; then
	echo "bench: no upstream scx_flash at $peer; left out" >&2
fi

rm -rf "$results"
mkdir -p "$results"
: > "$results/raw.txt"

# One boot per round, and a round whose boot died is run again in a new
# one.  With parallel vCPUs (QEMU 7.2 here) a vCPU can execute the int3
# that another vCPU's text_poke() left while sched_ext flips its static
# keys, and the guest dies in __schedule() ("Oops: int3") as a scheduler
# attaches: seen after 2 to 10 attaches in one boot, whichever scheduler
# it was.  Fewer attaches per boot make it rare; a retry keeps the rounds
# whole.  The guest's console goes to console.log, which says why a boot
# died.
run_round() {	# run_round FIRST NR: 0 if the guest finished them
	echo "bench: $mode mode, rounds $1 to $(($1 + $2 - 1)) of $rounds" \
		"in one boot" >&2
	VM_VERBOSE=1 "$top/scripts/vm-run.sh" -r "$results" \
		-a "$accel" ${qemu_opts:+-q "$qemu_opts"} "${topo[@]}" -- \
		env ROUNDS="$2" FIRST_ROUND="$1" BENCH_SECS="$secs" \
		BENCH_MODE="$mode" \
		HACKBENCH_LOOPS="$loops" SCHEDS="${SCHEDS:-}" \
		EXTRA_SCHEDS="$extra" BENCHES="$benches" \
		"$top/tests/vm/bench.sh" "$OUTPUT_DIR/bin/scx_flash" "$load" \
		"$bpftool" "$results" $simple > "$results/boot.log" 2>&1
	cat "$results/boot.log" >> "$results/console.log"
	grep -v '^\[ *[0-9]*\.[0-9]*\]' "$results/boot.log"
	grep -q "^# [0-9:]* done" "$results/boot.log"
}

rc=0
: > "$results/console.log"
if [ "$mode" = clock ]; then
	# One emulator thread: no vCPU races another's text_poke(), and
	# every round and scheduler share one boot.
	run_round 1 "$rounds" || { echo "bench: the boot died;" \
		"see $results/console.log" >&2; rc=1; }
else
	for round in $(seq "$rounds"); do
		for try in 1 2 3; do
			run_round "$round" 1 && break
			grep -E 'Oops|panic' "$results/boot.log" | head -n 2 >&2
			# drop the measurements of the round the guest did
			# not finish
			awk -v r="$round" '$1 != r' "$results/raw.txt" \
				> "$results/raw.tmp"
			mv "$results/raw.tmp" "$results/raw.txt"
			echo "bench: round $round died (try $try);" \
				"see $results/console.log" >&2
			[ "$try" = 3 ] && rc=1
		done
	done
fi
rm -f "$results/boot.log"

"$top/scripts/bench-report.py" "$results" || rc=1
echo "bench: results in $results (results.md, raw.txt, *.png)"
exit $rc
