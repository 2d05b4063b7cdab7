#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 'make soak': the long soak in one VM boot with parallel vCPUs
# (multi-threaded TCG, where wakeups race across CPUs as on hardware):
# scx_flash attached once under a mixed load with message-passing storms,
# against the default scheduler's storm time of the same boot
# (tests/vm/soak.sh).  'make test' runs the same case for 30 s.
#
# Usage: scripts/soak.sh
# Environment: SOAK_SECS (default 600), SOAK_TOPO=numa (8 vCPUs: two
# nodes of two SMT cores; default: 2 vCPUs), VM_ACCEL (default
# tcg,thread=multi), OUTPUT_DIR.  The TAP goes to $OUTPUT_DIR/soak/.

set -u

top=$(cd "$(dirname "$0")/.." && pwd)
OUTPUT_DIR=${OUTPUT_DIR:-$top/build}
results=$OUTPUT_DIR/soak
secs=${SOAK_SECS:-600}
topo=()

[ -x "$OUTPUT_DIR/bin/runner" ] || {
	echo "soak: no $OUTPUT_DIR/bin/runner: run make selftests" >&2
	exit 2
}
case ${SOAK_TOPO:-} in
'')	;;
numa)	topo=(-c 8,sockets=2,cores=2,threads=2 -n 1G,cpus=0-3
	      -n 1G,cpus=4-7) ;;
*)	echo "soak: unknown SOAK_TOPO '$SOAK_TOPO' (numa or empty)" >&2
	exit 2 ;;
esac

mkdir -p "$results"
cd "$top" || exit 2
"$top/scripts/vm-run.sh" -r "$results" -a "${VM_ACCEL:-tcg,thread=multi}" \
	-t $((secs + 1200)) "${topo[@]}" -- \
	env SCX_SOAK_SECS="$secs" tests/vm/soak.sh "$OUTPUT_DIR/bin/runner" |
	tee "$results/soak${SOAK_TOPO:+-$SOAK_TOPO}.tap"
exit "${PIPESTATUS[0]}"
