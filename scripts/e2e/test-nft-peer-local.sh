#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Local client discovery through the firewall: cl1 (10.0.1.2) and cl3
# (10.0.1.3), two kteredo clients on one LAN behind nat1, a NAT that does
# not hairpin, each behind the example ruleset (input and output policy
# drop) with nf_conntrack_teredo, local discovery on (the default): cl1
# the example ruleset (teredo.nft) with its port set filled, cl3 a plain
# stateful "inet filter" table plus teredo-filter.nft, no port anywhere.
#   a. They reach each other over the LAN, ping both ways: the ruleset
#      lets the neighbour's discovery bubble in, the helper expects the
#      answers on the subnet (our own bubble) and lets us answer the
#      neighbour (its bubble), for 15 s each; cl1's expectation events
#      show both.
#      Once the 15 s are over, a LAN host's UDP to cl1's port is dropped
#      before the client sees it.
#   b. Nothing else to port 3544, from nat1 (10.0.1.1, a host on the
#      LAN): data to the group, a bubble with payload, a unicast bubble
#      to port 3544 neither pass the ruleset (the client's counters and
#      the ruleset's discovery counter do not move); a discovery bubble
#      from an address off the subnet passes the ruleset, but the helper
#      expects nothing for it (and the client counts it not_onlink).
#   c. With local discovery off in cl1, a neighbour's discovery bubble
#      opens nothing.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/port-lib.sh"
source "$(dirname "$0")/sec-lib.sh"
source "$(dirname "$0")/local-lib.sh"
NFT_RULESET=$PORT_TOP/userspace/nft/teredo.nft
NFT_FILTER=$PORT_TOP/userspace/nft/teredo-filter.nft
# a host's own stateful policy (ICMPv6 allowed, for the pings), which
# teredo-filter.nft adds to
BASE_FILTER='table inet filter {
	chain input {
		type filter hook input priority filter; policy drop;
		ct state established,related accept
		iifname "lo" accept
		meta l4proto ipv6-icmp accept
	}
	chain output {
		type filter hook output priority filter; policy drop;
		ct state established,related accept
		oifname "lo" accept
		meta l4proto ipv6-icmp accept
	}
}'

unload() {
	for ns in cl1 cl3; do
		ip netns exec $ns nft flush ruleset 2>/dev/null
		ip -n $ns link del teredo0 2>/dev/null
	done
	rmmod nf_conntrack_teredo 2>/dev/null
	port_unload
}
trap 'unload; e2e_cleanup' EXIT

P1=40001
P3=40003
expects() { ip netns exec "$1" conntrack -L expect 2>/dev/null; }
disc_count() {
	ip netns exec "$1" nft list counter inet teredo_fw teredo_discovery |
		awk '$1 == "packets" { print $2 }'
}
lfail() {
	local ns
	for ns in cl1 cl3; do
		echo "--- $ns expect"; expects $ns
		echo "--- $ns conntrack"; ip netns exec $ns conntrack -L 2>&1
		echo "--- $ns ruleset"; ip netns exec $ns nft list ruleset 2>&1
	done
	sec_fail "$@"
}

local_topology
modprobe teredo || port_fail "modprobe teredo"
modprobe nf_conntrack_teredo || port_fail "modprobe nf_conntrack_teredo"
# cl1's expectations from the start (both announce once qualified)
e2e_ct_events_on cl1 || port_fail "nf_conntrack_events in cl1"
e2e_expect_events cl1 "$E2E_TMP/expect-a" 180 ||
	port_fail "conntrack -E expect does not listen"
