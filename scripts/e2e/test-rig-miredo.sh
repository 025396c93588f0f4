#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Rig self-test: the real Miredo client, behind an nft masquerade NAT,
# qualifies against the real miredo-server. Proves the topology before our
# own client is measured against it.
source "$(dirname "$0")/lib.sh"

e2e_topology
e2e_nat 1 masquerade
e2e_miredo_server
e2e_miredo cl1

if ! e2e_wait 60 e2e_has_teredo_addr cl1; then
	e2e_dump
	fail "miredo in cl1 did not qualify within 60 s"
fi
addr=$(e2e_teredo_addr cl1)
log "miredo qualified: $addr"

# 2001:0:c633:6401:<flags>:<~port>:<~198.51.100.11>: the server's address
# and the NAT's WAN address must be encoded in it.
case $addr in
2001:0:c633:6401:*:*:39cc:9bf4) ;;
*) fail "address $addr does not encode server 198.51.100.1 and NAT 198.51.100.11" ;;
esac
# Miredo checks reachability with ping6 through the server, too
ip netns exec cl1 ping -6 -c 1 -W 5 "$addr" >/dev/null ||
	fail "cannot ping own Teredo address"
exit 0
