#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The loader's options are described in four places, which must agree:
#
#   scx_flash.c                 long_opts[], what getopt_long() accepts
#   scx_flash --help            help_fmt, one line per option (scx_simple's
#                               style: the whole manual in one screen)
#   Documentation/scx_flash.rst a paragraph per option: ranges, what to
#                               use it for, links to the policy sections
#   services/scx_flash.default  the defaults, as comments for the unit
#
# For each option: the same long name everywhere, the same short letter and
# whether it takes a value in the table, --help and the rst, and the same
# default in --help, the rst and the defaults file; and the rst names no
# option that does not exist.  README.md lists no
# options (it points to --help), so it is not checked.
#
# Why a check and not generation: the rst says per option what --help has
# no room for (limits and their reasons, advice, references to sections),
# and --help must stay one screen of aligned lines in the loader, as in the
# tree's examples.  Generating one from the other would need that prose in
# a third format from which both are made, and a build step for the
# documentation; a drift is rare and this check names it.
#
# Usage: scripts/options-check.sh [SCX_FLASH_BINARY]
# Prints the differences, one per line; exits 1 if there are any.

set -u

top=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-${OUTPUT_DIR:-$top/build}/bin/scx_flash}
rst=$top/Documentation/scx_flash.rst
defaults=$top/services/scx_flash.default

[ -x "$bin" ] || { echo "options-check: $bin is not built" >&2; exit 2; }

# Each source prints "NAME SHORT ARG DEFAULT" lines: SHORT is the letter or
# -, ARG is 1 if the option takes a value, DEFAULT the first word of the
# stated default of a value or - (a flag's "default" is prose).

# The table: { "name", has_arg, NULL, 'c' } or an OPT_ value.
table() {
	sed -n '/^static const struct option long_opts\[\]/,/^};/p' \
		"$top/scx_flash.c" |
	grep -o '{ "[a-z-]*", [01], NULL, [^ ]* }' |
	sed "s/^{ \"\([a-z-]*\)\", \([01]\), NULL, '\(.\)' }$/\1 \3 \2/;
	     s/^{ \"\([a-z-]*\)\", \([01]\), NULL, [A-Z_]* }$/\1 - \2/"
}

# --help: "  -s, --slice-us=US   text" or "      --name   text", the text
# going on in lines indented further; "(default: 700, ..." or "default: 32)".
help_opts() {
	"$bin" --help | awk '
		function flush(	d) {
			if (name == "")
				return
			d = "-"
			if (arg && match(text, /default: [^,;)]+/)) {
				d = substr(text, RSTART + 9, RLENGTH - 9)
				sub(/ .*/, "", d)
			}
			print name, short, arg, d
			name = ""
		}
		/^  -[A-Za-z], --[a-z]/ || /^      --[a-z]/ {
			flush()
			short = /^  -/ ? substr($0, 4, 1) : "-"
			match($0, /--[a-z-]+/)
			name = substr($0, RSTART + 2, RLENGTH - 2)
			text = substr($0, RSTART + RLENGTH)
			arg = substr(text, 1, 1) == "=" ? 1 : 0
			next
		}
		/^        / && name != "" { text = text " " $0; next }
		{ flush() }
		END { flush() }'
}

# The rst's Options section: "``-s``, ``--slice-us=US`` (default 700)".
rst_opts() {
	awk '
		/^Options$/ { in_opts = 1 }
		/^Statistics$/ { in_opts = 0 }
		!in_opts { next }
		/^``-[A-Za-z]``, ``--[a-z]/ || /^``--[a-z]/ {
			short = /^``-[A-Za-z]``,/ ? substr($0, 4, 1) : "-"
			match($0, /``--[a-z-]+/)
			name = substr($0, RSTART + 4, RLENGTH - 4)
			arg = substr($0, RSTART + RLENGTH, 1) == "=" ? 1 : 0
			d = "-"
			if (arg && match($0, /\(default [^,)]+/)) {
				d = substr($0, RSTART + 9, RLENGTH - 9)
				gsub(/``/, "", d)
				sub(/ .*/, "", d)
			}
			print name, short, arg, d
		}' "$rst"
}

# The defaults file: "#   --slice-us=700   text".
defaults_opts() {
	sed -n 's/^#   --\([a-z-]*\)=\([^ ]*\) .*/\1 \2/p' "$defaults"
}

t=$(table | sort)
h=$(help_opts | sort)
r=$(rst_opts | sort)
bad=0

# diff_lines WHAT A B TEXT_A TEXT_B: report the lines that only one of A
# and B has, for the fields WHAT.
diff_lines() {
	local out

	out=$(diff <(echo "$4") <(echo "$5") |
	      sed -n "s/^< /only in $2 ($1): /p; s/^> /only in $3 ($1): /p")
	[ -z "$out" ] && return 0
	echo "$out"
	bad=1
}

[ -n "$t" ] || { echo "no long_opts[] table in scx_flash.c"; bad=1; }
diff_lines "name short arg" "long_opts[]" "--help" \
	"$t" "$(echo "$h" | cut -d' ' -f1-3)"
diff_lines "name short arg default" "--help" "Documentation" "$h" "$r"
for name in $(grep -ho '``--[a-z-]*' "$rst" | sed 's/^``--//' | sort -u); do
	echo "$t" | grep -q "^$name " && continue
	echo "Documentation names --$name, which is no option of scx_flash.c"
	bad=1
done
while read -r name val; do
	[ -n "$name" ] || continue
	echo "$h" | grep -q "^$name . 1 $val\$" && continue
	echo "services/scx_flash.default: --$name=$val is not the default of --help"
	bad=1
done <<< "$(defaults_opts)"

exit $bad
