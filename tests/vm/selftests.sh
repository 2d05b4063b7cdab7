#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Inside the VM: run the selftest runner, then report anything sched_ext
# said in the kernel log (stalls, errors) as TAP comments and save the
# whole log to the results directory.
#
# Usage: selftests.sh RUNNER [FILTER]

set -u

runner=$1
filter=${2:-}

if [ -n "$filter" ]; then
	"$runner" -t "$filter"
else
	"$runner"
fi
rc=$?

dmesg > "${SCX_RESULTS:-/tmp}/dmesg.txt" 2>&1
dmesg | grep -iE 'sched_ext|scx' | sed 's/^/# kernel: /'
exit $rc
