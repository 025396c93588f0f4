#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kteredo qualifies behind an nft masquerade NAT against the real
# miredo-server: the address encodes the server and the NAT's mapping
# (checked against the NAT's conntrack table), it is on the device with
# 2001::/32 and the default route asked for; the server goes away: the
# client goes offline in bounded time, drops the address and rebinds to a
# new port; the server comes back: it qualifies again.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/port-lib.sh"
trap 'port_unload; e2e_cleanup' EXIT

SYS=/sys/class/net/teredo0/teredo
cl() { ip netns exec cl1 "$@"; }
attr() { cl cat "$SYS/$1"; }
state_is() { [ "$(attr state)" = "$1" ]; }
dev_has_addr() {
	ip -n cl1 -6 -o addr show dev teredo0 scope global | grep -q "inet6 $1/32 "
}

e2e_topology
e2e_nat 1 masquerade
e2e_miredo_server

# short timers so that the loss is seen in seconds (defaults 30 s, 100 s)
modprobe teredo refresh_interval=5 restart_delay=5 default_route=1 ||
	port_fail "modprobe teredo"
ip -n cl1 link add teredo0 type teredo || port_fail "ip link add"
cl sh -c "echo $E2E_SERVER > $SYS/server" || port_fail "server attribute"
ip -n cl1 link set teredo0 up || port_fail "link up"

e2e_wait 30 state_is qualified ||
	port_fail "not qualified within 30 s (state $(attr state))"
addr=$(attr address)
port=$(attr port)
log "qualified: $addr, local port $port"

# 2001:0:c633:6401:<flags>:<~port>:<~198.51.100.11>
case $addr in
2001:0:c633:6401:*:*:39cc:9bf4) ;;
*) port_fail "address $addr does not encode server 198.51.100.1 and NAT 198.51.100.11" ;;
esac
[ "$(attr mapped_address)" = 198.51.100.11 ] ||
	port_fail "mapped_address is $(attr mapped_address)"
mport=$(attr mapped_port)
# the port in the address is the obfuscated mapped port
obf=$(python3 -c "import ipaddress,sys; a=ipaddress.IPv6Address(sys.argv[1]).packed; print((a[10]<<8|a[11])^0xffff)" "$addr")
[ "$obf" = "$mport" ] || port_fail "address port $obf, mapped_port $mport"
# what the NAT really did: 10.0.1.2:port -> 198.51.100.11:mport
ct=$(ip netns exec nat1 conntrack -L -p udp --orig-dst $E2E_SERVER 2>/dev/null)
echo "$ct" | grep -q "src=10.0.1.2 dst=$E2E_SERVER sport=$port dport=3544 .*src=$E2E_SERVER dst=198.51.100.11 sport=3544 dport=$mport " ||
	port_fail "no NAT mapping $port -> $mport in conntrack: $ct"
log "mapping 10.0.1.2:$port -> 198.51.100.11:$mport matches conntrack"

e2e_wait 5 dev_has_addr "$addr" ||
	port_fail "address not on teredo0: $(ip -n cl1 -6 addr show dev teredo0)"
ip -n cl1 -6 route show dev teredo0 | grep -q '^2001::/32 ' ||
	port_fail "no 2001::/32 route: $(ip -n cl1 -6 route show dev teredo0)"
ip -n cl1 -6 route show default | grep -q 'dev teredo0 .*metric 1029' ||
	port_fail "no default route: $(ip -n cl1 -6 route show default)"
# the stack uses it as a source for Teredo destinations
src=$(ip -n cl1 -6 route get 2001:0:c633:6401::1 | sed -n 's/.* src \([^ ]*\) .*/\1/p')
[ "$src" = "$addr" ] || port_fail "route get: source $src"
log "address, 2001::/32 and default route on teredo0"

# A refresh keeps the same address (no flapping): wait two refreshes.
sleep 11
state_is qualified && [ "$(attr address)" = "$addr" ] ||
	port_fail "refresh changed things: $(attr state) $(attr address)"
drops=$(attr drops)
echo "$drops" | grep -q '^bad_ra 0$' || port_fail "RAs dropped: $drops"

# The server goes away: offline within refresh + 3 x 4 s (+ slack).
for pid in $(ip netns pids srv); do kill "$pid"; done
t0=$(date +%s)
e2e_wait 40 state_is offline ||
	port_fail "still $(attr state) 40 s after the server left"
log "offline after $(($(date +%s) - t0)) s"
! dev_has_addr "$addr" || port_fail "address still on teredo0 while offline"
! ip -n cl1 -6 route show default | grep -q teredo0 ||
	port_fail "default route still there while offline"
e2e_wait 5 sh -c "[ \"\$(ip netns exec cl1 cat $SYS/port)\" != $port ]" ||
	port_fail "port still $port after losing the server (no rebind)"
port2=$(attr port)
log "rebound: port $port -> $port2"

# The server comes back: qualified again, on the new port.
e2e_miredo_server
e2e_wait 40 state_is qualified ||
	port_fail "not qualified again within 40 s (state $(attr state))"
addr2=$(attr address)
[ "$(attr port)" = "$port2" ] || port_fail "port moved again: $(attr port)"
case $addr2 in
2001:0:c633:6401:*:*:39cc:9bf4) ;;
*) port_fail "new address $addr2" ;;
esac
e2e_wait 5 dev_has_addr "$addr2" || port_fail "new address not on teredo0"
log "qualified again: $addr2 (mapped port $(attr mapped_port))"

# Teardown while qualified: nothing left behind.
ip -n cl1 link del teredo0 || port_fail "link del"
rmmod teredo || port_fail "rmmod"
exit 0
