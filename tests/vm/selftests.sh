#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Inside the VM: run the selftest runner, then report anything sched_ext
# said in the kernel log (stalls, errors) as TAP comments and save the
# whole log to the results directory.
#
# Without FILTER, and if SCX_EXAMPLES names the output of
# scripts/examples-check.sh (the kernel tree's example schedulers built
# against our headers) and any was built, it also runs them (examples.sh),
# in the same boot, as a TAP block of its own after the runner's.
#
# Without FILTER it also runs loader.sh, the loader's tests, after the
# runner, and, if SCX_SERVICE_ROOT names a 'make install DESTDIR=' tree,
# service.sh: the installed systemd unit's commands run as systemd would.
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

# The loader's own behaviour (options, idle QoS, stats socket, monitor,
# hotplug), with the scx_flash built beside the runner.
if [ -z "$filter" ]; then
	"$(dirname "$0")/loader.sh" "$(dirname "$runner")/scx_flash" || rc=1
fi

if [ -z "$filter" ] && [ -n "${SCX_SERVICE_ROOT:-}" ]; then
	"$(dirname "$0")/service.sh" "$SCX_SERVICE_ROOT" || rc=1
fi

examples=${SCX_EXAMPLES:-}
if [ -n "$filter" ]; then
	echo "# examples: not run with a selftest filter"
elif [ -n "$examples" ] &&
     ls "$examples"/linux/tools/sched_ext/build/bin/scx_* > /dev/null 2>&1; then
	"$(dirname "$0")/examples.sh" "$examples" || rc=1
elif [ -n "$examples" ]; then
	echo "# examples: none built in $examples"
fi

dmesg > "${SCX_RESULTS:-/tmp}/dmesg.txt" 2>&1
dmesg | grep -iE 'sched_ext|scx' | sed 's/^/# kernel: /'
exit $rc
