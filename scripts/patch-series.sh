#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 'make patches': the upstream submission of scx_flash as a git
# format-patch series with a cover letter, made against the kernel tree in
# KSRC from the project's current files:
#
#   1. tools/sched_ext: Let a scheduler link helper objects
#                                             $(sched)-objs in the Makefile
#   2. tools/sched_ext: Add scx_flash         scheduler, its topology helper
#                                             scx_flash_topo.[ch],
#                                             c-sched-targets, scx_flash-objs
#   3. tools/sched_ext: Serve scx_flash's statistics
#                                             scx_flash_stats.[ch], the
#                                             stats socket and --monitor
#   4. tools/sched_ext: Document scx_flash    README.md, sched-ext.rst
#   5. tools/sched_ext: Add scx_flash selftests
#                                             tools/testing/selftests/scx_flash,
#                                             its F: line in the SCHED_EXT
#                                             entry of MAINTAINERS
#
# Patch 3 can be left out: patches 4 and 5 apply and build without it.
# Patch 2's scx_flash.c is the project's without its statistics socket and
# --monitor: scripts/patches/scx_flash-stats.diff, applied in reverse.
#
# The SCHED_EXT entry of MAINTAINERS already covers tools/sched_ext/, so the
# series adds no entry of its own.  The scheduler uses the tree's own
# include/scx headers, never ours.
#
# The series is signed (From: and Signed-off-by:) by one identity, taken
# from SCX_PATCH_FROM ("Name <address>"), else from GIT_AUTHOR_NAME and
# GIT_AUTHOR_EMAIL, else from 'git config user.name' and 'user.email'.  A
# placeholder (no name, a name like "... maintainers", an address at
# localhost or a reserved domain such as .example, or a no-reply address)
# is refused: nothing is written and the exit status is 1.
#
# KSRC is not a git repository: the series is made in a scratch tree whose
# few edited paths are real files in a git repository, and every other path
# a symbolic link into KSRC (nothing in KSRC changes).
#
# Usage: scripts/patch-series.sh [-o DIR] [-r REV] [-t] [-n]
#          -o DIR  write the series to DIR (default: $OUTPUT_DIR/patches)
#          -r REV  take the project's files from git revision REV instead
#                  of the working tree
#          -t      a test series, never to be sent: accept any well-formed
#                  identity, placeholders included (for
#                  scripts/patch-series-check.sh)
#          -n      only check the identity and print it; write nothing
#        scripts/patch-series.sh --base-tree DIR
#          only make a scratch tree with its base commit in DIR (for
#          scripts/patch-series-check.sh)
#        scripts/patch-series.sh --core FILE
#          only write patch 2's scx_flash.c to FILE
#
# Environment: KSRC, OUTPUT_DIR, SCX_PATCH_FROM, GIT_AUTHOR_NAME,
# GIT_AUTHOR_EMAIL.

set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/patches/sched-make.sh"
KSRC=${KSRC:-$top/.cache/linux}
OUTPUT_DIR=${OUTPUT_DIR:-$top/build}
out=$OUTPUT_DIR/patches
rev=
test_series=

die() { echo "patch-series: $*" >&2; exit 1; }

# The identity that signs the series, in author_name and author_email, and
# where it came from, in author_source.
get_identity() {
	local re='^([^<>]*[^<> ]) *<([^<> ]+)>$'

	if [ -n "${SCX_PATCH_FROM:-}" ]; then
		author_source=SCX_PATCH_FROM
		author_name=$SCX_PATCH_FROM
		author_email=
		if [[ $SCX_PATCH_FROM =~ $re ]]; then
			author_name=${BASH_REMATCH[1]}
			author_email=${BASH_REMATCH[2]}
		fi
	elif [ -n "${GIT_AUTHOR_NAME:-}${GIT_AUTHOR_EMAIL:-}" ]; then
		author_source="GIT_AUTHOR_NAME and GIT_AUTHOR_EMAIL"
		author_name=${GIT_AUTHOR_NAME:-}
		author_email=${GIT_AUTHOR_EMAIL:-}
	else
		author_source="git config user.name and user.email"
		author_name=$(git -C "$top" config user.name || true)
		author_email=$(git -C "$top" config user.email || true)
	fi
}

