#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Inside the VM: the loader's behaviour on a real sched_ext kernel, in TAP.
# Every option set attaches and detaches cleanly; the idle resume latency
# is put back (an "n/a" included) after SIGINT, SIGTERM and a failed load;
# a power profile change reloads the scheduler under the auto domain; a
# second instance is refused and leaves the first one running; the stats
# socket answers both requests, refuses garbage and goes away on exit;
# --monitor keeps printing across restarts; offlining and onlining a CPU
# makes the loader attach again.
#
# Usage: loader.sh SCX_FLASH_BINARY

set -u

bin=$1
sysfs=/sys/kernel/sched_ext
sock=/var/run/scx/root/stats
qos=/sys/devices/system/cpu/cpu%d/power/pm_qos_resume_latency_us
log=$(mktemp)
pid=

. "$(dirname "$0")/../tap.sh"
tap_log=$log

# wait_state STATE [SECS]: wait until sched_ext is in STATE.
wait_state() {
	local i
	for ((i = 0; i < ${2:-30} * 10; i++)); do
		[ "$(cat $sysfs/state)" = "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

# start ARGS...: run the loader in the background and wait for it to attach.
start() {
	"$bin" "$@" > "$log" 2>&1 &
	pid=$!
	wait_state enabled && grep -q '^flash_' $sysfs/root/ops
}

# stop [SIGNAL]: stop the loader and return its exit status.
stop() {
	local rc
	kill -"${1:-INT}" "$pid" 2> /dev/null
	wait "$pid"
	rc=$?
	pid=
	wait_state disabled 10 || return 99
	return $rc
}

cpu_qos() { cat "$(printf "$qos" "$1")"; }
set_qos() { echo "$2" > "$(printf "$qos" "$1")"; }

# stats_request REQUEST: one request line to the stats socket, the reply.
stats_request() {
	python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
f = s.makefile("rw")
for line in sys.argv[2:]:
    f.write(line + "\n")
    f.flush()
    print(f.readline().strip())
' "$sock" "$@"
}

cleanup() {
	[ -n "$pid" ] && kill -KILL "$pid" 2> /dev/null
	echo 1 > /sys/devices/system/cpu/cpu1/online 2> /dev/null
	rm -f "$log"
}
trap cleanup EXIT

echo "TAP version 13"
if [ ! -d $sysfs ]; then
	echo "1..0 # SKIP this kernel has no sched_ext"
	exit 0
fi

# Every option set attaches, schedules a short load and detaches with 0.
while read -r args; do
	start $args
	rc=$?
	[ $rc -eq 0 ] && for i in 1 2 3 4; do sh -c 'i=0; while [ $i -lt 2000 ]; do i=$((i+1)); done' & done
	wait $(jobs -p | grep -v "^$pid$") 2> /dev/null
	stop
	[ $rc -eq 0 ] && [ $? -eq 0 ]
	ok $? "attaches and detaches with: ${args:-(defaults)}"
done <<'EOF'

-T
-R
--wakeup-throttle
--slice-lag-scaling
-f
-t 100
-s 2000 -l 5000
-m all
-m none
-m 0x1
-m performance
-m powersave
-m turbo
--disable-smt --disable-numa
-I -1
-I 0
-d
-v
--exit-dump-len 1024 --stats 0.5
--relaxed-maps false --pin-root-path /sys/fs/bpf
EOF

# The startup log has upstream's lines, in upstream's order.
start -m 0x1
grep -oE 'SMT (on|off)$|scheduler options: .*|Setting idle QoS to 32 us|NUMA nodes: [0-9]+|scheduler flags: 0x[0-9a-f]+|primary CPU domain = 0x1$|cpufreq performance level: max' "$log" |
	sed 's/:.*//; s/ = .*//; s/SMT.*/SMT/; s/Setting.*/QoS/' | tr '\n' , > "$log.order"
stop
grep -q '^SMT,scheduler options,QoS,NUMA nodes,scheduler flags,primary CPU domain,cpufreq performance level,$' "$log.order"
ok $? "startup log lines in upstream's order ($(cat "$log.order"))"
rm -f "$log.order"

# The idle QoS is set while running and restored as found.
if [ -e "$(printf "$qos" 0)" ]; then
	for sig in INT TERM; do
		set_qos 0 100
		set_qos 1 n/a
		start -I 20
		during="$(cpu_qos 0)/$(cpu_qos 1)"
		stop $sig
		rc=$?
		after="$(cpu_qos 0)/$(cpu_qos 1)"
		[ "$during" = 20/20 ] && [ "$after" = 100/n/a ] && [ $rc -eq 0 ]
		ok $? "idle QoS 20 while running ($during), restored after SIG$sig ($after, exit $rc)"
	done

	set_qos 0 100
	set_qos 1 n/a
	"$bin" -I 20 --btf-custom-path /etc/hostname > "$log" 2>&1
	rc=$?
	after="$(cpu_qos 0)/$(cpu_qos 1)"
	[ $rc -ne 0 ] && grep -q "Setting idle QoS to 20" "$log" &&
		[ "$after" = 100/n/a ] && [ "$(cat $sysfs/state)" = disabled ]
	ok $? "a failed load restores the idle QoS ($after, exit $rc)"
	set_qos 0 0
	set_qos 1 0
else
	skip "idle QoS restored after SIGINT" "no pm_qos_resume_latency_us"
	skip "idle QoS restored after SIGTERM" "no pm_qos_resume_latency_us"
	skip "a failed load restores the idle QoS" "no pm_qos_resume_latency_us"
fi

# A power profile change loads the scheduler again under
# --primary-domain=auto, and only is noted under a fixed domain.  The VM
# has no cpufreq, so the loader reads (SCX_SYSFS_PREFIX) a copy of the
# CPU topology whose policy0 has an energy performance preference.
fake=$(mktemp -d)
cpus=/sys/devices/system/cpu
epp=$fake$cpus/cpufreq/policy0/energy_performance_preference
mkdir -p "$(dirname "$epp")"
cp $cpus/online $fake$cpus/online
for c in $cpus/cpu[0-9]*; do
	mkdir -p "$fake$c/topology" "$fake$c/power"
	cp "$c/topology/core_id" "$c/topology/physical_package_id" "$fake$c/topology/"
	echo 0 > "$fake$c/power/pm_qos_resume_latency_us"
done
for domain in auto all; do
	echo performance > "$epp"
	export SCX_SYSFS_PREFIX=$fake
	start -m $domain
	rc=$?
	unset SCX_SYSFS_PREFIX
	sleep 2
	echo power > "$epp"
	for ((i = 0; i < 100; i++)); do
		grep -q 'power profile changed from performance to powersave' "$log" && break
		sleep 0.1
	done
	sleep 3
	wait_state enabled
	restarts=$(grep -c 'Restarting the scheduler' "$log")
	if [ $domain = auto ]; then
		[ $rc -eq 0 ] && [ "$restarts" -eq 1 ] && kill -0 $pid
		ok $? "auto domain: a power profile change restarts the scheduler ($restarts restarts)"
	else
		[ $rc -eq 0 ] && [ "$restarts" -eq 0 ] && kill -0 $pid &&
			grep -q 'power profile changed' "$log"
		ok $? "fixed domain: a power profile change is only noted ($restarts restarts)"
	fi
	stop
done
rm -rf "$fake"

# A second instance is refused and leaves the first one running.
start -I -1
first=$pid
"$bin" -I 50 > "$log.2" 2>&1
rc=$?
[ $rc -ne 0 ] && grep -q "another sched_ext scheduler is already running" "$log.2" &&
	[ "$(cat $sysfs/state)" = enabled ] && kill -0 $first &&
	[ "$(cpu_qos 0 2> /dev/null || echo 0)" = 0 ]
ok $? "a second instance is refused and the first keeps running (exit $rc)"
rm -f "$log.2"

# The stats socket speaks the scx_stats protocol.
[ "$(stat -c %a $sock)" = 600 ]
ok $? "the stats socket is private (mode $(stat -c %a $sock))"
replies=$(stats_request '{"req":"stats","args":{}}' '{"req":"stats_meta","args":{}}' \
	'{"req":"nope"}' 'not json' '{"req":"stats","args":{"target":"top"}}')
echo "$replies" | sed -n 1p | grep -qE '^\{"errno":0,"args":\{"resp":\{"nr_cpus":[0-9]+,"nr_direct_dispatches":[0-9]+,"nr_kthread_dispatches":[0-9]+,"nr_running":[0-9]+,"nr_shared_dispatches":[0-9]+\}\}\}$'
ok $? "stats request answered: $(echo "$replies" | sed -n 1p)"
echo "$replies" | sed -n 2p | grep -q '"Metrics":{"fields":{"nr_cpus":{"datum":"u64","desc":"Number of online CPUs"}'
ok $? "stats_meta request answered"
[ "$(echo "$replies" | sed -n 3p | cut -c1-11)" = '{"errno":22' ] &&
	[ "$(echo "$replies" | sed -n 4p | cut -c1-11)" = '{"errno":22' ] &&
	echo "$replies" | sed -n 5p | grep -q '^{"errno":0'
ok $? "bad requests get errno 22 and the connection keeps working"
# Several clients at once, one of which hangs up mid-request.
python3 -c '
import socket, sys
def client():
    s = socket.socket(socket.AF_UNIX)
    s.connect(sys.argv[1])
    return s, s.makefile("rw")
(a, fa), (b, fb), (c, fc) = client(), client(), client()
b.sendall(b"{\"req\":\"sta")
b.close()
for _ in range(3):
    for f in (fa, fc):
        f.write("{\"req\":\"stats\"}\n")
        f.flush()
    for f in (fa, fc):
        if not f.readline().startswith("{\"errno\":0,"):
            sys.exit(1)
' "$sock" 2> "$log.py"
rc=$?
cat "$log.py" >> "$log"
rm -f "$log.py"
[ $rc -eq 0 ]
ok $? "concurrent clients are served while another hangs up"
[ "$(cat $sysfs/state)" = enabled ] && kill -0 $pid
ok $? "the scheduler is unharmed by bad requests"

# --monitor prints lines, and keeps printing after the scheduler restarts
# on CPU hotplug.
"$bin" --monitor 0.5 > "$log.mon" 2>&1 &
mon=$!
sleep 3
before=$(grep -c '^\[scx_flash\] tasks' "$log.mon")
[ "$before" -gt 0 ]
ok $? "--monitor prints the stats line ($before lines)"

if [ -w /sys/devices/system/cpu/cpu1/online ]; then
	echo 0 > /sys/devices/system/cpu/cpu1/online
	sleep 2
	wait_state enabled
	offline=$?
	echo 1 > /sys/devices/system/cpu/cpu1/online
	sleep 2
	wait_state enabled && [ $offline -eq 0 ] && kill -0 $pid &&
		[ "$(grep -c 'Restarting the scheduler' "$log")" -ge 2 ] &&
		grep -q 'unregistered from the main kernel' "$log"
	ok $? "offlining and onlining a CPU re-attaches the scheduler ($(grep -c 'Restarting' "$log") restarts)"
	sleep 3
	after=$(grep -c '^\[scx_flash\] tasks' "$log.mon")
	[ "$after" -gt $((before + 2)) ] && kill -0 $mon
	ok $? "--monitor survives the restarts ($before -> $after lines)"
else
	skip "offlining and onlining a CPU re-attaches the scheduler" "cpu1 cannot go offline"
	skip "--monitor survives the restarts" "cpu1 cannot go offline"
fi
kill -INT $mon
wait $mon
ok $? "--monitor exits 0 on SIGINT"
rm -f "$log.mon"

stop
rc=$?
[ $rc -eq 0 ] && [ ! -e $sock ]
ok $? "the loader exits 0 and removes its socket (exit $rc)"

tap_end
