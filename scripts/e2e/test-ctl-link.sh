#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# teredoctl add, set and del over rtnetlink: `teredoctl add teredo0 server
# NAME` (the name in cl1's /etc/netns hosts file) creates the device up and
# it qualifies against the real miredo-server; set changes settings
# (checked in sysfs), a new fwmark makes the client look at its source
# address at once; what the kernel refuses comes back with its extack
# message and a non-zero exit, and changes nothing; bad input is refused
# before anything is sent; del removes the device.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/port-lib.sh"
trap 'rm -rf /etc/netns/cl1; port_unload; e2e_cleanup' EXIT

SYS=/sys/class/net/teredo0/teredo
cl() { ip netns exec cl1 "$@"; }
attr() { cl cat "$SYS/$1"; }
state_is() { [ "$(attr state)" = "$1" ]; }
ctl() { cl "$TEREDOCTL" "$@"; }
# refused STATUS MESSAGE CMD...: CMD exits STATUS and prints MESSAGE (a
# glob pattern)
refused() {
	local want_rc=$1 want=$2 out rc
	shift 2
	out=$(ctl "$@" 2>&1)
	rc=$?
	[ "$rc" = "$want_rc" ] || port_fail "$*: exit $rc, want $want_rc ($out)"
	# shellcheck disable=SC2053
	[[ $out == $want ]] || port_fail "$*: '$out', want '$want'"
}

e2e_topology
e2e_nat 1 masquerade
e2e_miredo_server
modprobe teredo || port_fail "modprobe teredo"

# ip netns exec mounts /etc/netns/cl1/hosts over /etc/hosts for cl1 only
mkdir -p /etc/netns/cl1
printf '%s teredo.example.test\n' "$E2E_SERVER" >/etc/netns/cl1/hosts

ctl add teredo0 server teredo.example.test refresh 3600 ||
	port_fail "teredoctl add"
[ "$(attr server)" = "$E2E_SERVER" ] || port_fail "server is $(attr server)"
cl ip -o link show teredo0 | grep -q '[<,]UP[,>]' || port_fail "not up"
e2e_wait 30 state_is qualified ||
	port_fail "not qualified within 30 s (state $(attr state))"
log "add by name: qualified as $(attr address)"

# refused by the kernel: its message, exit 1, nothing changed
refused 1 "teredoctl: set teredo0: Cannot assign requested address: teredo: server must be a global unicast IPv4 address (RFC 4380 5.2.4)" \
	set teredo0 server 10.1.2.3
refused 1 "teredoctl: set teredo0: Numerical result out of range: integer out of range" \
	set teredo0 refresh 4
refused 1 "teredoctl: add teredo1: File exists: teredo: this network namespace already has a teredo device" \
	add teredo1 server 198.51.100.1
[ "$(attr server)" = "$E2E_SERVER" ] || port_fail "a refused set applied"
# refused before sending: exit 2
refused 2 "teredoctl: port '65536': out of range" set teredo0 port 65536
refused 2 "teredoctl: fwmark '12x': not a number" set teredo0 fwmark 12x
refused 2 "teredoctl: unknown setting 'mtu'" set teredo0 mtu 1400
refused 2 "teredoctl: default-route 'yes': not on or off" \
	set teredo0 default-route yes
# not found, or no DNS server to ask: the VM has none
refused 2 "teredoctl: server no-such.invalid: *" \
	set teredo0 server no-such.invalid
log "refusals: kernel's extack, and teredoctl's own"

# A new fwmark that routes from another address: noticed at once (the
# refresh, 3600 s, cannot be what notices it), qualified again from there.
cl ip addr add 10.0.1.3/24 dev e0
cl ip route add default via 10.0.1.1 src 10.0.1.3 table 100
cl ip rule add fwmark 0x20 lookup 100
d0=$(dmesg | wc -l)
moved() {
	dmesg | tail -n +"$((d0 + 1))" |
		grep -q 'teredo0: local address 10.0.1.2 -> 10.0.1.3'
}
ctl set teredo0 fwmark 0x20 || port_fail "teredoctl set fwmark"
e2e_wait 15 moved ||
	port_fail "fwmark set over netlink: the new source address not seen"
e2e_wait 30 state_is qualified || port_fail "not qualified from 10.0.1.3"
log "fwmark 0x20 routes from 10.0.1.3: qualified again from there"

ctl set teredo0 port 40400 fwmark 0x20 default-route on max-peers 77 \
	local-discovery off || port_fail "teredoctl set"
[ "$(attr port)" = 40400 ] || port_fail "port not set"
[ "$(attr local_discovery)" = 0 ] || port_fail "local-discovery not off"
[ "$(attr fwmark)" = 0x20 ] || port_fail "fwmark is $(attr fwmark)"
e2e_wait 30 state_is qualified || port_fail "not qualified again on 40400"
log "set: port 40400, fwmark 0x20, qualified again"

# del refuses what is not a teredo device, then removes ours
refused 1 "teredoctl: lo is not a teredo device" del lo
ctl del teredo0 || port_fail "teredoctl del"
! cl ip link show teredo0 2>/dev/null || port_fail "teredo0 still there"
log "del"
exit 0
