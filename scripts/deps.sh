#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install what building, running and testing scx_flash needs on a Debian
# (or Debian-like) host, without upgrading its base system.
#
# Debian trixie, trixie-backports and sid are added at pin priority 100,
# so apt never prefers them on its own; every package taken from them is
# named with its release below.  Idempotent: a second run only checks.
#
# Kernels: the newest trixie-backports kernel runs the VM; sid's kernel is
# installed beside it so the tests also cover the previous sched_ext
# release (scripts/vm-kernel.sh --all lists them).
#
# Usage: scripts/deps.sh [--check]
#   --check   exit 0 if everything is already present, 1 otherwise;
#             installs nothing and needs no root.
#
# Environment:
#   SCX_CACHE   where the kernel tree is unpacked (default: .cache)

set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cache=${SCX_CACHE:-$top/.cache}
sources=/etc/apt/sources.list.d/scx-flash-trixie.list
prefs=/etc/apt/preferences.d/scx-flash-trixie
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

# Packages from the host's own release (bookworm on the reference machine).
base_pkgs="clang-19 llvm-19 lld-19 libelf-dev zlib1g-dev libzstd-dev
	libcap-dev binutils-dev pkg-config make gcc sparse git perl python3
	xz-utils zstd qemu-system-x86 udev rt-tests stress-ng busybox-static
	kmod file bc gnuplot-nox python3-docutils systemd libclang-rt-19-dev
	time"

msg() { printf 'deps: %s\n' "$*" >&2; }
die() { msg "error: $*"; exit 1; }

# Releases whose newest kernel is installed for the VM, the first one being
# the default.
kernel_suites="trixie-backports sid"

# The newest kernel of release $1, found through linux-image-amd64's
# dependencies so a new upload is picked up without editing this file.
kernel_version() {
	apt-cache depends "linux-image-amd64/$1" 2>/dev/null |
		sed -n 's/.*Depends: linux-image-\([0-9].*-amd64\)$/\1/p;
			s/.*Depends: linux-binary-\([0-9].*-amd64\)$/\1/p' |
		head -n 1
}

kernel_tree_ready() {
	[ -f "$cache/linux/Makefile" ] &&
		[ -d "$cache/linux/tools/sched_ext" ]
}

# At least as many sched_ext kernels as releases they come from.
vm_kernel_ready() {
	[ "$("$top/scripts/vm-kernel.sh" --all | wc -l)" -ge \
	  "$(echo $kernel_suites | wc -w)" ]
}

tools_ready() {
	local t
	for t in clang-19 llvm-strip-19 vng qemu-system-x86_64 \
		 /usr/lib/systemd/systemd-udevd hackbench cyclictest \
		 stress-ng sparse pkg-config busybox rst2html \
		 systemd-analyze /usr/bin/time; do
		command -v "$t" >/dev/null 2>&1 || [ -x "$t" ] || return 1
	done
	# libFuzzer and the sanitizers' runtimes, for 'make fuzz'
	ls /usr/lib/llvm-19/lib/clang/*/lib/linux/libclang_rt.fuzzer-*.a \
		>/dev/null 2>&1 || return 1
	pkg-config --exists libelf zlib
}

all_ready() {
	tools_ready && kernel_tree_ready && vm_kernel_ready
}

add_trixie_sources() {
	if [ ! -f "$sources" ]; then
		msg "adding trixie and trixie-backports at pin priority 100"
		cat > "$sources" <<-EOT
		# Added by scx_flash scripts/deps.sh: pinned low, see $prefs
		deb $mirror trixie main
		deb $mirror trixie-backports main
		EOT
	fi
	grep -q " sid " "$sources" || echo "deb $mirror sid main" >> "$sources"
	cat > "$prefs" <<-EOT
	# Added by scx_flash scripts/deps.sh: never upgrade the base system
	# from these releases; packages are taken from them only by name.
	Package: *
	Pin: release n=trixie
	Pin-Priority: 100

	Package: *
	Pin: release n=trixie-backports
	Pin-Priority: 100

	Package: *
	Pin: release n=sid
	Pin-Priority: 100
	EOT
}

apt_install() {
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		-o Dpkg::Use-Pty=0 --no-install-recommends "$@"
}

install_packages() {
	local kver src

	msg "updating package lists"
	apt-get update -q >/dev/null || die "apt-get update failed"

	msg "installing the toolchain and VM tools from the base release"
	# shellcheck disable=SC2086
	apt_install $base_pkgs

	msg "installing virtme-ng from trixie"
	apt_install virtme-ng/trixie

	for suite in $kernel_suites; do
		install_kernel "$suite"
	done

	kver=$(kernel_version trixie-backports)
	src=linux-source-$(echo "$kver" | cut -d. -f1-2)
	msg "installing $src from trixie-backports"
	apt_install "$src/trixie-backports"
}

# Install the newest kernel of release $1: its image, modules (the VM
# mounts the host's root over 9p, a module) and config, but no initramfs
# tools, which only a bootable host kernel needs.
install_kernel() {
	local suite=$1 kver

	kver=$(kernel_version "$suite")
	[ -n "$kver" ] || die "no linux-image-amd64 in $suite"
	[ -f "/usr/lib/modules/$kver/vmlinuz" ] && return 0
	msg "installing VM kernel $kver from $suite"
	apt_install "linux-binary-$kver/$suite" "linux-modules-$kver/$suite" \
		"linux-base-$kver/$suite"
}

# libbpf resolves __kconfig externs from /boot/config-<version>; Debian's
# new kernel packages keep the config only next to the modules.
link_vm_kernel_config() {
	local dir v
	for dir in /usr/lib/modules/*; do
		v=${dir##*/}
		[ -f "$dir/vmlinuz" ] && [ -f "$dir/config" ] || continue
		[ -e "/boot/config-$v" ] || ln -s "$dir/config" "/boot/config-$v"
	done
}

unpack_kernel_tree() {
	local tarball
	kernel_tree_ready && return 0
	tarball=$(ls -1 /usr/src/linux-source-*.tar.xz 2>/dev/null |
		sort -V | tail -n 1)
	[ -n "$tarball" ] || die "no /usr/src/linux-source-*.tar.xz"
	msg "unpacking $tarball into $cache/linux"
	rm -rf "$cache/linux" "$cache/linux.tmp"
	mkdir -p "$cache/linux.tmp"
	tar -C "$cache/linux.tmp" --strip-components=1 -xJf "$tarball"
	mv "$cache/linux.tmp" "$cache/linux"
}

if [ "${1:-}" = --check ]; then
	all_ready
	exit
fi

all_ready && { msg "everything is in place"; exit 0; }

[ -r /etc/debian_version ] && command -v apt-get >/dev/null ||
	die "this needs a Debian-like system with apt-get (found none);" \
	    "install the packages listed in README.md by hand"
[ "$(id -u)" -eq 0 ] ||
	die "installing packages needs root: run 'sudo make deps'"

add_trixie_sources
install_packages
link_vm_kernel_config
unpack_kernel_tree
all_ready || die "set-up finished but something is still missing"
msg "done"
