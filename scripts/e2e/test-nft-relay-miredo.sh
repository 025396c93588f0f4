#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kteredo (cl1, behind a port-restricted NAT) reaches a native IPv6 host
# through a real Miredo relay (the topology of test-relay-miredo.sh)
# while cl1 has the example ruleset (input and output policy drop),
# nf_conntrack_teredo and teredoctl nft-sync filling the port set:
#   1. with the helper: the echo test through the server finds the
#      relay; the relay's indirect bubble (origin indication) makes the
#      helper expect the relay both ways ("conntrack -E expect" events),
#      kteredo's direct bubble to the relay leaves as related, the ping
#      and TCP both ways work (the test opens its two TCP ports over
#      teredo0: the example ruleset lets only ICMPv6 through there);
#   2. without the helper (module unloaded, ruleset without it, cl1's
#      conntrack flushed, the client on a new port and so a new address
#      that neither the relay nor kteredo's peer cache knows): the ping
#      fails, kteredo's direct bubbles to the relay meet the output
#      chain's policy drop (a counter added here shows it).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/port-lib.sh"
source "$(dirname "$0")/nft-lib.sh"
source "$(dirname "$0")/nft-client-lib.sh"
trap 'nft_unload; e2e_cleanup' EXIT

# out_counter: a counter, not in the shipped ruleset, on what leaves the
# Teredo port for the relay and reaches the end of the output chain,
# where the policy drops it.
out_counter() {
	fw nft add counter inet teredo_fw relay_out_dropped ||
		nfail "nft add counter"
	fw nft add rule inet teredo_fw output udp sport @teredo_port \
		ip daddr "$RELAY" counter name relay_out_dropped ||
		nfail "nft add rule"
}
counter_of() {	# counter_of NS FAMILY TABLE NAME: its packets
	ip netns exec "$1" nft list counter "$2" "$3" "$4" |
		awk '$1 == "packets" { print $2 }'
}
out_dropped() { counter_of cl1 inet teredo_fw relay_out_dropped; }
nat_dropped() { counter_of nat1 ip filter relay_new; }
nfail_extra() {
	echo "--- nat1 conntrack"; ip netns exec nat1 conntrack -L 2>&1
	echo "--- relay route"; ip -n relay -6 route 2>&1
}

e2e_topology
e2e_nat 1 masquerade
e2e_relay
RELAY=$E2E_RELAY
HOST=$E2E_HOST6
e2e_miredo_server
# nat1 counts the new flows from the relay its restricted policy drops
ip netns exec nat1 nft add counter ip filter relay_new
ip netns exec nat1 nft insert rule ip filter forward iifname e0 \
	ip saddr "$RELAY" ct state new counter name relay_new ||
	port_fail "nat1 counter"

modprobe teredo || port_fail "modprobe teredo"
modprobe nf_conntrack_teredo || port_fail "modprobe nf_conntrack_teredo"
e2e_ct_events_on cl1 || port_fail "nf_conntrack_events in cl1"
fw nft -f "$NFT_RULESET" || port_fail "nft -f"
out_counter
nft_client_up
K=$(fw cat "$NFT_SYS/address")
e2e_wait 5 sh -c "ip -n cl1 -6 addr show dev teredo0 | grep -q $K" ||
	nfail "address not on teredo0"
e2e_wait 20 sh -c 'ip -n relay -6 route | grep -q "^2001::/32 dev teredo"' ||
	nfail "relay has no 2001::/32 route"
fw conntrack -L -p udp --orig-dst "$E2E_SERVER" 2>/dev/null |
	grep -q "helper=teredo" || nfail "the server flow has no helper"
# a native destination goes through teredo0 (no default route here)
ip -n cl1 -6 route add 2001:db8::/32 dev teredo0 || port_fail "route"
log "kteredo $K (port $port, in the set), native host $HOST behind relay $RELAY"

# 1. With the helper: the echo test, the relay found, expectations
# recorded as events.
e2e_expect_events cl1 "$E2E_TMP/expect-helper" 120 ||
	nfail "conntrack -E expect does not listen"
out=$(fw ping -6 -c 3 -i 0.5 -w 25 "$HOST") ||
	nfail "kteredo cannot ping the native host behind the ruleset: $out"
