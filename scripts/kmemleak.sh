#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kmemleak around tests, in the guest (scripts/e2e/run.sh, kunit.sh):
#
#   scripts/kmemleak.sh clear   forget the leaks reported so far
#   scripts/kmemleak.sh check   scan twice; print the leaks and fail if any
#   scripts/kmemleak.sh scan    scan once; print the leaks and fail if any
#
# kmemleak reports an object only from the second scan that finds it
# unreferenced and unchanged, and none younger than 5 s at the scan's
# start. `check` is for one test: it scans twice, the second at least 6 s
# after it was called. `scan` is for a run of tests with one scan after
# each: a test's leaks show in the scan after the next test.
#
# All do nothing on a kernel without kmemleak (Debian's).
set -eu

kl=/sys/kernel/debug/kmemleak
[ -e "$kl" ] || exit 0

report() {	# print what the last scan found; fail if anything
	local leaks

	# a debugfs file has no size: read it
	leaks=$(cat "$kl")
	[ -z "$leaks" ] && return 0
	echo "kmemleak: $(grep -c '^unreferenced object' <<<"$leaks") leaked objects:"
	head -n 80 <<<"$leaks"
	return 1
}

case ${1:-} in
clear)
	echo clear >"$kl"
	;;
scan)
	echo scan >"$kl"
	report
	;;
check)
	# a scan takes longer than 6 s on the debug kernel in TCG, so the
	# wait is rarely needed
	start=$(date +%s)
	echo scan >"$kl"
	left=$((start + 6 - $(date +%s)))
	[ "$left" -gt 0 ] && sleep "$left"
	echo scan >"$kl"
	report
	;;
*)
	echo "usage: $0 clear|check|scan" >&2
	exit 2
	;;
esac
