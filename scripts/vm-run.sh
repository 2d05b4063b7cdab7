#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot the sched_ext kernel in a VM (virtme-ng, QEMU software emulation),
# run one command in it as root and return that command's exit status.
#
# The guest sees the host's root filesystem read-only (with throw-away
# overlays on /tmp, /etc, /var, ...); RESULTS is the one directory it can
# write to, shared with the host.
#
# Usage: scripts/vm-run.sh [options] -- COMMAND [ARG...]
#   -k, --kernel KERNEL    kernel image, or the version of an installed
#                          kernel (scripts/vm-kernel.sh --all lists those
#                          with sched_ext; default: $VM_KERNEL, else the
#                          newest of them)
#   -r, --results DIR      directory the guest may write (default:
#                          $OUTPUT_DIR/vm-results or build/vm-results)
#   -c, --cpus SMP         vCPUs, as QEMU's -smp: a count or a topology
#                          such as 4,sockets=1,cores=2,threads=2 (default: 2)
#   -m, --memory SIZE      memory (default: 2G)
#   -n, --numa MEM,cpus=A-B  add a NUMA node with MEM of the memory and
#                          vCPUs A-B (repeat for each node; the sizes must add
#                          up to --memory), e.g. -n 1G,cpus=0-1 -n 1G,cpus=2-3
#   -q, --qemu-opts OPTS   extra QEMU options
#   -a, --accel ACCEL      QEMU accelerator (default: $VM_ACCEL, else
#                          tcg,thread=single; see below)
#   -t, --timeout SECS     give up after SECS seconds (default: 1800)
#
# Environment: VM_KERNEL, OUTPUT_DIR, VM_TIMEOUT, VM_VERBOSE=1 (show the
# guest kernel's console), VM_LOCK (a lock file:
# boots wait for each other, so two VMs never share the host's CPUs;
# default /tmp/scx-flash-vm.lock).
# Exit status: the command's, 124 on timeout, 2 on a usage or set-up error.

set -u

# Single-threaded TCG: with one host thread per vCPU (MTTCG), a vCPU can
# still execute the int3 that another vCPU's text_poke() left while flipping
# a static key, and the guest oopses in __schedule() ("Oops: int3") as
# sched_ext is enabled and disabled.  Seen here with QEMU 7.2; one thread
# for all vCPUs keeps the code they run coherent.
accel=${VM_ACCEL:-tcg,thread=single}

top=$(cd "$(dirname "$0")/.." && pwd)
kernel=${VM_KERNEL:-}
results=${OUTPUT_DIR:-$top/build}/vm-results
cpus=2
memory=2G
qemu_opts=
numa=()
timeout=${VM_TIMEOUT:-1800}

die() { echo "vm-run: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
	case "$1" in
	-k|--kernel)	kernel=$2; shift 2 ;;
	-r|--results)	results=$2; shift 2 ;;
	-c|--cpus)	cpus=$2; shift 2 ;;
	-m|--memory)	memory=$2; shift 2 ;;
	-n|--numa)	numa+=(--numa "$2"); shift 2 ;;
	-q|--qemu-opts)	qemu_opts=$2; shift 2 ;;
	-a|--accel)	accel=$2; shift 2 ;;
	-t|--timeout)	timeout=$2; shift 2 ;;
	--)		shift; break ;;
	*)		die "unknown option '$1' (see the top of $0)" ;;
	esac
done
[ $# -gt 0 ] || die "no command given"

if [ -z "$kernel" ]; then
	kver=$("$top/scripts/vm-kernel.sh")
	[ -n "$kver" ] || die "no kernel with sched_ext installed: run 'make deps'"
	kernel=/usr/lib/modules/$kver/vmlinuz
fi
[ -f "$kernel" ] || [ ! -f "/usr/lib/modules/$kernel/vmlinuz" ] ||
	kernel=/usr/lib/modules/$kernel/vmlinuz
[ -f "$kernel" ] || die "no kernel image at $kernel"
command -v vng >/dev/null || die "virtme-ng (vng) is missing: run 'make deps'"
mkdir -p "$results" || die "cannot create $results"
results=$(cd "$results" && pwd)

# The guest runs the command from the current directory, with the results
# directory in its environment.  printf %q keeps each argument intact
# through the guest shell.
cmd="export SCX_RESULTS=$(printf %q "$results"); cd $(printf %q "$PWD") &&"
for arg in "$@"; do
	cmd="$cmd $(printf %q "$arg")"
done

vng_args=(--disable-kvm --run "$kernel" --cpus "$cpus" --memory "$memory"
	  --rwdir "$results=$results" "${numa[@]}")
vng_args+=("--qemu-opts=-accel $accel${qemu_opts:+ $qemu_opts}")
[ "${VM_VERBOSE:-0}" = 1 ] && vng_args+=(--verbose)

exec 9> "${VM_LOCK:-/tmp/scx-flash-vm.lock}" || die "cannot open the VM lock"
if ! flock -n 9; then
	echo "vm-run: waiting for another VM to finish" >&2
	flock 9
fi

echo "vm-run: booting $(basename "$(dirname "$kernel")") ($cpus vCPUs${numa:+, $((${#numa[@]} / 2)) NUMA nodes}, $memory, $accel)" >&2
timeout --foreground -k 10 "$timeout" vng "${vng_args[@]}" --exec "$cmd" \
	< /dev/null
rc=$?
[ $rc -eq 124 ] && echo "vm-run: timed out after ${timeout}s" >&2
exit $rc
