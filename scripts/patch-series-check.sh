#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Check the upstream patch series the way a maintainer would take it:
# generate it (scripts/patch-series.sh), run checkpatch.pl on every patch,
# apply it with 'git am' to a fresh scratch copy of the kernel tree in
# KSRC, and after every patch build 'make -C tools/sched_ext scx_flash'
# (scx_simple before scx_flash exists, and the selftests once they exist)
# with the tree's own headers.  Then the same without the statistics
# patch, which must be possible to leave out: the series but that patch,
# applied on the scheduler's patch, builds too.  Prints TAP.
#
# The series checked here is signed by TEST_FROM, an identity that no
# series to be sent may carry, with patch-series.sh -t, and stays in
# $OUTPUT_DIR/patch-series-check.  Before it, patch-series.sh must refuse
# placeholder identities from each of its sources (SCX_PATCH_FROM,
# GIT_AUTHOR_*, git config) and accept a real one, the first reviewer of
# the tree's SCHED_EXT entry in MAINTAINERS, without writing anything.
#
# checkpatch runs as 'make check' does: CHECKs (--strict) are reported,
# errors and warnings fail, but for VOLATILE (BPF rodata is 'const
# volatile' by design) and the classes scripts/checkpatch.exempt accepts.
# FILE_PATH_CHANGES ("does MAINTAINERS need updating?") is checked for what
# it asks instead: after each patch, get_maintainer.pl must find every file
# it adds in the tree's SCHED_EXT entry.
#
# Usage: scripts/patch-series-check.sh [-r REV]   (REV as patch-series.sh)
# Environment: KSRC, OUTPUT_DIR, CLANG, VMLINUX_BTF, CHECKPATCH.

set -u

top=$(cd "$(dirname "$0")/.." && pwd)
export KSRC=${KSRC:-$top/.cache/linux}
export OUTPUT_DIR=${OUTPUT_DIR:-$top/build}
CLANG=${CLANG:-clang-19}
CHECKPATCH=${CHECKPATCH:-$KSRC/scripts/checkpatch.pl}
work=$OUTPUT_DIR/patch-series-check

# The tree's Makefiles must not see the variables of a calling make (O=
# would send their output out of the scratch tree).
unset MAKEFLAGS MFLAGS MAKELEVEL O
patches=$work/patches
tree=$work/linux
TEST_FROM="scx_flash series check <series-check@localhost>"
n=0
failed=0

if [ -z "${VMLINUX_BTF:-}" ]; then
	# The newest kernel's: the tree's headers need a 7.3-era vmlinux.h.
	VMLINUX_BTF=$(ls -1 "$OUTPUT_DIR"/obj/vmlinux-* 2>/dev/null | sort -V |
		tail -n 1)
fi

echo "TAP version 13"

result() {	# result RC DESCRIPTION
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n $2"
	else
		echo "not ok $n $2"
		failed=$((failed + 1))
	fi
}

finish() {
	echo "1..$n"
	[ $failed -eq 0 ]
	exit
}

# show LOG: the end of a failed step's log, as TAP comments.
show() {
	tail -n 25 "$1" | sed 's/^/# /'
}

