#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 'make bench': one VM boot that runs the kernel's default scheduler,
# scx_flash in a few configurations and the kernel tree's scx_simple side
# by side, in interleaved rounds (tests/vm/bench.sh), then summarises the
# medians and their ratios to the default scheduler in a markdown table.
#
# Usage: scripts/bench.sh
# Environment: ROUNDS (default 3), QUICK=1 (one round of short loads),
# OUTPUT_DIR, KSRC, CLANG.  Results go to $OUTPUT_DIR/bench/.

set -u

top=$(cd "$(dirname "$0")/.." && pwd)
OUTPUT_DIR=${OUTPUT_DIR:-$top/build}
KSRC=${KSRC:-$top/.cache/linux}
results=$OUTPUT_DIR/bench
rounds=${ROUNDS:-3}
secs=5
if [ "${QUICK:-0}" = 1 ]; then
	rounds=1
	secs=2
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

rm -rf "$results"
mkdir -p "$results"
: > "$results/raw.txt"

"$top/scripts/vm-run.sh" -r "$results" -- env ROUNDS="$rounds" \
	BENCH_SECS="$secs" "$top/tests/vm/bench.sh" \
	"$OUTPUT_DIR/bin/scx_flash" "$results/raw.txt" $simple
rc=$?

"$top/scripts/bench-report.py" "$results/raw.txt" "$results/results.md"
echo "bench: results in $results (raw.txt, results.md)"
exit $rc
