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
. "$(dirname "$0")/../tap.sh"
out=$(mktemp)
tap_log=$out
trap 'rm -f "$out"' EXIT


# expect STATUS PATTERN DESCRIPTION -- ARGS...: run the binary with ARGS,
# check its exit status and that its output matches PATTERN.  A binary
# that takes bad input for good may run on (--monitor): it is stopped.
expect() {
	local status=$1 pattern=$2 desc=$3 rc
	shift 4
	timeout 10 "$bin" "$@" > "$out" 2>&1 < /dev/null
	rc=$?
	[ $rc -eq "$status" ] && grep -qE -- "$pattern" "$out"
	ok $? "$desc (exit $rc)"
}

echo "TAP version 13"
[ -x "$bin" ] || { echo "1..0 # SKIP $bin is not built"; exit 1; }

expect 0 '^Usage: scx_flash' "--help prints the usage" -- --help
expect 0 '^Exit status: .* 69 ' "--help documents the exit status" -- --help
for opt in --slice-us --slice-us-lag --throttle-us --idle-resume-us \
	   --tickless --rr-sched --wakeup-throttle --slice-lag-scaling \
	   --primary-domain --disable-smt --disable-numa --cpufreq \
	   --exit-dump-len --stats --monitor --help-stats --debug --verbose \
	   --version --relaxed-maps --pin-root-path --kconfig \
	   --btf-custom-path --bpf-token-path; do
	expect 0 "$opt[= ]" "--help documents $opt" -- -h
done
expect 0 '^scx_flash [0-9]+\.[0-9]+\.[0-9]+ [a-z0-9_]+-' \
	"--version prints the version and machine" -- -V
expect 0 '^  nr_kthread_dispatches \(u64\) : Number of kthread direct dispatches$' \
	"--help-stats describes the metrics" -- --help-stats
expect 1 "invalid value '12x' for --slice-us" "a bad slice names option and value" -- --slice-us 12x
expect 1 "invalid value '-3' for --slice-us-lag" "a negative lag is refused" -- -l -3
expect 1 "invalid value '0' for --slice-us: must be greater than 0" \
	"a zero slice is refused" -- -s 0
expect 1 "invalid value '100001' for --slice-us: above the limit of 100000 us" \
	"a slice beyond 100 ms is refused, naming the limit" -- -s 100001
expect 1 "invalid value '1000001' for --slice-us-lag: above the limit of 1000000 us" \
	"a sleep credit beyond 1 s is refused, naming the limit" -- -l 1000001
expect 1 "invalid value '18446744073709551615' for --slice-us-lag: above the limit" \
	"a lag that would overflow in BPF is refused" -- -l 18446744073709551615
expect 1 "invalid value '1000001' for --throttle-us: above the limit of 1000000 us" \
	"idle injection beyond 1 s is refused, naming the limit" -- -t 1000001
SCX_TIMEOUT_MS=2000 expect 1 "invalid value '400001' for --throttle-us: above a fifth of the 2000 ms watchdog timeout" \
	"idle injection must leave the watchdog's waiters time to run" -- -t 400001
expect 1 "invalid value 'soon' for --stats" "a bad interval is refused" -- --stats soon
expect 1 "invalid value '0' for --monitor" "a zero monitor interval is refused" -- --monitor 0
expect 1 "invalid value '1e19' for --monitor: more than 86400 seconds" \
	"a monitor interval beyond a day is refused, with the bound" -- --monitor 1e19
expect 1 "invalid value '2147483648' for --idle-resume-us: out of range" \
	"an idle QoS beyond s32 is refused" -- -I 2147483648
expect 1 "invalid value 'fastest' for --primary-domain" \
	"an unknown primary domain is refused" -- -m fastest
expect 1 "invalid value 'yes' for --relaxed-maps" \
	"--relaxed-maps takes true or false" -- --relaxed-maps yes
expect 1 "invalid value '/nonexistent' for --kconfig: No such file" \
	"a missing --kconfig file is refused" -- --kconfig /nonexistent
# Checked against the machine's CPUs, before the kernel is looked at.
expect 1 "invalid value '0x1000000000000000000000000000000000000000' for --primary-domain: CPU 156 does not exist" \
	"a mask with a CPU the machine lacks is refused" \
	-- -m 0x1000000000000000000000000000000000000000
expect 1 "unrecognized option '--bogus'" "an unknown option is refused" -- --bogus
expect 1 "unexpected argument 'extra'" "a stray argument is refused" -- extra
SCX_TIMEOUT_MS=5s expect 1 "SCX_TIMEOUT_MS has invalid value '5s'" \
	"a bad SCX_TIMEOUT_MS is refused" --
SCX_TIMEOUT_MS=499 expect 1 "SCX_TIMEOUT_MS has invalid value '499' \\(min 500\\)" \
	"a timeout too short for the starvation guard is refused" --

# --monitor needs no scheduler: it waits for the stats server and stops
# cleanly on SIGTERM.
timeout --preserve-status 3 "$bin" --monitor 0.5 > "$out" 2>&1 < /dev/null
rc=$?
[ $rc -eq 0 ] && grep -q "Stats server not available, retrying" "$out"
ok $? "--monitor waits for the server and exits 0 on SIGTERM (exit $rc)"

if [ -d /sys/kernel/sched_ext ]; then
	skip "refuses to run without sched_ext" "this kernel has sched_ext"
else
	# 69 (EX_UNAVAILABLE), which scx_flash.service does not restart
	expect 69 "no sched_ext support" "refuses to run without sched_ext" --
	expect 69 "no sched_ext support" "-I -1 is a value, not an option" -- -I -1
fi

tap_end
