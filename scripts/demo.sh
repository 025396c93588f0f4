#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: boot the VM, build the test topology with a real
# miredo-server, load teredo.ko and show what it publishes.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
if [ "${1:-}" != --guest ]; then
	exec "$top/scripts/vm.sh" -t 600 "$top/scripts/demo.sh" --guest
fi

source "$top/scripts/e2e/lib.sh"
ctl=$top/userspace/teredoctl

step() { printf '\n=== %s\n' "$*"; }

step "topology: miredo-server on $E2E_SERVER; cl1 (kteredo) and cl2 (Miredo), each behind its own nft masquerade NAT"
e2e_topology
e2e_nat 1 masquerade
e2e_nat 2 masquerade
e2e_miredo_server
e2e_miredo cl2

step "modinfo teredo"
modinfo teredo | grep -E '^(filename|description|author|license|parm):'

step "modprobe teredo server=$E2E_SERVER (teredo0 in the initial netns)"
modprobe teredo server="$E2E_SERVER" || exit 1
ip -d link show teredo0
echo "port: $(cat /sys/class/net/teredo0/teredo/port 2>&1)"

step "ip link add teredo0 type teredo in cl1 (behind the NAT)"
ip -n cl1 link add teredo0 type teredo || exit 1
ip netns exec cl1 sh -c "echo $E2E_SERVER > /sys/class/net/teredo0/teredo/server"
ip -n cl1 link set teredo0 up
ip netns exec cl1 sh -c 'echo "port: $(cat /sys/class/net/teredo0/teredo/port)"'
sys=/sys/class/net/teredo0/teredo
if e2e_wait 30 ip netns exec cl1 grep -qx qualified $sys/state; then
	addr=$(ip netns exec cl1 cat $sys/address)
	echo "qualified: $addr"
	ip netns exec cl1 sh -c "echo \"local port: \$(cat $sys/port)\""
	# decode it (RFC 4380 section 4)
	python3 - "$addr" <<'PY'
import ipaddress, sys
a = ipaddress.IPv6Address(sys.argv[1]).packed
flags = a[8] << 8 | a[9]
print("  server:      %s" % ipaddress.IPv4Address(a[4:8]))
print("  mapped IPv4: %s" % ipaddress.IPv4Address(bytes(b ^ 0xff for b in a[12:16])))
print("  mapped port: %d" % ((a[10] << 8 | a[11]) ^ 0xffff))
print("  cone flag:   %s (flags 0x%04x)" % ("yes" if flags & 0x8000 else "no", flags))
PY
	ip -n cl1 -6 addr show dev teredo0
	ip -n cl1 -6 route show dev teredo0
else
	echo "not qualified within 30 s"
fi

step "ping -6 from kteredo (cl1) to the Miredo client in cl2"
if e2e_wait 60 e2e_has_teredo_addr cl2; then
	peer=$(e2e_teredo_addr cl2)
	echo "Miredo peer: $peer"
	ip netns exec cl1 ping -6 -c 3 -i 0.5 -w 20 "$peer"
else
	echo "Miredo in cl2 did not qualify within 60 s"
	e2e_dump
fi
ip netns exec cl1 "$ctl" status teredo0

step "rmmod teredo"
ip -n cl1 link del teredo0
rmmod teredo && echo "unloaded cleanly"
