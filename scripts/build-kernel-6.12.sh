#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build a 6.12 LTS kernel with sched_ext for the VM, from Debian's
# linux-source-6.12, to exercise the compat paths of scx_flash (6.12 is the
# oldest kernel it supports and lacks most kfuncs added since).  Debian's
# own 6.12 kernels do not enable CONFIG_SCHED_CLASS_EXT, hence the build.
#
# Not part of 'make test': on 2 cores the build takes about an hour.  The
# result boots with the VM runner:
#
#   scripts/build-kernel-6.12.sh                   # build (background-safe)
#   scripts/vm-run.sh -k ../build-k612/bzImage -- \
#           tests/vm/attach.sh build/bin/runner
#
# Steps: install linux-source-6.12 and the build tools (only the named
# packages, from the host's release; bookworm carries 6.12 in its security
# suite), unpack the tree, let virtme-ng write a minimal VM config
# (virtme-configkernel --defconfig) plus what sched_ext and the topology
# tests need (BPF, BTF, SCHED_CLASS_EXT, SMP/SMT/NUMA, CPU hotplug,
# cgroups, /proc/config.gz for libbpf's kconfig externs), then build
# bzImage at nice 19.  Everything is built in: no modules to install.
#
# Usage: scripts/build-kernel-6.12.sh [--no-install]
#   --no-install   do not run apt-get (the packages are already there)
# Environment: K612_DIR (default: build-k612 beside this source tree, so
# outside it), JOBS (default 2).
# Exit status: 0 with $K612_DIR/bzImage built, non-zero otherwise.  The log
# of each step is in $K612_DIR/*.log; timings go to $K612_DIR/timings.

set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
dir=${K612_DIR:-$(dirname "$top")/build-k612}
jobs=${JOBS:-2}
install=1
[ "${1:-}" = --no-install ] && install=0

msg() { printf 'build-k612: %s: %s\n' "$(date -u +%T)" "$*" | tee -a "$dir/timings" >&2; }
die() { msg "error: $*"; exit 1; }

mkdir -p "$dir"
: > "$dir/timings"
start=$SECONDS

if [ $install = 1 ]; then
	msg "installing linux-source-6.12 and the build tools"
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-upgrade \
		linux-source-6.12 flex bison bc cpio dwarves libelf-dev \
		libssl-dev gcc make > "$dir/apt.log" 2>&1 ||
		die "apt-get failed, see $dir/apt.log"
fi

for tarball in /usr/src/linux-source-6.12*.tar.xz; do
	break
done
[ -f "$tarball" ] || die "no /usr/src/linux-source-6.12*.tar.xz"
src=$dir/$(basename "$tarball" .tar.xz)
out=$dir/out

if [ ! -f "$src/Makefile" ]; then
	msg "unpacking $tarball"
	tar -C "$dir" -xf "$tarball" || die "cannot unpack $tarball"
fi
msg "tree $src ($(make -s -C "$src" kernelversion))"

# What sched_ext, its BPF schedulers and our topology tests need on top
# of virtme-ng's minimal config (which turns SCHED_MC off).  The function
# tracer stays: fentry programs (scx_lib_init_probe()) attach through it,
# and without it SCX_OPS_ATTACH() fails with -EBUSY.
cat > "$dir/sched_ext.config" <<'EOF'
CONFIG_BPF=y
CONFIG_BPF_SYSCALL=y
CONFIG_BPF_JIT=y
CONFIG_BPF_JIT_ALWAYS_ON=y
CONFIG_DEBUG_INFO=y
CONFIG_DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT=y
# CONFIG_DEBUG_INFO_REDUCED is not set
CONFIG_DEBUG_INFO_BTF=y
CONFIG_PAHOLE_HAS_SPLIT_BTF=y
CONFIG_SCHED_CLASS_EXT=y
CONFIG_CGROUPS=y
CONFIG_CGROUP_SCHED=y
CONFIG_FAIR_GROUP_SCHED=y
CONFIG_EXT_GROUP_SCHED=y
CONFIG_SMP=y
CONFIG_NR_CPUS=64
CONFIG_SCHED_SMT=y
CONFIG_SCHED_MC=y
CONFIG_NUMA=y
CONFIG_X86_64_ACPI_NUMA=y
CONFIG_ACPI_NUMA=y
CONFIG_HOTPLUG_CPU=y
CONFIG_IKCONFIG=y
CONFIG_IKCONFIG_PROC=y
CONFIG_PROC_FS=y
CONFIG_SYSFS=y
CONFIG_PRINTK=y
CONFIG_FTRACE=y
CONFIG_FUNCTION_TRACER=y
CONFIG_DYNAMIC_FTRACE=y
CONFIG_DEBUG_INFO_BTF_MODULES=n
CONFIG_MODULES=n
EOF

if [ ! -f "$out/.config" ] || ! cmp -s "$dir/sched_ext.config" "$out/.sched_ext.config"; then
	msg "configuring (virtme-configkernel --defconfig + sched_ext.config)"
	mkdir -p "$out"
	(cd "$src" && virtme-configkernel --defconfig \
		--custom "$dir/sched_ext.config" O="$out") \
		> "$dir/config.log" 2>&1 || die "configuration failed, see $dir/config.log"
	cp "$dir/sched_ext.config" "$out/.sched_ext.config"
fi
for opt in SCHED_CLASS_EXT DEBUG_INFO_BTF BPF_JIT SCHED_SMT NUMA HOTPLUG_CPU \
	   VIRTIO_FS NET_9P_VIRTIO IKCONFIG_PROC FUNCTION_TRACER; do
	grep -q "^CONFIG_$opt=y" "$out/.config" ||
		die "CONFIG_$opt is not set in $out/.config (see $dir/config.log)"
done
msg "configured: $(grep -c '=y' "$out/.config") options built in"

msg "building bzImage with -j$jobs at nice 19"
t0=$SECONDS
if ! nice -n 19 make -C "$src" O="$out" -j"$jobs" bzImage \
		> "$dir/build.log" 2>&1; then
	tail -n 30 "$dir/build.log" >&2
	die "build failed after $((SECONDS - t0)) s, see $dir/build.log"
fi
msg "built in $((SECONDS - t0)) s"

cp "$out/arch/x86/boot/bzImage" "$dir/bzImage"
cp "$out/vmlinux" "$dir/vmlinux"
cp "$out/.config" "$dir/config"
msg "done in $((SECONDS - start)) s: $dir/bzImage ($(make -s -C "$src" O="$out" kernelrelease))"
