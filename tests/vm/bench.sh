#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Inside the VM: benchmark the kernel's default scheduler and scx_flash
# configurations side by side, in interleaved rounds, and append one
# "round scheduler metric value" line per measurement to RESULTS.
#
# Usage: bench.sh SCX_FLASH RESULTS [SCX_SIMPLE]
# Environment: ROUNDS (default 3), BENCH_SECS (default 5).

set -u

flash=$(realpath "$1")
out=$(realpath "$2")
rounds=${ROUNDS:-3}
secs=${BENCH_SECS:-5}
ncpu=$(nproc)
cg=/sys/fs/cgroup

simple=${3:+$(realpath "$3")}

cd /tmp || exit 1

# name|loader arguments ("-" = the kernel's default scheduler)
schedulers=(
	"default|-"
	"flash|"
	"flash-lag-scaling|--slice-lag-scaling"
	"flash-tickless|--tickless"
	"flash-rr|--rr-sched"
)
[ -n "$simple" ] && schedulers+=("scx_simple|=$simple")

record() {	# record ROUND SCHED METRIC VALUE
	echo "$1 $2 $3 $4" | tee -a "$out"
}

# start_sched ARGS: start scx_flash with ARGS; "-" is the default
# scheduler, "=PATH" another sched_ext scheduler.
start_sched() {
	[ "$1" = - ] && return 0
	case "$1" in
	=*)	"${1#=}" > /tmp/flash.log 2>&1 & ;;
	# shellcheck disable=SC2086
	*)	"$flash" $1 > /tmp/flash.log 2>&1 & ;;
	esac
	flash_pid=$!
	for _ in $(seq 100); do
		[ "$(cat /sys/kernel/sched_ext/state)" = enabled ] && return 0
		sleep 0.1
	done
	echo "# scx_flash $1 did not attach:"; sed 's/^/# /' /tmp/flash.log
	return 1
}

stop_sched() {
	[ -n "${flash_pid:-}" ] || return 0
	kill -INT "$flash_pid" 2>/dev/null
	wait "$flash_pid" || echo "# scx_flash exited with $?"
	flash_pid=
}

# hackbench: seconds for a fixed amount of message passing.
bench_hackbench() {
	local t
	t=$(hackbench -g 4 -l 200 2>&1 | awk '/^Time:/ { print $2 }')
	record "$1" "$2" hackbench_s "${t:-nan}"
	t=$(hackbench -T -P -g 4 -l 200 2>&1 | awk '/^Time:/ { print $2 }')
	record "$1" "$2" hackbench_threads_pipes_s "${t:-nan}"
}

# Wakeup latency of a 1 ms sleeper (no RT priority) while every CPU runs
# a hog: average, 99th percentile and maximum, in us.
bench_latency() {
	local hist=/tmp/cyclic.$2.$1
	local load

	stress-ng --cpu "$ncpu" --timeout "$((secs + 1))s" --temp-path /tmp \
		--quiet &
	load=$!
	sleep 0.5
	cyclictest -q -D "$secs" -i 1000 --policy=other -p 0 -t 1 -h 20000 \
		> "$hist" 2>/dev/null
	wait "$load"
	awk -v r="$1" -v s="$2" '
		/^[0-9]/ { n += $2; cnt[$1 + 0] = $2 }
		/^# Avg Latencies:/ { avg = $4 + 0 }
		/^# Max Latencies:/ { max = $4 + 0 }
		END {
			for (us = 0; us <= 20000 && seen < n * 0.99; us++)
				seen += cnt[us]
			printf "%s %s sleeper_avg_us %d\n", r, s, avg
			printf "%s %s sleeper_p99_us %d\n", r, s, us - 1
			printf "%s %s sleeper_max_us %d\n", r, s, max
		}' "$hist" | tee -a "$out"
	cp "$hist" "$(dirname "$out")/" 2>/dev/null
}

# CPU share of two hogs on CPU 0, from the CPU time stress-ng reports for
# each: nice 0 against nice 5 (ideal 3.05), cpu.weight 200 against 100
# (ideal 2.0).  CPU time, not bogo-ops: under emulation a task that is
# switched out more often also gets less done per second of CPU.
hog_ops() {	# hog_ops [PREFIX...]: CPU seconds of one CPU hog on CPU 0
	"$@" stress-ng --cpu 1 --taskset 0 --timeout "${secs}s" \
		--temp-path /tmp --metrics-brief 2>&1 |
		awk '$4 == "cpu" { print $7 + $8 }'
}

in_cgroup() {	# in_cgroup NAME CMD...: run CMD in cgroup NAME
	local name=$1
	shift
	sh -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' "$cg/$name" "$@"
}

bench_fairness() {
	local a b pa pb
	a=$(mktemp) b=$(mktemp)
	hog_ops > "$a" &
	pa=$!
	hog_ops nice -n 5 > "$b" &
	pb=$!
	wait "$pa" "$pb"
	record "$1" "$2" nice_ratio "$(awk -v a="$(cat "$a")" -v b="$(cat "$b")" \
		'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }')"

	if [ -w "$cg/flash_a/cpu.weight" ]; then
		hog_ops in_cgroup flash_a > "$a" &
		pa=$!
		hog_ops in_cgroup flash_b > "$b" &
		pb=$!
		wait "$pa" "$pb"
		record "$1" "$2" cgroup_ratio "$(awk -v a="$(cat "$a")" \
			-v b="$(cat "$b")" \
			'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }')"
	fi
	rm -f "$a" "$b"
}

# CPU-bound throughput at 2x overcommit: bogo-ops per second of all hogs.
bench_throughput() {
	local ops
	ops=$(stress-ng --cpu "$((ncpu * 2))" --timeout "${secs}s" \
		--temp-path /tmp --metrics-brief 2>&1 |
		awk '$4 == "cpu" { print $9 }')
	record "$1" "$2" throughput_ops_s "${ops:-nan}"
}

setup_cgroups() {
	[ -f "$cg/cgroup.controllers" ] || mount -t cgroup2 cgroup2 "$cg"
	echo +cpu > "$cg/cgroup.subtree_control" 2>/dev/null
	mkdir -p "$cg/flash_a" "$cg/flash_b"
	echo 200 > "$cg/flash_a/cpu.weight"
	echo 100 > "$cg/flash_b/cpu.weight"
}

setup_cgroups
echo "# $ncpu CPUs, kernel $(uname -r), $rounds rounds of ${secs}s loads"
for round in $(seq "$rounds"); do
	for entry in "${schedulers[@]}"; do
		name=${entry%%|*}
		args=${entry#*|}
		echo "# $(date +%T) round $round: $name"
		start_sched "$args" || { stop_sched; continue; }
		bench_hackbench "$round" "$name"
		bench_latency "$round" "$name"
		bench_fairness "$round" "$name"
		bench_throughput "$round" "$name"
		stop_sched
	done
done
