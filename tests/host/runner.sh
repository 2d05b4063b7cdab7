#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host tests of the selftest runner that never touch the kernel: its help
# names the knobs of the long cases with their short defaults, and a case
# whose tool is missing is skipped with the reason, before it looks for
# sched_ext.  TAP.
#
# Usage: tests/host/runner.sh [RUNNER]

set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:-${OUTPUT_DIR:-$top/build}/bin/runner}
. "$(dirname "$0")/../tap.sh"
out=$(mktemp)
dir=$(mktemp -d)
trap 'rm -rf "$out" "$dir"' EXIT

# The runner's own TAP stays in $out, shown as comments on failure only,
# so that 'make test' does not count its skips as ours.
tap_log=$out

echo "TAP version 13"
[ -x "$bin" ] || { echo "1..0 # SKIP $bin is not built"; exit 1; }

"$bin" -h > "$out" 2>&1
rc=$?
[ $rc -eq 0 ] && grep -qE '^  SCX_SOAK_SECS=N .*\(default 5\)$' "$out" &&
	grep -qE '^  SCX_ATTACH_CYCLES=N .*\(default 20\)$' "$out"
ok $? "-h names SCX_SOAK_SECS and SCX_ATTACH_CYCLES with their defaults"

"$bin" -l > "$out" 2>&1
for t in robust_message_passing soak_mixed_load attach_cycles; do
	grep -qx "$t" "$out"
	ok $? "-l lists $t"
done

# skipped_for_hackbench DESCRIPTION: robust_message_passing, run with PATH
# set to $dir only, must be skipped for the missing hackbench.
skipped_for_hackbench() {
	local rc

	PATH=$dir "$bin" -t robust_message_passing > "$out" 2>&1
	rc=$?
	[ $rc -eq 0 ] && ! grep -q '^not ok' "$out" &&
		grep -qE '^ok 1 .*# SKIP.*no hackbench in PATH' "$out"
	ok $? "$1 (exit $rc)"
}

skipped_for_hackbench "without hackbench, robust_message_passing skips and says why"
: > "$dir/hackbench"
skipped_for_hackbench "a hackbench that is not executable counts as missing"
mkdir "$dir/sub" && chmod 755 "$dir/sub" && rm "$dir/hackbench" &&
	mv "$dir/sub" "$dir/hackbench"
skipped_for_hackbench "a directory named hackbench counts as missing"

tap_end
