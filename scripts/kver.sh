#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Print the newest installed Debian kernel that has both its headers (to
# build modules against) and its image (to boot in QEMU). Never uname -r:
# the host's running kernel is not the one we test.
set -eu

for d in $(ls -d /lib/modules/*/ 2>/dev/null | sort -rV); do
	v=$(basename "$d")
	if [ -e "$d/build/Makefile" ] && [ -e "/boot/vmlinuz-$v" ]; then
		echo "$v"
		exit 0
	fi
done
echo "kver: no kernel with both headers and image (run scripts/deps.sh)" >&2
exit 1
