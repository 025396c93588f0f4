#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Whoever owns a user namespace (on most distributions, any unprivileged
# user) cannot create a teredo device and so reach the Internet-facing
# receive and peer code: "ip link add" from a fresh user and network
# namespace is refused with an extack message, nothing is made; root of
# the initial user namespace still creates one in any network namespace.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/port-lib.sh"
trap 'port_unload; e2e_cleanup' EXIT

modprobe teredo || port_fail "modprobe teredo"
out=$(unshare --user --map-root-user --net sh -c \
	'ip link add t0 type teredo 2>&1; echo "rc=$?"; ip -o link show type teredo')
log "from a user namespace: $(echo "$out" | tr '\n' ' ')"
echo "$out" | grep -q '^rc=0$' && port_fail "created from a user namespace: $out"
echo "$out" | grep -q "CAP_NET_ADMIN in the initial user namespace" ||
	port_fail "no extack message: $out"
echo "$out" | grep -q 't0' && port_fail "a device was left: $out"

e2e_ns_add du
ip -n du link add t0 type teredo || port_fail "root cannot create one in du"
[ -e /sys/class/net/t0 ] && port_fail "t0 in the wrong namespace"
ip netns exec du test -d /sys/class/net/t0/teredo ||
	port_fail "t0 has no teredo sysfs group"
ip -n du link del t0 || port_fail "link del"
exit 0
