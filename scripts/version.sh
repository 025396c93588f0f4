#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Print kteredo's version: `git describe` of the checkout (a tag vX.Y gives
# X.Y, X.Y-N-gHASH after it), 0.0.N-gHASH before the first tag (N commits),
# with -dirty for uncommitted changes; out of git (a DKMS or tarball copy),
# what kmod/VERSION says.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
	if v=$(git -C "$top" describe --tags --match 'v[0-9]*' --dirty \
	       2>/dev/null); then
		echo "${v#v}"
	else
		n=$(git -C "$top" rev-list --count HEAD)
		h=$(git -C "$top" describe --always --abbrev=7 --dirty)
		echo "0.0.$n-g$h"
	fi
elif [ -e "$top/kmod/VERSION" ]; then
	cat "$top/kmod/VERSION"
else
	echo "version: not a git checkout and no kmod/VERSION" >&2
	exit 1
fi