# placeholder NAME EMAIL: why NAME <EMAIL> cannot sign a series that goes
# to a mailing list, or nothing if it can.
placeholder() {
	local name=${1,,} email=${2,,} domain=${2##*@}

	case $name in
	'') echo "there is no name" ;;
	*maintainers*|*placeholder*|'your name'|root|nobody|unknown|scx_flash*)
		echo "'$1' names no person" ;;
	esac
	case $email in
	'') echo "there is no address"; return ;;
	?*@?*) ;;
	*) echo "'$2' is not an e-mail address"; return ;;
	esac
	case ${domain,,} in
	localhost|*.localhost|localdomain|*.localdomain|*.local)
		echo "@$domain is a local address" ;;
	*.example|*.invalid|*.test|example.com|*.example.com|example.net|\
	*.example.net|example.org|*.example.org)
		echo "@$domain is a reserved domain (RFC 2606) that receives no mail" ;;
	*.?*) ;;
	*) echo "@$domain is not a domain that receives mail" ;;
	esac
	case $email in
	*noreply*|*no-reply*)
		echo "'$2' is a no-reply address: reviewers could not answer it" ;;
	esac
}

# check_identity: refuse a placeholder identity, unless -t.
check_identity() {
	local why

	why=$(placeholder "$author_name" "$author_email")
	[ -z "$why" ] && return 0
	if [ -n "$test_series" ]; then
		[ -n "$author_name" ] && [ -n "$author_email" ] && return 0
		die "a test series needs a name and an address too"
	fi
	{
		echo "patch-series: refusing to sign the series as" \
		     "'$author_name <$author_email>' (from $author_source):"
		echo "$why" | sed 's/^/patch-series:   /'
		echo "patch-series: sign it as yourself:" \
		     "git config user.name/user.email, or"
		echo "patch-series:   SCX_PATCH_FROM='Your Name <you@your.domain>' make patches"
	} >&2
	exit 1
}

# link_tree SRC DST EXCEPT...: link every entry of SRC into DST but EXCEPT.
link_tree() {
	local src=$1 dst=$2 e name x
	shift 2
	mkdir -p "$dst"
	for e in "$src"/* "$src"/.[!.]*; do
		[ -e "$e" ] || continue
		name=${e##*/}
		for x in "$@"; do
			[ "$name" = "$x" ] && continue 2
		done
		# git does not follow a symbolic .gitattributes or .mailmap.
		case $name in
		.*) cp -r "$e" "$dst/$name" ;;
		*) ln -sfn "$e" "$dst/$name" ;;
		esac
	done
}

# The paths that the series edits, relative to the tree's top.
edited="MAINTAINERS Documentation/scheduler tools/sched_ext"

# base_tree DIR: a scratch kernel tree in DIR, a git repository whose base
# commit holds the edited paths as copied from KSRC.
base_tree() {
	local d=$1

	if [ ! -f "$KSRC/MAINTAINERS" ] || [ ! -d "$KSRC/tools/sched_ext" ]; then
		die "no kernel tree at KSRC=$KSRC"
	fi
	rm -rf "$d"
	link_tree "$KSRC" "$d" Documentation tools MAINTAINERS
	link_tree "$KSRC/Documentation" "$d/Documentation" scheduler
	link_tree "$KSRC/tools" "$d/tools" sched_ext testing
	link_tree "$KSRC/tools/testing" "$d/tools/testing" selftests
	link_tree "$KSRC/tools/testing/selftests" "$d/tools/testing/selftests"
	cp "$KSRC/MAINTAINERS" "$d/"
	cp -r "$KSRC/Documentation/scheduler" "$d/Documentation/"
	cp -r "$KSRC/tools/sched_ext" "$d/tools/"
	rm -rf "$d/tools/sched_ext/build"

	git -C "$d" init -q
	# The scratch tree's own identity commits only its base; the series'
	# commits carry the checked one through GIT_AUTHOR_* and
	# GIT_COMMITTER_*.
	git -C "$d" config user.name "scx_flash scratch tree"
	git -C "$d" config user.email "scratch@localhost"
	# shellcheck disable=SC2086
	git -C "$d" add -f $edited
	git -C "$d" commit -q -m "Linux $(make -s -C "$KSRC" kernelversion 2>/dev/null || echo tree)"
	# The symbolic links stay out of the repository and out of the way.
	git -C "$d" ls-files --others --directory | sed 's|^|/|' \
		> "$d/.git/info/exclude"
}