# project_path PATH: the project file that PATH of the tree comes from.
project_path() {
	case $1 in
	tools/sched_ext/scx_flash*) echo "${1#tools/sched_ext/}" ;;
	tools/testing/selftests/scx_flash/*)
		echo "selftests/${1#tools/testing/selftests/scx_flash/}" ;;
	*) echo "$1" ;;
	esac
}

# findings PATCH: checkpatch's findings in PATCH, one per line, as
# "FILE:LINE: LEVEL:TYPE: message" with FILE the project's path.
findings() {
	"$CHECKPATCH" --no-tree --strict --show-types --ignore VOLATILE \
		--typedefsfile "$top/scripts/checkpatch.typedefs" "$1" 2>&1 |
	awk '
		/^(ERROR|WARNING|CHECK):/ { msg = $0; next }
		msg != "" && /^#[0-9]+: FILE: / {
			sub(/^#[0-9]+: FILE: /, "")
			print $0 " " msg
			msg = ""
			next
		}
		msg != "" && /^$/ { print "-: " msg; msg = "" }
	' |
	while IFS= read -r line; do
		file=${line%%:*}
		echo "$(project_path "$file")${line#"$file"}"
	done
}

# exempt: drop the findings that scripts/checkpatch.exempt accepts.
exempt() {
	local line file glob type
	while IFS= read -r line; do
		file=${line%%:*}
		while read -r glob type _; do
			case "$glob" in ''|'#'*) continue ;; esac
			# shellcheck disable=SC2254
			case "$file" in $glob) ;; *) continue ;; esac
			case "$line" in *":$type:"*) continue 2 ;; esac
		done < "$top/scripts/checkpatch.exempt"
		echo "$line"
	done
}

if [ ! -f "${VMLINUX_BTF:-}" ] || [ ! -d "$KSRC/tools/sched_ext" ]; then
	result 1 "patch series # no kernel tree or VM kernel BTF: run 'make deps' and 'make'"
	finish
fi

# series_env VAR=VALUE... -- ARGS...: run patch-series.sh with ARGS, with
# only the identity given by VAR=VALUE (git config through GIT_CONFIG_*).
series_env() {
	local vars=()

	while [ "$1" != -- ]; do
		vars+=("$1")
		shift
	done
	shift
	env -u SCX_PATCH_FROM -u GIT_AUTHOR_NAME -u GIT_AUTHOR_EMAIL \
		"${vars[@]}" "$top/scripts/patch-series.sh" "$@"
}

# refused DESCRIPTION VAR=VALUE...: patch-series.sh must exit 1, say that
# it refuses, and write no series.
refused() {
	local what=$1 dir=$work/refused log=$work/refused.log rc
	shift

	rm -rf "$dir"
	series_env "$@" -- -o "$dir" > "$log" 2>&1
	rc=$?
	sed 's/^/# /' "$log"
	[ $rc -eq 1 ] && grep -q '^patch-series: refusing to sign' "$log" &&
		[ ! -e "$dir" ]
	result $? "patch series: refuses $what"
}

rm -rf "$work"
mkdir -p "$work"

refused "this machine's seed identity (SCX_PATCH_FROM)" \
	"SCX_PATCH_FROM=Seed 11689993 maintainers <maintainers@users.noreply.r-seed-11689993.example>"
refused "an @localhost address (GIT_AUTHOR_*)" \
	"GIT_AUTHOR_NAME=Kernel Developer" "GIT_AUTHOR_EMAIL=dev@localhost"
refused "a .example address (git config)" \
	GIT_CONFIG_COUNT=2 GIT_CONFIG_KEY_0=user.name \
	"GIT_CONFIG_VALUE_0=Kernel Developer" GIT_CONFIG_KEY_1=user.email \
	GIT_CONFIG_VALUE_1=dev@mail.example
refused "a name without an address" "SCX_PATCH_FROM=Kernel Developer"

# A real identity, from the tree's own MAINTAINERS, passes (-n: dry run).
real=$(sed -n '/^SCHEDULER - SCHED_EXT$/,/^$/{s/^[MR]:\t//p}' \
	"$KSRC/MAINTAINERS" | head -n 1)
out=$(series_env "SCX_PATCH_FROM=$real" -- -n 2>&1)
rc=$?
echo "# accepted: $out"
[ $rc -eq 0 ] && [ -n "$real" ] && [ "$out" = "$real" ]
result $? "patch series: accepts the identity of a SCHED_EXT reviewer"

series_env "SCX_PATCH_FROM=$TEST_FROM" -- -t -o "$patches" "$@" \
	> "$work/generate.log" 2>&1
rc=$?
[ $rc -ne 0 ] && show "$work/generate.log"
result $rc "patch series: generate, signed by the test identity $TEST_FROM"
[ $rc -eq 0 ] || finish

# Every From: and Signed-off-by: is the identity given, and only it.
bad=$(grep -h -e '^From: ' -e '^Signed-off-by: ' "$patches"/0*.patch |
	grep -v -x -F -e "From: $TEST_FROM" -e "Signed-off-by: $TEST_FROM")
nr=$(grep -c '^Signed-off-by: ' "$patches"/0*.patch | awk -F: '{ n += $2 } END { print n }')
[ -n "$bad" ] && echo "$bad" | sed 's/^/# /'
[ -z "$bad" ] && [ "$nr" -eq 5 ]
result $? "every From: and Signed-off-by: is the identity given"

for p in "$patches"/0*.patch; do
	name=${p##*/}
	[ "$name" = 0000-cover-letter.patch ] && continue
	all=$(findings "$p" | grep -v ':FILE_PATH_CHANGES: ')
	out=$(echo "$all" | grep -v ' CHECK:' | grep -v '^$' | exempt)
	strict=$(echo "$all" | grep -c ' CHECK:')
	[ -n "$out" ] && echo "$out" | sed 's/^/# /'
	[ "$strict" -gt 0 ] && echo "# $name: $strict --strict check(s)"
	result "$([ -z "$out" ]; echo $?)" "checkpatch $name"
done

grep -q '^Subject: \[PATCH 0/' "$patches/0000-cover-letter.patch" &&
	! grep -q '\*\*\* .* HERE \*\*\*' "$patches/0000-cover-letter.patch"
result $? "cover letter has a subject and a blurb"

