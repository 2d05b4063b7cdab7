#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Inside the VM: the long soak.  One storm (hackbench -g 20 -l 300) under
# the kernel's default scheduler first, as the yardstick of this boot,
# then the soak selftest: scx_flash attached once for SCX_SOAK_SECS under
# hogs, affinity churn, forks, pipes, sleepers and back-to-back storms.
# Reports what sched_ext said in the kernel log as TAP comments.
#
# Usage: soak.sh RUNNER

set -u

exec 2>&1
runner=$1

cd /tmp || exit 1
nodes=$(find /sys/devices/system/node -maxdepth 1 -name 'node[0-9]*' | wc -l)
echo "# kernel $(uname -r), $(nproc) CPUs, $nodes node(s), soak ${SCX_SOAK_SECS:-?} s"
if command -v hackbench > /dev/null; then
	t=$(hackbench -g 20 -l 300 2>&1 | awk '/^Time:/ { print $2 }')
	echo "# default scheduler: hackbench -g 20 -l 300: ${t:-failed} s"
fi
"$runner" -t soak_mixed_load
rc=$?

dmesg > "${SCX_RESULTS:-/tmp}/dmesg-soak.txt" 2>&1
dmesg | grep -iE 'sched_ext|scx' | sed 's/^/# kernel: /'
exit $rc
