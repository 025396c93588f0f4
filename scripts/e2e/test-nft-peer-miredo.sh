#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kteredo (cl1, behind a port-restricted NAT) behind the example ruleset
# (input and output policy drop) with nf_conntrack_teredo loaded and
# teredoctl nft-sync filling the port set, and real Miredo peers behind
# their own NATs:
#   a. Miredo starts (cl2 pings kteredo): the server's indirect bubble
#      with origin indication makes the helper expect cl2's mapped
#      address, so kteredo's direct bubble leaves under the output-drop
#      policy (conntrack -L expect captured while this is set up);
#   b. kteredo starts (cl1 pings cl3's Miredo);
#   c. an unrelated host's UDP to the Teredo port is dropped and counted;
#   d. without the helper (module unloaded, cl1's conntrack flushed), a
#      fresh Miredo peer (cl4) cannot reach kteredo: the helper is needed.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/port-lib.sh"
source "$(dirname "$0")/nft-lib.sh"
trap 'nft_unload; e2e_cleanup' EXIT

# nft-lib's helpers act on namespace "fw" at $FW: here that is cl1
fw() { ip netns exec cl1 "$@"; }
FW=10.0.1.2

state_is() { [ "$(fw cat "$NFT_SYS/state")" = "$1" ]; }
port_in_set() {
	fw nft list set inet teredo_fw teredo_port | grep -q "elements = { $1 }"
}
server_flow() {
	fw conntrack -L -p udp --orig-dst "$E2E_SERVER" 2>/dev/null | grep -q .
}
# capture_expect FILE: cl1's expectations every 0.2 s, 20 times
capture_expect() {
	local i
	for i in $(seq 20); do
		echo "@$i"
		fw conntrack -L expect 2>/dev/null
		sleep 0.2
	done >"$1"
}
nfail() {
	e2e_dump
	echo "--- cl1 conntrack"; fw conntrack -L 2>&1
	echo "--- cl1 expect"; fw conntrack -L expect 2>&1
	echo "--- cl1 ruleset"; fw nft list ruleset 2>&1
	port_fail "$*"
}

e2e_topology
e2e_nat 1 masquerade
e2e_nat 2 masquerade
e2e_nat 3 masquerade
e2e_miredo_server
e2e_miredo cl2
e2e_miredo cl3

modprobe teredo || port_fail "modprobe teredo"
modprobe nf_conntrack_teredo || port_fail "modprobe nf_conntrack_teredo"
fw nft -f "$NFT_RULESET" || port_fail "nft -f"
ip -n cl1 link add teredo0 type teredo || port_fail "ip link add"
fw sh -c "echo $E2E_SERVER > $NFT_SYS/server" || port_fail "server"
fw "$TEREDOCTL" nft-sync -t teredo_fw -s teredo_port teredo0 \
	>"$E2E_TMP/nft-sync.out" 2>&1 &
ip -n cl1 link set teredo0 up || port_fail "link up"

e2e_wait 40 state_is qualified ||
	nfail "kteredo not qualified behind the ruleset (state $(fw cat $NFT_SYS/state))"
port=$(nft_port)
e2e_wait 10 port_in_set "$port" || nfail "nft-sync did not put $port in the set"
e2e_wait 60 e2e_has_teredo_addr cl2 || nfail "miredo cl2 not qualified"
e2e_wait 60 e2e_has_teredo_addr cl3 || nfail "miredo cl3 not qualified"
K=$(fw cat "$NFT_SYS/address")
M2=$(e2e_teredo_addr cl2)
M3=$(e2e_teredo_addr cl3)
e2e_wait 5 sh -c "ip -n cl1 -6 addr show dev teredo0 | grep -q $K" ||
	nfail "address not on teredo0"
