#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run kteredo's KUnit suites on the debug kernel (scripts/kernel.sh: KASAN,
# UBSAN, kmemleak, lockdep), in the VM the e2e tests use (scripts/vm.sh -d).
#
# The suites are modules (kunit/Kbuild), built out of tree against that
# kernel with the project's modules; loading one runs it. Their KTAP
# results are collected from debugfs and handed to kunit.py's parser from
# the same linux-source tree, which prints "[PASSED] case" per case. A
# kmemleak scan after the last suite is part of the run: a leak fails it.
#
# Usage: scripts/kunit.sh [SUITE_MODULE_GLOB]   (default: teredo_*_test)
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)

# ---- in the guest ------------------------------------------------------------
if [ "${1:-}" = --guest ]; then
	glob=$2
	dir=/lib/modules/$(uname -r)/extra/kteredo
	"$top/scripts/kmemleak.sh" clear
	: >/tmp/kunit.tap
	i=0
	total=0
	for ko in "$dir"/$glob.ko; do
		[ -e "$ko" ] || continue
		m=$(basename "$ko" .ko)
		modprobe "$m" || echo "# kunit: modprobe $m failed"
		for r in /sys/kernel/debug/kunit/*/results; do
			[ -e "$r" ] || continue
			i=$((i + 1))
			# Each file is a whole KTAP document of one suite: keep
			# the suite, numbered in order, under one header.
			sed -e '1,2{/^KTAP version/d;/^1\.\./d}' \
			    -e '/^# Totals:/d' \
			    -e "s/^\(not ok\|ok\) [0-9]* /\1 $i /" \
			    "$r" >>/tmp/kunit.tap
		done
		rmmod "$m"
		total=$((total + 1))
	done
	printf 'KTAP version 1\n1..%d\n' "$i"
	cat /tmp/kunit.tap
	echo "# kunit: end of results"
	[ "$total" -gt 0 ] || { echo "# kunit: no module matches $glob"; exit 1; }
	rmmod nf_conntrack_teredo teredo 2>/dev/null || true
	if ! leaks=$("$top/scripts/kmemleak.sh" check); then
		echo "$leaks" | sed 's/^/# kunit: /'
		exit 1
	fi
	[ -e /sys/kernel/debug/kmemleak ] && echo "# kunit: kmemleak scan clean"
	exit 0
fi

# ---- on the host -------------------------------------------------------------
glob=${1:-teredo_*_test}
log=$(mktemp /tmp/kteredo-kunit.XXXXXX)
trap 'rm -f "$log" "$log.tap"' EXIT
rc=0
"$top/scripts/vm.sh" -d -t "${KUNIT_TIMEOUT:-1200}" \
	"$top/scripts/kunit.sh" --guest "$glob" >"$log" 2>&1 || rc=$?
grep '^# kunit:' "$log" || true
eval "$("$top/scripts/kernel.sh" --print)"
# only the KTAP block: the console has the boot and power-off around it
tr -d '\r' <"$log" | sed -n '/^KTAP version 1$/,/^# kunit: end of results$/p' |
	sed '$d' >"$log.tap"
python3 "$SRC/tools/testing/kunit/kunit.py" parse "$log.tap" || rc=1
if [ "$rc" != 0 ]; then
	echo "kunit: the VM run failed (status $rc):"
	grep -v '^ *\(KTAP\|#\|ok\|not ok\|1\.\.\)' "$log" | tail -n 60
fi
exit "$rc"