# src FILE: the project's FILE, from the working tree or from $rev.
src() {
	if [ -n "$rev" ]; then
		git -C "$top" show "$rev:$1"
	else
		cat "$top/$1"
	fi
}

# src_files DIR: the project's files in DIR.
src_files() {
	if [ -n "$rev" ]; then
		git -C "$top" ls-tree --name-only -r "$rev" -- "$1"
	else
		git -C "$top" ls-files --cached --others --exclude-standard -- "$1"
	fi | sort -u
}

# commit MSGFILE PATH...: commit PATH... with the message in MSGFILE.
commit() {
	local msg=$1
	shift
	git -C "$tree" add -f "$@"
	git -C "$tree" commit -q -s -F "$msg"
}

# add_scx_files PATTERN: add an F: PATTERN line to the SCHED_EXT entry of
# MAINTAINERS, in order among its F: lines.
add_scx_files() {
	awk -v pat="$1" '
		/^SCHEDULER - SCHED_EXT$/ { in_scx = 1 }
		in_scx && /^F:\t/ && !done && substr($0, 4) > pat {
			print "F:\t" pat
			done = 1
		}
		in_scx && /^$/ {
			if (!done)
				print "F:\t" pat
			in_scx = 0
			done = 1
		}
		{ print }' "$tree/MAINTAINERS" > "$tree/MAINTAINERS.new"
	mv "$tree/MAINTAINERS.new" "$tree/MAINTAINERS"
	grep -q "^F:	$1\$" "$tree/MAINTAINERS" ||
		die "no SCHED_EXT entry in MAINTAINERS"
}

# core_loader FILE: the project's scx_flash.c without its statistics socket
# and --monitor, scripts/patches/scx_flash-stats.diff applied in reverse.
core_loader() {
	local diff=$top/scripts/patches/scx_flash-stats.diff

	src scx_flash.c > "$1"
	patch -s -f -R --no-backup-if-mismatch -r - "$1" < "$diff" > /dev/null &&
		! grep -q 'scx_flash_stats\|monitor' "$1" ||
		die "$diff does not apply to scx_flash.c: refresh it (see its header)"
}

patch_sched_objs() {
	sched_objs_rule "$tree/tools/sched_ext/Makefile" ||
		die "no c-sched-targets line or link rule in tools/sched_ext/Makefile"
	cat > "$tree/.git/msg" <<-'EOF'
	tools/sched_ext: Let a scheduler link helper objects

	Each example scheduler is one loader file, compiled and linked in the
	recipe of the c-sched-targets rule.  A loader that needs more, such as
	scx_flash's (next), which reads the sysfs topology and speaks the
	scx_stats protocol, is easier to review with those parts in files of
	their own, as tools/testing/selftests/sched_ext links its runner from
	several objects and samples/bpf links its programs with *_user.o
	helpers.

	Let a scheduler list helper objects in $(sched)-objs: each is built
	from its .c and .h into $(SCXOBJ_DIR) and linked beside the
	scheduler's own object.  The schedulers that list none, all of them
	today, build as before.
	EOF
	commit "$tree/.git/msg" tools/sched_ext/Makefile
}

