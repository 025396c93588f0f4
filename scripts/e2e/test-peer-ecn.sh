#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ECN through the tunnel (RFC 6040, normal mode), kteredo to kteredo:
#  - cl1's ECT(0) pings leave with ECT(0) in the outer IPv4 header, its
#    plain ones with not-ECT (counted in nat1's forward chain);
#  - nat1 then marks CE on the way: the ECT(0) pings reach cl2 with CE
#    in their own header (counted in cl2's input chain) and are answered;
#    large not-ECT pings marked CE are dropped by cl2 (drop reason ecn),
#    as the congestion they carry cannot be passed on.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/port-lib.sh"
source "$(dirname "$0")/peer-lib.sh"
trap 'port_unload; e2e_cleanup' EXIT

# counter NS NAME: packets of a named counter of table ecntest
counter() {
	ip netns exec "$1" nft list counter "$2" ecntest "$3" |
		awk '$1 == "packets" { print $2 }'
}

peer_pair
out=$(ip netns exec cl1 ping -6 -c 3 -i 0.5 -w 20 "$K2") ||
	peer_fail "cl1 cannot ping cl2: $out"

ip netns exec nat1 nft -f - <<'NFT' || peer_fail "nft (nat1)"
table ip ecntest {
	counter c_ect0 { }
	counter c_notect_big { }
	chain forward_ecn {
		type filter hook forward priority -10; policy accept;
		iifname "e1" meta l4proto udp ip ecn ect0 counter name c_ect0
		iifname "e1" meta l4proto udp ip length > 1000 ip ecn not-ect \
			counter name c_notect_big
	}
}
NFT
ip netns exec cl2 nft -f - <<'NFT' || peer_fail "nft (cl2)"
table ip6 ecntest {
	counter c_ce { }
	chain input_ecn {
		type filter hook input priority -10; policy accept;
		iifname "teredo0" icmpv6 type echo-request ip6 ecn ce \
			counter name c_ce
	}
}
NFT

ip netns exec cl1 ping -6 -Q 2 -c 5 -i 0.3 -w 10 "$K2" >/dev/null ||
	peer_fail "ECT(0) pings not answered"
n=$(counter nat1 ip c_ect0)
[ "$n" -ge 5 ] || peer_fail "outer ECT(0): $n packets for 5 ECT(0) pings"
ip netns exec cl1 ping -6 -c 5 -i 0.3 -s 1100 -w 10 "$K2" >/dev/null ||
	peer_fail "plain pings not answered"
m=$(counter nat1 ip c_notect_big)
[ "$m" -ge 5 ] || peer_fail "outer not-ECT: $m packets for 5 plain pings"
[ "$(counter nat1 ip c_ect0)" = "$n" ] ||
	peer_fail "plain pings left with ECT(0)"
log "outer ECN: $n ECT(0) for the ECT(0) pings, $m not-ECT for the plain ones"

# nat1 marks CE on what cl1 sends: ECT(0) packets and large not-ECT ones
ip netns exec nat1 nft add rule ip ecntest forward_ecn iifname e1 \
	meta l4proto udp ip ecn ect0 ip ecn set ce ||
	peer_fail "nft: CE for ECT(0)"
ip netns exec nat1 nft add rule ip ecntest forward_ecn iifname e1 \
	meta l4proto udp ip length '>' 1000 ip ecn not-ect ip ecn set ce ||
	peer_fail "nft: CE for not-ECT"
ip netns exec cl1 ping -6 -Q 2 -c 5 -i 0.3 -w 10 "$K2" >/dev/null ||
	peer_fail "ECT(0) pings under CE not answered"
c=$(counter cl2 ip6 c_ce)
[ "$c" -ge 5 ] || peer_fail "inner CE at cl2: $c packets for 5 pings"
e0=$(drop_count cl2 ecn)
ip netns exec cl1 ping -6 -c 5 -i 0.3 -s 1100 -w 4 "$K2" >/dev/null &&
	peer_fail "not-ECT pings under CE were answered"
e1=$(drop_count cl2 ecn)
[ "$((e1 - e0))" -ge 5 ] || peer_fail "drop ecn: $e0 -> $e1 for 5 pings"
log "under CE: $c inner CE at cl2, $((e1 - e0)) not-ECT dropped (ecn)"
exit 0
