# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the local discovery tests (test-*-local.sh); sourced after
# lib.sh, port-lib.sh and sec-lib.sh. Two client namespaces on one LAN,
# cl1 (10.0.1.2) and cl3 (10.0.1.3), behind nat1 (10.0.1.1, masquerade),
# which does not hairpin: a datagram from the LAN to its public address
# stays in it.

c3() { ip netns exec cl3 "$@"; }
attr3() { c3 cat "$SYS/$1"; }
both() { [ "$(attr state)" = qualified ] && [ "$(attr3 state)" = qualified ]; }
disc_listening() { ip netns exec "$1" ss -Huln | grep -q '224.0.0.253[^ ]*:3544 '; }

# disc NS SRC SPORT SRC6 [DST6 [LEN [COUNT [DADDR [DPORT]]]]]: a bubble (a
# datagram with IPv6 payload LEN, next header 59) from SRC:SPORT to
# DADDR:DPORT, 224.0.0.253:3544 by default, multicast with TTL 1 from SRC
disc() {
	ip netns exec "$1" python3 - "${@:2}" <<'EOF'
import socket, struct, sys
a = sys.argv[1:] + [None] * 8
src, sport, src6 = a[0], int(a[1]), a[2]
dst6, n = a[3] or 'ff02::1', int(a[4] or 0)
count, daddr, dport = int(a[5] or 1), a[6] or '224.0.0.253', int(a[7] or 3544)
pkt = struct.pack('!IHBB', 6 << 28, n, 59, 0) + \
    socket.inet_pton(socket.AF_INET6, src6) + \
    socket.inet_pton(socket.AF_INET6, dst6) + bytes(n)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((src, sport))
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(src))
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
for _ in range(count):
    s.sendto(pkt, (daddr, dport))
EOF
}

# local_topology: the rig, nat1's LAN made a bridge with cl3 on it, and
# miredo-server
local_topology() {
	e2e_topology
	e2e_nat 1 masquerade
	ip netns exec nat1 sysctl -qw net.netfilter.nf_conntrack_udp_timeout=90
	ip -n nat1 link add br1 type bridge
	ip -n nat1 addr del 10.0.1.1/24 dev e1
	ip -n nat1 link set e1 master br1
	ip -n nat1 addr add 10.0.1.1/24 dev br1
	ip -n nat1 link set br1 up
	e2e_ns_add cl3
	ip -n nat1 link add e3 type veth peer name e0 netns cl3
	ip -n nat1 link set e3 master br1 up
	ip -n cl3 addr add 10.0.1.3/24 dev e0
	ip -n cl3 link set e0 up
	ip -n cl3 route add default via 10.0.1.1
	e2e_miredo_server
}

# local_clients_nodisc: teredo0 in cl1 and cl3, local discovery off, both
# qualified behind nat1 with their addresses on the devices; K1, K3 and
# their shared mapped address M set. After modprobe teredo.
local_clients_nodisc() {
	local ns

	for ns in cl1 cl3; do
		ip -n $ns link add teredo0 type teredo ||
			port_fail "link add ($ns)"
		ip netns exec $ns sh -c "echo 0 >$SYS/local_discovery && \
			echo $E2E_SERVER >$SYS/server" || port_fail "sysfs ($ns)"
		ip -n $ns link set teredo0 up || port_fail "link up ($ns)"
	done
	e2e_wait 30 both ||
		sec_fail "not qualified: cl1 $(attr state), cl3 $(attr3 state)"
	K1=$(attr address)
	K3=$(attr3 address)
	M=$(attr mapped_address)
	[ "$(attr3 mapped_address)" = "$M" ] || sec_fail "not behind one NAT"
	for ns in cl1 cl3; do
		e2e_wait 5 sh -c "ip -n $ns -6 addr show dev teredo0 | grep -q $(ip netns exec $ns cat $SYS/address)" ||
			sec_fail "address not on teredo0 ($ns)"
	done
}
