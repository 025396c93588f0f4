#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The rtnetlink attributes (sent raw: iproute2 does not know the kind's
# attributes): bad and unknown ones rejected with an extack message and
# nothing made or changed; newlink and changelink apply good ones; a port
# change that cannot bind leaves the whole request unapplied.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/port-lib.sh"
bg=""
trap 'kill $bg 2>/dev/null; port_unload; e2e_cleanup' EXIT

nl() { python3 "$(dirname "$0")/teredo-nl.py" "$@"; }
# expect WANT CMD...: CMD prints exactly WANT
expect() {
	local want=$1 got
	shift
	got=$(nl "$@") || port_fail "teredo-nl.py $*: transport error"
	[ "$got" = "$want" ] || port_fail "$*: got '$got', want '$want'"
}
sys=/sys/class/net/tn/teredo

modprobe teredo || port_fail "modprobe teredo"
expect "error 99 teredo: server must be a unicast IPv4 address" \
	add tn server=127.0.0.1
expect "error 22 invalid attribute length" add tn port32=5
expect "error 22 teredo: unknown attribute" add tn attr9=1
[ ! -e /sys/class/net/tn ] || port_fail "tn half made"

expect ok add tn server=198.51.100.1 port=40300 fwmark=0x5
[ "$(cat $sys/server)" = 198.51.100.1 ] || port_fail "server not applied"
[ "$(cat $sys/fwmark)" = 0x5 ] || port_fail "fwmark not applied"
ip link set tn up || port_fail "tn up"
[ "$(read_port $sys)" = 40300 ] || port_fail "port not applied"
expect "error 17 teredo: this network namespace already has a teredo device" \
	add tx server=198.51.100.1

expect ok change tn port=40301
[ "$(read_port $sys)" = 40301 ] || port_fail "changelink port not applied"
expect "error 99 teredo: server must be a unicast IPv4 address" \
	change tn server=224.0.0.1
[ "$(cat $sys/server)" = 198.51.100.1 ] || port_fail "bad server applied"

socat -u UDP4-RECV:40302 /dev/null &
bg="$bg $!"
e2e_wait 5 sh -c "ss -Huln | grep -q ':40302 '" || port_fail "hold 40302"
expect "error 98 teredo: cannot bind that port" \
	change tn port=40302 server=203.0.113.9 fwmark=7
[ "$(read_port $sys)" = 40301 ] || port_fail "failed changelink moved the port"
[ "$(cat $sys/server)" = 198.51.100.1 ] || port_fail "failed changelink set server"
[ "$(cat $sys/fwmark)" = 0x5 ] || port_fail "failed changelink set fwmark"
expect ok change tn server=203.0.113.9
[ "$(cat $sys/server)" = 203.0.113.9 ] || port_fail "changelink server"
log "netlink: bad, unknown and unbindable requests rejected whole"
ip link del tn && rmmod teredo || port_fail "teardown"
exit 0