for ns in cl1:$P1 cl3:$P3; do
	n=${ns%:*}
	p=${ns#*:}
	if [ $n = cl1 ]; then
		ip netns exec $n nft -f "$NFT_RULESET" || port_fail "nft -f ($n)"
		ip netns exec $n nft add element inet teredo_fw teredo_port \
			"{ $p }" || port_fail "nft add element ($n)"
	else
		echo "$BASE_FILTER" | ip netns exec $n nft -f - &&
			ip netns exec $n nft -f "$NFT_FILTER" ||
			port_fail "nft -f teredo-filter.nft ($n)"
	fi
	ip -n $n link add teredo0 type teredo || port_fail "link add ($n)"
	ip netns exec $n sh -c "echo $E2E_SERVER >$SYS/server &&
		echo $p >$SYS/port" || port_fail "sysfs ($n)"
	[ "$(ip netns exec $n cat $SYS/local_discovery)" = 1 ] ||
		port_fail "local_discovery is not on by default ($n)"
	ip -n $n link set teredo0 up || port_fail "link up ($n)"
done
e2e_wait 40 both || lfail "not qualified: cl1 $(attr state), cl3 $(attr3 state)"
e2e_wait 10 disc_listening cl1 || lfail "cl1 does not listen on 224.0.0.253:3544"
e2e_wait 10 disc_listening cl3 || lfail "cl3 does not listen on 224.0.0.253:3544"
K1=$(attr address)
K3=$(attr3 address)
M=$(attr mapped_address)
[ "$(attr3 mapped_address)" = "$M" ] || lfail "not behind one NAT"
log "cl1 $K1 (port $P1), cl3 $K3 (port $P3), both mapped to $M"

# a. through both firewalls, over the LAN
out=$(cl ping -6 -c 3 -i 0.5 -w 30 "$K3" 2>&1) ||
	lfail "cl1 cannot reach cl3 through the firewalls: $out"
log "cl1 -> cl3 $(echo "$out" | grep -o '[0-9]* received')"
out=$(c3 ping -6 -c 3 -i 0.5 -w 20 "$K1" 2>&1) ||
	lfail "cl3 cannot reach cl1 through the firewalls: $out"
log "cl3 -> cl1 $(echo "$out" | grep -o '[0-9]* received')"
lan_flow() { cl conntrack -L -p udp --orig-src 10.0.1.3 --orig-dst 10.0.1.2 2>/dev/null |
	grep -q "dport=$P1 "; }
lan_flow2() { cl conntrack -L -p udp --orig-src 10.0.1.2 --orig-dst 10.0.1.3 2>/dev/null |
	grep -q "dport=$P3 "; }
lan_flow || lan_flow2 || lfail "no flow between 10.0.1.2 and 10.0.1.3 in cl1"
e2e_expect_events_stop
e=$(grep "\[NEW\]" "$E2E_TMP/expect-a")
log "cl1's new expectations:"
echo "$e" | sed 's/^/#   /'
echo "$e" | grep -q "src=10.0.1.0 dst=10.0.1.2 sport=0 dport=$P1 .*mask-src=255.255.255.0 .*master-dst=224.0.0.253.*PERMANENT" ||
	sec_bad "cl1: no expectation for its subnet (its own discovery bubble)"
echo "$e" | grep -q "src=10.0.1.2 dst=10.0.1.3 sport=$P1 dport=$P3 .*master-src=10.0.1.3 master-dst=224.0.0.253" ||
	sec_bad "cl1: no expectation toward cl3 (cl3's discovery bubble)"
n=$(disc_count cl1)
[ "$n" -ge 1 ] || sec_bad "cl1's ruleset let in $n discovery bubbles"
# the window closes: then a LAN host's datagram to the port is dropped
link_open() { expects cl1 | grep -q "mask-src=255.255.255.0"; }
link_closed() { ! link_open; }
e2e_wait 40 link_closed ||
	sec_bad "cl1's subnet still expected after 40 s: $(expects cl1)"
all_drops() { attr drops | awk '{ s += $2 } END { print s }'; }
m0=$(all_drops)
ip netns exec nat1 python3 -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('10.0.1.1', 4200))
for _ in range(3): s.sendto(b'not teredo', ('10.0.1.2', $P1))"
sleep 1
if link_open; then
	log "cl1 sent a discovery bubble meanwhile: not checked"
