#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Inside the VM: benchmark the kernel's default scheduler, scx_flash
# configurations and scx_simple side by side, in interleaved rounds (each
# round starts one scheduler later, so none always runs first), and append
# one "round scheduler metric value" line per measurement to DIR/raw.txt.
# Latency histograms go to DIR/hist/.
#
# Usage: bench.sh SCX_FLASH BENCH_LOAD BPFTOOL DIR [SCX_SIMPLE]
# Environment: ROUNDS (default 3), FIRST_ROUND (the number of the first,
# default 1: the host may run each round in a boot of its own),
# BENCH_SECS (default 5), BENCH_MODE (clock or parallel, for the header),
# HACKBENCH_LOOPS (default 200), SCHEDS (names to run, default all),
# BENCHES (default "hackbench sat pin frames fairness throughput"),
# EXTRA_SCHEDS ("NAME|=PATH ARGS" entries separated by ';', for example a
# modified scx_flash to compare with the committed one).

set -u

flash=$(realpath "$1")
load=$(realpath "$2")
bpftool=$(realpath "$3")
dir=$(realpath "$4")
simple=${5:+$(realpath "$5")}
out=$dir/raw.txt
rounds=${ROUNDS:-3}
first=${FIRST_ROUND:-1}
secs=${BENCH_SECS:-5}
loops=${HACKBENCH_LOOPS:-200}
benches=${BENCHES:-hackbench sat pin frames fairness throughput}
ncpu=$(nproc)
cg=/sys/fs/cgroup
state=/sys/kernel/sched_ext/state

cd /tmp || exit 1
mkdir -p "$dir/hist"

# name|loader arguments ("-" = the kernel's default scheduler, "=PATH"
# another sched_ext scheduler)
schedulers=(
	"default|-"
	"flash|"
	"flash-lag-scaling|--slice-lag-scaling"
	"flash-tickless|-T"
	"flash-rr|-R"
)
[ -n "$simple" ] && schedulers+=("scx_simple|=$simple")
if [ -n "${SCHEDS:-}" ]; then
	sel=()
	for entry in "${schedulers[@]}"; do
		case " $SCHEDS " in *" ${entry%%|*} "*) sel+=("$entry") ;; esac
	done
	schedulers=("${sel[@]}")
fi
IFS=';' read -r -a extra <<< "${EXTRA_SCHEDS:-}"
for entry in "${extra[@]}"; do
	[ -n "$entry" ] && schedulers+=("$entry")
done

record() {	# record ROUND SCHED METRIC VALUE
	echo "$1 $2 $3 $4" | tee -a "$out"
}

# A sleep without forking (fork and exec are slow under emulation): read
# with a timeout from a FIFO nobody writes to.
rm -f /tmp/bench.fifo && mkfifo /tmp/bench.fifo
exec 7<> /tmp/bench.fifo
nap() { read -r -t "$1" -u 7 _; }

now_us() { echo "${EPOCHREALTIME/./}"; }

# start_sched ROUND NAME ARGS: start the scheduler and record how long it
# took from its start to sched_ext's "enabled".
start_sched() {
	local t0 st

	sched_pid=
	[ "$3" = - ] && return 0
	t0=$(now_us)
	# The arguments are split into words on purpose.
	# shellcheck disable=SC2086
	case "$3" in
	=*)	${3#=} > /tmp/sched.log 2>&1 & ;;
	*)	"$flash" $3 > /tmp/sched.log 2>&1 & ;;
	esac
	sched_pid=$!
	for _ in $(seq 2000); do
		read -r st < "$state"
		if [ "$st" = enabled ]; then
			record "$1" "$2" enable_ms \
				"$(( ($(now_us) - t0) / 1000 ))"
			return 0
		fi
		kill -0 "$sched_pid" 2>/dev/null || break
		nap 0.005
	done
	echo "# $2 did not attach:"
	sed 's/^/# /' /tmp/sched.log
	return 1
}

