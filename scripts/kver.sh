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

# newest [image]: the newest kernel with headers (and an image, if asked)
newest() {
	local d v
	for d in $(ls -d /lib/modules/*/ 2>/dev/null | sort -rV); do
		v=$(basename "$d")
		if [ -e "$d/build/Makefile" ] &&
		   { [ -z "${1:-}" ] || [ -e "/boot/vmlinuz-$v" ]; }; then
			echo "$v"
			return 0
		fi
	done
	return 1
}

if [ "${1:-}" = --running ]; then
	v=$(uname -r)
	if [ -e "/lib/modules/$v/build/Makefile" ]; then
		echo "$v"
	elif n=$(newest); then
		echo "kver: no headers for the running kernel $v, using $n" >&2
		echo "$n"
	else
		echo "kver: no kernel headers installed (linux-headers-$v)" >&2
		exit 1
	fi
	exit 0
fi

newest image ||
	{ echo "kver: no kernel with both headers and image (run scripts/deps.sh)" >&2; exit 1; }
