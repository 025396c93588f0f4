#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kmemleak around one test, in the guest (scripts/e2e/run.sh, kunit.sh):
#
#   scripts/kmemleak.sh clear   forget what is known before the test
#   scripts/kmemleak.sh check   scan; print the leaks and fail if any
#
# Both do nothing on a kernel without kmemleak (Debian's).
set -eu

kl=/sys/kernel/debug/kmemleak
[ -e "$kl" ] || exit 0

case ${1:-} in
clear)
	echo clear >"$kl"
	;;
check)
	# kmemleak reports only an object whose contents did not change
	# since the scan before, and none younger than 5 s at the scan's
	# start: scan twice, the second at least 6 s after the test ended
	# (a scan takes longer than that on the debug kernel in TCG, so
	# the wait is rarely needed).
	start=$(date +%s)
	echo scan >"$kl"
	left=$((start + 6 - $(date +%s)))
	[ "$left" -gt 0 ] && sleep "$left"
	echo scan >"$kl"
	# a debugfs file has no size: read it
	leaks=$(cat "$kl")
	if [ -n "$leaks" ]; then
		echo "kmemleak: $(grep -c '^unreferenced object' <<<"$leaks") leaked objects:"
		head -n 80 <<<"$leaks"
		exit 1
	fi
	;;
*)
	echo "usage: $0 clear|check" >&2
	exit 2
	;;
esac
