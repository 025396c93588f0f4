#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
#   scripts/kver.sh               the kernel to build and test against
#   scripts/kver.sh --series 6.12 the newest installed kernel of a series
#   scripts/kver.sh --running     the kernel to install for
#
# Without an option: Debian's own kernel, the one linux-image-amd64 installs
# (Debian 12: 6.1), if its headers and image are there; else the newest
# installed kernel with both. A second series installed next to it (the
# 6.12 Debian 12 also ships, tested by make check) does not displace it.
# Never uname -r: the host's running kernel is not the one we test.
#
# --series X.Y: the newest kernel X.Y.* with headers and image, or fail.
#
# --running: the running kernel when its headers are installed (what
# `make install` and a user expect: the modules are for the kernel that
# will load them), else the newest kernel with headers, said on stderr.
set -eu

# usable VERSION [image]: VERSION has headers (and an image, if asked)
usable() {
	[ -e "/lib/modules/$1/build/Makefile" ] &&
		{ [ -z "${2:-}" ] || [ -e "/boot/vmlinuz-$1" ]; }
}

# newest [image [GLOB]]: the newest kernel with headers (and an image, if
# asked), of the versions GLOB matches
newest() {
	local d v
	for d in $(ls -d /lib/modules/${2:-*}/ 2>/dev/null | sort -rV); do
		v=$(basename "$d")
		if usable "$v" "${1:-}"; then
			echo "$v"
			return 0
		fi
	done
	return 1
}

case ${1:-} in
--running)
	v=$(uname -r)
	if usable "$v"; then
		echo "$v"
	elif n=$(newest); then
		echo "kver: no headers for the running kernel $v, using $n" >&2
		echo "$n"
	else
		echo "kver: no kernel headers installed (linux-headers-$v)" >&2
		exit 1
	fi
	;;
--series)
	[[ ${2:-} =~ ^[0-9]+\.[0-9]+$ ]] ||
		{ echo "kver: --series X.Y" >&2; exit 2; }
	newest image "$2.*" ||
		{ echo "kver: no $2 kernel with headers and image" >&2; exit 1; }
	;;
"")
	# "linux-image-6.1.0-57-amd64 (= 6.1.192-3)"
	d=$(dpkg-query -W -f='${Depends}' linux-image-amd64 2>/dev/null |
		sed -n 's/^linux-image-\([^ ,]*\).*/\1/p')
	if [ -n "$d" ] && usable "$d" image; then
		echo "$d"
	else
		newest image || {
			echo "kver: no kernel with both headers and image (run scripts/deps.sh)" >&2
			exit 1
		}
	fi
	;;
*)
	echo "usage: $0 [--running | --series X.Y]" >&2
	exit 2
	;;
esac
