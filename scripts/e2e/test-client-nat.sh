#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The NAT kind kteredo finds while qualifying (RFC 4380 5.2.1, RFC 6081 2),
# behind each NAT nft can build in front of it, against the real
# miredo-server (which answers the cone RS from its secondary address):
#
#   kind                          nat         nat_flags
#   no NAT (cl0 on the WAN)       none
#   full cone                     cone        port-preserving
#   address-restricted            restricted  port-preserving
#   port-restricted               restricted  port-preserving
#   port-restricted, ports moved  restricted
#   symmetric (fully random)      symmetric
#
# Linux's masquerade keeps the source port when it is free, hence
# port-preserving; "masquerade to :1100-1200" moves it. Behind nat1 one
# device goes through the kinds: nat1's ruleset is replaced, its flows
# forgotten, and a rebind makes the client qualify again from a new port.
# Each kind is checked in sysfs, in the QUALIFIED uevent and in teredoctl
# status -j.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/port-lib.sh"
source "$(dirname "$0")/nat-lib.sh"
bg=""
trap 'kill $bg 2>/dev/null; port_unload; e2e_cleanup' EXIT

[ -x "$TEREDOCTL" ] || fail "$TEREDOCTL not built (make userspace)"
SYS=/sys/class/net/teredo0/teredo

# qualified_events NS: QUALIFIED uevents seen in NS so far
qualified_events() {
	grep -c '^TEREDO_EVENT=QUALIFIED$' "$E2E_TMP/uevents-$1.out"
}

# qualified_since NS N: more than N QUALIFIED uevents in NS
qualified_since() { [ "$(qualified_events "$1")" -gt "$2" ]; }

# check NS KIND NAT FLAGS: after the Nth QUALIFIED uevent in NS (N the
# count before the change, plus one), the kind everywhere
check() {
	local ns=$1 kind=$2 want=$3 flags=$4 n=$5 ue st
	attr() { ip netns exec "$ns" cat "$SYS/$1"; }

	e2e_wait 30 qualified_since "$ns" "$n" ||
		port_fail "$kind: not qualified (state $(attr state))"
	[ "$(attr state)" = qualified ] ||
		port_fail "$kind: state $(attr state) after QUALIFIED"
	[ "$(attr nat)" = "$want" ] ||
		port_fail "$kind: nat '$(attr nat)', want '$want'"
	[ "$(attr nat_flags)" = "$flags" ] ||
		port_fail "$kind: nat_flags '$(attr nat_flags)', want '$flags'"
	# the last QUALIFIED uevent's keys (udevadm ends each with a blank)
	ue=$(awk '/^TEREDO_EVENT=/ { q = $0 == "TEREDO_EVENT=QUALIFIED" }
		q && /^TEREDO_NAT=/ { n = $0 } q && /^TEREDO_NAT_FLAGS=/ { f = $0 }
		END { print n "|" f }' "$E2E_TMP/uevents-$ns.out")
	[ "$ue" = "TEREDO_NAT=$want|TEREDO_NAT_FLAGS=$flags" ] ||
		port_fail "$kind: QUALIFIED uevent has '$ue'"
	st=$(ip netns exec "$ns" "$TEREDOCTL" status -j teredo0) ||
		port_fail "$kind: teredoctl status -j"
	echo "$st" | python3 -c '
import json, sys
s = json.load(sys.stdin)
want = (sys.argv[1], sys.argv[2] or None)
got = (s["nat"], s["nat_flags"])
sys.exit(0 if got == want else "%r, want %r" % (got, want))
' "$want" "$flags" || port_fail "$kind: teredoctl status -j: $st"
	log "$kind: nat $want${flags:+ ($flags)}, mapped $(attr mapped_address):$(attr mapped_port), local port $(attr port)"
}

# device NS: teredo0 in NS, up, with a uevent monitor started first
device() {
	ip netns exec "$1" udevadm monitor --kernel --property \
		--subsystem-match=net >"$E2E_TMP/uevents-$1.out" 2>&1 &
	bg="$bg $!"
	sleep 1	# listening by now
	ip -n "$1" link add teredo0 type teredo || port_fail "$1: link add"
	ip netns exec "$1" sh -c "echo $E2E_SERVER > $SYS/server" ||
		port_fail "$1: server attribute"
	ip -n "$1" link set teredo0 up || port_fail "$1: link up"
}

e2e_topology
e2e_miredo_server
modprobe teredo || port_fail "modprobe teredo"

e2e_ns_add cl0
e2e_wan_attach cl0 e0 198.51.100.31/24
device cl0
check cl0 none none "" 0

e2e_nat 1 masquerade
nat_rules 1 cone
device cl1
check cl1 cone cone port-preserving 0
for k in address-restricted:restricted:port-preserving \
	 port-restricted:restricted:port-preserving \
	 port-moved:restricted: symmetric:symmetric:; do
	IFS=: read -r kind want flags <<<"$k"
	n=$(qualified_events cl1)
	nat_rules 1 "$kind"
	ip netns exec cl1 sh -c "echo 1 > $SYS/rebind" ||
		port_fail "$kind: rebind"
	check cl1 "$kind" "$want" "$flags" "$n"
done

kill $bg 2>/dev/null
bg=""
ip -n cl0 link del teredo0 && ip -n cl1 link del teredo0 ||
	port_fail "link del"
rmmod teredo || port_fail "rmmod"
exit 0
