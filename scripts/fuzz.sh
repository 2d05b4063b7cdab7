#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 'make fuzz': run the libFuzzer harnesses built from tests/fuzz/ (make
# fuzz-targets) one after the other and print TAP, one result per
# harness: "ok N fuzz-NAME" with libFuzzer's final count of executions,
# cov: and ft:, or "not ok" with the end of its log.  A harness fails on a
# sanitizer report, a crash, a leak, a timeout or a broken property.
#
# Usage: scripts/fuzz.sh [--short] [NAME...]
#   --short  what 'make test' runs: a fixed number of executions per
#            harness (a few seconds each), from its seeds alone, with a
#            fixed random seed
#   NAME     only these harnesses (stats, monitor, options, parsers, sysfs)
#
# Environment: OUTPUT_DIR; FUZZ_RUNS, executions per harness (default
# 1000000); FUZZ_SECS, seconds per harness instead.  The long form keeps
# the inputs it finds in $OUTPUT_DIR/fuzz/corpus/NAME, beside the seeds
# committed in tests/fuzz/corpus/NAME, and writes a failing input to
# $OUTPUT_DIR/fuzz/NAME-crash-*; logs go to $OUTPUT_DIR/fuzz/NAME.log
# (all of it under $OUTPUT_DIR/fuzz/short for the short form).

set -u

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
OUTPUT_DIR=${OUTPUT_DIR:-$top/build}
bins=$OUTPUT_DIR/obj/fuzz
work=$OUTPUT_DIR/fuzz
short=0
[ "${1:-}" = --short ] && { short=1; shift; }

# Executions of each harness in the short form: a few seconds on the
# reference machine (2 cores), the sysfs one being the slowest by far.
short_runs() {
	case $1 in
	parsers) echo 200000 ;;
	stats) echo 50000 ;;
	sysfs) echo 3000 ;;
	*) echo 100000 ;;
	esac
}

names=${*:-$(ls "$bins" 2>/dev/null | sed -n 's/^fuzz_//p')}
n=0
failed=0
echo "TAP version 13"
echo "1..$(echo $names | wc -w)"
[ -n "$names" ] || { echo "# no harness in $bins: run 'make fuzz-targets'"; exit 1; }

for name in $names; do
	n=$((n + 1))
	bin=$bins/fuzz_$name
	if [ $short = 1 ]; then
		dir=$work/short
		corpus=$dir/corpus/$name
		rm -rf "$corpus"
		limit="-runs=$(short_runs "$name") -seed=1"
	else
		dir=$work
		corpus=$dir/corpus/$name
		if [ -n "${FUZZ_SECS:-}" ]; then
			limit="-max_total_time=$FUZZ_SECS"
		else
			limit="-runs=${FUZZ_RUNS:-1000000}"
		fi
	fi
	log=$dir/$name.log
	mkdir -p "$corpus"
	# shellcheck disable=SC2086
	UBSAN_OPTIONS=print_stacktrace=1 "$bin" $limit -max_len=8192 \
		-timeout=30 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$dir/$name-" "$corpus" \
		"tests/fuzz/corpus/$name" > "$log" 2>&1
	rc=$?
	done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1)
	stats=$(echo "$done_line" |
		sed -n 's/^#\([0-9]*\).* cov: \([0-9]*\) ft: \([0-9]*\).*/\1 executions, cov: \2 ft: \3/p')
	if [ $rc -eq 0 ] && [ -n "$stats" ]; then
		echo "ok $n fuzz-$name # $stats"
	else
		echo "not ok $n fuzz-$name # exit status $rc, log $log"
		tail -n 40 "$log" | sed 's/^/#   /'
		failed=$((failed + 1))
	fi
done
[ $failed -eq 0 ]
