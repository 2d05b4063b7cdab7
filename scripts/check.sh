#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 'make check': the kernel tree's checkpatch.pl on every C file and header
# of the project, and sparse on the C programs built for user space.  Prints
# TAP, one test per file and tool; fails on any checkpatch error or warning
# (but VOLATILE: BPF rodata is 'const volatile' by design; the BPF type
# annotations such as __kptr are declared in scripts/checkpatch.typedefs)
# and on any
# sparse finding in our own code.  --strict checks are reported, not fatal.
# Also renders Documentation/*.rst with docutils (any warning fails), checks
# that the options agree in the loader, its --help, the documentation and
# the unit's defaults (scripts/options-check.sh) and that MAINTAINERS has an
# F: pattern for every file.  The systemd unit, as 'make install' writes
# it, must pass 'systemd-analyze verify' without a word.
#
# Environment: KSRC, OUTPUT_DIR, CHECKPATCH, SPARSE.

set -u

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
KSRC=${KSRC:-$top/.cache/linux}
OUTPUT_DIR=${OUTPUT_DIR:-$top/build}
CHECKPATCH=${CHECKPATCH:-$KSRC/scripts/checkpatch.pl}
SPARSE=${SPARSE:-sparse}

[ -x "$CHECKPATCH" ] || { echo "check: no checkpatch.pl at $CHECKPATCH" >&2; exit 2; }
command -v "$SPARSE" >/dev/null || { echo "check: no $SPARSE" >&2; exit 2; }
command -v systemd-analyze >/dev/null ||
	{ echo "check: no systemd-analyze (package systemd)" >&2; exit 2; }

c_files=$(git ls-files --cached --others --exclude-standard '*.c' '*.h' 2>/dev/null)
[ -n "$c_files" ] || c_files=$(find . -path ./build -prune -o -path ./.cache -prune -o \( -name '*.c' -o -name '*.h' \) -print | sed 's|^\./||')
user_files=$(echo "$c_files" | grep -v '\.bpf\.c$' | grep '\.c$')

# BPF annotations that checkpatch cannot know are not identifiers.
checkpatch_flags="--no-tree -f --terse --show-types --no-summary --quiet
	--ignore VOLATILE --typedefsfile $top/scripts/checkpatch.typedefs"

n=0
failed=0
echo "TAP version 13"
rst_files=$(git ls-files --cached --others --exclude-standard 'Documentation/*.rst' 2>/dev/null)
echo "1..$(( $(echo "$c_files" | wc -w) + $(echo "$user_files" | wc -w) + $(echo "$rst_files" | wc -w) + 3 ))"

result() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n $2"
	else
		echo "not ok $n $2"
		failed=$((failed + 1))
	fi
}

# exempt FILE: drop the findings that scripts/checkpatch.exempt accepts.
exempt() {
	local line glob type reason
	while IFS= read -r line; do
		while read -r glob type reason; do
			case "$glob" in ''|'#'*) continue ;; esac
			# shellcheck disable=SC2254
			case "$1" in $glob) ;; *) continue ;; esac
			case "$line" in *":$type:"*) continue 2 ;; esac
		done < "$top/scripts/checkpatch.exempt"
		echo "$line"
	done
}

for f in $c_files; do
	# One --strict run: its CHECKs are counted, the rest must be empty.
	# On a file, checkpatch reports long lines as CHECKs; in the upstream
	# patches (scripts/patch-series.sh) they are WARNINGs, so in the files
	# that go upstream they fail here too.
	case $f in
	scx_flash*|selftests/*) long='s/: CHECK:\(LONG_LINE[A-Z_]*\):/: WARNING:\1:/' ;;
	*) long= ;;
	esac
	all=$("$CHECKPATCH" $checkpatch_flags --strict "$f" 2>&1 |
		grep -v 'does not have any commits yet' | sed "$long")
	out=$(echo "$all" | grep -v ': CHECK:' | grep -v '^$' | exempt "$f")
	strict=$(echo "$all" | grep -c ': CHECK:')
	[ -n "$out" ] && echo "$out" | sed 's/^/# /'
	[ "$strict" -gt 0 ] && echo "# $f: $strict --strict check(s)"
	result "$([ -z "$out" ]; echo $?)" "checkpatch $f"
done

sparse_flags="-Wall -I$OUTPUT_DIR/include -I$KSRC/tools/include/uapi -I$top/include -I$top -I$top/selftests"
for f in $user_files; do
	# Generated headers are not ours to fix: a skeleton embeds the BPF
	# object as one long string, which sparse finds too long and, for
	# some object bytes, full of unknown escapes.
	out=$("$SPARSE" $sparse_flags "$f" 2>&1 |
		grep -v "^$OUTPUT_DIR/include/" |
		grep -v 'note: in included file' | grep -v '^$')
	[ -n "$out" ] && echo "$out" | sed 's/^/# /'
	result "$([ -z "$out" ]; echo $?)" "sparse $f"
done

# The documentation must render without a single docutils warning.
for f in $rst_files; do
	out=$(rst2html --strict --no-generator --no-datestamp "$f" 2>&1 >/dev/null)
	[ -n "$out" ] && echo "$out" | sed 's/^/# /'
	result "$([ -z "$out" ]; echo $?)" "rst2html --strict $f"
done

# The options agree in the loader's table, its --help, Documentation and
# the unit's defaults file (scripts/options-check.sh says why this is a
# check rather than generated text).
[ -x "$OUTPUT_DIR/bin/scx_flash" ] ||
	make -s -C "$top" O="${OUTPUT_DIR%/build}" all_targets > /dev/null 2>&1
out=$("$top/scripts/options-check.sh" "$OUTPUT_DIR/bin/scx_flash" 2>&1)
rc=$?
[ -n "$out" ] && echo "$out" | sed 's/^/# /'
result $rc "the options agree in scx_flash.c, --help, Documentation and services"

# The unit as installed, under a scratch prefix rather than a DESTDIR:
# verify wants ExecStart='s program where the unit says it is, and with
# --root=DESTDIR it would want a whole system's units there.
unit_tmp=$(mktemp -d)
# Only verify's own words count: install may first rebuild the loader.
if make -s -C "$top" O="${OUTPUT_DIR%/build}" install \
	prefix="$unit_tmp/usr" sysconfdir="$unit_tmp/etc" > /dev/null 2>&1; then
	out=$(systemd-analyze verify \
	      "$unit_tmp/usr/lib/systemd/system/scx_flash.service" 2>&1)
	rc=$?
else
	out="make install failed"
	rc=1
fi
rm -rf "$unit_tmp"
[ -n "$out" ] && echo "$out" | sed 's/^/# /'
result "$([ $rc -eq 0 ] && [ -z "$out" ]; echo $?)" \
	"systemd-analyze verify scx_flash.service"

# Every file of the project has a MAINTAINERS F: pattern.
patterns=$(sed -n 's/^F:\t//p' MAINTAINERS 2>/dev/null)
unlisted=$(git ls-files --cached --others --exclude-standard | while read -r f; do
	for p in $patterns; do
		# shellcheck disable=SC2254
		case $p in
		*/) case $f in "$p"*) continue 2 ;; esac ;;
		*) case $f in $p) continue 2 ;; esac ;;
		esac
	done
	echo "$f"
done)
[ -n "$unlisted" ] && echo "$unlisted" | sed 's/^/# not in MAINTAINERS: /'
result "$([ -z "$unlisted" ]; echo $?)" "MAINTAINERS lists every file"

[ $failed -eq 0 ]
