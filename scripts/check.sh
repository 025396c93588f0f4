#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: build, teredoctl's command line, static checks, the debug kernel, KUnit on it, fuzz
# smoke run, VM rig self-tests and the VM end-to-end tests. One line per test ("PASS name" or
# "FAIL name"), "# phase NAME: Ns" after each phase, then "N passed,
# N failed"; exits non-zero on any failure.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
passed=0
failed=0
logdir=$(mktemp -d /tmp/kteredo-check.XXXXXX)

t0=$(date +%s)
tp=$t0
phase() {	# phase NAME: how long the phase that just ended took
	local now
	now=$(date +%s)
	echo "# phase $1: $((now - tp))s"
	tp=$now
}

result() {	# result NAME STATUS [LOG]
	if [ "$2" = 0 ]; then
		passed=$((passed + 1))
		echo "PASS $1"
	else
		failed=$((failed + 1))
		[ -n "${3:-}" ] && [ -e "$3" ] && tail -n 60 "$3" | sed 's/^/    /'
		echo "FAIL $1"
	fi
}

# step NAME CMD...: a test that is one command
step() {
	local name=$1 log=$logdir/$1.log
	shift
	"$@" >"$log" 2>&1
	result "$name" $? "$log"
}

# count the PASS/FAIL lines a sub-runner printed, and echo them
tally() {	# tally LOG PREFIX
	local l
	while IFS= read -r l; do
		case $l in
		"PASS "*) passed=$((passed + 1)); echo "$l" ;;
		"FAIL "*) failed=$((failed + 1)); echo "$l" ;;
		"    "*) echo "$l" ;;
		esac
	done <"$1"
}

# --- build: W=1, no warnings ------------------------------------------------
make -s modules >"$logdir/build.log" 2>&1
rc=$?
grep -q 'warning:' "$logdir/build.log" && rc=1
result build-modules-W1 $rc "$logdir/build.log"
[ "$rc" = 0 ] || { echo "$passed passed, $failed failed"; exit 1; }
step build-userspace make -s userspace
# teredoctl's command line, on this host: no module is loaded
scripts/teredoctl-test.sh >"$logdir/teredoctl.log" 2>&1
tally "$logdir/teredoctl.log"

phase build
step lint scripts/lint.sh
phase lint

# --- the debug kernel and our modules against it: W=1, no warnings ----------
scripts/kernel.sh >"$logdir/kernel.log" 2>&1
rc=$?
grep -q 'warning:' "$logdir/kernel.log" && rc=1
result build-debug-kernel $rc "$logdir/kernel.log"
phase debug-kernel

# --- KUnit ------------------------------------------------------------------
scripts/kunit.sh >"$logdir/kunit.log" 2>&1
rc=$?
# kunit.py prints "[PASSED] case" / "[FAILED] case" / "[CRASHED] case"
sed -n 's/^\[[0-9:]*\] *\[\(PASSED\|FAILED\|CRASHED\|SKIPPED\)\] \([^ ]*\)$/\1 \2/p' \
	"$logdir/kunit.log" >"$logdir/kunit.cases"
n=0
while read -r st name; do
	n=$((n + 1))
	case $st in
	PASSED|SKIPPED) result "kunit/$name" 0 ;;
	*) result "kunit/$name" 1 ;;
	esac
done <"$logdir/kunit.cases"
if [ "$rc" != 0 ] || [ "$n" = 0 ]; then
	result kunit-run 1 "$logdir/kunit.log"
fi

phase kunit

# --- fuzz smoke run -----------------------------------------------------------
if [ -e kunit/fuzz/Makefile ]; then
	step fuzz make -s -C kunit/fuzz run RUNS="${FUZZ_RUNS:-200000}"
fi

phase fuzz

# --- VM rig: a kernel report and a leak must fail a test ---------------------
# One boot of the e2e runner on three tests of the rig's own: one writes a
# kernel report (it fails, and so does the VM run), one leaks on purpose
# (kmemleak-test.ko; it fails, from the scan after the next test), and a
# clean one after them passes. vm.sh itself finds the report too.
rig=$top/build/rig
rm -rf "$rig"
mkdir -p "$rig"
echo 'echo "WARNING: kteredo rig self-test" >/dev/kmsg' >"$rig/test-a-report.sh"
echo 'modprobe kmemleak-test && rmmod kmemleak-test' >"$rig/test-b-leak.sh"
echo 'true' >"$rig/test-c-clean.sh"
scripts/vm.sh -d -t 600 env E2E_TESTS="$rig" E2E_TIMEOUT=120 E2E_SHARD=1/1 \
	scripts/e2e/run.sh --guest >"$logdir/vm-rig.log" 2>&1
