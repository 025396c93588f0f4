# SPDX-License-Identifier: GPL-2.0
#
# Two kteredo clients, cl1 and cl2, each behind its own port-restricted
# NAT, qualified against miredo-server: the setup of the test-peer-*.sh
# that talk kteredo to kteredo. Sourced after lib.sh and port-lib.sh.

PEER_SYS=/sys/class/net/teredo0/teredo
attr() { ip netns exec "$1" cat "$PEER_SYS/$2"; }
qualified() { [ "$(attr "$1" state)" = qualified ]; }
drop_count() { attr "$1" drops | awk -v r="$2" '$1 == r { print $2 }'; }
# peer_stat NS NAME: one of teredo0's ethtool -S figures
peer_stat() {
	ip netns exec "$1" ethtool -S teredo0 |
		awk -v k="$2:" '$1 == k { print $2 }'
}
peer_fail() {
	local ns
	for ns in cl1 cl2; do
		echo "--- $ns drops"; attr $ns drops
		echo "--- $ns peers $(attr $ns peers)"
	done
	port_fail "$*"
}

# peer_pair [ETHTOOL -K ARGS]: the topology, both clients up and
# qualified, their addresses in K1 and K2; the arguments, if any, go to
# ethtool -K teredo0 on both sides before they come up.
peer_pair() {
	local ns

	e2e_topology
	e2e_nat 1 masquerade
	e2e_nat 2 masquerade
	e2e_miredo_server

	modprobe teredo || port_fail "modprobe teredo"
	for ns in cl1 cl2; do
		ip -n $ns link add teredo0 type teredo ||
			port_fail "ip link add ($ns)"
		ip netns exec $ns sh -c "echo $E2E_SERVER > $PEER_SYS/server" ||
			port_fail "server attribute ($ns)"
		ip -n $ns link set teredo0 up || port_fail "link up ($ns)"
		ip netns exec $ns ethtool -k teredo0 |
			grep -q '^tcp-segmentation-offload: on' ||
			port_fail "tso not on by default ($ns)"
		[ $# -gt 0 ] || continue
		ip netns exec $ns ethtool -K teredo0 "$@" ||
			port_fail "ethtool ($ns)"
	done
	e2e_wait 30 qualified cl1 || peer_fail "cl1 not qualified"
	e2e_wait 30 qualified cl2 || peer_fail "cl2 not qualified"
	K1=$(attr cl1 address)
	K2=$(attr cl2 address)
	log "cl1 $K1, cl2 $K2"
	for ns in cl1 cl2; do
		e2e_wait 5 sh -c "ip -n $ns -6 addr show dev teredo0 | grep -q $(attr $ns address)" ||
			peer_fail "address not on teredo0 ($ns)"
	done
}

# peer_bulk BYTES PORT: BYTES of random data from cl1 to cl2 over TCP,
# checked byte for byte (md5).
peer_bulk() {
	local n=$1 port=$2 want

	rm -f "$E2E_TMP/md5.out"
	ip netns exec cl2 timeout 40 socat -T 10 "TCP6-LISTEN:$port,reuseaddr" \
		SYSTEM:"md5sum >$E2E_TMP/md5.out" >/dev/null 2>&1 &
	e2e_wait 10 listening cl2 "$port" || peer_fail "no listener on cl2:$port"
	head -c "$n" /dev/urandom >"$E2E_TMP/bulk"
	ip netns exec cl1 timeout 30 socat -T 10 - "TCP6:[$K2]:$port" \
		<"$E2E_TMP/bulk" >/dev/null || peer_fail "TCP bulk cl1 -> cl2"
	e2e_wait 10 test -s "$E2E_TMP/md5.out"
	want=$(md5sum <"$E2E_TMP/bulk")
	[ "$(cat "$E2E_TMP/md5.out")" = "$want" ] ||
		peer_fail "bulk md5 $(cat "$E2E_TMP/md5.out"), want $want"
}