patch_scheduler() {
	local f mk=$tree/tools/sched_ext/Makefile

	for f in scx_flash.bpf.c scx_flash.h scx_flash_topo.c scx_flash_topo.h; do
		src "$f" > "$tree/tools/sched_ext/$f"
	done
	core_loader "$tree/tools/sched_ext/scx_flash.c"
	sched_add "$mk" scx_flash && sched_add_objs "$mk" scx_flash scx_flash_topo.o ||
		die "no c-sched-targets line in tools/sched_ext/Makefile"
	cat > "$tree/.git/msg" <<-'EOF'
	tools/sched_ext: Add scx_flash, a deadline scheduler for interactive work

	scx_flash is an earliest-deadline-first scheduler for latency-sensitive
	and interactive workloads.  Tasks wait in one DSQ per NUMA node ordered
	by their vruntime plus the CPU time they used since they last slept, so
	that tasks which run briefly and sleep go first while CPU hogs keep
	their weighted share.  A sleeping task earns a bounded credit that
	grows with its wakeup rate.  Waking tasks go straight to an idle CPU
	when there is one, first within a "primary domain" of preferred CPUs,
	whole idle SMT cores first.  Nice levels and cgroup cpu.weight set the
	weight.  Optional modes: round robin, tickless slices preempted by a
	timer, idle injection, wakeup throttling and cpufreq control.

	It is a C port of the scheduler of the same name in sched-ext/scx,
	whose user space half is written in Rust: it follows the behaviour and
	the options of scx_flash 1.1.2 (sched-ext/scx revision 7a58a3a1a).  It
	adds one thing, wakeup preemption (below): inserting the waking task
	into the CPU's local DSQ measured faster on hackbench than queueing it
	and kicking the CPU.

	As an example it shows parts of the sched_ext API that none of the
	existing ones use:

	- per-node DSQs with SCX_OPS_BUILTIN_IDLE_PER_NODE and the per-node
	  idle cpumask and node kfuncs;
	- scx_bpf_select_cpu_and() limited to a BPF cpumask that user space
	  fills through SEC("syscall") programs run with
	  bpf_prog_test_run_opts(), together with the SMT sibling masks;
	- scx_bpf_dsq_peek() to let the previous task keep its CPU only while
	  its deadline is earlier than that of the first waiting task;
	- wakeup preemption: when a waking task's deadline is earlier than
	  that of the task running on its CPU, read with scx_bpf_cpu_curr(),
	  and that task has used its slice or ran without sleeping for the
	  whole sleep credit, the waking task is inserted into the CPU's local
	  DSQ with SCX_ENQ_PREEMPT.  Kernels without scx_bpf_cpu_curr()
	  (before v6.18) get no wakeup preemption;
	- scx_bpf_task_set_slice(), scx_bpf_cpuperf_set(),
	  SCX_OPS_ALLOW_QUEUED_WAKEUP and SCX_OPS_ENQ_MIGRATION_DISABLED;
	- BPF timers that preempt long-running tasks with SCX_KICK_PREEMPT
	  (tickless mode) or keep every CPU idle for a while (idle injection);
	- every kfunc newer than v6.12 called through the compat helpers of
	  include/scx or behind bpf_ksym_exists().

	The scheduler counts in a per-CPU array, as scx_simple does, not in
	global atomics on the enqueue and dispatch paths.  The loader parses
	and checks its options before opening the skeleton, restarts the
	scheduler when the kernel asks to (CPU hotplug) and prints the summed
	counters with --stats.  It reads the machine from sysfs through
	scx_flash_topo.c, linked as scx_flash-objs: CPU lists and masks, SMT
	siblings, NUMA nodes, capacity classes, the power profile and the
	CPUs' idle resume latency, the parts of upstream's scx_utils crate
	that it uses, as data in and -errno out.  With --debug the scheduler
	traces each decision with bpf_printk(), behind a rodata flag the
	verifier prunes when it is off.
	EOF
	commit "$tree/.git/msg" tools/sched_ext
}