bad=$(grep -h '^Subject: ' "$patches"/0*.patch | grep -v '^Subject: \[PATCH 0/' |
	grep -v '^Subject: \[PATCH [0-9]*/[0-9]*\] tools/sched_ext: ')
[ -n "$bad" ] && echo "$bad" | sed 's/^/# /'
result "$([ -z "$bad" ]; echo $?)" "every subject starts with tools/sched_ext:"

"$top/scripts/patch-series.sh" --base-tree "$tree" > "$work/base.log" 2>&1
rc=$?
[ $rc -ne 0 ] && show "$work/base.log"
result $rc "scratch kernel tree from KSRC"
[ $rc -eq 0 ] || finish

make_args=(-j"$(nproc)" CLANG="$CLANG" VMLINUX_BTF="$VMLINUX_BTF")

# build_step WHAT LOG: build the scheduler (scx_simple before scx_flash
# exists) and, once they exist, the selftests; a result for each.
build_step() {
	local what=$1 log=$2 sched=scx_flash rc

	[ -f "$tree/tools/sched_ext/scx_flash.c" ] || sched=scx_simple
	make -C "$tree/tools/sched_ext" "${make_args[@]}" $sched >> "$log" 2>&1 &&
		[ -x "$tree/tools/sched_ext/build/bin/$sched" ]
	rc=$?
	[ $rc -ne 0 ] && show "$log"
	result $rc "make -C tools/sched_ext $sched after $what"

	[ -d "$tree/tools/testing/selftests/scx_flash" ] || return 0
	make -C "$tree/tools/testing/selftests" "${make_args[@]}" \
		TARGETS=scx_flash >> "$log" 2>&1 &&
		[ -x "$tree/tools/testing/selftests/scx_flash/runner" ] &&
		[ -x "$tree/tools/testing/selftests/scx_flash/scx_flash" ]
	rc=$?
	[ $rc -ne 0 ] && show "$log"
	result $rc "make -C tools/testing/selftests TARGETS=scx_flash after $what"
}

# apply PATCH LOG: git am PATCH, with a result.
apply() {
	local rc

	git -C "$tree" am -q "$1" > "$2" 2>&1
	rc=$?
	[ $rc -ne 0 ] && show "$2"
	result $rc "git am ${1##*/}$3"
	[ $rc -eq 0 ] || git -C "$tree" am --abort > /dev/null 2>&1
	return $rc
}

for p in "$patches"/0*.patch; do
	name=${p##*/}
	[ "$name" = 0000-cover-letter.patch ] && continue
	log=$work/${name%.patch}.log

	apply "$p" "$log" "" || break

	# What checkpatch's FILE_PATH_CHANGES asks: the files this patch
	# adds have maintainers, those of the SCHED_EXT entry.
	orphans=$(git -C "$tree" show --name-only --diff-filter=A --format= HEAD |
		while read -r f; do
			(cd "$tree" && ./scripts/get_maintainer.pl --no-git \
				--no-git-fallback --sections -f "$f" 2>/dev/null) |
				grep -q -x 'SCHEDULER - SCHED_EXT' || echo "$f"
		done)
	[ -n "$orphans" ] && echo "$orphans" | sed 's/^/# not in SCHED_EXT: /'
	result "$([ -z "$orphans" ]; echo $?)" \
		"MAINTAINERS: SCHED_EXT covers every file $name adds"

	build_step "$name" "$log"
done

# The series without the statistics patch (0003): on the scheduler's
# patch, the docs and the selftests, in a branch of the same tree.
stats=$(ls "$patches"/0003-*.patch 2>/dev/null)
if git -C "$tree" checkout -q -b without-stats HEAD~3 > "$work/without-stats.log" 2>&1; then
	for p in "$patches"/000[45]-*.patch; do
		apply "$p" "$work/without-stats.log" " without ${stats##*/}" || break
	done
	build_step "the series without ${stats##*/}" "$work/without-stats.log"
else
	show "$work/without-stats.log"
	result 1 "a branch of the tree without ${stats##*/}"
fi

# The edited sched-ext.rst renders with no docutils message that the
# tree's own does not have (plain docutils lacks Sphinx's "none" lexer).
rst=Documentation/scheduler/sched-ext.rst
if [ -f "$tree/$rst" ]; then
	(cd "$KSRC" && rst2html "$rst" > /dev/null 2> "$work/rst.old")
	(cd "$tree" && rst2html "$rst" > /dev/null 2> "$work/rst.new")
	new=$(sed 's/:[0-9]*: /: /' "$work/rst.new" | sort |
		comm -13 <(sed 's/:[0-9]*: /: /' "$work/rst.old" | sort) -)
	[ -n "$new" ] && echo "$new" | sed 's/^/# /'
	result "$([ -z "$new" ]; echo $?)" "rst2html $rst: no new warnings"
fi

finish
