# SPDX-License-Identifier: GPL-2.0
#
# Network namespace topology for kteredo's end-to-end tests. Sourced by
# scripts/e2e/test-*.sh, which run as root inside the VM (scripts/vm.sh),
# never on the host.
#
#   srv (198.51.100.1, .2: miredo-server) --+
#   relay (198.51.100.20)                  -+-- br0 in "wan"
#   natN e0 (198.51.100.1N) ---------------+
#   natN e1 (10.0.N.1) -- clN e0 (10.0.N.2)      N = 1, 2, ...
#
# Addresses are documentation (RFC 5737) and private ranges that exist only
# inside the VM's namespaces.

set -u

E2E_SERVER=198.51.100.1
E2E_SERVER2=198.51.100.2
E2E_TMP=$(mktemp -d /tmp/e2e.XXXXXX)
E2E_NETNS=""

if [ -z "${KTEREDO_VM:-}" ]; then
	echo "e2e: refusing to run outside the VM (use scripts/e2e/run.sh)" >&2
	exit 2
fi

log() { echo "# $*"; }
fail() { echo "FAIL: $*"; exit 1; }

. "$(dirname "${BASH_SOURCE[0]}")/netns.sh"

e2e_cleanup() {
	netns_signal TERM $E2E_NETNS
	sleep 0.2
	netns_purge $E2E_NETNS
	E2E_NETNS=""
	rm -rf "$E2E_TMP"
}
trap e2e_cleanup EXIT

e2e_ns_add() {
	ip netns add "$1" || fail "netns add $1"
	E2E_NETNS="$1 $E2E_NETNS"
	ip -n "$1" link set lo up
	ip netns exec "$1" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
		net.ipv6.conf.default.accept_dad=0
}

# e2e_wan_attach NS IF ADDR/LEN... : a veth from NS into the WAN bridge.
e2e_wan_attach() {
	local ns=$1 ifn=$2 a
	shift 2
	ip -n wan link add "w-$ns" type veth peer name "$ifn" netns "$ns"
	ip -n wan link set "w-$ns" master br0 up
	for a in "$@"; do
		ip -n "$ns" addr add "$a" dev "$ifn"
	done
	ip -n "$ns" link set "$ifn" up
}

# e2e_topology: the WAN bridge and the server's namespace.
e2e_topology() {
	modprobe tun
	e2e_ns_add wan
	ip -n wan link add br0 type bridge
	ip -n wan link set br0 up
	e2e_ns_add srv
	e2e_wan_attach srv e0 "$E2E_SERVER/24" "$E2E_SERVER2/24"
}

# e2e_nat N [masquerade|symmetric|cone]: natN between the WAN and clN.
#
# Plain masquerade is not a usable port-restricted NAT for peer tests: a
# peer's unsolicited bubble makes a conntrack entry that later clashes with
# the client's own reply, which then gets a new port. Dropping new inbound
# flows in input and forward gives the behaviour of a real restricted NAT.
e2e_nat() {
	local n=$1 kind=${2:-masquerade} nat=nat$1 cl=cl$1 m

	e2e_ns_add "$nat"
	e2e_ns_add "$cl"
	e2e_wan_attach "$nat" e0 "198.51.100.1$n/24"
	ip -n "$nat" link add e1 type veth peer name e0 netns "$cl"
	ip -n "$nat" addr add "10.0.$n.1/24" dev e1
	ip -n "$nat" link set e1 up
	ip -n "$cl" addr add "10.0.$n.2/24" dev e0
	ip -n "$cl" link set e0 up
	ip -n "$cl" route add default via "10.0.$n.1"
	ip netns exec "$nat" sysctl -qw net.ipv4.ip_forward=1

	m=masquerade
	[ "$kind" = symmetric ] && m="masquerade random,fully-random"
	ip netns exec "$nat" nft add table ip nat
	ip netns exec "$nat" nft add chain ip nat post \
		'{ type nat hook postrouting priority 100; }'
	ip netns exec "$nat" nft add rule ip nat post oifname e0 $m
	if [ "$kind" = cone ]; then
		# full cone: whatever reaches the mapped port goes to the client
		ip netns exec "$nat" nft add chain ip nat pre \
			'{ type nat hook prerouting priority -100; }'
		ip netns exec "$nat" nft add rule ip nat pre iifname e0 \
			udp dport '{ 1024-65535 }' dnat to "10.0.$n.2"
	else
		ip netns exec "$nat" nft add table ip filter
		ip netns exec "$nat" nft add chain ip filter input \
			'{ type filter hook input priority 0; }'
		ip netns exec "$nat" nft add chain ip filter forward \
			'{ type filter hook forward priority 0; }'
		ip netns exec "$nat" nft add rule ip filter input \
			iifname e0 ct state new drop
		ip netns exec "$nat" nft add rule ip filter forward \
			iifname e0 ct state new drop
	fi
}

