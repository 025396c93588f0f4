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
	# kmemleak reports no object younger than 5 s, and only one whose
	# contents did not change across a scan: wait, then scan twice.
	sleep 6
	echo scan >"$kl"
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