e2e_expect_events_stop
log "with the helper: kteredo -> native host: $(echo "$out" | grep -o '[0-9]* received')"
log "conntrack -E expect (cl1) during the echo test:"
e2e_expect_print "$E2E_TMP/expect-helper"
both_ways "$E2E_TMP/expect-helper" "$RELAY" "the relay"
fw conntrack -L -p udp --orig-dst "$RELAY" 2>/dev/null |
	sed 's/^/#   cl1 flow: /'
n=$(out_dropped)
[ "$n" = 0 ] ||
	nfail "with the helper, $n packets to the relay reached the output policy"
log "with the helper: relay_out_dropped $n (kteredo's bubbles to the relay left as related), nat1 relay_new $(nat_dropped) (new flows from the relay, dropped by nat1)"

# The example ruleset only opens what Teredo's UDP needs; IPv6 over
# teredo0 is the host's own policy (ICMPv6 echo passes): here the TCP
# test's two connections.
fw nft add rule inet teredo_fw output oifname teredo0 tcp dport 7001 accept ||
	nfail "nft add rule (TCP out)"
fw nft add rule inet teredo_fw input iifname teredo0 tcp dport 7002 accept ||
	nfail "nft add rule (TCP in)"
ip netns exec host6 timeout 30 socat -T 10 "TCP6-LISTEN:7001,reuseaddr" \
	EXEC:cat >/dev/null 2>&1 &
fw timeout 30 socat -T 10 "TCP6-LISTEN:7002,reuseaddr" \
	EXEC:cat >/dev/null 2>&1 &
e2e_wait 10 listening host6 7001 || nfail "no listener on host6:7001"
e2e_wait 10 listening cl1 7002 || nfail "no listener on cl1:7002"
msg="nft-relay-$RANDOM"
got=$(echo "$msg" | fw timeout 20 socat -t 5 -T 10 - "TCP6:[$HOST]:7001")
[ "$got" = "$msg" ] || nfail "TCP kteredo -> host: got '$got'"
got=$(echo "$msg" | ip netns exec host6 timeout 20 socat -t 5 -T 10 - "TCP6:[$K]:7002")
[ "$got" = "$msg" ] || nfail "TCP host -> kteredo: got '$got'"
log "with the helper: TCP both ways through the relay"

# 2. Without the helper: ruleset minus the helper, module unloaded,
# conntrack flushed, the client moved to a new port (a new mapping, so a
# new address: kteredo's peer cache and the relay start over).
fw nft flush ruleset
fw conntrack -F 2>/dev/null
fw conntrack -F expect 2>/dev/null
rmmod nf_conntrack_teredo || nfail "rmmod nf_conntrack_teredo"
nft_ruleset without-helper
out_counter
fw "$TEREDOCTL" rebind teredo0 || nfail "rebind"
e2e_wait 10 sh -c "[ \"\$(ip netns exec cl1 cat $NFT_SYS/port)\" != $port ]" ||
	nfail "rebind did not change the port"
port=$(nft_port)
e2e_wait 10 port_in_set "$port" || nfail "nft-sync did not follow to $port"
e2e_wait 40 state_is qualified || nfail "not qualified again without the helper"
e2e_wait 40 server_flow || nfail "no server flow without the helper"
K2=$(fw cat "$NFT_SYS/address")
[ "$K2" != "$K" ] || nfail "the address did not change with the port"
e2e_wait 5 sh -c "ip -n cl1 -6 addr show dev teredo0 | grep -q $K2" ||
	nfail "new address not on teredo0"
log "without the helper: kteredo $K2 (port $port)"
nat0=$(nat_dropped)
e2e_expect_events cl1 "$E2E_TMP/expect-nohelper" 60 ||
	nfail "conntrack -E expect does not listen"
out=$(fw ping -6 -c 3 -i 0.5 -w 15 "$HOST") &&
	nfail "kteredo reached the native host without the helper: $out"
e2e_expect_events_stop
log "without the helper: kteredo -> native host: $(echo "$out" | grep -o '[0-9]* received')"
log "conntrack -E expect (cl1) without the helper:"
e2e_expect_print "$E2E_TMP/expect-nohelper"
grep -q "$RELAY" "$E2E_TMP/expect-nohelper" &&
	nfail "an expectation for the relay without the helper"
n=$(out_dropped)
[ "$n" -gt 0 ] ||
	nfail "without the helper, no packet to the relay reached the output policy"
log "without the helper: relay_out_dropped $n (kteredo's bubbles to the relay, output policy drop), nat1 relay_new +$(($(nat_dropped) - nat0)) (new flows from the relay, dropped by nat1)"
fw nft list counters | sed 's/^/#   /'
exit 0