# e2e_wire NS [off|on]: the link into NS behaves like a wire (off: the
# far veth end has no transmit offloads) or like a veth (on). On veths
# alone nothing cuts a UDP tunnel GSO packet or finishes a checksum left
# to do, as a NIC would: a user-space Teredo endpoint (Miredo) would read
# one oversized datagram. NS is on the WAN bridge or a NAT's LAN (clN).
e2e_wire() {
	local ns=$1 mode=${2:-off} far=w-$1 farns=wan

	case $ns in
	cl[0-9]*) far=e1 farns=nat${ns#cl} ;;
	esac
	ip -n "$farns" link show "$far" type veth >/dev/null 2>&1 ||
		fail "e2e_wire: no veth $far in $farns for $ns"
	ip netns exec "$farns" ethtool -K "$far" tx "$mode" sg "$mode" \
		tso "$mode" gso "$mode" tx-udp_tnl-segmentation "$mode" \
		tx-udp_tnl-csum-segmentation "$mode" >/dev/null 2>&1 ||
		fail "e2e_wire: ethtool -K $far ($farns)"
}

# e2e_run_private NS CMD...: run CMD in NS with a private /run, as
# miredo and miredo-server share a pid file path.
e2e_run_private() {
	local ns=$1
	shift
	ip netns exec "$ns" sh -c \
		'mount -t tmpfs r /run && mkdir -p /run/miredo && exec "$@"' \
		sh "$@"
}

e2e_miredo_server() {
	local conf=$E2E_TMP/miredo-server.conf
	printf 'ServerBindAddress %s\n' "$E2E_SERVER" >"$conf"
	e2e_wire srv
	e2e_run_private srv miredo-server -f -c "$conf" \
		>"$E2E_TMP/miredo-server.log" 2>&1 &
}

# e2e_miredo NS [extra config lines]: a Miredo client in NS, interface
# "teredo".
e2e_miredo() {
	local ns=$1 conf=$E2E_TMP/miredo-$1.conf
	shift
	{
		echo "InterfaceName teredo"
		echo "ServerAddress $E2E_SERVER"
		for l in "$@"; do echo "$l"; done
	} >"$conf"
	e2e_wire "$ns"
	e2e_run_private "$ns" miredo -f -c "$conf" \
		>"$E2E_TMP/miredo-$ns.log" 2>&1 &
}

# e2e_relay: after e2e_topology, a Miredo relay (cone) in "relay" on the
# WAN at $E2E_RELAY, and behind it host6, a native IPv6 host at
# $E2E_HOST6 (2001:db8:1::/64); srv reaches that network through the
# relay (2001:db8:ff::/64 between them), as the server's echo-test
# traffic to a native host needs.
#
#   srv 198.51.100.1 (2001:db8:ff::1) --- WAN --- relay 198.51.100.20
#                                                  (2001:db8:ff::20)
#                                                   | 2001:db8:1::1
#                                  host6 2001:db8:1::2
e2e_relay() {
	local conf=$E2E_TMP/miredo-relay.conf

	E2E_RELAY=198.51.100.20
	E2E_HOST6=2001:db8:1::2
	e2e_ns_add relay
	e2e_ns_add host6
	e2e_wan_attach relay e0 "$E2E_RELAY/24"
	ip -n relay addr add 2001:db8:ff::20/64 dev e0
	ip -n srv addr add 2001:db8:ff::1/64 dev e0
	ip -n srv route add 2001:db8:1::/64 via 2001:db8:ff::20
	ip -n relay link add e1 type veth peer name e0 netns host6
	ip -n relay addr add 2001:db8:1::1/64 dev e1
	ip -n relay link set e1 up
	ip -n host6 addr add "$E2E_HOST6/64" dev e0
	ip -n host6 link set e0 up
	ip -n host6 route add 2001::/32 via 2001:db8:1::1
	ip netns exec relay sysctl -qw net.ipv6.conf.all.forwarding=1
	e2e_wire relay
	# the relay's own teredo interface routes 2001::/32 (Teredo clients)
	printf 'InterfaceName teredo\nRelayType cone\nBindAddress %s\n' \
		"$E2E_RELAY" >"$conf"
	e2e_run_private relay miredo -f -c "$conf" \
		>"$E2E_TMP/miredo-relay.log" 2>&1 &
}

