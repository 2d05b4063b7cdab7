#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Inside the VM: scx_flash.service as 'make install DESTDIR=ROOT' installed
# it, run the way systemd runs it (the VM's init is virtme-ng's, not
# systemd).  The unit's [Service] keys that decide what runs are read from
# the installed file and applied as systemd applies them: a clean
# environment with EnvironmentFile= and Environment=, ExecStart= with
# $VAR split into words and ${VAR} kept as one, UMask=, LimitMEMLOCK=,
# NoNewPrivileges= and CapabilityBoundingSet= (through prlimit and
# setpriv), then ExecStop= and KillSignal= to stop.  A value this script
# cannot read the way systemd would fails the test instead of being
# skipped.  The sandboxing keys (ProtectSystem= ...) need systemd's mount
# namespaces and are not applied.
#
# Checked: sched_ext enabled with the flash scheduler while the service
# runs and disabled after the stop, a clean exit, the options from the
# options file on the command line, the stats socket root only, the idle
# resume latency put back, and that every capability of the bounding set
# is needed.  ROOT must be writable: the options file is changed for one
# run and put back.  TAP.
#
# Usage: service.sh ROOT

set -u
# Words of command lines are split, never globbed, as systemd does.
set -f

root=${1%/}
sysfs=/sys/kernel/sched_ext
sock=/var/run/scx/root/stats
qos=/sys/devices/system/cpu/cpu0/power/pm_qos_resume_latency_us
tmp=$(mktemp -d)
log=$tmp/log
pid=

. "$(dirname "$0")/../tap.sh"
tap_log=$log

cleanup() {
	[ -n "$pid" ] && kill -INT "$pid" 2>/dev/null && wait "$pid"
	[ -f "$tmp/options" ] && cp "$tmp/options" "$options"
	rm -rf "$tmp"
}
trap cleanup EXIT

finish() {
	tap_end
	exit
}

echo "TAP version 13"
if [ ! -d "$sysfs" ]; then
	echo "1..0 # SKIP this kernel has no sched_ext"
	exit 0
fi
cd /tmp || exit 1

unit=
for d in usr/local/lib usr/lib lib etc; do
	[ -f "$root/$d/systemd/system/scx_flash.service" ] &&
		unit=$root/$d/systemd/system/scx_flash.service && break
done
echo "no scx_flash.service under $root" > "$log"
[ -n "$unit" ]
ok $? "scx_flash.service is installed under $root"
[ -n "$unit" ] || finish

# The [Service] section as KEY=VALUE lines, continuation lines joined; an
# empty assignment resets the key's list, as in systemd.
service_keys() {
	awk '/^\[/ { service = ($0 == "[Service]"); next }
	     !service || /^[#;]/ || /^[ \t]*$/ { next }
	     { line = line $0 }
	     /\\$/ { sub(/\\$/, " ", line); next }
	     { print line; line = "" }' "$unit"
}

# key NAME: the values of NAME=, after the last empty assignment.
key() {
	service_keys | sed -n "s/^$1=//p" | sed -n '/^$/{h;d};H;${x;p}' |
		sed '/^$/d'
}

# An environment file as systemd reads it: NAME=VALUE lines, comments,
# whitespace around the value dropped, one pair of quotes taken off.
read_env_file() {
	local line name val
	while IFS= read -r line || [ -n "$line" ]; do
		case $line in ''|'#'*|';'*) continue ;; esac
		name=${line%%=*}
		val=${line#*=}
		case $name in
		[A-Za-z_]*) ;;
		*) echo "unreadable line in $1: $line"; return 1 ;;
		esac
		val=$(echo "$val" | sed 's/^[ \t]*//; s/[ \t]*$//')
		case $val in
		\"*\") val=${val#\"}; val=${val%\"} ;;
		\'*\') val=${val#\'}; val=${val%\'} ;;
		*[\"\'\\]*) echo "quoting not understood in $1: $line"
			    return 1 ;;
		esac
		env+=("$name=$val")
	done < "$1"
}

# The service's environment: what systemd always sets, then each
# EnvironmentFile= (a "-" prefix allows it to be missing) and Environment=.
build_env() {
	local f v
	env=(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin)
	while read -r f; do
		[ -n "$f" ] || continue
		case $f in
		-*) f=${f#-}; [ -e "$root$f" ] || continue ;;
		esac
		read_env_file "$root$f" || return 1
	done <<< "$(key EnvironmentFile)"
	while read -r v; do
		case $v in
		'') ;;
		*[\"\'\\%]*) echo "Environment=$v: quoting not understood"
			     return 1 ;;
		*) for f in $v; do env+=("$f"); done ;;
		esac
	done <<< "$(key Environment)"
}

