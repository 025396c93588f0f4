#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Static checks of everything under kmod/ and kunit/: checkpatch --strict
# (from Debian's linux-source-6.1) and sparse (make C=2). Any finding fails.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
cache=${KTEREDO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kteredo}
cp_dir=$cache/checkpatch
cd "$top"

if [ ! -e "$cp_dir/scripts/checkpatch.pl" ]; then
	tarball=$(ls /usr/src/linux-source-6.1.tar.* 2>/dev/null | head -n1)
	[ -n "$tarball" ] || { echo "lint: no linux-source-6.1" >&2; exit 1; }
	mkdir -p "$cp_dir"
	tar -C "$cp_dir" --strip-components=1 -xf "$tarball" \
		linux-source-6.1/scripts/checkpatch.pl \
		linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch
fi

rc=0
files=$(git ls-files 'kmod/*.[ch]' 'kunit/*.[ch]' | grep -v '^kunit/fuzz/')
# shellcheck disable=SC2086
if ! perl "$cp_dir/scripts/checkpatch.pl" --strict --no-tree \
	--quiet --show-types -f $files; then
	rc=1
fi

# sparse: rebuild everything with C=2 and keep only its findings
if command -v sparse >/dev/null; then
	out=$(make -s -C "${KDIR:-/lib/modules/$("$top/scripts/kver.sh")/build}" \
		M="$top/kmod" C=2 modules 2>&1 | grep -E '(warning|error):')
	if [ -n "$out" ]; then
		echo "$out"
		rc=1
	fi
else
	echo "lint: sparse missing (scripts/deps.sh)" >&2
	rc=1
fi
[ "$rc" = 0 ] && echo "lint: clean"
exit $rc