stop_sched() {
	[ -n "$sched_pid" ] || return 0
	kill -INT "$sched_pid" 2>/dev/null
	wait "$sched_pid" || echo "# $name exited with $?"
	sched_pid=
}

ctxt() { awk '/^ctxt/ { print $2 }' /proc/stat; }

# The sums over all CPUs of /proc/schedstat's wakeups, wakeups on the
# waker's CPU, time tasks waited on a runqueue (ns) and timeslices run.
schedstat() {
	awk '/^cpu/ { tt += $6; tl += $7; rd += $9; pc += $10 }
		END { print tt, tl, rd, pc }' /proc/schedstat
}

# scx_flash's count of wakeups that preempted the running task (the
# FLASH_STAT_PREEMPT_DISPATCHES entry of its per-CPU "stats" map, summed
# over the CPUs); nothing without that map.  Read for the flash* entries
# only: another scheduler's map of that name means something else.
preempts() {
	"$bpftool" map dump name stats --json 2>/dev/null | python3 -c '
import json, sys

def num(v):
    """A BTF-formatted integer, or the little-endian hex bytes of bpftool."""
    if isinstance(v, list):
        return int.from_bytes(bytes(int(b, 16) for b in v), "little")
    return int(v)

try:
    for e in json.load(sys.stdin):
        e = e.get("formatted", e)
        if num(e["key"]) == 4:
            print(sum(num(v["value"]) for v in e["values"]))
except (ValueError, KeyError, TypeError, AttributeError):
    pass
'
}

# hackbench_run ROUND SCHED METRIC ARGS...: seconds for a fixed amount of
# message passing; and, to explain them, the context switches it took
# (the whole system's, from /proc/stat) in thousands, those of hackbench's
# own tasks split into voluntary (a task blocked: the fewer messages a
# wakeup finds waiting, the more) and involuntary ones (preempted), in
# thousands, from getrusage() through time(1), the share of
# wakeups that went to another CPU than the waker's, in percent, and the
# average wait on a runqueue before a timeslice, in us (/proc/schedstat).
hackbench_run() {
	local r=$1 s=$2 m=$3 t c0 s0 s1 p0 p1
	shift 3

	p0=
	case $s in flash*) p0=$(preempts) ;; esac
	c0=$(ctxt)
	s0=$(schedstat)
	rm -f /tmp/hackbench.csw
	t=$(/usr/bin/time -f "%w %c" -o /tmp/hackbench.csw hackbench "$@" 2>&1 |
		awk '/^Time:/ { print $2 }')
	s1=$(schedstat)
	p1=
	[ -n "$p0" ] && p1=$(preempts)
	record "$r" "$s" "$m" "${t:-nan}"
	record "$r" "$s" "${m%_s}_kctxt" "$((($(ctxt) - c0) / 1000))"
	[ -n "$p1" ] && record "$r" "$s" "${m%_s}_preempts" "$((p1 - p0))"
	tail -n 1 /tmp/hackbench.csw 2>/dev/null | awk -v p="$r $s ${m%_s}" '
		NF == 2 { printf "%s_vcsw %.1f\n%s_icsw %.1f\n", p, $1 / 1000,
			  p, $2 / 1000 }' | tee -a "$out"
	echo "$s0 $s1" | awk -v p="$r $s ${m%_s}" '{
		tt = $5 - $1; tl = $6 - $2; rd = $7 - $3; pc = $8 - $4
		printf "%s_remote_pct %s\n", p, tt ? sprintf("%.1f", (tt - tl) * 100 / tt) : "nan"
		printf "%s_wait_us %s\n", p, pc ? sprintf("%.0f", rd / pc / 1000) : "nan"
	}' | tee -a "$out"
}

bench_hackbench() {
	hackbench_run "$1" "$2" hackbench_s -g 4 -l "$loops"
	hackbench_run "$1" "$2" hackbench_threads_pipes_s -T -p -g 4 -l "$loops"
}

