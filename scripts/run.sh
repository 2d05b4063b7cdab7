#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 'make run': run scx_flash with the given options.  On a host whose kernel
# has sched_ext it runs natively, in the foreground, until interrupted.
# Otherwise it boots the sched_ext kernel in a VM and runs scx_flash there
# beside a short demo load, showing the scheduler's state as it goes.
#
# Usage: scripts/run.sh [scx_flash options]
# Environment: OUTPUT_DIR (build directory), DEMO_SECS (VM demo length).

set -u

top=$(cd "$(dirname "$0")/.." && pwd)
bin=${OUTPUT_DIR:-$top/build}/bin/scx_flash

[ -x "$bin" ] || { echo "run: $bin is not built: run 'make'" >&2; exit 2; }

if [ -d /sys/kernel/sched_ext ]; then
	echo "run: this kernel has sched_ext: running $bin natively (Ctrl-C stops it)"
	exec "$bin" "$@"
fi

echo "run: this kernel has no sched_ext: running scx_flash in a VM"
exec "$top/scripts/vm-run.sh" -- env DEMO_SECS="${DEMO_SECS:-12}" \
	"$top/tests/vm/demo.sh" "$bin" "$@"
