#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The world moves under a qualified kteredo (cl1, behind nat1), with a real
# Miredo peer (cl2, behind nat2) to show it still works after each move:
#   1. nat1's mapping changes (it now masquerades to another public address
#      and forgets its flows): the next refresh's RA shows the new mapping,
#      kteredo qualifies again and takes the new Teredo address, on the
#      same local port;
#   2. an unrelated IPv4 address comes and goes in cl1: nothing changes;
#   3. cl1's own IPv4 address changes: the address notifier makes kteredo
#      check at once (refreshes are an hour apart by then), rebind to a new
#      port and qualify again from the new address.
# After 1 and 3 the Miredo peer and kteredo ping each other both ways.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/port-lib.sh"
trap 'port_unload; e2e_cleanup' EXIT

SYS=/sys/class/net/teredo0/teredo
cl() { ip netns exec cl1 "$@"; }
attr() { cl cat "$SYS/$1"; }
state_is() { [ "$(attr state)" = "$1" ]; }
# addr_is_not OLD: qualified with another address, kept in $new_addr. One
# read of the address: a client that loses OLD and qualifies again shows
# an empty one in between, whatever the state said a moment before.
addr_is_not() {
	new_addr=$(attr address)
	[ -n "$new_addr" ] && [ "$new_addr" != "$1" ]
}
dev_has_addr() {
	ip -n cl1 -6 -o addr show dev teredo0 scope global | grep -q "inet6 $1/32 "
}
mfail() {
	e2e_dump
	echo "--- drops"; attr drops
	echo "--- nat1 conntrack"; ip netns exec nat1 conntrack -L 2>&1
	port_fail "$*"
}
# both_ways WHAT: kteredo and the Miredo peer ping each other
both_ways() {
	local k out
	k=$(attr address)
	e2e_wait 5 dev_has_addr "$k" || mfail "$1: $k not on teredo0"
	out=$(cl ping -6 -c 3 -i 0.5 -w 20 "$M") ||
		mfail "$1: kteredo cannot ping miredo: $out"
	log "$1: kteredo -> miredo $(echo "$out" | grep -o '[0-9]* received')"
	out=$(ip netns exec cl2 ping -6 -c 3 -i 0.5 -w 20 "$k") ||
		mfail "$1: miredo cannot ping kteredo $k: $out"
	log "$1: miredo -> kteredo $(echo "$out" | grep -o '[0-9]* received')"
}
# mapped_ip ADDR: the public IPv4 address a Teredo address encodes
mapped_ip() {
	python3 -c 'import ipaddress, sys
a = ipaddress.IPv6Address(sys.argv[1]).packed
print(ipaddress.IPv4Address(bytes(b ^ 0xff for b in a[12:])))' "$1"
}

e2e_topology
e2e_nat 1 masquerade
e2e_nat 2 masquerade
e2e_miredo_server
e2e_miredo cl2

modprobe teredo refresh_interval=5 || port_fail "modprobe teredo"
ip -n cl1 link add teredo0 type teredo || port_fail "ip link add"
cl sh -c "echo $E2E_SERVER > $SYS/server" || port_fail "server attribute"
ip -n cl1 link set teredo0 up || port_fail "link up"
e2e_wait 30 state_is qualified || mfail "not qualified (state $(attr state))"
e2e_wait 60 e2e_has_teredo_addr cl2 || mfail "miredo cl2 not qualified"
M=$(e2e_teredo_addr cl2)
K1=$(attr address)
P1=$(attr port)
[ "$(mapped_ip "$K1")" = 198.51.100.11 ] || mfail "first address $K1"
log "kteredo $K1 (port $P1, mapped $(attr mapped_address):$(attr mapped_port)), miredo $M"
both_ways "before"

# 1. The NAT's mapping changes.
ip -n nat1 addr add 198.51.100.21/24 dev e0
ip netns exec nat1 nft flush chain ip nat post
ip netns exec nat1 nft add rule ip nat post oifname e0 snat to 198.51.100.21
ip netns exec nat1 conntrack -F 2>/dev/null
e2e_wait 20 addr_is_not "$K1" ||
	mfail "no new address 20 s after the mapping changed: $(attr state) $(attr address)"
K2=$new_addr
[ "$(mapped_ip "$K2")" = 198.51.100.21 ] || mfail "new address $K2"
[ "$(attr mapped_address)" = 198.51.100.21 ] ||
	mfail "mapped_address $(attr mapped_address)"
[ "$(attr port)" = "$P1" ] || mfail "local port moved: $P1 -> $(attr port)"
e2e_wait 5 sh -c "! ip -n cl1 -6 -o addr show dev teredo0 | grep -q ' $K1/'" ||
	mfail "old address $K1 still on teredo0"
log "mapping changed: $K1 -> $K2 (port $P1 kept)"
both_ways "new mapping"

# From here on refreshes are an hour apart: whatever happens next within
# seconds is the address notifier's doing. Let one refresh pick it up.
[ "$(ip netns exec cl1 python3 "$(dirname "$0")/teredo-nl.py" change teredo0 refresh=3600)" = ok ] ||
	mfail "cannot set the refresh interval"
sleep 6

# 2. An unrelated address comes and goes: same address, same port.
ip -n cl1 addr add 192.0.2.99/32 dev lo
ip -n cl1 addr del 192.0.2.99/32 dev lo
sleep 3
state_is qualified && [ "$(attr address)" = "$K2" ] &&
	[ "$(attr port)" = "$P1" ] ||
	mfail "unrelated address event changed things: $(attr state) $(attr address) port $(attr port)"
log "unrelated address event: nothing changed"

# 3. cl1's own address changes.
ip netns exec cl1 sysctl -qw net.ipv4.conf.e0.promote_secondaries=1
ip -n cl1 addr add 10.0.1.3/24 dev e0
ip -n cl1 addr del 10.0.1.2/24 dev e0
ip -n cl1 route replace default via 10.0.1.1
e2e_wait 15 addr_is_not "$K2" ||
	mfail "no requalification 15 s after the local address changed: $(attr state) $(attr address)"
K3=$new_addr
P3=$(attr port)
[ "$P3" != "$P1" ] || mfail "still on port $P1 after the local address changed"
[ "$(mapped_ip "$K3")" = 198.51.100.21 ] || mfail "third address $K3"
ip netns exec nat1 conntrack -L -p udp --orig-dst "$E2E_SERVER" 2>/dev/null |
	grep -q "src=10.0.1.3 dst=$E2E_SERVER sport=$P3 dport=3544 .*dport=$(attr mapped_port) " ||
	mfail "no NAT flow from 10.0.1.3:$P3"
log "local address changed: $K2 -> $K3, port $P1 -> $P3"
cl dmesg | grep -q "teredo0: local address 10.0.1.2 -> 10.0.1.3" ||
	mfail "no 'local address' message"
both_ways "new local address"

ip -n cl1 link del teredo0 || port_fail "link del"
rmmod teredo || port_fail "rmmod"
exit 0
