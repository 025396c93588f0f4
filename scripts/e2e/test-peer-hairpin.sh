#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Two kteredo clients behind one NAT that hairpins: cl1 (10.0.1.2) and
# cl3 (10.0.1.3) on nat1's LAN, local discovery off. nat1 keeps ports
# (each mapped port is the client's local port) and, once they qualified,
# hairpins their mapped ports: a datagram from the LAN to its public
# address and a client's mapped port goes to that client, from the
# sender's mapping. Through it the bubbles of RFC 4380 work as between
# two NATs: ping both ways, the traffic through nat1's hairpin (its
# conntrack shows the flow), and no local discovery involved (nothing to
# the group). The same two clients behind the same NAT without the
# hairpin, and with local discovery, are test-peer-local.sh.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/port-lib.sh"
source "$(dirname "$0")/sec-lib.sh"
source "$(dirname "$0")/local-lib.sh"
trap 'port_unload; e2e_cleanup' EXIT

local_topology
# hairpinned datagrams leave the way they came: no redirect to a neighbour
ip netns exec nat1 sysctl -qw net.ipv4.conf.all.send_redirects=0 \
	net.ipv4.conf.br1.send_redirects=0

modprobe teredo || port_fail "modprobe teredo"
local_clients_nodisc
P1=$(attr mapped_port)
P3=$(attr3 mapped_port)
[ "$P1" = "$(attr port)" ] && [ "$P3" = "$(attr3 port)" ] ||
	sec_fail "nat1 moved a port: $P1/$(attr port), $P3/$(attr3 port)"
log "cl1 $K1 ($M:$P1), cl3 $K3 ($M:$P3)"

# The hairpin: to the public address from the LAN, DNAT to the client
# owning the port, and SNAT to the public address (the sender's port
# kept, as for its other flows: its mapping)
nft_nat1() { ip netns exec nat1 nft "$@" || sec_fail "nat1: nft $*"; }
nft_nat1 add chain ip nat hairpin '{ type nat hook prerouting priority -100; }'
nft_nat1 add rule ip nat hairpin iifname br1 ip daddr "$M" udp dport "$P1" \
	dnat to 10.0.1.2
nft_nat1 add rule ip nat hairpin iifname br1 ip daddr "$M" udp dport "$P3" \
	dnat to 10.0.1.3
nft_nat1 add rule ip nat post oifname br1 ip saddr 10.0.1.0/24 \
	ct status dnat snat to "$M"

sec_table cl1
sec_counter cl1 group out ip daddr 224.0.0.253 udp dport 3544
sec_counter cl1 hairpin out ip daddr "$M" udp dport "$P3"
s0=$(drop_count spoofed_src)

out=$(cl ping -6 -c 3 -i 0.5 -w 20 "$K3" 2>&1) ||
	sec_fail "cl1 cannot reach cl3 through the hairpin: $out"
log "cl1 -> cl3 $(echo "$out" | grep -o '[0-9]* received')"
out=$(c3 ping -6 -c 3 -i 0.5 -w 20 "$K1" 2>&1) ||
	sec_fail "cl3 cannot reach cl1 through the hairpin: $out"
log "cl3 -> cl1 $(echo "$out" | grep -o '[0-9]* received')"

[ "$(attr peers)" = 1 ] || sec_bad "cl1 peers $(attr peers), want 1"
[ "$(attr3 peers)" = 1 ] || sec_bad "cl3 peers $(attr3 peers), want 1"
n=$(sec_counter_get cl1 hairpin)
[ "$n" -ge 6 ] || sec_bad "cl1 sent $n datagram(s) to $M:$P3"
g=$(sec_counter_get cl1 group)
[ "$g" = 0 ] || sec_bad "$g datagram(s) to 224.0.0.253 with local discovery off"
[ "$(drop_count spoofed_src)" = "$s0" ] ||
	sec_bad "spoofed_src $s0 -> $(drop_count spoofed_src): the hairpin's source is not the mapping"
ip netns exec nat1 conntrack -L -p udp 2>/dev/null |
	grep -q "src=10.0.1.2 dst=$M sport=$P1 dport=$P3 .*src=10.0.1.3 dst=$M sport=$P3 dport=$P1" ||
	sec_bad "no hairpinned flow cl1 -> $M:$P3 -> cl3 in nat1's conntrack"
log "through nat1's hairpin: cl1 sent $n datagrams to $M:$P3, none to the group"

for ns in cl1 cl3; do
	ip -n $ns link del teredo0 || port_fail "link del ($ns)"
done
rmmod teredo || port_fail "rmmod"
sec_done
