#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the kernel tree's own example schedulers against our include/scx
# instead of the tree's: a scratch copy of KSRC's tools/sched_ext whose
# include/scx and include/bpf-compat are replaced by ours, then
# 'make -C tools/sched_ext <example>' for each example, unchanged (the
# tree's Makefile, with its -Werror for the loaders).  Prints TAP, one
# result per example; a BPF compiler warning fails the example too, since
# the tree's own headers build these without any.
#
# Then the same examples once more with the tree's own headers, untouched,
# as the reference that tests/vm/examples.sh compares with when one of
# ours fails in the VM: not a test, only reported in a TAP comment.  Each
# example's BPF object is compared with the reference's by
# scripts/bpf-callbacks-diff.py, whose verdict examples.sh reads.
#
# Layout under $OUTPUT_DIR/examples (tests/vm/examples.sh relies on it):
#   linux/        the scratch tree with our headers, binaries in
#                 linux/tools/sched_ext/build/bin
#   ref/linux/    the scratch tree with the tree's headers, the same way
#   EXAMPLE.callbacks  bpf-callbacks-diff.py's output for EXAMPLE
# Each scratch tree links every directory of KSRC except tools/sched_ext,
# which is a real copy, so nothing in KSRC changes.
#
# Usage: scripts/examples-check.sh [EXAMPLE...]
# Environment: KSRC, OUTPUT_DIR, CLANG, VMLINUX_BTF.

set -u

top=$(cd "$(dirname "$0")/.." && pwd)
KSRC=${KSRC:-$top/.cache/linux}
OUTPUT_DIR=${OUTPUT_DIR:-$top/build}
CLANG=${CLANG:-clang-19}
scratch=$OUTPUT_DIR/examples
sched=$scratch/linux/tools/sched_ext
examples=${*:-scx_simple scx_qmap scx_central scx_flatcg scx_userland scx_pair}

if [ -z "${VMLINUX_BTF:-}" ]; then
	VMLINUX_BTF=$(ls -1 "$OUTPUT_DIR"/obj/vmlinux-* 2>/dev/null | head -n 1)
fi

n=0
for ex in $examples; do
	n=$((n + 1))
done
echo "TAP version 13"
echo "1..$n"

fail_all() {	# fail_all REASON: report every example failed
	local i=0 ex

	for ex in $examples; do
		i=$((i + 1))
		echo "not ok $i build $ex with our include/scx # $1"
	done
	exit 1
}

if [ ! -f "${VMLINUX_BTF:-}" ] || [ ! -d "$KSRC/tools/sched_ext" ]; then
	fail_all "no kernel tree or VM kernel BTF: run 'make deps' and 'make'"
fi

link_tree() {	# link_tree SRC DST EXCEPT: link SRC/* into DST but EXCEPT
	local e
	mkdir -p "$2"
	for e in "$1"/* "$1"/.[!.]*; do
		[ -e "$e" ] || continue
		[ "${e##*/}" = "$3" ] && continue
		ln -sfn "$e" "$2/${e##*/}"
	done
}

# scratch_tree DIR: a scratch kernel tree at DIR/linux, own tools/sched_ext
scratch_tree() {
	link_tree "$KSRC" "$1/linux" tools
	link_tree "$KSRC/tools" "$1/linux/tools" sched_ext
	cp -r "$KSRC/tools/sched_ext" "$1/linux/tools/sched_ext"
	rm -rf "$1/linux/tools/sched_ext/build"
}

rm -rf "$scratch"
scratch_tree "$scratch"
rm -rf "$sched/include/scx" "$sched/include/bpf-compat"
cp -r "$top/include/scx" "$top/include/bpf-compat" "$sched/include/"

# The swap must be complete: not one header of the tree's may be left.
if ! diff -r "$top/include/scx" "$sched/include/scx" > /dev/null ||
   ! diff -r "$top/include/bpf-compat" "$sched/include/bpf-compat" > /dev/null; then
	fail_all "could not swap our headers into $sched"
fi

# tree_make DIR TARGET...: the tree's own make in tools/sched_ext DIR.
# Whatever a calling make passes down (O=, V=, -j through MAKEFLAGS) is
# dropped: O= would send the tree's build into our build directory.
tree_make() {
	local dir=$1

	shift
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u O -u V \
		make -C "$dir" -j"$(nproc)" CLANG="$CLANG" \
		VMLINUX_BTF="$VMLINUX_BTF" "$@"
}

# libbpf, bpftool and vmlinux.h first, so that a failure there is reported
# once, and each example's log holds only its own build.
tree_make "$sched" "$sched/build/include/vmlinux.h" "$sched/build/obj/libbpf/libbpf.a" \
	> "$scratch/tools.log" 2>&1 ||
	{ tail -n 30 "$scratch/tools.log" | sed 's/^/# /'
	  fail_all "libbpf, bpftool or vmlinux.h failed: $scratch/tools.log"; }

i=0
rc=0
for ex in $examples; do
	i=$((i + 1))
	log=$scratch/$ex.log
	if tree_make "$sched" "$ex" > "$log" 2>&1 &&
	   [ -x "$sched/build/bin/$ex" ] && ! grep -q 'warning:' "$log"; then
		echo "ok $i build $ex with our include/scx"
		continue
	fi
	grep -E 'error|warning' "$log" | head -n 20 | sed 's/^/# /'
	[ -x "$sched/build/bin/$ex" ] || tail -n 10 "$log" | sed 's/^/# /'
	echo "not ok $i build $ex with our include/scx # see $log"
	rc=1
done

# The reference: the tree's headers, and the tools built above (copied
# with their times, so that make does not build them again).
ref=$scratch/ref/linux/tools/sched_ext
scratch_tree "$scratch/ref"
mkdir -p "$ref/build/include"
cp -a "$sched/build/obj" "$sched/build/sbin" "$ref/build/"
rm -rf "$ref/build/obj/sched_ext"
cp -a "$sched/build/include/bpf" "$sched/build/include/vmlinux.h" \
	"$ref/build/include/"
tree_make "$ref" $examples > "$scratch/ref.log" 2>&1
built=0
for ex in $examples; do
	[ -x "$ref/build/bin/$ex" ] && built=$((built + 1))
done
echo "# reference with the tree's own headers: $built of $n built ($scratch/ref.log)"

obj=build/obj/sched_ext
for ex in $examples; do
	[ -f "$sched/$obj/$ex.bpf.linked3.o" ] &&
		[ -f "$ref/$obj/$ex.bpf.linked3.o" ] || continue
	"$top/scripts/bpf-callbacks-diff.py" "$sched/$obj/$ex.bpf.linked3.o" \
		"$ref/$obj/$ex.bpf.linked3.o" > "$scratch/$ex.callbacks" 2>&1
	echo "# $ex against the reference: $(tail -n 1 "$scratch/$ex.callbacks")"
done
exit $rc
