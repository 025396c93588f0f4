#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Broadcast and multicast UDP to the Teredo port (skb->pkt_type not
# PACKET_HOST) is dropped at once, counted as "not_host", and goes no
# further: the same payload sent unicast is counted as malformed.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/port-lib.sh"
trap 'port_unload; e2e_cleanup' EXIT

SYS=/sys/class/net/teredo0/teredo
cl() { ip netns exec cl1 "$@"; }
drops() { cl awk -v n="$1" '$1 == n { print $2 }' $SYS/drops; }
# send_from_nat1 DST N: N datagrams out of e1, a bad Teredo header type,
# to DST:port
send_from_nat1() {
	ip netns exec nat1 python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"e1")
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF,
             socket.inet_aton("10.0.1.1"))
for i in range(int(sys.argv[3])):
    s.sendto(b"\x00\x05" + bytes(46), (sys.argv[1], int(sys.argv[2])))
' "$1" "$port" "$2"
}

e2e_topology
e2e_nat 1 masquerade
modprobe teredo || port_fail "modprobe teredo"
ip -n cl1 link add teredo0 type teredo || port_fail "ip link add"
ip -n cl1 link set teredo0 up || port_fail "link up"
port=$(cl cat $SYS/port) || port_fail "no port"

send_from_nat1 10.0.1.255 3 || port_fail "broadcast send"
send_from_nat1 255.255.255.255 2 || port_fail "limited broadcast send"
send_from_nat1 224.0.0.1 2 || port_fail "multicast send"
e2e_wait 5 sh -c "[ \"\$(ip netns exec cl1 awk '\$1 == \"not_host\" { print \$2 }' $SYS/drops)\" = 7 ]" ||
	port_fail "not_host $(drops not_host), not 7: $(cl cat $SYS/drops | tr '\n' ' ')"
# not_qualified counts the stack's own transmissions (RS, MLD): not ours
[ "$(drops malformed)" = 0 ] ||
	port_fail "broadcast/multicast went on to the parser: $(cl cat $SYS/drops | tr '\n' ' ')"
log "7 broadcast/multicast datagrams to port $port: not_host 7, malformed 0"
# the same counters, one value each, through ethtool -S
st=$(cl ethtool -S teredo0) || port_fail "ethtool -S: $st"
echo "$st" | grep -Eq '^ +drop_not_host: 7$' || port_fail "ethtool -S: $st"
echo "$st" | grep -Eq '^ +drop_not_global: 0$' || port_fail "ethtool -S: $st"

send_from_nat1 10.0.1.2 1 || port_fail "unicast send"
e2e_wait 5 sh -c "[ \"\$(ip netns exec cl1 awk '\$1 == \"malformed\" { print \$2 }' $SYS/drops)\" = 1 ]" ||
	port_fail "unicast: malformed $(drops malformed), not 1"
[ "$(drops not_host)" = 7 ] || port_fail "unicast counted as not_host"
log "the same payload unicast: malformed 1"
exit 0