patch_stats() {
	local f mk=$tree/tools/sched_ext/Makefile

	for f in scx_flash.c scx_flash_stats.c scx_flash_stats.h; do
		src "$f" > "$tree/tools/sched_ext/$f"
	done
	sched_add_objs "$mk" scx_flash scx_flash_stats.o ||
		die "no scx_flash-objs line in tools/sched_ext/Makefile"
	cat > "$tree/.git/msg" <<-'EOF'
	tools/sched_ext: Serve scx_flash's statistics to the scx tools

	The scx tools read a running scheduler's statistics from a UNIX
	socket, /var/run/scx/root/stats, one JSON request and one JSON reply
	per line ("stats", "stats_meta"), which upstream's schedulers serve
	with the scx_stats crate.  Serve scx_flash's counters there, as
	upstream's scx_flash does, and add --monitor, which prints a running
	scx_flash's statistics every so many seconds without loading a
	scheduler, reconnecting when the scheduler restarts.

	The protocol is in scx_flash_stats.c, linked as scx_flash-objs: a
	reader for the subset of JSON the protocol uses (objects, strings and
	scalars, at most 8 deep), the server (at most 16 clients, each with
	its own baseline for the counters) and the client.  It takes a table
	of fields and a callback that reads their values, returns -errno and
	knows nothing of BPF.

	A patch of its own, so that it can be left out: without it the
	scheduler is the same, and --stats prints the same counters.
	EOF
	commit "$tree/.git/msg" tools/sched_ext
}



patch_docs() {
	local readme=$tree/tools/sched_ext/README.md
	local rst=$tree/Documentation/scheduler/sched-ext.rst

	# README.md: a section after the last example, before Troubleshooting.
	awk '
		/^# Troubleshooting/ && !done {
			print "## scx_flash"
			print ""
			print "An earliest-deadline-first scheduler for interactive and latency-sensitive"
			print "work. Tasks wait in one queue per NUMA node ordered by a deadline: their"
			print "virtual runtime plus the CPU time they used since they last slept, so that"
			print "tasks which run briefly and sleep go first while CPU hogs keep their fair,"
			print "weighted share. Waking tasks go straight to an idle CPU when there is one,"
			print "first within a configurable set of preferred CPUs (the primary domain),"
			print "whole idle SMT cores first. Nice levels and cgroup cpu.weight are honoured."
			print ""
			print "It suits desktops and workstations: audio, games and builds beside"
			print "interactive programs. Round-robin, tickless, idle-injection and cpufreq"
			print "modes are available; `scx_flash --help` lists the options. It is a C port"
			print "of the scheduler of the same name in https://github.com/sched-ext/scx,"
			print "where it is used on desktops; here it also serves as an example of the"
			print "NUMA, idle-selection, preemption and cpufreq parts of the sched_ext API."
			print ""
			print ""
			done = 1
		}
		{ print }' "$readme" > "$readme.new"
	mv "$readme.new" "$readme"
	grep -q '^## scx_flash$' "$readme" || die "no Troubleshooting in $readme"

	# sched-ext.rst: an entry at the end of the examples of "Where to Look".
	awk '
		/^Where to Look$/ { in_list = 1 }
		in_list && /^  \* ``scx_/ { seen = 1 }
		in_list && seen && /^[^ ]/ && !/^Where to Look$/ && !/^=/ {
			print "  * ``scx_flash[.bpf].c``: An earliest-deadline-first scheduler for"
			print "    interactive work with per-NUMA-node deadline-ordered DSQs, idle CPU"
			print "    selection within a preferred CPU subset, wakeup preemption, tickless,"
			print "    idle-injection and cpufreq modes, and fallbacks for kfuncs newer"
			print "    than v6.12."
			print ""
			in_list = 0
		}
		{ print }' "$rst" > "$rst.new"
	mv "$rst.new" "$rst"
	grep -q 'scx_flash\[.bpf\].c' "$rst" || die "no Where to Look list in $rst"

	cat > "$tree/.git/msg" <<-'EOF'
	tools/sched_ext: Document scx_flash

	Describe scx_flash next to the other example schedulers: a section in
	tools/sched_ext/README.md and an entry in the "Where to Look" list of
	Documentation/scheduler/sched-ext.rst, so that readers find what it
	shows of the sched_ext API.
	EOF
	commit "$tree/.git/msg" tools/sched_ext/README.md \
		Documentation/scheduler/sched-ext.rst
}

