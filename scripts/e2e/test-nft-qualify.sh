#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kteredo qualifies against the real miredo-server behind the example
# ruleset (input and output policy drop) alone: nf_conntrack_teredo
# loaded by the ruleset's ct helper object, no teredoctl nft-sync, the
# port set left empty (the server flow goes out because the helper module
# gave it its helper, IPS_HELPER); the client's own RS makes
# the helper expect the server's secondary address (shown with
# conntrack -L expect). Without the helper module no such expectation
# exists (Miredo's server answers a non-cone RS from its primary address,
# so qualification itself does not need it: test-nft-helper shows the
# secondary-address answer dropped without the helper).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/port-lib.sh"
source "$(dirname "$0")/nft-lib.sh"
trap 'nft_unload; e2e_cleanup' EXIT

state_is() { [ "$(fw cat "$NFT_SYS/state")" = "$1" ]; }

e2e_topology
e2e_miredo_server
e2e_ns_add fw
e2e_wan_attach fw e0 "$FW/24"
modprobe teredo || port_fail "modprobe teredo"
fw nft -f "$NFT_RULESET" || port_fail "nft -f"
lsmod | grep -q "^nf_conntrack_teredo " ||
	port_fail "the ruleset's ct helper object did not load nf_conntrack_teredo"
ip -n fw link add teredo0 type teredo || port_fail "ip link add"
fw sh -c "echo $E2E_SERVER > $NFT_SYS/server" || port_fail "server"
ip -n fw link set teredo0 up || port_fail "link up"

e2e_wait 40 state_is qualified ||
	port_fail "not qualified behind the ruleset (state $(fw cat $NFT_SYS/state)): $(fw conntrack -L 2>&1; fw nft list ruleset)"
port=$(nft_port)
fw nft list set inet teredo_fw teredo_port | grep -q "elements" &&
	port_fail "the port set is not empty"
log "qualified behind the example ruleset alone: $(fw cat $NFT_SYS/address), port $port"
fw nft list ruleset
log "conntrack -L (fw):"
fw conntrack -L 2>/dev/null
log "conntrack -L expect (fw):"
fw conntrack -L expect 2>/dev/null
fw conntrack -L -p udp --orig-dst "$E2E_SERVER" 2>/dev/null | grep -q "helper=teredo" ||
	port_fail "the client's server flow has no helper"
# the client refreshes (RS) every 30 s at most: wait for one
e2e_wait 40 nft_expect_has "src=$E2E_SERVER2 dst=$FW sport=3544 dport=$port" ||
	port_fail "the client's RS opened no expectation for $E2E_SERVER2"
fw conntrack -L expect 2>/dev/null

# Without the helper module: the same RS opens nothing.
fw nft flush ruleset
fw conntrack -F 2>/dev/null
fw conntrack -F expect 2>/dev/null
rmmod nf_conntrack_teredo || port_fail "rmmod nf_conntrack_teredo"
nft_ruleset without-helper
fw "$TEREDOCTL" rebind teredo0 || port_fail "rebind"
fw nft add element inet teredo_fw teredo_port "{ $(nft_port) }" 2>/dev/null
e2e_wait 40 state_is qualified || log "without the helper: $(fw cat $NFT_SYS/state)"
sleep 5
nft_expect_has "src=$E2E_SERVER2" && port_fail "an expectation without the helper"
log "without the helper: state $(fw cat $NFT_SYS/state), no expectation"
exit 0
