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
# kmemleak, an object the test leaked (one scan after each test: a
# test's result line waits for the scan after the next test).
#
# E2E_KERNEL: debug (the default: scripts/kernel.sh's KASAN/UBSAN/kmemleak/
# lockdep kernel) or stock (Debian's, what users run). E2E_TIMEOUT: seconds
# per test (300, 600 on the debug kernel); E2E_VERBOSE=1: a passing test's
# "# " lines too; E2E_STRESS=full: the stress tests at full size (make
# stress), not the smaller size make check runs. E2E_SHARD=I/N: only the
# I-th of every N tests (I from 1), so N VMs can share the suite.
# E2E_VM_MB: the guest's memory (vm.sh's default otherwise).
# E2E_STRESS_RATE: datagrams a second the storm and flood senders keep
# to, together (unpaced otherwise).
#
# A test may say, each on a line of its own, "# e2e-needs: headers" (it
# builds against the running kernel: left out of the whole suite on a
# kernel without headers, the debug one) and "# e2e-timeout: SECONDS" (a
# bound above E2E_TIMEOUT).
set -u

here=$(cd "$(dirname "$0")" && pwd)

# test_timeout TEST DEFAULT: the test's own bound, from a line
# "# e2e-timeout: SECONDS" (one that builds modules in the guest), else
# DEFAULT; never less than DEFAULT
test_timeout() {
	local t
	t=$(sed -n 's/^# e2e-timeout: \([0-9][0-9]*\)$/\1/p' "$1" | head -n1)
	if [ -n "$t" ] && [ "$t" -gt "$2" ]; then echo "$t"; else echo "$2"; fi
}

if [ "${1:-}" != --guest ]; then
	case ${E2E_KERNEL:-debug} in
	debug) vmopt=-d; per_test=${E2E_TIMEOUT:-600} ;;
	stock) vmopt=; per_test=${E2E_TIMEOUT:-300} ;;
	*) echo "e2e: E2E_KERNEL is debug or stock" >&2; exit 2 ;;
	esac
	E2E_SHARD=${E2E_SHARD:-1/1}
	if ! [[ $E2E_SHARD =~ ^[1-9][0-9]*/[1-9][0-9]*$ ]] ||
	   [ "${E2E_SHARD%/*}" -gt "${E2E_SHARD#*/}" ]; then
		echo "e2e: E2E_SHARD is I/N, 1 <= I <= N" >&2
		exit 2
	fi
	# the stress tests' packet generators run in the guest's netns
	make -s -C "$here/../stress" || exit 2
	# one boot, plus each test's own bound
	bound=300
	for t in "$here"/test-*.sh; do
		bound=$((bound + $(test_timeout "$t" "$per_test")))
	done
	exec "$here/../vm.sh" $vmopt ${E2E_VM_MB:+-m "$E2E_VM_MB"} \
		-t "$bound" env \
		E2E_TIMEOUT="$per_test" E2E_VERBOSE="${E2E_VERBOSE:-}" \
		E2E_STRESS="${E2E_STRESS:-}" E2E_SHARD="$E2E_SHARD" \
		E2E_STRESS_RATE="${E2E_STRESS_RATE:-}" \
		"$here/run.sh" --guest "$@"
fi
shift
per_test=$E2E_TIMEOUT
kmemleak=$here/../kmemleak.sh
# the rig's self-test (scripts/check.sh) runs tests of its own
tdir=${E2E_TESTS:-$here}
. "$here/netns.sh"
kl=
[ -e /sys/kernel/debug/kmemleak ] && kl=", kmemleak scan per test"
shard=$E2E_SHARD
shard_i=${shard%/*}
shard_n=${shard#*/}
[ "$shard_n" -gt 1 ] && kl="$kl, shard $shard"
echo "# e2e: kernel $(uname -r)$kl"

