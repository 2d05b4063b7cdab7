# SPDX-License-Identifier: GPL-2.0
#
# Edits of the kernel tree's tools/sched_ext/Makefile, shared by
# scripts/patch-series.sh and scripts/intree-check.sh (sourced by both).
# Each edits the Makefile given in place and fails if it finds no place
# for its edit.

# sched_objs_rule MAKEFILE: let a scheduler link helper objects beside its
# own, listed in $(sched)-objs and each built from its .c and .h.  A
# scheduler without them (scx_simple) builds as before.
sched_objs_rule() {
	local mk=$1

	grep -q '^c-sched-targets = ' "$mk" || return 1
	awk '
		/^c-sched-targets = / {
			print
			print ""
			print "# Helper objects a scheduler links beside its own: $(sched)-objs, each"
			print "# built from its .c and .h."
			print "$(SCXOBJ_DIR)/%.o: %.c %.h | $(SCXOBJ_DIR)"
			print "\t$(CC) $(CFLAGS) -c $< -o $@"
			print ""
			print "$(foreach s,$(c-sched-targets),\\"
			print "\t$(eval $(BINDIR)/$(s): $(addprefix $(SCXOBJ_DIR)/,$($(s)-objs))))"
			next
		}
		/^\t\$\(CC\) -o \$@ \$\(SCXOBJ_DIR\)\/\$\(sched\)\.o \$\(BPFOBJ\) \$\(LDFLAGS\)$/ {
			print "\t$(CC) -o $@ $(SCXOBJ_DIR)/$(sched).o \\"
			print "\t\t$(addprefix $(SCXOBJ_DIR)/,$($(sched)-objs)) $(BPFOBJ) $(LDFLAGS)"
			linked = 1
			next
		}
		{ print }
		END { exit !linked }' "$mk" > "$mk.new" || { rm -f "$mk.new"; return 1; }
	mv "$mk.new" "$mk"
}

# sched_add MAKEFILE NAME: build the scheduler NAME with the others.
sched_add() {
	sed -i "/^c-sched-targets = /{/ $2\\b/!s/\$/ $2/}" "$1"
	grep -q "^c-sched-targets = .* $2\\b" "$1"
}

# sched_add_objs MAKEFILE NAME OBJ...: NAME links OBJ... too.
sched_add_objs() {
	local mk=$1 name=$2 op=':='
	shift 2

	grep -q "^$name-objs " "$mk" && op='+='
	# after the last NAME-objs line, else right after c-sched-targets
	awk -v line="$name-objs $op $*" -v name="$name" '
		{ lines[NR] = $0 }
		/^c-sched-targets = / && !at { at = NR }
		index($0, name "-objs ") == 1 { at = NR }
		END {
			for (i = 1; i <= NR; i++) {
				print lines[i]
				if (i == at)
					print line
			}
			exit !at
		}' "$mk" > "$mk.new" || { rm -f "$mk.new"; return 1; }
	mv "$mk.new" "$mk"
}
