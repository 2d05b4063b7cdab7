#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host tests of 'make install' and 'make uninstall' in staging trees: what
# install puts where, that the unit names the installed loader and options
# file, that the options file's defaults are the loader's, that the unit
# does not restart the loader on a kernel without sched_ext, that an
# administrator's options file survives both, and that uninstall leaves an
# empty tree.  Nothing is installed on the host itself.  TAP.
#
# Usage: tests/host/install.sh
# Environment: OUTPUT_DIR (the build, as 'make test' passes it).

set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
OUTPUT_DIR=${OUTPUT_DIR:-$top/build}
tmp=$(mktemp -d)
log=$tmp/log
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/../tap.sh"
tap_log=$log

# mk ARGS...: make in the project with the build of this test run (O= is
# the parent of OUTPUT_DIR, which the Makefile names O/build).
mk() {
	make -s -C "$top" O="${OUTPUT_DIR%/build}" "$@" > "$log" 2>&1
}

# files ROOT: every non-directory under ROOT with its mode, sorted.
files() {
	(cd "$1" && find . ! -type d -printf '%m %P\n' | sort)
}

# unit_key UNIT KEY: the values of KEY= in UNIT, one a line.
unit_key() {
	sed -n "s/^$2=//p" "$1"
}

echo "TAP version 13"
[ -x "$OUTPUT_DIR/bin/scx_flash" ] ||
	{ echo "1..0 # SKIP $OUTPUT_DIR/bin/scx_flash is not built"; exit 1; }

root=$tmp/root
mk install DESTDIR="$root"
ok $? "make install DESTDIR=... succeeds"

files "$root" > "$tmp/got"
cat > "$tmp/want" <<-EOF
	644 etc/default/scx_flash
	644 usr/local/lib/systemd/system/scx_flash.service
	755 usr/local/bin/scx_flash
EOF
diff -u "$tmp/want" "$tmp/got" > "$log"
ok $? "install puts the loader, the unit and the options file in place"

unit=$root/usr/local/lib/systemd/system/scx_flash.service
cmp -s "$OUTPUT_DIR/bin/scx_flash" "$root/usr/local/bin/scx_flash"
ok $? "the installed loader is the one built"

exec_start=$(unit_key "$unit" ExecStart)
env_file=$(unit_key "$unit" EnvironmentFile)
echo "ExecStart=$exec_start EnvironmentFile=$env_file" > "$log"
[ "${exec_start%% *}" = /usr/local/bin/scx_flash ] &&
	[ "${env_file#-}" = /etc/default/scx_flash ] &&
	! grep -qE '@[A-Z_]+@' "$unit"
ok $? "the unit runs the installed loader with the installed options file"

# The options file's variable reaches the command line, split into words.
grep -q '^SCX_FLASH_FLAGS=' "$root/etc/default/scx_flash" &&
	[ "${exec_start#* }" = '$SCX_FLASH_FLAGS' ]
ok $? "ExecStart passes \$SCX_FLASH_FLAGS from the options file"

# Every default the options file states is the one --help states.
"$OUTPUT_DIR/bin/scx_flash" --help |
	awk '/^  (-., |    )--/ { if (opt) print opt; opt = $0; next }
	     /^ / { opt = opt $0; next } END { print opt }' > "$tmp/help"
: > "$log"
sed -n 's/^#   \(--[a-z-]*\)=\([^ ]*\) .*/\1 \2/p' \
	"$root/etc/default/scx_flash" > "$tmp/defaults"
while read -r opt val; do
	grep -E -- "$opt=.*default: $val\b" "$tmp/help" > /dev/null ||
		echo "$opt=$val is not the default --help states" >> "$log"
done < "$tmp/defaults"
[ -s "$tmp/defaults" ] && [ ! -s "$log" ]
ok $? "the defaults in the options file are the loader's ($(wc -l < "$tmp/defaults") options)"

# On a kernel without sched_ext the loader's exit status must be one the
# unit never restarts, or an enabled unit would try at every boot in vain.
if [ -d /sys/kernel/sched_ext ]; then
	skip "no restart on a kernel without sched_ext" "this kernel has sched_ext"
else
	"$root/usr/local/bin/scx_flash" > "$log" 2>&1 < /dev/null
	rc=$?
	prevent=$(unit_key "$unit" RestartPreventExitStatus)
	echo "exit status $rc, RestartPreventExitStatus=$prevent" >> "$log"
	[ "$rc" -ne 0 ] && [ "$rc" -ne 1 ] &&
		echo " $prevent " | grep -q " $rc "
	ok $? "no restart on a kernel without sched_ext (exit $rc)"
fi

mk uninstall DESTDIR="$root"
ok $? "make uninstall DESTDIR=... succeeds"
(cd "$root" && find . -mindepth 1) > "$log"
[ ! -s "$log" ] && [ -d "$root" ]
ok $? "uninstall leaves an empty tree"

# prefix=/usr, as a distribution installs, and an options file that the
# administrator changed: install keeps it, uninstall leaves it alone.
root=$tmp/root-usr
mkdir -p "$root/etc/default"
echo 'SCX_FLASH_FLAGS="--tickless"' > "$root/etc/default/scx_flash"
mk install DESTDIR="$root" prefix=/usr &&
	[ -f "$root/usr/lib/systemd/system/scx_flash.service" ] &&
	[ -x "$root/usr/bin/scx_flash" ] &&
	unit_key "$root/usr/lib/systemd/system/scx_flash.service" ExecStart |
	grep -q '^/usr/bin/scx_flash ' &&
	grep -qx 'SCX_FLASH_FLAGS="--tickless"' "$root/etc/default/scx_flash"
ok $? "prefix=/usr installs there and keeps a changed options file"
mk uninstall DESTDIR="$root" prefix=/usr
files "$root" > "$log"
[ "$(cat "$log")" = "644 etc/default/scx_flash" ]
ok $? "uninstall removes all but the changed options file"

tap_end
