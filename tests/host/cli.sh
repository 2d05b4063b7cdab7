#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host tests of the built scx_flash binary: what it prints and how it exits
# on --help, --version and bad input, and that it refuses to run on a
# kernel without sched_ext.  None of these may touch the kernel.  TAP.
#
# Usage: tests/host/cli.sh [SCX_FLASH_BINARY]

set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:-${OUTPUT_DIR:-$top/build}/bin/scx_flash}
n=0
failed=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT

ok() {		# ok STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		sed 's/^/#   /' "$out"
		failed=$((failed + 1))
	fi
}

skip() {	# skip DESCRIPTION REASON
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}

# expect STATUS PATTERN DESCRIPTION -- ARGS...: run the binary with ARGS,
# check its exit status and that its output matches PATTERN.
expect() {
	local status=$1 pattern=$2 desc=$3 rc
	shift 4
	"$bin" "$@" > "$out" 2>&1 < /dev/null
	rc=$?
	[ $rc -eq "$status" ] && grep -qE -- "$pattern" "$out"
	ok $? "$desc (exit $rc)"
}

echo "TAP version 13"
[ -x "$bin" ] || { echo "1..0 # SKIP $bin is not built"; exit 1; }

expect 0 '^Usage: scx_flash' "--help prints the usage" -- --help
for opt in --slice-us --slice-us-lag --rr-sched --disable-smt \
	   --disable-numa --exit-dump-len --stats --verbose --version; do
	expect 0 "$opt" "--help documents $opt" -- -h
done
expect 0 '^scx_flash [0-9]+\.[0-9]+\.[0-9]+' "--version prints the version" -- -V
expect 1 "invalid value '12x' for --slice-us" "a bad slice names option and value" -- --slice-us 12x
expect 1 "invalid value '-3' for --slice-us-lag" "a negative lag is refused" -- -l -3
expect 1 "--slice-us must be greater than 0" "a zero slice is refused" -- -s 0
expect 1 "invalid interval 'soon' for --stats" "a bad interval is refused" -- --stats soon
expect 1 "unrecognized option '--bogus'" "an unknown option is refused" -- --bogus
expect 1 "unexpected argument 'extra'" "a stray argument is refused" -- extra

if [ -d /sys/kernel/sched_ext ]; then
	skip "refuses to run without sched_ext" "this kernel has sched_ext"
else
	expect 1 "no sched_ext support" "refuses to run without sched_ext" --
fi

echo "1..$n"
[ $failed -eq 0 ]