# bench_sleeper ROUND SCHED KIND: wakeup latency of a task that sleeps
# 1 ms at a time (cyclictest, no RT priority) beside CPU hogs: average,
# 99th percentile and maximum in us, and the histogram.
#   sat:  a hog on every CPU, nothing pinned (the issue's set-up); under
#         single-threaded emulation a vCPU's timer also waits for the
#         other busy vCPU's turn, which no scheduler can change;
#   pin:  the sleeper and one hog pinned to CPU 0, the other CPUs idle:
#         the emulator runs CPU 0 alone, so the latency is the
#         scheduler's (wakeup preemption, slice length).
bench_sleeper() {
	local hist=$dir/hist/lat-$3.$2.$1
	local pid metric=sleeper_$3 affinity=

	if [ "$3" = sat ]; then
		"$load" spin "$((secs + 1))" "$ncpu" > /dev/null &
	else
		taskset -c 0 "$load" spin "$((secs + 1))" 1 > /dev/null &
		affinity="-a 0"
	fi
	pid=$!
	nap 0.5
	# No -p: cyclictest's -p switches the policy to SCHED_FIFO, even
	# after --policy=other, and the sleeper would bypass sched_ext.
	# shellcheck disable=SC2086
	cyclictest -q -D "$secs" -i 1000 --policy=other -t 1 \
		-h 20000 $affinity > "$hist" 2>/dev/null
	wait "$pid"
	awk -v r="$1" -v s="$2" -v m="$metric" '
		/^[0-9]/ { n += $2; cnt[$1 + 0] = $2 }
		/^# Avg Latencies:/ { avg = $4 + 0 }
		/^# Max Latencies:/ { max = $4 + 0 }
		END {
			for (us = 0; us <= 20000 && seen < n * 0.99; us++)
				seen += cnt[us]
			if (!n)
				avg = max = us = "nan"
			printf "%s %s %s_avg_us %s\n", r, s, m, avg
			printf "%s %s %s_p99_us %s\n", r, s, m, n ? us - 1 : us
			printf "%s %s %s_max_us %s\n", r, s, m, max
		}' "$hist" | tee -a "$out"
}

# bench_frames ROUND SCHED: a 60 Hz frame loop (4 ms of CPU time per
# 16.7 ms period) beside a hog and a loop of short-lived processes per CPU
# (bench-load frames): the share of periods missed, in percent, and the
# worst lateness of a frame, in us.
bench_frames() {
	local r

	r=$("$load" frames "$((secs * 2))" "$ncpu")
	record "$1" "$2" frames_missed_pct "$(echo "$r" | awk '
		$1 > 0 { printf "%.1f", $2 * 100 / $1; ok = 1 }
		END { if (!ok) print "nan" }')"
	record "$1" "$2" frames_worst_late_us "$(echo "$r" | awk '
		NF == 3 { print $3; ok = 1 } END { if (!ok) print "nan" }')"
}

# CPU share of two hogs on CPU 0, from their CPU time (wait4()):
# nice 0 against nice 5 (ideal 3.05), cpu.weight 200 against 100 (2.0).
# Their CPU time together against the seconds they ran checks the clocks:
# tick-counted CPU time and CLOCK_MONOTONIC must agree (about 1.0), or no
# figure of the run can be trusted.
bench_fairness() {
	local r

	r=$("$load" share "$secs" 0 0 5)
	record "$1" "$2" nice_ratio "$(echo "$r" | awk \
		'NF == 3 { print $3; ok = 1 } END { if (!ok) print "nan" }')"
	record "$1" "$2" clock_cpu_per_wall "$(echo "$r" | awk -v s="$secs" \
		'NF == 3 { printf "%.3f", ($1 + $2) / (s * 1000000); ok = 1 }
		 END { if (!ok) print "nan" }')"
	if [ -w "$cg/bench_a/cpu.weight" ]; then
		r=$("$load" share "$secs" 0 "$cg/bench_a" "$cg/bench_b" |
			awk '{ print $3 }')
		record "$1" "$2" cgroup_ratio "${r:-nan}"
	fi
}

