#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
#   scripts/kver.sh            the kernel to build and test against
#   scripts/kver.sh --running  the kernel to install for
#
# Without an option: the newest installed Debian kernel that has both its
# headers (to build modules against) and its image (to boot in QEMU). Never
# uname -r: the host's running kernel is not the one we test.
#
# --running: the running kernel when its headers are installed (what
# `make install` and a user expect: the modules are for the kernel that
# will load them), else the newest kernel with headers, said on stderr.
set -eu

if [ "${1:-}" = --running ]; then
	v=$(uname -r)
	if [ -e "/lib/modules/$v/build/Makefile" ]; then
		echo "$v"
		exit 0
	fi
	for d in $(ls -d /lib/modules/*/ 2>/dev/null | sort -rV); do
		if [ -e "$d/build/Makefile" ]; then
			echo "kver: no headers for the running kernel $v," \
			     "using $(basename "$d")" >&2
			basename "$d"
			exit 0
		fi
	done
	echo "kver: no kernel headers installed (linux-headers-$v)" >&2
	exit 1
fi

for d in $(ls -d /lib/modules/*/ 2>/dev/null | sort -rV); do
	v=$(basename "$d")
	if [ -e "$d/build/Makefile" ] && [ -e "/boot/vmlinuz-$v" ]; then
		echo "$v"
		exit 0
	fi
done
echo "kver: no kernel with both headers and image (run scripts/deps.sh)" >&2
exit 1