# A test with a line "# e2e-needs: headers" needs the running kernel's
# headers (Debian's have them, the debug kernel has none): left out of
# the whole suite where they are missing, failed when named there.
runnable() {
	grep -q '^# e2e-needs: headers' "$1" || return 0
	[ -e "/lib/modules/$(uname -r)/build/Makefile" ]
}

tests=()
if [ $# -eq 0 ]; then
	for t in "$tdir"/test-*.sh; do
		if runnable "$t"; then
			tests+=("$t")
		else
			echo "# e2e: $(basename "$t") left out: no headers for $(uname -r)"
		fi
	done
else
	for a in "$@"; do
		a=${a#test-}
		a=${a%.sh}
		for t in "$tdir"/test-$a.sh; do
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
scan_secs=0

# One kmemleak scan after each test, not two: a test's leaks show in the
# scan after the next test (kmemleak.sh), so each test's result waits for
# that scan; the last one gets a scan of its own. The scan before the
# first test lets the one after it tell the boot's leaks apart, which are
# forgotten as a clear before the run would.
leak_scan() {	# leak_scan: one scan; its report in $leaks
	local t0=$SECONDS

	leaks=$("$kmemleak" scan)
	"$kmemleak" clear
	scan_secs=$((scan_secs + SECONDS - t0))
}

# finish: the result of the test in p_* (run before the last leak scan)
finish() {
	[ -z "$p_name" ] && return
	if [ "$p_rc" = 0 ] && [ -z "$p_report" ] && [ -z "$leaks" ]; then
		passed=$((passed + 1))
		[ -n "${E2E_VERBOSE:-}" ] && grep '^# ' "$p_log" | sed 's/^/    /'
		echo "PASS e2e/$p_name (${p_secs}s)"
	else
		failed=$((failed + 1))
		sed 's/^/    /' "$p_log"
		[ "$p_rc" = 124 ] && echo "    timed out after ${p_bound}s"
		[ -n "$p_left" ] && echo "    left behind: netns" $p_left
		if [ -n "$p_report" ]; then
			echo "    kernel report during the test:"
			echo "$p_report" | sed 's/^/    /' | head -n 80
		fi
		[ -n "$leaks" ] && echo "$leaks" | sed 's/^/    /'
		echo "FAIL e2e/$p_name (${p_secs}s, status $p_rc)"
	fi
	rm -f "$p_log"
	p_name=
}

p_name=
leak_scan
ended=$SECONDS
for t in "${tests[@]}"; do
	name=$(basename "$t" .sh)
	name=${name#test-}
	before=$(dmesg | grep -cE "$KTEREDO_REPORTS")
	dmesg_lines=$(dmesg | wc -l)
	log=$(mktemp)
	start=$(date +%s)
	bound=$(test_timeout "$t" "$per_test")
	timeout -k 5 "$bound" bash "$t" >"$log" 2>&1
	rc=$?
	secs=$(($(date +%s) - start))
	after=$(dmesg | grep -cE "$KTEREDO_REPORTS")
	report=
	[ "$after" != "$before" ] &&
		report=$(dmesg | tail -n +"$((dmesg_lines + 1))")
	# A test cut by its bound may not have finished its own cleanup:
	# what it left (namespaces, their processes, modules) would fail
	# every test after it.
	left=$(ip netns list 2>/dev/null | cut -d' ' -f1)
	netns_purge $left
	for m in teredo_port_sample teredo_exception_sample \
		 nf_conntrack_teredo teredo; do
		rmmod "$m" 2>/dev/null
	done
	# what the test before this one left is 5 s old by now
	wait=$((ended + 6 - SECONDS))
	[ "$wait" -gt 0 ] && sleep "$wait"
	leak_scan
	ended=$SECONDS
	finish
	p_name=$name p_log=$log p_rc=$rc p_secs=$secs p_bound=$bound
	p_left=$left p_report=$report
done
sleep 6
leak_scan
finish
[ -e /sys/kernel/debug/kmemleak ] &&
	echo "# e2e: kmemleak scans took ${scan_secs}s"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
