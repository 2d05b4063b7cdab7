# SPDX-License-Identifier: GPL-2.0
#
# TAP for the test scripts, on the host (tests/host) and in the VM
# (tests/vm), sourced by each.  A script points tap_log at the file whose
# contents explain a failure, reports with ok and skip, and ends with
# tap_end, whose status is the script's.

n=0
failed=0
tap_log=/dev/null

ok() {		# ok STATUS DESCRIPTION: $tap_log's end as comments on failure
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		tail -n 40 "$tap_log" | sed 's/^/#   /'
		failed=$((failed + 1))
	fi
}

skip() {	# skip DESCRIPTION REASON
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}

tap_end() {
	echo "1..$n"
	[ $failed -eq 0 ]
}