rc=$?
[ "$rc" != 0 ] && grep -q '^FAIL e2e/a-report' "$logdir/vm-rig.log" &&
	grep -q '^vm: kernel report in guest dmesg' "$logdir/vm-rig.log" &&
	grep -q 'rig self-test' "$logdir/vm-rig.log"
result vm-detects-kernel-reports $? "$logdir/vm-rig.log"
grep -q '^FAIL e2e/b-leak' "$logdir/vm-rig.log" &&
	grep -q 'leaked objects' "$logdir/vm-rig.log" &&
	grep -q '^PASS e2e/c-clean' "$logdir/vm-rig.log"
result vm-detects-kmemleak $? "$logdir/vm-rig.log"

phase rig

# --- end-to-end tests in the VM ---------------------------------------------
# e2e_run LOG NAME KERNEL SHARD [TEST...]: one VM run, its lines renamed
# NAME/ in LOG and its exit status last ("# exit N"). KVER and VM_MODULES
# from the caller pick a stock kernel other than Debian's default.
e2e_run() {
	local log=$logdir/$1.log name=$2 kernel=$3 shard=$4
	shift 4
	{
		E2E_KERNEL=$kernel E2E_SHARD=$shard scripts/e2e/run.sh "$@" 2>&1
		echo "# exit $?"
	} | sed "s#^\(PASS\|FAIL\) e2e/#\1 $name/#" >"$log"
}

e2e_result() {	# e2e_result LOG: the tests of a run of e2e_run
	local log=$logdir/$1.log rc
	tally "$log"
	rc=$(sed -n 's/^# exit //p' "$log")
	if ! grep -qE '^[0-9]+ passed, [0-9]+ failed' "$log"; then
		result "$1-run" 1 "$log"
	elif [ "$rc" != 0 ] && ! grep -q '^FAIL ' "$log"; then
		# every test passed but the VM run failed: a kernel report
		# at module unload or power-off
		result "$1-vm-clean" 1 "$log"
	fi
}

# The whole suite on the debug kernel, with a kmemleak scan per test, in
# one VM. Not two at once: under TCG the guest is CPU-bound even while a
# test waits (starting a process alone takes 0.2 s on this kernel), so two
# guests on two host cores took as long as one after the other, and their
# timing-sensitive tests failed.
make -s -C scripts/stress >"$logdir/stress-build.log" 2>&1 ||
	result build-stress 1 "$logdir/stress-build.log"
e2e_run e2e e2e debug 1/1
e2e_result e2e
phase e2e-debug

# A smoke run on Debian's kernel, the one users run (make demo's). The
# install tests (make install, DKMS) build in the guest and take 15-25
# minutes there: `make e2e E2E_KERNEL=stock` runs them, with the rest of
# the suite.
e2e_run e2e-stock e2e-stock stock 1/1 client-qualify peer-kteredo
e2e_result e2e-stock
phase e2e-stock

# Both modules built for the second supported kernel (6.12, out of kmod/
# so that its 6.1 objects stay), W=1 without warnings, and a smoke run on it.
if ! k2=$(scripts/kver.sh --series 6.12 2>&1); then
	echo "$k2" >"$logdir/build-6.12.log"
	result build-modules-6.12 1 "$logdir/build-6.12.log"
else
	b2=$top/build/kmod-$k2
	rm -rf "$b2"
	mkdir -p "$b2"
	(cd kmod && find . \( -name '*.[ch]' -o -name Kbuild -o -name VERSION \) \
		! -name '*.mod.c' | cpio -pdm --quiet "$b2")
	make -C "/lib/modules/$k2/build" M="$b2" W=1 \
		KTEREDO_VERSION="$(scripts/version.sh)" modules \
		>"$logdir/build-6.12.log" 2>&1
	rc=$?
	grep -q 'warning:' "$logdir/build-6.12.log" && rc=1
	result "build-modules-6.12" $rc "$logdir/build-6.12.log"
	if [ "$rc" = 0 ]; then
		KVER=$k2 VM_MODULES=$b2 e2e_run e2e-6.12 e2e-6.12 stock 1/1 \
			client-qualify peer-kteredo nft-qualify
		e2e_result e2e-6.12
	fi
fi
phase e2e-6.12
echo "# phase total: $(($(date +%s) - t0))s"
echo "logs: $logdir"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