# strip_project_branch MAKEFILE: keep only the kernel tree's side of
#   ifeq ($(wildcard ../lib.mk),) <project> else <tree> endif
# where that endif is the file's last conditional line.
strip_project_branch() {
	awk '
		/^ifeq \(\$\(wildcard \.\.\/lib\.mk\),\)$/ && !state {
			state = 1; next
		}
		state == 1 { if ($0 == "else") state = 2; next }
		{ lines[++n] = $0 }
		END {
			last = 0
			if (state == 2)
				for (i = n; i > 0; i--)
					if (lines[i] == "endif") { last = i; break }
			for (i = 1; i <= n; i++)
				if (i != last)
					print lines[i]
		}' "$1" > "$1.new"
	mv "$1.new" "$1"
}

patch_selftests() {
	local d=$tree/tools/testing/selftests/scx_flash f

	mkdir -p "$d"
	for f in $(src_files selftests); do
		src "$f" > "$d/${f#selftests/}"
	done
	# The project's Makefile when it is written for kselftest too, less
	# its project-only branch; otherwise one that builds through
	# tools/sched_ext.
	if grep -qs 'lib\.mk' "$d/Makefile"; then
		strip_project_branch "$d/Makefile"
	else
		cp "$top/scripts/patches/selftests.mk" "$d/Makefile"
	fi
	[ -f "$d/settings" ] || printf 'timeout=900\n' > "$d/settings"
	printf '%s\n' '*' '!*.c' '!*.h' '!*.mk' '!*.sh' '!Makefile' '!.gitignore' \
		'!config' '!settings' > "$d/.gitignore"

	# The SCHED_EXT entry covers tools/sched_ext/ already; the new
	# directory joins it there.
	add_scx_files "tools/testing/selftests/scx_flash/"

	cat > "$tree/.git/msg" <<-'EOF'
	tools/sched_ext: Add scx_flash selftests

	Test scx_flash the way tools/testing/selftests/sched_ext tests the
	kernel: one file per case, registered into a runner that prints TAP.
	The cases run the real scx_flash binary and check what the kernel and
	the scheduler report: attach and detach, the exit information, the
	dispatch paths seen through the scheduler's counters, CPU shares by
	nice level and cgroup weight measured in CPU time, wakeup latency
	beside CPU hogs, every mode, and robustness loads (fork and wakeup
	storms, a SCHED_FIFO hog, affinity churn) with the kernel log checked
	for stalls.  The scheduler they run is the one that ships: what a case
	needs to see inside it or to make it fail comes from a small BPF
	program of the case's own, loaded beside it (an fentry counter on its
	ops.enqueue, syscall programs that call scx_bpf_error() and
	scx_bpf_exit()), and for the watchdog case from stall_dispatch, a
	knob of the scheduler's .bss that stops all dispatching, documented
	in scx_flash.bpf.c and set by nothing else.

	They get a directory of their own rather than joining
	tools/testing/selftests/sched_ext, which tests the core: each of its
	cases loads a small BPF program written for that one check.  These
	cases need the scx_flash object and its loader instead, which the
	Makefile here builds from tools/sched_ext with the tree's libbpf,
	bpftool and include/scx, and most of them run a load for seconds.
	List the directory in the SCHED_EXT entry of MAINTAINERS, which has
	tools/sched_ext/ already.

	A case whose tool is missing (hackbench) is skipped and says so.  The
	long forms of two cases are opt-in: SCX_SOAK_SECS sets the length of
	the mixed-load soak (5 s by default) and SCX_ATTACH_CYCLES the number
	of attach/detach cycles (20).  settings allows the runner 600 s, what
	a default run needs under QEMU emulation with room to spare.  Like
	sched_ext, which is in SKIP_TARGETS, the directory is not added to the
	default TARGETS, because it needs clang and a kernel with BTF; it is
	built and run with:

	  make -C tools/testing/selftests TARGETS=scx_flash run_tests
	EOF
	commit "$tree/.git/msg" tools/testing/selftests/scx_flash MAINTAINERS
}