log "kteredo $K (port $port, in the set), miredo cl2 $M2, miredo cl3 $M3"
log "nft list ruleset (cl1):"
fw nft list ruleset | sed 's/^/#   /'
fw conntrack -L -p udp --orig-dst "$E2E_SERVER" 2>/dev/null |
	grep -q "helper=teredo" || nfail "the server flow has no helper"

# a. Miredo starts; cl1's expectations captured meanwhile.
capture_expect "$E2E_TMP/expect-a" &
cap=$!
out=$(ip netns exec cl2 ping -6 -c 3 -i 0.5 -w 20 "$K") ||
	nfail "cl2 (miredo) cannot ping kteredo behind the ruleset: $out"
wait "$cap"
log "miredo -> kteredo: $(echo "$out" | grep -o '[0-9]* received')"
log "conntrack -L expect (cl1) while cl2 set up the conversation:"
# (the first field, the timeout left, dropped; how many samples saw it)
grep -v '^@' "$E2E_TMP/expect-a" | cut -d' ' -f2- | sort | uniq -c |
	sed 's/^/#   /'
grep -q "198.51.100.12" "$E2E_TMP/expect-a" ||
	nfail "no expectation for cl2's mapped address (198.51.100.12) seen"
fw conntrack -L -p udp --orig-dst 198.51.100.12 2>/dev/null |
	sed 's/^/#   cl1 flow: /'

# b. kteredo starts.
out=$(ip netns exec cl1 ping -6 -c 3 -i 0.5 -w 20 "$M3") ||
	nfail "kteredo cannot ping cl3 (miredo) behind the ruleset: $out"
log "kteredo -> miredo: $(echo "$out" | grep -o '[0-9]* received')"

# c. An unrelated host (nat1's inside address) to the Teredo port.
n=$(nft_send_counted nat1 3 10.0.1.1 5000)
[ "$n" = 3 ] || nfail "unsolicited UDP from 10.0.1.1: counter saw $n of 3"
log "unsolicited UDP from 10.0.1.1: 3 of 3 dropped and counted (total $(nft_dropped))"

# d. Without the helper: ruleset minus the helper, module unloaded,
# conntrack flushed, the client moved to a new port (a fresh mapping)
# and its server flow back before a fresh Miredo peer tries.
fw nft flush ruleset
fw conntrack -F 2>/dev/null
fw conntrack -F expect 2>/dev/null
rmmod nf_conntrack_teredo || nfail "rmmod nf_conntrack_teredo"
nft_ruleset without-helper
fw "$TEREDOCTL" rebind teredo0 || nfail "rebind"
e2e_wait 10 sh -c "[ \"\$(ip netns exec cl1 cat $NFT_SYS/port)\" != $port ]" ||
	nfail "rebind did not change the port"
port=$(nft_port)
e2e_wait 10 port_in_set "$port" || nfail "nft-sync did not follow to $port"
e2e_wait 40 state_is qualified || nfail "not qualified again without the helper"
e2e_wait 40 server_flow || nfail "no server flow without the helper"
K=$(fw cat "$NFT_SYS/address")
e2e_wait 5 sh -c "ip -n cl1 -6 addr show dev teredo0 | grep -q $K" ||
	nfail "new address not on teredo0"
e2e_nat 4 masquerade
e2e_miredo cl4
e2e_wait 60 e2e_has_teredo_addr cl4 || nfail "miredo cl4 not qualified"
log "without the helper: kteredo $K (port $port), miredo cl4 $(e2e_teredo_addr cl4)"
out=$(ip netns exec cl4 ping -6 -c 3 -i 0.5 -w 15 "$K") &&
	nfail "cl4 (miredo) reached kteredo without the helper: $out"
log "without the helper: cl4 -> kteredo: $(echo "$out" | grep -o '[0-9]* received')"
log "conntrack -L expect (cl1) without the helper:"
fw conntrack -L expect 2>&1 | sed 's/^/#   /'
nft_expect_has "198.51.100.14" && nfail "an expectation for cl4 without the helper"
exit 0
