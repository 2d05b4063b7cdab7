#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Inside the VM: start scx_flash, run a short demo load beside it and print
# the sched_ext state every second, then stop the scheduler with SIGINT and
# report how it exited.  The exit status is scx_flash's.
#
# Usage: demo.sh SCX_FLASH_BINARY [scx_flash options]
# Environment: DEMO_SECS (default 12).

set -u

bin=$1
shift
exec 2>&1	# one stream, so the scheduler's lines stay in order
secs=${DEMO_SECS:-12}
sysfs=/sys/kernel/sched_ext

state() {
	printf 'demo: sched_ext state=%s ops=%s\n' "$(cat $sysfs/state)" \
		"$(cat $sysfs/root/ops 2>/dev/null || echo -)"
}

# Show statistics unless the user chose an interval.
case " $* " in
*" --stats"*) ;;
*) set -- --stats 2 "$@" ;;
esac

echo "demo: $bin $*"
"$bin" "$@" &
pid=$!

for _ in $(seq 50); do
	[ "$(cat $sysfs/state)" = enabled ] && break
	kill -0 $pid 2>/dev/null || break
	sleep 0.2
done
state

if kill -0 $pid 2>/dev/null; then
	echo "demo: load for ${secs}s: stress-ng CPU hogs and hackbench message passing"
	stress-ng --cpu 2 --timeout "${secs}s" --temp-path /tmp --quiet &
	load=$!
	end=$((SECONDS + secs))
	while [ $SECONDS -lt $end ] && kill -0 $pid 2>/dev/null; do
		hackbench -g 2 -l 100 2>&1 | sed 's/^/demo: hackbench /' | grep Time
		state
		sleep 1
	done
	wait $load
	kill -INT $pid 2>/dev/null
fi

wait $pid
rc=$?
state
echo "demo: scx_flash exited with status $rc"
exit $rc
