#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: build, static checks, KUnit, fuzz smoke run, VM rig self-test
# and the VM end-to-end tests. One line per test ("PASS name" or
# "FAIL name"), then "N passed, N failed"; exits non-zero on any failure.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
passed=0
failed=0
logdir=$(mktemp -d /tmp/kteredo-check.XXXXXX)

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

step lint scripts/lint.sh

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

# --- fuzz smoke run -----------------------------------------------------------
if [ -e kunit/fuzz/Makefile ]; then
	step fuzz make -s -C kunit/fuzz run RUNS="${FUZZ_RUNS:-200000}"
fi

# --- VM rig: a kernel report must fail a run --------------------------------
scripts/vm.sh -t 300 sh -c 'echo "WARNING: kteredo rig self-test" >/dev/kmsg' \
	>"$logdir/vm-report.log" 2>&1
rc=$?
[ "$rc" = 125 ] && grep -q 'rig self-test' "$logdir/vm-report.log"
result vm-detects-kernel-reports $? "$logdir/vm-report.log"

# --- and so must a leak: kmemleak-test.ko leaks on purpose -------------------
scripts/vm.sh -d -t 300 sh -c 'scripts/kmemleak.sh clear &&
	modprobe kmemleak-test && rmmod kmemleak-test &&
	! scripts/kmemleak.sh check' >"$logdir/vm-kmemleak.log" 2>&1
rc=$?
[ "$rc" = 0 ] && grep -q 'leaked objects' "$logdir/vm-kmemleak.log"
result vm-detects-kmemleak $? "$logdir/vm-kmemleak.log"

# --- end-to-end tests in the VM ---------------------------------------------
scripts/e2e/run.sh >"$logdir/e2e.log" 2>&1
rc=$?
tally "$logdir/e2e.log"
if ! grep -qE '^[0-9]+ passed, [0-9]+ failed' "$logdir/e2e.log"; then
	result e2e-run 1 "$logdir/e2e.log"
elif [ "$rc" != 0 ] && ! grep -q '^FAIL ' "$logdir/e2e.log"; then
	# every test passed but the VM run failed: a kernel report at
	# module unload or power-off
	result e2e-vm-clean 1 "$logdir/e2e.log"
fi

echo "logs: $logdir"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
