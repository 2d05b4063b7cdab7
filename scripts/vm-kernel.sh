#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Print the version of the newest installed kernel that can run sched_ext
# schedulers in the VM: it has a vmlinuz under /usr/lib/modules/<version>
# and its config sets CONFIG_SCHED_CLASS_EXT=y.  Prints nothing if there is
# none.  With --all, print every such kernel, newest first.
#
# Usage: scripts/vm-kernel.sh [--all]

for dir in $(ls -1d /usr/lib/modules/*/ 2>/dev/null | sort -rV); do
	dir=${dir%/}
	[ -f "$dir/vmlinuz" ] || continue
	config="$dir/config"
	[ -f "$config" ] || config="/boot/config-${dir##*/}"
	if grep -q '^CONFIG_SCHED_CLASS_EXT=y' "$config" 2>/dev/null; then
		echo "${dir##*/}"
		[ "${1:-}" = --all ] || exit 0
	fi
done
