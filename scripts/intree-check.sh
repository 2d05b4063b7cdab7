#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build scx_flash the way it would build once merged: its source files
# (the loader, its BPF side and the helpers it links) in a scratch copy of
# the kernel tree's tools/sched_ext, scx_flash added to c-sched-targets
# with its helper objects in scx_flash-objs (the rule the patch series adds,
# scripts/patches/sched-make.sh), compiled with 'make -C tools/sched_ext'
# and the tree's own headers, libbpf and bpftool.  Prints one TAP result.
#
# The scratch tree links every directory of KSRC except tools/sched_ext,
# which is a real copy, so nothing in KSRC changes.
#
# Environment: KSRC, OUTPUT_DIR, CLANG, VMLINUX_BTF.

set -u

top=$(cd "$(dirname "$0")/.." && pwd)
KSRC=${KSRC:-$top/.cache/linux}
OUTPUT_DIR=${OUTPUT_DIR:-$top/build}
CLANG=${CLANG:-clang-19}
scratch=$OUTPUT_DIR/intree
log=$scratch/build.log

if [ -z "${VMLINUX_BTF:-}" ]; then
	VMLINUX_BTF=$(ls -1 "$OUTPUT_DIR"/obj/vmlinux-* 2>/dev/null | head -n 1)
fi

echo "TAP version 13"
echo "1..1"
if [ ! -f "${VMLINUX_BTF:-}" ] || [ ! -d "$KSRC/tools/sched_ext" ]; then
	echo "not ok 1 in-tree build # no kernel tree or VM kernel BTF: run 'make deps' and 'make'"
	exit 1
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

rm -rf "$scratch"
link_tree "$KSRC" "$scratch/linux" tools
link_tree "$KSRC/tools" "$scratch/linux/tools" sched_ext
cp -r "$KSRC/tools/sched_ext" "$scratch/linux/tools/sched_ext"
rm -rf "$scratch/linux/tools/sched_ext/build"
cp "$top"/scx_flash.bpf.c "$top"/scx_flash.c "$top"/scx_flash.h \
	"$top"/scx_flash_topo.[ch] "$top"/scx_flash_stats.[ch] \
	"$scratch/linux/tools/sched_ext/"
. "$top/scripts/patches/sched-make.sh"
mk=$scratch/linux/tools/sched_ext/Makefile
if ! sched_objs_rule "$mk" || ! sched_add "$mk" scx_flash ||
   ! sched_add_objs "$mk" scx_flash scx_flash_topo.o scx_flash_stats.o; then
	echo "not ok 1 in-tree build # no c-sched-targets line or link rule in the tree's Makefile"
	exit 1
fi

# 'make O=dir test' would pass O= (and V=) down through MAKEFLAGS and send
# the tree's build into our build directory: build as a user would.
unset MAKEFLAGS MFLAGS MAKELEVEL O V
if make -C "$scratch/linux/tools/sched_ext" -j"$(nproc)" CLANG="$CLANG" \
	VMLINUX_BTF="$VMLINUX_BTF" scx_flash > "$log" 2>&1 &&
   [ -x "$scratch/linux/tools/sched_ext/build/bin/scx_flash" ]; then
	echo "ok 1 in-tree build: make -C tools/sched_ext scx_flash"
	exit 0
fi
tail -n 30 "$log" | sed 's/^/# /'
echo "not ok 1 in-tree build: make -C tools/sched_ext scx_flash"
exit 1
