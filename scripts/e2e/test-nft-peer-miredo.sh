#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kteredo (cl1, behind a port-restricted NAT) behind the example ruleset
# (input and output policy drop) with nf_conntrack_teredo loaded and
# teredoctl nft-sync filling the port set, and real Miredo peers behind
# their own NATs:
#   a. Miredo starts (cl2 pings kteredo): the server's indirect bubble
#      with origin indication makes the helper expect cl2's mapped
#      address both ways: cl2 -> cl1's Teredo port, and cl1's Teredo port
#      -> cl2, which kteredo's direct bubble uses to leave under the
#      output-drop policy ("conntrack -E expect" events, a counter on the
#      output policy);
#   b. kteredo starts (cl1 pings cl3's Miredo): its own indirect bubble
#      makes the helper expect cl3 both ways (events again);
#   c. an unrelated host's UDP to the Teredo port is dropped and counted;
#   d. without the helper (module unloaded, cl1's conntrack flushed), a
#      fresh Miredo peer (cl4) cannot reach kteredo: the helper is needed.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/port-lib.sh"
source "$(dirname "$0")/nft-lib.sh"
source "$(dirname "$0")/nft-client-lib.sh"
trap 'nft_unload; e2e_cleanup' EXIT

# out_dropped [NAME]: what left the Teredo port and met the output
# policy (counters added by this test, not in the shipped ruleset)
out_dropped() {
	fw nft list counter inet teredo_fw "${1:-out_dropped}" |
		awk '$1 == "packets" { print $2 }'
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
e2e_ct_events_on cl1 || port_fail "nf_conntrack_events in cl1"
fw nft -f "$NFT_RULESET" || port_fail "nft -f"
fw nft add counter inet teredo_fw out_dropped || port_fail "nft add counter"
fw nft add rule inet teredo_fw output udp sport @teredo_port \
	counter name out_dropped || port_fail "nft add rule"
nft_client_up
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

# a. Miredo starts; cl1's expectation events recorded meanwhile.
d0=$(out_dropped)
e2e_expect_events cl1 "$E2E_TMP/expect-a" 60 ||
	nfail "conntrack -E expect does not listen"
out=$(ip netns exec cl2 ping -6 -c 3 -i 0.5 -w 20 "$K") ||
	nfail "cl2 (miredo) cannot ping kteredo behind the ruleset: $out"
e2e_expect_events_stop
log "miredo -> kteredo: $(echo "$out" | grep -o '[0-9]* received')"
log "conntrack -E expect (cl1) while cl2 set up the conversation:"
e2e_expect_print "$E2E_TMP/expect-a"
both_ways "$E2E_TMP/expect-a" 198.51.100.12 "cl2 (miredo starts)"
# the inbound one stays until its timeout: Miredo's packets match the
# flow our direct bubble opened
log "conntrack -L expect (cl1) after cl2's pings:"
fw conntrack -L expect 2>&1 | sed 's/^/#   /'
fw conntrack -L -p udp --orig-dst 198.51.100.12 2>/dev/null |
	sed 's/^/#   cl1 flow: /'
d=$(($(out_dropped) - d0))
[ "$d" = 0 ] ||
	nfail "$d packets from the Teredo port met the output policy while cl2 started"
log "output policy drops from the Teredo port while cl2 started: $d"

# b. kteredo starts; events again.
d0=$(out_dropped)
e2e_expect_events cl1 "$E2E_TMP/expect-b" 60 ||
	nfail "conntrack -E expect does not listen"
out=$(ip netns exec cl1 ping -6 -c 3 -i 0.5 -w 20 "$M3") ||
	nfail "kteredo cannot ping cl3 (miredo) behind the ruleset: $out"
e2e_expect_events_stop
log "kteredo -> miredo: $(echo "$out" | grep -o '[0-9]* received')"
log "conntrack -E expect (cl1) while kteredo set up the conversation:"
e2e_expect_print "$E2E_TMP/expect-b"
both_ways "$E2E_TMP/expect-b" 198.51.100.13 "cl3 (kteredo starts)"
fw conntrack -L -p udp --orig-dst 198.51.100.13 2>/dev/null |
	sed 's/^/#   cl1 flow: /'
# kteredo's indirect bubble leaves first and makes the helper expect cl3,
# so its direct bubble is let out at once (teredo_peer_probe_locked())
d=$(($(out_dropped) - d0))
[ "$d" = 0 ] ||
	nfail "$d packets from the Teredo port met the output policy while kteredo started"
log "output policy drops from the Teredo port while kteredo started: $d"

# c. An unrelated host (nat1's inside address) to the Teredo port, once
# the 15 s that cl1's discovery bubble opens its subnet for are over.
link_closed() { ! fw conntrack -L expect 2>/dev/null | grep -q "mask-src=255.255.255.0"; }
e2e_wait 30 link_closed || nfail "cl1's subnet still expected after 30 s"
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
# (this time only what goes to cl4's NAT, 198.51.100.14)
fw nft add counter inet teredo_fw out_dropped || nfail "nft add counter"
fw nft add rule inet teredo_fw output udp sport @teredo_port \
	ip daddr 198.51.100.14 counter name out_dropped || nfail "nft add rule"
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
e2e_expect_events cl1 "$E2E_TMP/expect-d" 60 ||
	nfail "conntrack -E expect does not listen"
out=$(ip netns exec cl4 ping -6 -c 3 -i 0.5 -w 15 "$K") &&
	nfail "cl4 (miredo) reached kteredo without the helper: $out"
e2e_expect_events_stop
log "without the helper: cl4 -> kteredo: $(echo "$out" | grep -o '[0-9]* received')"
log "conntrack -E expect (cl1) without the helper:"
e2e_expect_print "$E2E_TMP/expect-d"
grep -q "198.51.100.14" "$E2E_TMP/expect-d" &&
	nfail "an expectation for cl4 without the helper"
d=$(out_dropped)
[ "$d" -gt 0 ] ||
	nfail "without the helper, nothing to cl4 met the output policy"
log "without the helper: output policy drops from the Teredo port to cl4's NAT: $d (kteredo's direct bubbles)"
exit 0
