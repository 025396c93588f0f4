#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kteredo (cl1, behind a port-restricted NAT) reaches a native IPv6 host
# through a real Miredo relay: the first packets wait while an ICMPv6
# echo request with a nonce goes through the server to the host; the
# relay that brings the reply back (after its own bubbles) becomes the
# host's relay. ICMPv6 and TCP then flow both ways through that relay,
# and the host can also start a new exchange.
#
#   srv 198.51.100.1 (2001:db8:ff::1) --- WAN --- relay 198.51.100.20
#                                                  (2001:db8:ff::20)
#                                                   | 2001:db8:1::1
#                                  host6 2001:db8:1::2
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/port-lib.sh"
trap 'port_unload; e2e_cleanup' EXIT

SYS=/sys/class/net/teredo0/teredo
attr() { ip netns exec cl1 cat "$SYS/$1"; }
state_is() { [ "$(attr state)" = "$1" ]; }
drop_count() { attr drops | awk -v r="$1" '$1 == r { print $2 }'; }
peer_fail() {
	e2e_dump
	echo "--- drops"; attr drops
	echo "--- peers $(attr peers)"
	ip -n relay -6 route
	port_fail "$*"
}

e2e_topology
e2e_nat 1 masquerade
e2e_relay
RELAY=$E2E_RELAY
HOST=$E2E_HOST6
e2e_miredo_server

modprobe teredo || port_fail "modprobe teredo"
ip -n cl1 link add teredo0 type teredo || port_fail "ip link add"
ip netns exec cl1 sh -c "echo $E2E_SERVER > $SYS/server" ||
	port_fail "server attribute"
ip -n cl1 link set teredo0 up || port_fail "link up"
e2e_wait 30 state_is qualified || peer_fail "kteredo not qualified"
K=$(attr address)
e2e_wait 5 sh -c "ip -n cl1 -6 addr show dev teredo0 | grep -q $K" ||
	peer_fail "address not on teredo0"
e2e_wait 20 sh -c 'ip -n relay -6 route | grep -q "^2001::/32 dev teredo"' ||
	peer_fail "relay has no 2001::/32 route"
# a native destination goes through teredo0 (no default route here)
ip -n cl1 -6 route add 2001:db8::/32 dev teredo0 || port_fail "route"
log "kteredo $K, native host $HOST behind relay $RELAY"

# 1. kteredo starts: echo test through the server, relay found.
out=$(ip netns exec cl1 ping -6 -c 3 -i 0.5 -w 25 "$HOST") ||
	peer_fail "kteredo cannot ping the native host: $out"
log "kteredo -> native host: $(echo "$out" | grep -o '[0-9]* received')"
# the reply came from the relay: nat1 has a flow with it
ip netns exec nat1 conntrack -L -p udp 2>/dev/null |
	grep -q "dst=$RELAY " ||
	peer_fail "no flow with the relay in nat1's conntrack"

# 2. TCP both ways through the relay.
ip netns exec host6 timeout 30 socat -T 10 "TCP6-LISTEN:7001,reuseaddr" \
	EXEC:cat >/dev/null 2>&1 &
ip netns exec cl1 timeout 30 socat -T 10 "TCP6-LISTEN:7002,reuseaddr" \
	EXEC:cat >/dev/null 2>&1 &
e2e_wait 10 listening host6 7001 || peer_fail "no listener on host6:7001"
e2e_wait 10 listening cl1 7002 || peer_fail "no listener on cl1:7002"
msg="relay-$RANDOM"
got=$(echo "$msg" | ip netns exec cl1 timeout 20 socat -t 5 -T 10 - "TCP6:[$HOST]:7001")
[ "$got" = "$msg" ] || peer_fail "TCP kteredo -> host: got '$got'"
got=$(echo "$msg" | ip netns exec host6 timeout 20 socat -t 5 -T 10 - "TCP6:[$K]:7002")
[ "$got" = "$msg" ] || peer_fail "TCP host -> kteredo: got '$got'"
log "TCP both ways through the relay"

# 3. The native host pings us from another address: a new peer, whose
# first packet comes through the relay unvouched for (queued, checked
# with the echo test, then delivered).
ip -n host6 addr add 2001:db8:1::3/64 dev e0
sleep 1
out=$(ip netns exec host6 ping -6 -I 2001:db8:1::3 -c 3 -i 0.5 -w 25 "$K") ||
	peer_fail "the host cannot start an exchange: $out"
log "native host (new address) -> kteredo: $(echo "$out" | grep -o '[0-9]* received')"

for r in untrusted queue_full peer_unreachable; do
	[ "$(drop_count $r)" = 0 ] || peer_fail "$r: $(drop_count $r)"
done
p=$(attr peers)
[ "$p" -ge 2 ] || peer_fail "peers is $p"

ip -n cl1 link del teredo0 || port_fail "link del"
rmmod teredo || port_fail "rmmod"
exit 0