# CPU-bound throughput at 2x overcommit: millions of loop iterations per
# second done by twice as many hogs as CPUs.  The work one hog per CPU
# gets done right after is the yardstick: under emulation how much of the
# host the VM gets moves between runs, and their ratio cancels that out.
bench_throughput() {
	local r2 r1

	r2=$("$load" spin "$secs" "$((ncpu * 2))")
	record "$1" "$2" throughput_mops "${r2:-nan}"
	r1=$("$load" spin "$secs" "$ncpu")
	record "$1" "$2" throughput_1x_mops "${r1:-nan}"
	record "$1" "$2" throughput_rel "$(awk -v a="${r2:-0}" -v b="${r1:-0}" \
		'BEGIN { print (a > 0 && b > 0) ? a / b : "nan" }')"
}

# BPF cost of each struct_ops callback of the running scheduler
# (kernel.bpf_stats_enabled): ns per call, and the share of all CPU time
# spent in them since the scheduler started, in percent.
bench_bpf_cost() {
	local elapsed_ns=$((($(now_us) - $3) * 1000))

	"$bpftool" prog show --json 2>/dev/null | python3 -c '
import json, sys
r, s, elapsed, ncpu = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
total = 0
for p in json.load(sys.stdin):
    if p.get("type") != "struct_ops" or not p.get("run_cnt"):
        continue
    cb = p["name"].split("_", 1)[-1]
    total += p["run_time_ns"]
    print(r, s, "bpf_ns." + cb, "%.0f" % (p["run_time_ns"] / p["run_cnt"]))
    print(r, s, "bpf_calls." + cb, p["run_cnt"])
print(r, s, "bpf_cpu_pct", "%.3f" % (total * 100.0 / (elapsed * ncpu)))
' "$1" "$2" "$elapsed_ns" "$ncpu" | tee -a "$out"
}

setup_cgroups() {
	[ -f "$cg/cgroup.controllers" ] || mount -t cgroup2 cgroup2 "$cg"
	echo +cpu > "$cg/cgroup.subtree_control" 2>/dev/null
	mkdir -p "$cg/bench_a" "$cg/bench_b"
	echo 200 > "$cg/bench_a/cpu.weight"
	echo 100 > "$cg/bench_b/cpu.weight"
}

setup_cgroups
echo 1 > /proc/sys/kernel/sched_schedstats ||
	echo "# no kernel.sched_schedstats: no wakeup and wait figures"
echo 1 > /proc/sys/kernel/bpf_stats_enabled ||
	echo "# no kernel.bpf_stats_enabled: no BPF cost"
nsched=${#schedulers[@]}
# The host boots once per round: the first boot writes the header.
header="# $ncpu CPUs, kernel $(uname -r), ${secs}s loads, ${BENCH_MODE:-parallel} mode"
echo "$header"
grep -q '^#' "$out" 2>/dev/null || echo "$header" >> "$out"
for round in $(seq "$first" $((first + rounds - 1))); do
	for i in $(seq 0 $((nsched - 1))); do
		entry=${schedulers[$(((i + round - 1) % nsched))]}
		name=${entry%%|*}
		args=${entry#*|}
		echo "# $(date +%T) round $round: $name"
		start_sched "$round" "$name" "$args" || { stop_sched; continue; }
		t_start=$(now_us)
		for b in $benches; do
			case $b in
			hackbench)	bench_hackbench "$round" "$name" ;;
			sat|pin)	bench_sleeper "$round" "$name" "$b" ;;
			frames)		bench_frames "$round" "$name" ;;
			fairness)	bench_fairness "$round" "$name" ;;
			throughput)	bench_throughput "$round" "$name" ;;
			esac
		done
		[ -n "$sched_pid" ] && bench_bpf_cost "$round" "$name" "$t_start"
		stop_sched
	done
done
echo "# $(date +%T) done"