elif [ "$(all_drops)" != "$m0" ]; then
	sec_bad "unsolicited UDP from 10.0.1.1 reached cl1's client (drops $m0 -> $(all_drops))"
else
	log "the subnet's window closed; 10.0.1.1's datagrams to $P1 dropped"
fi

# b. nothing else to port 3544 (nat1 is the other host on the LAN)
OTHER=$(teredo_of "$E2E_SERVER" 0 198.51.100.99 4000)
for r in not_onlink bad_dst malformed spoofed_src; do
	eval "d0_$r=$(drop_count $r)"
done
n0=$(disc_count cl1)
disc nat1 10.0.1.1 4101 "$OTHER" ff02::1 8		# a bubble with payload
disc nat1 10.0.1.1 4102 "$OTHER" "$K1" 0 1 10.0.1.2 3544	# unicast
ip netns exec nat1 python3 - <<'EOF'
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('10.0.1.1', 4103))
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton('10.0.1.1'))
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
s.sendto(b'\x60' + bytes(47), ('224.0.0.253', 3544))	# 48 bytes, not a bubble
s.sendto(b'hello, port 3544', ('224.0.0.253', 3544))
EOF
sleep 1
for r in bad_dst malformed; do
	eval "d0=\$d0_$r"
	[ "$(drop_count $r)" = "$d0" ] ||
		sec_bad "$r $d0 -> $(drop_count $r): the ruleset let something in"
done
[ "$(disc_count cl1)" = "$n0" ] ||
	sec_bad "the discovery rule matched $(($(disc_count cl1) - n0)) of 4 other datagrams"
# a discovery bubble from off the subnet: in, counted, nothing expected
ip -n nat1 addr add 10.9.9.1/24 dev br1 || lfail "10.9.9.1 on nat1"
disc nat1 10.9.9.1 4104 "$OTHER"
e2e_wait 5 drops_ge not_onlink $((d0_not_onlink + 1)) ||
	sec_bad "not_onlink $d0_not_onlink -> $(drop_count not_onlink)"
[ "$(disc_count cl1)" = $((n0 + 1)) ] ||
	sec_bad "the discovery rule matched $(($(disc_count cl1) - n0)), want 1"
expects cl1 | grep -q "10.9.9.1" &&
	sec_bad "an expectation for 10.9.9.1, off the subnet: $(expects cl1)"
# a neighbour's bubble (another NAT's address: the client ignores it)
# lets cl1 answer that neighbour, nothing more
disc nat1 10.0.1.1 4105 "$OTHER"
e2e_wait 5 drops_ge spoofed_src $((d0_spoofed_src + 1)) ||
	sec_bad "spoofed_src $d0_spoofed_src -> $(drop_count spoofed_src)"
e=$(expects cl1 | grep "dst=10.0.1.1 ")
echo "$e" | grep -q "src=10.0.1.2 dst=10.0.1.1 sport=$P1 dport=4105 " ||
	sec_bad "no expectation 10.0.1.2:$P1 -> 10.0.1.1:4105: $(expects cl1)"
[ "$(echo "$e" | grep -c .)" = 1 ] || sec_bad "expectations toward 10.0.1.1: $e"
log "nothing else to 3544; an off-subnet bubble opens nothing; a neighbour's opens: $e"

# c. local discovery off: a neighbour's bubble opens nothing
cl sh -c "echo 0 >$SYS/local_discovery" || port_fail "local_discovery off"
e2e_wait 10 sh -c "! ip netns exec cl1 ss -Huln | grep -q '224.0.0.253[^ ]*:3544 '" ||
	sec_bad "cl1 still listens on 224.0.0.253:3544 once off"
disc nat1 10.0.1.1 4106 "$OTHER"
sleep 1
expects cl1 | grep -q "dport=4106 " &&
	sec_bad "local discovery off, yet an expectation: $(expects cl1 | grep 4106)"
log "off: a neighbour's bubble opens nothing"
sec_done
exit 0
