#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# GRO on the Teredo socket (kmod/gro.c): over a link that behaves like a
# wire (e2e_wire: nat2 cuts cl1's UDP tunnel GSO packets into datagrams
# before cl2), cl2 receives one datagram per TCP segment while its e0
# does no GRO (rx_gso_packets does not move), and merged trains of more
# than one datagram once GRO is on (ethtool -K e0 gro on). Each way 1 MB
# arrives intact; the server's packets (origin indication first) are not
# merged, so cl2 still requalifies with GRO on.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/port-lib.sh"
source "$(dirname "$0")/peer-lib.sh"
trap 'port_unload; e2e_cleanup' EXIT

peer_pair
e2e_wire cl2
out=$(ip netns exec cl1 ping -6 -c 3 -i 0.5 -w 20 "$K2") ||
	peer_fail "cl1 cannot ping cl2: $out"

g0=$(peer_stat cl2 rx_gso_packets)
peer_bulk 1000000 7003
g1=$(peer_stat cl2 rx_gso_packets)
s1=$(peer_stat cl2 rx_gso_segments)
log "GRO off: 1 MB intact, rx_gso_packets $g0 -> $g1"
[ "$g1" = "$g0" ] ||
	peer_fail "rx_gso_packets over a wire with GRO off: $g0 -> $g1"

ip netns exec cl2 ethtool -K e0 gro on || peer_fail "ethtool -K e0 gro on"
peer_bulk 1000000 7004
g2=$(peer_stat cl2 rx_gso_packets)
s2=$(peer_stat cl2 rx_gso_segments)
log "GRO on: 1 MB intact, $((g2 - g1)) merged packets of $((s2 - s1)) datagrams"
[ "$((g2 - g1))" -gt 0 ] || peer_fail "GRO on: nothing merged"
[ "$((s2 - s1))" -gt "$((g2 - g1))" ] ||
	peer_fail "GRO on: $((g2 - g1)) packets of $((s2 - s1)) datagrams"
for r in malformed untrusted nomem; do
	[ "$(drop_count cl2 $r)" = 0 ] || peer_fail "cl2 $r: $(drop_count cl2 $r)"
done

# A new port: qualification again (RS/RA with origin indication), then
# the peer again, all through the GRO path.
old=$K2
ip netns exec cl2 sh -c "echo 1 > $PEER_SYS/rebind" || peer_fail "rebind"
requalified() { qualified cl2 && [ "$(attr cl2 address)" != "$old" ]; }
e2e_wait 30 requalified || peer_fail "cl2 does not requalify with GRO on"
K2=$(attr cl2 address)
out=$(ip netns exec cl1 ping -6 -c 3 -i 0.5 -w 20 "$K2") ||
	peer_fail "cl1 cannot ping cl2 after the rebind: $out"
log "requalified with GRO on, $K2 answers"
exit 0
