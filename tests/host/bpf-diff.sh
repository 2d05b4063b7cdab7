#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host tests of scripts/bpf-callbacks-diff.py, which tests/vm/examples.sh
# trusts to tell a stall of the kernel tree's own example from one our
# headers caused.  Two builds of one small BPF object, compiled with clang
# as the examples are, differ in one place per case; the script must call
# the callbacks the same exactly when no difference can reach them.  TAP.
#
# Usage: tests/host/bpf-diff.sh
# Environment: CLANG (default clang-19).

set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
diff_py=$top/scripts/bpf-callbacks-diff.py
clang=${CLANG:-clang-19}
. "$(dirname "$0")/../tap.sh"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
tap_log=$dir/out

echo "TAP version 13"
command -v "$clang" > /dev/null ||
	{ echo "1..0 # SKIP no $clang: run 'make deps'"; exit 0; }

# A callback that reads one variable and one a loader would set, a probe
# that writes another, and the ops struct binding the callback; each -D
# moves one of them.
cat > "$dir/obj.c" << 'EOF'
#define SEC(name) __attribute__((section(name), used))
#ifndef PROBE_WRITES
#define PROBE_WRITES probe_own
#endif
#ifndef PROBE_VALUE
#define PROBE_VALUE 1
#endif
#ifndef CALLBACK_ADDS
#define CALLBACK_ADDS 0
#endif
#ifndef OPS_FLAGS
#define OPS_FLAGS 4
#endif
struct ops {
	int (*enqueue)(void *ctx);
	unsigned long flags;
};
int read_by_callback;
int probe_own;
const volatile int set_by_loader = 1;
SEC("struct_ops/enqueue") int enqueue(void *ctx)
{
	return read_by_callback + set_by_loader + CALLBACK_ADDS;
}
#ifndef NO_PROBE
SEC("fentry/bpf_scx_reg") int probe(void *ctx)
{
	PROBE_WRITES = PROBE_VALUE;
	return 0;
}
#endif
SEC(".struct_ops.link") struct ops ops = {
	.enqueue = enqueue,
	.flags = OPS_FLAGS,
};
EOF

# build NAME DEFINE...: compile obj.c into NAME.o
build() {
	local name=$1

	shift
	"$clang" -target bpf -O2 -c "$dir/obj.c" -o "$dir/$name.o" "$@" \
		>> "$tap_log" 2>&1
}

# case WANT DESCRIPTION DEFINE...: a build with DEFINE against the
# reference (built with $REF_DEFINE, if set); the script must exit WANT
# (0 the same, 1 differ)
case_() {
	local want=$1 what=$2 rc

	shift 2
	: > "$tap_log"
	build ours "$@" && build ref ${REF_DEFINE:+"$REF_DEFINE"} ||
		{ ok 1 "$what: builds"; return; }
	"$diff_py" "$dir/ours.o" "$dir/ref.o" >> "$tap_log" 2>&1
	rc=$?
	echo "exit status $rc, wanted $want" >> "$tap_log"
	ok $((rc != want)) "$what"
}

case_ 0 "the same source: the same"
case_ 0 "a probe that writes its own variable differs: the same" \
	-DPROBE_VALUE=2
case_ 1 "a callback differs: differ" -DCALLBACK_ADDS=1
case_ 1 "a probe writes what a callback reads: differ" \
	-DPROBE_WRITES=read_by_callback
REF_DEFINE=-DPROBE_WRITES=read_by_callback \
	case_ 1 "the reference's probe writes what a callback reads: differ"
case_ 1 "the ops flags differ: differ" -DOPS_FLAGS=8
case_ 1 "a probe in one build only: differ" -DNO_PROBE

# The verdict line names what differs, for the examples' TAP comments,
# after the read-only data whose values at load tests/vm/examples.sh
# compares.
build ours -DPROBE_VALUE=2 && build ref
"$diff_py" "$dir/ours.o" "$dir/ref.o" > "$tap_log" 2>&1
grep -q '^callbacks the same: 1 sections; .*: fentry/bpf_scx_reg$' \
	"$tap_log"
ok $? "the verdict names the program that differs"
grep -qx 'reads: set_by_loader' "$tap_log"
ok $? "the variables a loader sets that the callbacks read are named"

"$diff_py" "$dir/ours.o" > "$tap_log" 2>&1
ok $(($? != 2)) "a usage error exits 2"

tap_end