# getenv NAME: NAME's value in the service's environment.
getenv() {
	local e v=
	for e in "${env[@]}"; do
		[ "${e%%=*}" = "$1" ] && v=${e#*=}
	done
	printf '%s' "$v"
}

# expand LINE: an Exec*= command line as systemd expands it, into argv[].
# A word that is only $VAR becomes VAR's words, ${VAR} anywhere in a word
# is replaced by VAR's whole value; the program is looked up under ROOT.
expand() {
	local w name pre
	argv=()
	case $1 in
	[-@:+!]*) echo "prefix of '$1' not understood"; return 1 ;;
	*[\"\'\\%]*) echo "quoting or specifier in '$1' not understood"
		     return 1 ;;
	esac
	for w in $1; do
		if [[ $w =~ ^\$([A-Za-z_][A-Za-z0-9_]*)$ ]]; then
			# shellcheck disable=SC2207
			argv+=($(getenv "${BASH_REMATCH[1]}"))
			continue
		fi
		while [[ $w =~ \$\{([A-Za-z_][A-Za-z0-9_]*)\} ]]; do
			name=${BASH_REMATCH[1]}
			pre=${w%%"\${$name}"*}
			w=$pre$(getenv "$name")${w#*"\${$name}"}
		done
		case $w in
		*\$*) echo "'$w' in '$1' not understood"; return 1 ;;
		esac
		argv+=("$w")
	done
	case ${argv[0]:-} in
	/*) argv[0]=$root${argv[0]} ;;
	*) echo "'$1' does not start with an absolute path"; return 1 ;;
	esac
}

# The limits and privileges around ExecStart=: prlimit and setpriv run it
# in the loader's place (each execs the next), so $! is the loader.  A
# capability named in $drop is left out of the bounding set.
build_wrapper() {
	local caps c v

	drop=${drop:-}
	wrap=()
	v=$(key LimitMEMLOCK | tail -n 1)
	case $v in
	'') ;;
	infinity) wrap+=(prlimit --memlock=unlimited:unlimited) ;;
	*[!0-9]*) echo "LimitMEMLOCK=$v not understood"; return 1 ;;
	*) wrap+=(prlimit --memlock="$v:$v") ;;
	esac
	wrap+=(setpriv --inh-caps=-all)
	case $(key NoNewPrivileges | tail -n 1) in
	yes|true|on|1) wrap+=(--no-new-privs) ;;
	no|false|off|0|'') ;;
	*) echo "NoNewPrivileges= not understood"; return 1 ;;
	esac
	caps=$(key CapabilityBoundingSet | tr ' ' '\n' | sed '/^$/d')
	if [ -n "$caps" ]; then
		v=-all
		for c in $caps; do
			case $c in
			"$drop") ;;
			CAP_[A-Z_]*) v=$v,+$(echo "${c#CAP_}" |
					      tr 'A-Z' 'a-z') ;;
			*) echo "CapabilityBoundingSet=$c not understood"
			   return 1 ;;
			esac
		done
		wrap+=(--bounding-set="$v")
	fi
	umask_val=$(key UMask | tail -n 1)
	case ${umask_val:-0022} in
	[0-7][0-7][0-7]|[0-7][0-7][0-7][0-7]) ;;
	*) echo "UMask=$umask_val not understood"; return 1 ;;
	esac
}

# start [CAP]: ExecStart= in the service's environment, without CAP if
# one is given.
start() {
	local drop=${1:-}

	build_env > "$log" && expand "$(key ExecStart | tail -n 1)" >> "$log" &&
		build_wrapper >> "$log" || return 1
	(umask "${umask_val:-0022}" &&
	 exec env -i "${env[@]}" "${wrap[@]}" -- "${argv[@]}") \
		> "$tmp/out" 2>&1 < /dev/null &
	pid=$!
}

# wait_state STATE SECS: until sched_ext reports STATE or the loader ends.
wait_state() {
	for _ in $(seq $(($2 * 5))); do
		[ "$(cat $sysfs/state)" = "$1" ] && return 0
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.2
	done
	[ "$(cat $sysfs/state)" = "$1" ]
}

# stop: ExecStop= (with $MAINPID), then KillSignal= to the loader, and the
# loader's exit status, as systemd would see it.
stop() {
	local line sig
	while read -r line; do
		[ -n "$line" ] || continue
		env+=("MAINPID=$pid")
		expand "$line" >> "$log" || return 1
		env -i "${env[@]}" "${argv[@]}" >> "$log" 2>&1
	done <<< "$(key ExecStop)"
	sig=$(key KillSignal | tail -n 1)
	sig=${sig:-SIGTERM}
	kill -s "${sig#SIG}" "$pid" 2>> "$log"
	wait "$pid"
	status=$?
	pid=
}

cpus_qos=$(cat $qos 2>/dev/null)

# 1: the service as installed, its options file untouched.
start
ok $? "ExecStart= of the installed unit expands: ${argv[*]#"$root"}"
wait_state enabled 60
st=$?
ops=$(cat $sysfs/root/ops 2>/dev/null)
{ echo "state $(cat $sysfs/state), ops '$ops'"; cat "$tmp/out"; } > "$log"
[ $st -eq 0 ] && case $ops in flash*) true ;; *) false ;; esac
ok $? "sched_ext is enabled with $ops"

caps=$(key CapabilityBoundingSet)
eff=$(sed -n 's/^CapEff:[ \t]*//p' "/proc/$pid/status" 2>/dev/null)
capsh --decode="$eff" > "$log" 2>&1
want=$(echo "$caps" | tr 'A-Z ' 'a-z\n' | sed '/^$/d' | sort | tr '\n' ,)
got=$(sed 's/.*=//' "$log" | tr ',' '\n' | sort | tr '\n' ,)
echo "want $want got $got" >> "$log"
[ -n "$caps" ] && [ "$want" = "$got" ]
ok $? "the loader runs with only $caps"

for _ in $(seq 50); do [ -S $sock ] && break; sleep 0.2; done
stat -c '%a %U %n' $sock "${sock%/*}" > "$log" 2>&1
[ "$(stat -c %a%U $sock 2>/dev/null)" = 600root ] &&
	case $(stat -c %a "${sock%/*}") in 700|755) true ;; *) false ;; esac
