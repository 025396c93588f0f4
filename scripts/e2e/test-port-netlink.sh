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
expect "error 99 teredo: server must be a global unicast IPv4 address (RFC 4380 5.2.4)" \
	add tn server=127.0.0.1
expect "error 99 teredo: server must be a global unicast IPv4 address (RFC 4380 5.2.4)" \
	add tn server=10.0.0.1
expect "error 22 invalid attribute length" add tn port32=5
expect "error 22 teredo: unknown attribute" add tn attr10=1
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
expect "error 99 teredo: server must be a global unicast IPv4 address (RFC 4380 5.2.4)" \
	change tn server=224.0.0.1
expect "error 99 teredo: server must be a global unicast IPv4 address (RFC 4380 5.2.4)" \
	change tn server=192.168.1.1
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

# Per-device policy: the module parameters are only the defaults.
want="server=203.0.113.9 port=40301 fwmark=5 refresh=30 restart=100 default_route=0 max_peers=1024 peer_queue=8192 local_discovery=1"
got=$(nl get tn | tr '\n' ' ' | sed 's/ $//')
[ "$got" = "$want" ] || port_fail "get: '$got', want '$want'"
for bad in refresh=4 refresh=3601 restart=0 restart=3601 default_route=2 \
	max_peers=0 max_peers=16385 peer_queue=65537 local_discovery=2; do
	out=$(nl change tn $bad)
	case $out in
	"error 34 "*) ;;
	*) port_fail "change $bad: '$out', want ERANGE" ;;
	esac
done
got=$(nl get tn | tr '\n' ' ' | sed 's/ $//')
[ "$got" = "$want" ] || port_fail "a refused change applied: '$got'"
expect ok change tn refresh=3600 restart=7 default_route=1 max_peers=2 peer_queue=0 local_discovery=0
want="server=203.0.113.9 port=40301 fwmark=5 refresh=3600 restart=7 default_route=1 max_peers=2 peer_queue=0 local_discovery=0"
got=$(nl get tn | tr '\n' ' ' | sed 's/ $//')
[ "$got" = "$want" ] || port_fail "changelink: '$got', want '$want'"
[ "$(cat $sys/local_discovery)" = 0 ] || port_fail "sysfs local_discovery not 0"
# the module parameters cannot be changed behind the devices' backs
! echo 5 2>/dev/null >/sys/module/teredo/parameters/refresh_interval ||
	port_fail "refresh_interval is writable at run time"
log "per-device refresh, restart, default_route, max_peers, peer_queue, local_discovery"
ip link del tn && rmmod teredo || port_fail "teardown"

# a module parameter gives the default of the next device, and a bad one
# fails the load
modprobe teredo refresh_interval=4 2>/dev/null && port_fail "refresh_interval=4 loaded"
modprobe teredo refresh_interval=9 max_peers=77 local_discovery=0 ||
	port_fail "modprobe with defaults"
expect ok add tn server=198.51.100.1
got=$(nl get tn | grep -E '^(refresh|max_peers|local_discovery)=' | tr '\n' ' ')
[ "$got" = "refresh=9 max_peers=77 local_discovery=0 " ] ||
	port_fail "defaults not taken: '$got'"
ip link del tn && rmmod teredo || port_fail "teardown 2"
exit 0
