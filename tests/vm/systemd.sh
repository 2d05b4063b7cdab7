#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Inside the VM, by hand (not part of 'make test': systemd takes a minute
# to come up under software emulation): scx_flash.service under a real
# systemd, started and stopped with systemctl.  virtme-ng boots its own
# init, so systemd runs as PID 1 of a PID namespace, as in a container,
# with the guest's sched_ext and sysfs.  The files of 'make install
# DESTDIR=ROOT' are copied to their places (/usr/local on a tmpfs, /etc is
# the guest's throw-away overlay).  TAP.
#
#   make install DESTDIR=$PWD/build/systemd-root
#   scripts/vm-run.sh -- tests/vm/systemd.sh $PWD/build/systemd-root
#
# Usage: systemd.sh ROOT

set -u

root=${1%/}
sysfs=/sys/kernel/sched_ext
dropin=/run/systemd/system/scx_flash.service.d
out=${SCX_RESULTS:-/tmp}
log=$(mktemp)

. "$(dirname "$0")/../tap.sh"
tap_log=$log

echo "TAP version 13"
[ -d $sysfs ] || { echo "1..0 # SKIP this kernel has no sched_ext"; exit 0; }
[ -f "$root/usr/local/lib/systemd/system/scx_flash.service" ] ||
	{ echo "1..0 # SKIP no make install DESTDIR tree at $root"; exit 1; }
cd /tmp || exit 1

mount -t tmpfs none /usr/local && cp -a "$root/usr/local/." /usr/local/ &&
	mkdir -p /etc/default && cp "$root/etc/default/scx_flash" /etc/default/
unshare --pid --fork --mount-proc env container=other \
	/lib/systemd/systemd --system --show-status=no \
	> "$out/systemd.log" 2>&1 &
upid=$!
sleep 2
spid=$(pgrep -P $upid | head -n 1)

# sd ARGS...: a command in systemd's namespaces.
sd() {
	nsenter -t "$spid" -m -p "$@"
}

# wait_state STATE: until sched_ext reports STATE, 30 s at most.
wait_state() {
	local i
	for i in $(seq 60); do
		[ "$(cat $sysfs/state)" = "$1" ] && return 0
		sleep 0.5
	done
	return 1
}

state() {
	echo "state $(cat $sysfs/state), ops '$(cat $sysfs/root/ops 2>/dev/null)'"
}

for i in $(seq 180); do
	s=$(sd systemctl is-system-running 2>/dev/null)
	case $s in running|degraded) break ;; esac
	sleep 1
done
echo "systemd is $s after $i s" > "$log"
case $s in running|degraded) true ;; *) false ;; esac
ok $? "systemd comes up in a PID namespace ($s after $i s)"

qos0=$(cat /sys/devices/system/cpu/cpu0/power/pm_qos_resume_latency_us)
sd systemctl enable --now scx_flash > "$log" 2>&1 && wait_state enabled &&
	case $(cat $sysfs/root/ops) in flash*) true ;; *) false ;; esac
{ state; sd systemctl status scx_flash --no-pager -n 20; } >> "$log" 2>&1
ok $? "systemctl enable --now scx_flash attaches flash"

sd timeout -s INT 4 /usr/local/bin/scx_flash --monitor 1 > "$log" 2>&1
grep -q '^\[scx_flash\] tasks' "$log"
ok $? "scx_flash --monitor 1 reads the service's statistics"

sd systemctl stop scx_flash > "$log" 2>&1
st=$(cat $sysfs/state)
{ state; sd systemctl status scx_flash --no-pager -n 8; } >> "$log" 2>&1
[ "$st" = disabled ] &&
	[ "$(cat /sys/devices/system/cpu/cpu0/power/pm_qos_resume_latency_us)" = "$qos0" ] &&
	grep -q 'Deactivated successfully' "$log"
ok $? "systemctl stop scx_flash detaches it cleanly"

# Killed, the loader cannot put the idle resume latency back: the next
# start takes the latency it finds as the one to restore.
sd systemctl start scx_flash && wait_state enabled
pid=$(sd systemctl show -p MainPID --value scx_flash)
sd systemctl kill -s SIGKILL scx_flash
sleep 3
wait_state enabled
st=$?
{ state; sd systemctl show -p MainPID -p NRestarts scx_flash; } > "$log"
[ $st -eq 0 ] && grep -qx NRestarts=1 "$log" && ! grep -qx "MainPID=$pid" "$log"
ok $? "systemd restarts the loader after it was killed"
sd systemctl stop scx_flash
for f in /sys/devices/system/cpu/cpu*/power/pm_qos_resume_latency_us; do
	echo "$qos0" > "$f"
done

echo 'SCX_FLASH_FLAGS="--slice-us 1000 --stats 1"' > /etc/default/scx_flash
sd systemctl start scx_flash && wait_state enabled && sleep 3
sd systemctl stop scx_flash
sd journalctl -u scx_flash --no-pager -o cat -n 100 > "$log" 2>&1
grep -q 'scheduler options: /usr/local/bin/scx_flash --slice-us 1000 --stats 1$' "$log" &&
	grep -q '^\[scx_flash\] tasks' "$log"
ok $? "SCX_FLASH_FLAGS in /etc/default/scx_flash reaches the loader"

# A kernel without sched_ext, as far as the unit can tell.
mkdir -p $dropin
printf '[Unit]\nConditionPathExists=\nConditionPathExists=%s\n' \
	/sys/kernel/sched_ext-missing > $dropin/test.conf
sd systemctl daemon-reload
sd systemctl reset-failed scx_flash 2> /dev/null
sd systemctl start scx_flash > "$log" 2>&1
st=$?
sd systemctl status scx_flash --no-pager -n 2 >> "$log" 2>&1
[ $st -eq 0 ] && grep -q 'ConditionPathExists=.* was not met' "$log" &&
	[ "$(sd systemctl show -p ActiveState --value scx_flash)" = inactive ]
ok $? "without sched_ext the unit is skipped, not failed"
rm -r $dropin
sd systemctl daemon-reload

echo 'SCX_FLASH_FLAGS="--bogus"' > /etc/default/scx_flash
sd systemctl start scx_flash
sleep 20
sd systemctl show -p NRestarts -p ActiveState -p Result scx_flash > "$log"
grep -qx NRestarts=5 "$log" && grep -qx ActiveState=failed "$log"
ok $? "a loader that keeps failing is restarted 5 times, then left failed"
cp "$root/etc/default/scx_flash" /etc/default/
sd systemctl reset-failed scx_flash

sd systemd-analyze security scx_flash --no-pager 2>&1 |
	sed -n 's/^→ //p' | sed 's/^/# /'
kill -9 "$spid"
tap_end
