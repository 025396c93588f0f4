#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install what kteredo's build and tests need, from Debian only.
# Idempotent: packages already present are skipped, and no daemon is ever
# started on the host (miredo and miredo-server run only inside the VM).
set -eu

PKGS="
	build-essential bc bison flex cpio kmod xz-utils
	libelf-dev libssl-dev dwarves python3
	linux-image-amd64 linux-headers-amd64 linux-source-6.1
	qemu-system-x86 busybox-static
	iproute2 iputils-ping nftables libnftables-dev conntrack
	tcpdump socat iperf3 ethtool jq
	miredo miredo-server
	sparse clang llvm libclang-rt-14-dev
	pkg-config libmnl-dev libjansson-dev scdoc man-db dkms
"

missing=
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	     grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done

# The second supported kernel, 6.12 (scripts/kver.sh --series 6.12): its
# newest image and headers in the archive, unless one is installed.
want612=
"$(dirname "$0")/kver.sh" --series 6.12 >/dev/null 2>&1 || want612=1

if [ -z "$missing" ] && [ -z "$want612" ]; then
	echo "deps: all present"
	exit 0
fi

if [ "$(id -u)" != 0 ]; then
	echo "deps: missing:$missing (run as root to install)" >&2
	exit 1
fi

echo "deps: installing:$missing${want612:+ Linux 6.12}"

# Refuse every service start while installing: miredo's postinst would
# otherwise start a Teredo client in the host's network namespace.
rc=/usr/sbin/policy-rc.d
saved=
if [ -e "$rc" ]; then
	saved=$(mktemp)
	cp -p "$rc" "$saved"
fi
restore() {
	if [ -n "$saved" ]; then
		mv -f "$saved" "$rc"
	else
		rm -f "$rc"
	fi
}
trap restore EXIT
printf '#!/bin/sh\nexit 101\n' >"$rc"
chmod 755 "$rc"

export DEBIAN_FRONTEND=noninteractive
apt-get update -q
if [ -n "$want612" ]; then
	k=$(apt-cache search --names-only \
		'^linux-headers-6\.12\.[0-9]+\+deb12-amd64$' |
		awk '{ print $1 }' | sort -V | tail -n1)
	k=${k#linux-headers-}
	if [ -n "$k" ]; then
		missing="$missing linux-image-$k-unsigned linux-headers-$k"
	else
		echo "deps: no linux-headers-6.12.*+deb12-amd64 in the archive" >&2
		exit 1
	fi
fi
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