# cover_letter FILE: fill in the subject and blurb of the cover letter.
cover_letter() {
	local blurb=$tree/.git/blurb
	cat > "$blurb" <<-'EOF'
	This series adds scx_flash to the example schedulers in tools/sched_ext.

	scx_flash is an earliest-deadline-first scheduler for interactive and
	latency-sensitive work.  A task's deadline is its vruntime plus the CPU
	time it used since it last slept; tasks that run briefly and sleep go
	first, CPU hogs keep their weighted share.  It is a C port of the
	scheduler of the same name in sched-ext/scx, whose user space half is
	Rust: it follows the behaviour and the options of scx_flash 1.1.2
	(sched-ext/scx revision 7a58a3a1a), with the same statistics and monitor
	protocol, and adds wakeup preemption (below).

	Why another example: it shows parts of the sched_ext API that none of
	the existing examples use, in a scheduler people run on their desktops:

	- NUMA: one DSQ per node created on that node,
	  SCX_OPS_BUILTIN_IDLE_PER_NODE, and the per-node idle cpumask and node
	  kfuncs (scx_bpf_get_idle_cpumask_node(), scx_bpf_cpu_node(),
	  scx_bpf_nr_node_ids());
	- idle CPU selection with scx_bpf_select_cpu_and() limited to a BPF
	  cpumask (the "primary domain") that user space fills through
	  SEC("syscall") programs run with bpf_prog_test_run_opts(), and SMT
	  sibling masks filled the same way;
	- scx_bpf_dsq_peek(): the previous task keeps its CPU only while its
	  deadline is earlier than that of the first waiting task;
	- wakeup preemption: a waking task whose deadline is earlier than that
	  of the task running on its CPU (read with scx_bpf_cpu_curr()), when
	  that task has used its slice or ran for the whole sleep credit
	  without sleeping, is inserted into the CPU's local DSQ with
	  SCX_ENQ_PREEMPT.  Queueing it on the node DSQ and kicking the CPU
	  instead may let another CPU take it first, and was slower on
	  hackbench;
	- scx_bpf_task_set_slice() to refill a running task's slice,
	  scx_bpf_cpuperf_set() to drive cpufreq from per-CPU load,
	  SCX_OPS_ALLOW_QUEUED_WAKEUP and SCX_OPS_ENQ_MIGRATION_DISABLED;
	- BPF timers that preempt tasks with infinite slices with
	  SCX_KICK_PREEMPT only when others wait (tickless) or keep every CPU
	  idle for a while (idle injection, SCX_KICK_PREEMPT on every CPU to
	  start, SCX_KICK_IDLE to end);
	- every kfunc newer than v6.12 called through the compat helpers of
	  include/scx or behind bpf_ksym_exists().

	Its loader checks its options before SCX_OPS_OPEN() (so that --help
	works on any kernel), restarts on CPU hotplug and serves the
	scheduler's per-CPU counters, summed, over a UNIX socket.  What
	upstream's loader takes from its library crates is in two helpers
	beside it, each patch reviewable alone: scx_flash_topo.c (the sysfs
	topology, scx_utils') and scx_flash_stats.c (the scx_stats protocol).

	Patch 1 lets a tools/sched_ext scheduler link helper objects
	($(sched)-objs), patch 2 adds the scheduler with its sysfs topology
	helper, patch 3 its statistics socket in the scx_stats protocol and
	--monitor (it can be left out: patches 4 and 5 apply and build
	without it), patch 4 documents it in README.md and sched-ext.rst,
	patch 5 adds its selftests as the kselftest directory
	tools/testing/selftests/scx_flash, built and run with
	'make -C tools/testing/selftests TARGETS=scx_flash run_tests'.  The
	series adds no MAINTAINERS entry: the SCHED_EXT entry covers
	tools/sched_ext/ already, and patch 5 adds the new selftest directory
	to it.

	Why a selftest directory of its own: tools/testing/selftests/sched_ext
	tests the core, each case with a small BPF program written for that
	one check, built by its own Makefile.  These cases test one scheduler
	instead: they run the scx_flash loader and its BPF object from
	tools/sched_ext, read the scheduler's counters and measure what it
	does under load for seconds at a time.  Mixed into the sched_ext
	runner they would make it build an example and run for minutes.  If
	the cases that test the core rather than scx_flash (attach/detach
	cycles, the watchdog, a scheduler ejected by the kernel) are wanted in
	tools/testing/selftests/sched_ext instead, they can move there with a
	dedicated BPF program each.

	Headers: the scheduler and its loader use nothing that the tree's
	tools/sched_ext/include lacks.  Each patch is built after git am
	against those headers, the tree's libbpf and bpftool: after patch 1
	'make -C tools/sched_ext scx_simple', after patches 2 to 4
	'make -C tools/sched_ext scx_flash', after patch 5 also
	'make -C tools/testing/selftests TARGETS=scx_flash'; and the series
	without patch 3 the same way.

	checkpatch.pl finds no error and no warning but VOLATILE, for the
	'const volatile' BPF rodata that every example has, and, for patches
	2 and 3, the reminder that new files may need MAINTAINERS, where
	tools/sched_ext/ is listed already.

	Where it ran, in QEMU guests (software emulation, no KVM) booted with
	virtme-ng, with the selftests of patch 5:
	- 7.3.4 (Debian trixie-backports): every case on 2 vCPUs, and the
	  topology cases on 8 vCPUs as 2 NUMA nodes of 2 SMT-2 cores each.
	  mode_wakeup_throttle skips there: under emulation a task cannot
	  wake up every few microseconds, which that mode is about;
	- 7.2.13 (Debian sid): attach_detach, exit_info and workload;
	- 6.12.117 (Debian's linux-source-6.12, built with sched_ext and BTF;
	  by hand, not in the regular runs): attach_detach, exit_info,
	  workload, dispatch_direct_idle, fairness_nice and mode_tickless.
	No other kernel was tried.  Before v6.18, which added
	scx_bpf_cpu_curr(), there is no wakeup preemption, and the tickless
	timer preempts a task without knowing how long it ran.
	EOF
	awk -v blurb="$blurb" '
		/\*\*\* SUBJECT HERE \*\*\*/ {
			sub(/\*\*\* SUBJECT HERE \*\*\*/,
			    "tools/sched_ext: Add scx_flash, a deadline scheduler")
		}
		/^\*\*\* BLURB HERE \*\*\*$/ {
			while ((getline l < blurb) > 0)
				print l
			next
		}
		{ print }' "$1" > "$1.new"
	mv "$1.new" "$1"
}

if [ "${1:-}" = --base-tree ]; then
	[ $# -eq 2 ] || die "usage: $0 --base-tree DIR"
	base_tree "$2"
	exit 0
fi
if [ "${1:-}" = --core ]; then
	[ $# -eq 2 ] || die "usage: $0 --core FILE"
	core_loader "$2"
	exit 0
fi

dry_run=
while getopts "o:r:tn" opt; do
	case $opt in
	o) out=$OPTARG ;;
	r) rev=$OPTARG ;;
	t) test_series=1 ;;
	n) dry_run=1 ;;
	*) die "usage: $0 [-o DIR] [-r REV] [-t] [-n] | --base-tree DIR | --core FILE" ;;
	esac
done

get_identity
check_identity
if [ -n "$dry_run" ]; then
	echo "$author_name <$author_email>"
	exit 0
fi
export GIT_AUTHOR_NAME=$author_name GIT_AUTHOR_EMAIL=$author_email
export GIT_COMMITTER_NAME=$author_name GIT_COMMITTER_EMAIL=$author_email

tree=${out%/}-tree
base_tree "$tree"
patch_sched_objs
patch_scheduler
patch_stats
patch_docs
patch_selftests

rm -rf "$out"
mkdir -p "$out"
git -C "$tree" format-patch -q --cover-letter --thread=shallow \
	--subject-prefix=PATCH -o "$out" HEAD~5
cover_letter "$out"/0000-cover-letter.patch
ls "$out"/*.patch