ok $? "the stats socket is root only"

stop
{ echo "exit status $status, state $(cat $sysfs/state)"; cat "$tmp/out"; } \
	> "$log"
[ "$status" -eq 0 ] && wait_state disabled 10
ok $? "KillSignal= detaches the scheduler: sched_ext disabled, exit 0"

echo "$qos was '$cpus_qos', is '$(cat $qos 2>/dev/null)'" > "$log"
[ "$(cat $qos 2>/dev/null)" = "$cpus_qos" ] && [ ! -e $sock ]
ok $? "the idle resume latency is put back and the socket removed"

# 2: options in the options file reach the loader as separate words.
options=$root/etc/default/scx_flash
if [ -f "$options" ]; then
	cp "$options" "$tmp/options"
	sed -i 's/^SCX_FLASH_FLAGS=.*/SCX_FLASH_FLAGS="--slice-us 1000 --stats 1"/' \
		"$options"
fi
start && wait_state enabled 60
st=$?
tr '\0' ' ' < "/proc/$pid/cmdline" > "$tmp/cmdline" 2>/dev/null
for _ in $(seq 50); do grep -q '^\[scx_flash\] tasks' "$tmp/out" && break
		       sleep 0.2; done
{ echo "cmdline: $(cat "$tmp/cmdline")"; cat "$tmp/out"; } > "$log"
[ $st -eq 0 ] &&
	[ "$(cat "$tmp/cmdline")" = "${argv[0]} --slice-us 1000 --stats 1 " ] &&
	grep -q '^\[scx_flash\] tasks' "$tmp/out"
ok $? "SCX_FLASH_FLAGS in the options file reaches the loader"
stop
[ "$status" -eq 0 ] && wait_state disabled 10
ok $? "the scheduler detaches again (exit $status)"
[ -f "$tmp/options" ] && cp "$tmp/options" "$options" && rm "$tmp/options"

# 3: no capability of the bounding set is there for nothing.
for c in $(key CapabilityBoundingSet); do
	start "$c" || { ok 1 "$c: the service starts"; continue; }
	wait_state enabled 30
	st=$?
	if [ $st -eq 0 ]; then
		stop
	else
		wait "$pid"
		status=$?
		pid=
	fi
	{ echo "state $(cat $sysfs/state), exit $status"; cat "$tmp/out"; } \
		> "$log"
	[ $st -ne 0 ] && [ "$status" -ne 0 ] && ! grep -q 'setpriv:' "$log"
	ok $? "without $c the scheduler does not load (exit $status)"
done

finish
