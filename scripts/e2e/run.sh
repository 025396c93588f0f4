#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run end-to-end tests in one VM boot.
#
#   scripts/e2e/run.sh [NAME...]    NAME: test-foo.sh, foo, or a glob (foo-*)
#
# Prints "PASS e2e/NAME" or "FAIL e2e/NAME" per test (a failing test's
# output above its line), then "N passed, N failed". A kernel report in
# dmesg during a test fails that test, and so does, on a kernel with
# kmemleak, an object the test leaked (cleared before, two scans after).
#
# E2E_KERNEL: debug (the default: scripts/kernel.sh's KASAN/UBSAN/kmemleak/
# lockdep kernel) or stock (Debian's, what users run). E2E_TIMEOUT: seconds
# per test (300, 600 on the debug kernel); E2E_VERBOSE=1: a passing test's
# "# " lines too; E2E_STRESS=full: the stress tests at full size (make
# stress), not the smaller size make check runs. E2E_SHARD=I/N: only the
# I-th of every N tests (I from 1), so N VMs can share the suite.
set -u

here=$(cd "$(dirname "$0")" && pwd)

if [ "${1:-}" != --guest ]; then
	case ${E2E_KERNEL:-debug} in
	debug) vmopt=-d; per_test=${E2E_TIMEOUT:-600} ;;
	stock) vmopt=; per_test=${E2E_TIMEOUT:-300} ;;
	*) echo "e2e: E2E_KERNEL is debug or stock" >&2; exit 2 ;;
	esac
	if ! [[ ${E2E_SHARD:-1/1} =~ ^[1-9][0-9]*/[1-9][0-9]*$ ]] ||
	   [ "${E2E_SHARD%/*}" -gt "${E2E_SHARD#*/}" ]; then
		echo "e2e: E2E_SHARD is I/N, 1 <= I <= N" >&2
		exit 2
	fi
	# the stress tests' packet generators run in the guest's netns
	make -s -C "$here/../stress" || exit 2
	n=$(ls "$here"/test-*.sh | wc -l)
	# one boot, plus each test's own bound
	exec "$here/../vm.sh" $vmopt -t $((300 + n * per_test)) env \
		E2E_TIMEOUT="$per_test" E2E_VERBOSE="${E2E_VERBOSE:-}" \
		E2E_STRESS="${E2E_STRESS:-}" E2E_SHARD="${E2E_SHARD:-1/1}" \
		"$here/run.sh" --guest "$@"
fi
shift
per_test=$E2E_TIMEOUT
kmemleak=$here/../kmemleak.sh
kl=
[ -e /sys/kernel/debug/kmemleak ] && kl=", kmemleak scan per test"
shard=$E2E_SHARD
shard_i=${shard%/*}
shard_n=${shard#*/}
[ "$shard_n" -gt 1 ] && kl="$kl, shard $shard"
echo "# e2e: kernel $(uname -r)$kl"

tests=()
if [ $# -eq 0 ]; then
	tests=("$here"/test-*.sh)
else
	for a in "$@"; do
		a=${a#test-}
		a=${a%.sh}
		for t in "$here"/test-$a.sh; do
			[ -e "$t" ] && tests+=("$t")
		done
	done
fi
if [ "$shard_n" -gt 1 ]; then
	mine=()
	for i in "${!tests[@]}"; do
		[ $((i % shard_n + 1)) = "$shard_i" ] && mine+=("${tests[$i]}")
	done
	tests=("${mine[@]}")
fi
if [ ${#tests[@]} -eq 0 ]; then
	echo "e2e: no test matches: $* (shard $shard)"
	echo "0 passed, 1 failed"
	exit 1
fi

passed=0
failed=0
for t in "${tests[@]}"; do
	name=$(basename "$t" .sh)
	name=${name#test-}
	"$kmemleak" clear
	before=$(dmesg | grep -cE "$KTEREDO_REPORTS")
	dmesg_lines=$(dmesg | wc -l)
	log=$(mktemp)
	start=$(date +%s)
	timeout -k 5 "$per_test" bash "$t" >"$log" 2>&1
	rc=$?
	secs=$(($(date +%s) - start))
	after=$(dmesg | grep -cE "$KTEREDO_REPORTS")
	# modules a test left loaded would leak into the next one
	for m in teredo_port_sample teredo_exception_sample \
		 nf_conntrack_teredo teredo; do
		rmmod "$m" 2>/dev/null
	done
	leaks=$("$kmemleak" check)
	if [ "$rc" = 0 ] && [ "$after" = "$before" ] && [ -z "$leaks" ]; then
		passed=$((passed + 1))
		[ -n "${E2E_VERBOSE:-}" ] && grep '^# ' "$log" | sed 's/^/    /'
		echo "PASS e2e/$name (${secs}s)"
	else
		failed=$((failed + 1))
		sed 's/^/    /' "$log"
		[ "$rc" = 124 ] && echo "    timed out after ${per_test}s"
		if [ "$after" != "$before" ]; then
			echo "    kernel report during the test:"
			dmesg | tail -n +"$((dmesg_lines + 1))" | sed 's/^/    /' |
				head -n 80
		fi
		if [ -n "$leaks" ]; then
			echo "$leaks" | sed 's/^/    /'
		fi
		echo "FAIL e2e/$name (${secs}s, status $rc)"
	fi
	rm -f "$log"
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
