#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 'make test': every test of the project, host side first, then one VM boot
# for the selftests on the default kernel, one with an emulated SMT and NUMA
# topology for the topology cases, and one more for each other installed
# sched_ext kernel, where the attach and workload cases run.
# Each stage prints TAP; the run ends with one line
# "N passed, N failed, N skipped" counting the results of all stages, and
# exits non-zero if anything failed.
#
# Usage: scripts/test.sh [FILTER]   (FILTER selects selftests, as runner -t)
# Environment: OUTPUT_DIR, KSRC, SCX_SKIP_VM=1 (host stages only),
# SCX_SOAK_SECS and SCX_ATTACH_CYCLES (passed to the selftests in the VM).

set -u

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
export OUTPUT_DIR=${OUTPUT_DIR:-$top/build}
results=$OUTPUT_DIR/test-results
filter=${1:-}
passed=0
failed=0
skipped=0

rm -rf "$results"
mkdir -p "$results"

# count FILE: add the TAP results in FILE to the totals.
count() {
	local p f s
	s=$(grep -cE '^ok [0-9]+.*# SKIP' "$1")
	p=$(grep -cE '^ok [0-9]+' "$1")
	f=$(grep -cE '^not ok [0-9]+' "$1")
	passed=$((passed + p - s))
	failed=$((failed + f))
	skipped=$((skipped + s))
}

# stage NAME COMMAND...: run one stage, show its TAP and count it.  A stage
# that fails without reporting a failed test counts as one failure.
stage() {
	local name=$1 log=$results/$1.tap rc
	shift
	echo "# ==== $name: $*"
	"$@" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	count "$log"
	if [ "$rc" -ne 0 ] && ! grep -qE '^not ok [0-9]+' "$log"; then
		echo "not ok 1 $name # exited with status $rc"
		failed=$((failed + 1))
	fi
	echo "# ==== $name: exit status $rc"
}

for t in "$OUTPUT_DIR"/obj/unit/*; do
	[ -x "$t" ] && stage "unit-${t##*/}" "$t"
done
stage cli tests/host/cli.sh
stage runner tests/host/runner.sh
stage bpf-diff tests/host/bpf-diff.sh
stage install tests/host/install.sh
stage fuzz scripts/fuzz.sh --short
stage check scripts/check.sh
stage intree scripts/intree-check.sh
stage patches scripts/patch-series-check.sh
stage examples scripts/examples-check.sh

if [ "${SCX_SKIP_VM:-0}" = 1 ]; then
	echo "# SCX_SKIP_VM=1: selftests in the VM not run"
else
	# The soak length and the attach cycles reach the guest on its command
	# line: the long forms (30 s, 200 cycles) where the runner's defaults
	# are short (5 s, 20).  A long soak gets a longer VM timeout.
	soak=${SCX_SOAK_SECS:-30}
	# The systemd unit as 'make install' writes it, for tests/vm/service.sh
	# in the same boot, in the directory the guest may write: the test
	# changes the options file for one run.
	service_root=$results/vm/service-root
	make -s -C "$top" O="${OUTPUT_DIR%/build}" install \
		DESTDIR="$service_root" > "$results/service-install.log" 2>&1 ||
		echo "# make install DESTDIR=$service_root failed: see $results/service-install.log"
	# The same boot runs the examples that stage built (tests/vm/examples.sh).
	stage selftests scripts/vm-run.sh -r "$results/vm" \
		-t $((${VM_TIMEOUT:-1800} + soak)) -- \
		env SCX_SOAK_SECS="$soak" \
		SCX_ATTACH_CYCLES="${SCX_ATTACH_CYCLES:-200}" \
		SCX_EXAMPLES="$OUTPUT_DIR/examples" \
		SCX_SERVICE_ROOT="$service_root" \
		tests/vm/selftests.sh "$OUTPUT_DIR/bin/runner" $filter
	# One more boot with an emulated topology, two NUMA nodes of two
	# cores with two SMT threads each, for the topology cases (SMT
	# steering, per-node queues, the primary domain, hotplug on them).
	case $filter in
	''|*topo*)
		stage topology scripts/vm-run.sh -r "$results/vm-topology" \
			-c 8,sockets=2,cores=2,threads=2 \
			-n 1G,cpus=0-3 -n 1G,cpus=4-7 -- \
			tests/vm/topology.sh "$OUTPUT_DIR/bin/runner" \
			"${filter:-topo_}" ;;
	esac
	for kver in $(scripts/vm-kernel.sh --all | tail -n +2); do
		stage "kernel-$kver" scripts/vm-run.sh \
			-k "/usr/lib/modules/$kver/vmlinuz" -- \
			tests/vm/attach.sh "$OUTPUT_DIR/bin/runner"
	done
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
