#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Two kteredo instances (cl1, cl2), each behind its own port-restricted
# NAT, talk directly: cl1 starts (queue, direct + indirect bubbles, the
# indirect one answered through the server), ICMPv6 and TCP both ways,
# the peer caches see each other, the traffic goes straight between the
# two NATs (not through the server), and teardown with full caches leaves
# nothing behind.
#
# teredo0's offloads are on by default: TCP leaves cl1 as UDP tunnel GSO
# packets (send.c), so cl1's teredo0 must have sent the 2 MB in fewer
# than 1000 packets (at least 1656 without GSO: 1208-byte segments); on
# veths nothing cuts them, so cl2 receives them whole (ethtool -S
# rx_gso_packets > 0). With PEER_NO_OFFLOAD=1 (test-peer-kteredo-
# no-offload.sh) they are off on both sides (ethtool -K teredo0 sg off tx
# off tso off gso off): at least 1656 packets, none received as GSO.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/port-lib.sh"
source "$(dirname "$0")/peer-lib.sh"
trap 'port_unload; e2e_cleanup' EXIT
SYS=$PEER_SYS

if [ -n "${PEER_NO_OFFLOAD:-}" ]; then
	peer_pair sg off tx off tso off gso off
else
	peer_pair
fi

out=$(ip netns exec cl1 ping -6 -c 3 -i 0.5 -w 20 "$K2") ||
	peer_fail "cl1 cannot ping cl2: $out"
log "cl1 -> cl2: $(echo "$out" | grep -o '[0-9]* received')"
out=$(ip netns exec cl2 ping -6 -c 3 -i 0.5 -w 10 "$K1") ||
	peer_fail "cl2 cannot ping cl1: $out"
log "cl2 -> cl1: $(echo "$out" | grep -o '[0-9]* received')"
for ns in cl1 cl2; do
	[ "$(attr $ns peers)" = 1 ] || peer_fail "$ns: peers $(attr $ns peers)"
done

# TCP both ways, and a bulk transfer checked byte for byte (md5).
ip netns exec cl1 timeout 120 socat -T 30 "TCP6-LISTEN:7001,reuseaddr" \
	EXEC:cat >/dev/null 2>&1 &
e2e_wait 10 listening cl1 7001 || peer_fail "no listener on cl1:7001"
msg="kteredo-$RANDOM"
got=$(echo "$msg" | ip netns exec cl2 timeout 60 socat -t 20 -T 30 - "TCP6:[$K1]:7001")
[ "$got" = "$msg" ] || peer_fail "TCP cl2 -> cl1: got '$got'"
peer_bulk 2000000 7002
log "TCP both ways, 2 MB cl1 -> cl2 intact"
txp=$(ip netns exec cl1 cat /sys/class/net/teredo0/statistics/tx_packets)
log "cl1 teredo0 tx_packets $txp"
rxg=$(peer_stat cl2 rx_gso_packets)
log "cl2 teredo0 rx_gso_packets $rxg"
if [ -n "${PEER_NO_OFFLOAD:-}" ]; then
	[ "$txp" -ge 1656 ] || peer_fail "2 MB in $txp packets with GSO off"
	[ "$rxg" = 0 ] || peer_fail "rx_gso_packets $rxg with GSO off"
else
	[ "$txp" -lt 1000 ] || peer_fail "2 MB in $txp packets: no GSO"
	[ "${rxg:-0}" -gt 0 ] || peer_fail "no GSO packet received whole"
fi

# Direct: the NATs' conntrack shows the flow between the two mappings.
m2=$(attr cl2 mapped_port)
ip netns exec nat1 conntrack -L -p udp 2>/dev/null |
	grep -q "dst=198.51.100.12 .*dport=$m2 " ||
	peer_fail "no direct flow to 198.51.100.12:$m2 in nat1's conntrack"

for ns in cl1 cl2; do
	for r in untrusted queue_full peer_unreachable; do
		[ "$(drop_count $ns $r)" = 0 ] ||
			peer_fail "$ns $r: $(drop_count $ns $r)"
	done
done

# A Teredo peer that never answers (server 198.51.100.1, mapped
# 198.51.100.99:4000, nobody there): 1248-byte pings for 3 s fill the 4096-byte
# queue (queue_full), 4 bubble rounds go unanswered, the rest is dropped
# as peer_unreachable, and for 30 s new packets too, each answered with an
# ICMPv6 address unreachable.
GHOST=2001:0:c633:6401:0:f05f:39cc:9b9c
q0=$(drop_count cl1 queue_full)
ip netns exec cl1 ping -6 -c 6 -i 0.2 -s 1200 -w 3 "$GHOST" >/dev/null 2>&1 &&
	peer_fail "the ghost answered"
e2e_wait 5 sh -c "[ \$(ip netns exec cl1 cat $SYS/drops | awk '\$1 == \"queue_full\" { print \$2 }') -ge $((q0 + 1)) ]" ||
	peer_fail "queue_full: $(drop_count cl1 queue_full)"
e2e_wait 15 sh -c "[ \$(ip netns exec cl1 cat $SYS/drops | awk '\$1 == \"peer_unreachable\" { print \$2 }') -ge 3 ]" ||
	peer_fail "peer_unreachable: $(drop_count cl1 peer_unreachable)"
u=$(drop_count cl1 peer_unreachable)
out=$(ip netns exec cl1 ping -6 -c 1 -w 2 "$GHOST" 2>&1)
[ "$(drop_count cl1 peer_unreachable)" -gt "$u" ] ||
	peer_fail "tx to a peer just given up on not dropped at once"
# and its sender is told so at once (ICMPv6 address unreachable)
echo "$out" | grep -q 'Destination unreachable: Address unreachable' ||
	peer_fail "no ICMPv6 address unreachable for the ghost: $out"
log "ghost peer: queue_full $(drop_count cl1 queue_full), peer_unreachable $(drop_count cl1 peer_unreachable)"

# Teardown under traffic: a flood running while the devices go.
ip netns exec cl1 ping -6 -f -w 10 "$K2" >/dev/null 2>&1 &
sleep 2
ip -n cl2 link del teredo0 || port_fail "link del cl2"
ip netns del cl1 || port_fail "netns del cl1"
E2E_NETNS=${E2E_NETNS/cl1 /}
sleep 1
rmmod teredo || port_fail "rmmod"
exit 0
