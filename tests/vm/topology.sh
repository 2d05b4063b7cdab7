#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Inside a VM booted with an emulated topology (SMT siblings, NUMA nodes;
# see scripts/test.sh): the topology selftests, which include CPU hotplug
# under load.  Prints the topology the guest sees, then the runner's TAP
# with its diagnostics in order (one stream), and reports what sched_ext
# said in the kernel log as TAP comments.
#
# Usage: topology.sh RUNNER [FILTER]   (FILTER defaults to "topo_")

set -u

exec 2>&1	# the runner's diagnostics in line with its TAP
runner=$1
filter=${2:-topo_}

nodes=$(find /sys/devices/system/node -maxdepth 1 -name 'node[0-9]*' 2>/dev/null | wc -l)
smt=$(cat /sys/devices/system/cpu/smt/active 2>/dev/null || echo ?)
echo "# kernel $(uname -r), $(nproc) CPUs, nodes: $nodes, SMT active: $smt"
"$runner" -t "$filter"
rc=$?

dmesg > "${SCX_RESULTS:-/tmp}/dmesg-topology.txt" 2>&1
dmesg | grep -iE 'sched_ext|scx|smpboot|CPU[0-9]+ is now offline' | sed 's/^/# kernel: /'
exit $rc
