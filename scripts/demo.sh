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

step "topology: miredo-server on $E2E_SERVER, client netns cl1 behind nft masquerade"
e2e_topology
e2e_nat 1 masquerade
e2e_miredo_server

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
# qualification lands with the client (issue 5); show the state as it is
sleep 5
ip netns exec cl1 "$ctl" status teredo0

step "rmmod teredo"
ip -n cl1 link del teredo0
rmmod teredo && echo "unloaded cleanly"
