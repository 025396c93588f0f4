#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Creating and deleting teredo devices: modprobe parameters, ip link add
# in a fresh netns, one per netns, bad parameters and bad sysfs writes
# rejected with nothing half made, the link-local address, teardown by
# ip link del, netns delete and rmmod.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/port-lib.sh"
bg=""
trap 'kill $bg 2>/dev/null; port_unload; e2e_cleanup' EXIT

no_teredo_left() {
	! lsmod | grep -q '^teredo ' && [ ! -e /sys/class/net/teredo0 ]
}

# udp_hold PORT: keep a UDP port bound in init_net until the test ends.
udp_hold() {
	socat -u "UDP4-RECV:$1" /dev/null &
	bg="$bg $!"
	e2e_wait 5 sh -c "ss -Huln | grep -q ':$1 '" ||
		port_fail "could not hold UDP port $1"
}

# Bad module parameters fail the load and leave nothing.
for args in "server=bogus" "server=127.0.0.1" "server=224.0.0.1" \
	"server=0.0.0.0" "server=192.0.2.1 port=70000" \
	"server=192.0.2.1 port=-1"; do
	# shellcheck disable=SC2086
	if modprobe teredo $args 2>/dev/null; then
		port_fail "modprobe teredo $args succeeded"
	fi
	no_teredo_left || port_fail "something left after modprobe teredo $args"
done
udp_hold 40100
if modprobe teredo server=192.0.2.1 port=40100 2>/dev/null; then
	port_fail "modprobe with a port in use succeeded"
fi
no_teredo_left || port_fail "something left after a failed bind"
dmesg | grep -q 'cannot bind UDP port 40100' ||
	port_fail "no bind error in dmesg"
log "bad module parameters rejected"

modprobe teredo server=192.0.2.1 port=40101 || port_fail "modprobe teredo"
[ "$(read_port)" = 40101 ] || port_fail "port is $(read_port), not 40101"
ss -Huln | grep -q ':40101 ' || port_fail "no socket on 40101"
link=$(ip -d link show teredo0)
for want in "POINTOPOINT,NOARP,UP" "mtu 1280" "link/none" "addrgenmode none"; do
	echo "$link" | grep -q "$want" || port_fail "teredo0 lacks '$want': $link"
done
ll=$(ip -6 -o addr show dev teredo0 | awk '{ print $4 }')
[ "$ll" = "fe80::ffff:ffff:ffff/64" ] ||
	port_fail "teredo0 IPv6 addresses are '$ll'"
[ "$(cat $PORT_SYS/server)" = 192.0.2.1 ] || port_fail "server attribute"
case $(cat $PORT_SYS/state) in qualifying|offline) ;; *) port_fail "state attribute" ;; esac
"$TEREDOCTL" status -j | python3 -c '
import json, sys
s = json.load(sys.stdin)
assert s["dev"] == "teredo0" and s["port"] == 40101, s
assert s["server"] == "192.0.2.1" and s["state"] in ("qualifying", "offline"), s
assert s["address"] is None and s["nat"] == "unknown", s
assert s["local_discovery"] == 1, s
assert isinstance(s["drops"]["no_relay"], int), s
' || port_fail "teredoctl status -j"
log "teredo0: port 40101, fe80::ffff:ffff:ffff, mtu 1280"

# Bad sysfs writes: rejected, nothing changed.
for v in abc -1 65536 "" "1 2" 0x10; do
	expect_write_fails $PORT_SYS/port "$v"
done
for v in 1.2.3 224.0.0.1 0.0.0.0 255.255.255.255 127.0.0.1 example.org ""; do
	expect_write_fails $PORT_SYS/server "$v"
done
for v in 0 2 yes "" 11 "1 "; do
	expect_write_fails $PORT_SYS/rebind "$v"
done
expect_write_fails $PORT_SYS/fwmark bogus
expect_write_fails $PORT_SYS/state qualified
[ "$(read_port)" = 40101 ] || port_fail "a bad write moved the port"
[ "$(cat $PORT_SYS/server)" = 192.0.2.1 ] || port_fail "a bad write changed the server"
# A port that cannot be bound: refused, old socket and setting kept.
expect_write_fails $PORT_SYS/port 40100
[ "$(read_port)" = 40101 ] || port_fail "failed rebind lost the port"
ip link set teredo0 down && ip link set teredo0 up || port_fail "down/up"
[ "$(read_port)" = 40101 ] || port_fail "failed port write changed the setting"
# Good writes.
echo 203.0.113.5 >$PORT_SYS/server || port_fail "server write"
[ "$(cat $PORT_SYS/server)" = 203.0.113.5 ] || port_fail "server not set"
echo 0x2a >$PORT_SYS/fwmark && [ "$(cat $PORT_SYS/fwmark)" = 0x2a ] ||
	port_fail "fwmark"
grep -q '^not_qualified [0-9]' $PORT_SYS/drops || port_fail "drops file"
log "bad sysfs writes rejected, good ones applied"

# Only one per namespace.
out=$(ip link add teredo1 type teredo 2>&1) && port_fail "second teredo device created"
echo "$out" | grep -q "already has a teredo device" ||
	port_fail "no extack message for the second device: $out"
[ ! -e /sys/class/net/teredo1 ] || port_fail "teredo1 half made"

# A fresh namespace gets its own.
e2e_ns_add pa
ip -n pa link add tp type teredo || port_fail "ip link add in netns"
ip -n pa link add tq type teredo 2>/dev/null && port_fail "second device in pa"
ip netns exec pa sh -c 'cat /sys/class/net/tp/teredo/port' 2>/dev/null &&
	port_fail "port readable while tp is down"
ip -n pa link set tp up || port_fail "tp up"
pp=$(ip netns exec pa cat /sys/class/net/tp/teredo/port) ||
	port_fail "tp port unreadable"
ip netns exec pa ss -Huln | grep -q ":$pp " || port_fail "no socket in pa"
ss -Huln | grep -q ":$pp " && [ "$pp" != 40101 ] &&
	port_fail "pa's socket visible in init_net"
ip -n pa -6 -o addr show dev tp | grep -q 'fe80::ffff:ffff:ffff/64' ||
	port_fail "tp has no fe80::ffff:ffff:ffff"
ip -n pa link set tp netns 1 2>/dev/null && port_fail "tp moved to another netns"
ip -n pa link del tp || port_fail "ip link del tp"
ip -n pa link add tp type teredo || port_fail "re-add after del"
ip -n pa link set tp up || port_fail "tp up again"
log "netns pa: port $pp, one device per netns"

# Teardown: netns delete with the device up, ip link del, rmmod with a
# device left in another netns.
ip netns del pa && E2E_NETNS=${E2E_NETNS/pa /}
e2e_ns_add pb
ip -n pb link add tb type teredo && ip -n pb link set tb up ||
	port_fail "tb in pb"
ip link del teredo0 || port_fail "ip link del teredo0"
[ ! -e /sys/class/net/teredo0 ] || port_fail "teredo0 still there"
ip link add teredo0 type teredo && ip link set teredo0 up ||
	port_fail "ip link add teredo0 in init_net"
rmmod teredo || port_fail "rmmod teredo"
ip -n pb link show tb 2>/dev/null && port_fail "tb survived rmmod"
no_teredo_left || port_fail "teredo left after rmmod"
log "teardown by netns delete, ip link del and rmmod"
exit 0