# e2e_teredo_addr NS [IFNAME]: the global Teredo address of IFNAME in NS.
e2e_teredo_addr() {
	ip -n "$1" -6 -o addr show dev "${2:-teredo}" scope global 2>/dev/null |
		awk '$4 ~ /^2001:0?:/ { sub("/.*", "", $4); print $4; exit }'
}

# e2e_ct_events_on NS: conntrack events for every new flow of NS. By
# default (nf_conntrack_events=2) a flow gets its event cache only if
# some ctnetlink event listener existed when it was created, and an
# expectation's events go through its master's: without this, a helper's
# expectations on a flow made before "conntrack -E expect" started (the
# Teredo server flow) raise no events.
e2e_ct_events_on() {
	ip netns exec "$1" sysctl -qw net.netfilter.nf_conntrack_events=1
}

# e2e_expect_listening NS: a netlink socket in NS is subscribed to
# expectation events (NFNLGRP_CONNTRACK_EXP_NEW/UPDATE/DESTROY, 0x38).
e2e_expect_listening() {
	local g
	for g in $(ip netns exec "$1" awk '$2 == 12 { print $4 }' \
		/proc/net/netlink); do
		[ $((0x$g & 0x38)) != 0 ] && return 0
	done
	return 1
}

# e2e_expect_events NS FILE SECONDS: "conntrack -E expect" in NS in the
# background for at most SECONDS, one event a line in FILE; returns once
# it listens. e2e_expect_events_stop ends it.
e2e_expect_events() {
	ip netns exec "$1" timeout "$3" stdbuf -oL \
		conntrack -E expect -o timestamp >"$2" 2>"$2.err" &
	E2E_EXPECT_PID=$!
	e2e_wait 10 e2e_expect_listening "$1"
}

# e2e_expect_events_stop: let the last events arrive, end the listener.
e2e_expect_events_stop() {
	sleep 0.5
	kill "$E2E_EXPECT_PID" 2>/dev/null
	wait "$E2E_EXPECT_PID" 2>/dev/null
	true
}

# e2e_expect_print FILE: the events of FILE as log lines, each with its
# time (when conntrack read it) relative to the first: conntrack's own
# "[SECONDS.MICROSECONDS]" leaves out the microseconds' leading zeros.
e2e_expect_print() {
	awk '
	match($0, /^\[[0-9]+\.[0-9]+ *\]/) {
		split(substr($0, 2, RLENGTH - 2), a, ".")
		t = a[1] + a[2] / 1000000
		if (!n++)
			t0 = t
		rest = substr($0, RLENGTH + 1)
		sub(/^[ \t]+/, "", rest)
		printf "#   +%.3fs %s\n", t - t0, rest
		next
	}
	{ print "#   " $0 }' "$1"
}

# e2e_wait SECONDS CMD...: poll CMD every 0.5 s until it succeeds.
e2e_wait() {
	local i n=$(($1 * 2))
	shift
	for i in $(seq "$n"); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.5
	done
	return 1
}

# listening NS PORT: a TCP listener is up in NS
listening() { ip netns exec "$1" ss -Hltn "sport = :$2" | grep -q .; }

e2e_has_teredo_addr() {
	[ -n "$(e2e_teredo_addr "$@")" ]
}

# e2e_dump: what a failing test prints to explain itself.
e2e_dump() {
	local f
	for f in "$E2E_TMP"/*.log; do
		[ -e "$f" ] || continue
		echo "--- $f"
		tail -n 30 "$f"
	done
}
