# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the security tests (test-sec-*.sh); sourced after lib.sh and
# port-lib.sh. kteredo's teredo0 in cl1 behind nat1 (port-restricted),
# qualified against miredo-server; listeners (sec-pkt.py listen) write
# one line per datagram in $E2E_TMP/NAME.out, which port_fail prints,
# and a test ends with a control datagram to each (sec_control).

SEC_PKT=$PORT_TOP/scripts/e2e/sec-pkt.py
SYS=/sys/class/net/teredo0/teredo
SEC_BAD=0

cl() { ip netns exec cl1 "$@"; }
attr() { cl cat "$SYS/$1"; }
state_is() { [ "$(attr state)" = "$1" ]; }
drop_count() { attr drops | awk -v r="$1" '$1 == r { print $2 }'; }
# drops_ge NAME N: drop counter NAME is at least N
drops_ge() { [ "$(drop_count "$1")" -ge "$2" ]; }
sec_pkt() { local ns=$1; shift; ip netns exec "$ns" python3 "$SEC_PKT" "$@"; }
# teredo_of SERVER FLAGS(hex) IPV4 PORT: the Teredo address
teredo_of() {
	local s1 s2 s3 s4 m1 m2 m3 m4
	IFS=. read -r s1 s2 s3 s4 <<<"$1"
	IFS=. read -r m1 m2 m3 m4 <<<"$3"
	printf '2001:0:%x:%x:%x:%x:%x:%x\n' $((s1 << 8 | s2)) $((s3 << 8 | s4)) \
		$((0x$2)) $((~$4 & 0xffff)) $((~(m1 << 8 | m2) & 0xffff)) \
		$((~(m3 << 8 | m4) & 0xffff))
}

sec_fail() {
	e2e_dump
	echo "--- drops"; attr drops
	echo "--- peers $(attr peers)"
	echo "--- cl1 nft"; cl nft list table ip sec 2>/dev/null
	port_fail "$*"
}

# sec_bad MSG: an assertion failed; go on, so that a run shows all of
# them; sec_done fails the test if any did.
sec_bad() { echo "not ok: $*"; SEC_BAD=$((SEC_BAD + 1)); }
sec_done() {
	[ "$SEC_BAD" = 0 ] || sec_fail "$SEC_BAD assertion(s) failed (not ok lines above)"
}

# sec_up: topology, nat1, miredo-server, teredo0 in cl1 qualified; sets
# ME (its Teredo address).
sec_up() {
	e2e_topology
	e2e_nat 1 masquerade
	# With Debian's 30 s UDP timeout the NAT drops the client's flow to
	# the server 30 s after an RA (an RS/RA pair is never a "stream"),
	# and the refresh comes 30 s after the client processed that RA,
	# a little later: a packet spoofed from the server in that gap takes
	# the flow's tuple, and the client's mapping moves. A matter for
	# the refresh interval, not for these tests.
	ip netns exec nat1 sysctl -qw net.netfilter.nf_conntrack_udp_timeout=90
	e2e_miredo_server
	modprobe teredo || port_fail "modprobe teredo"
	ip -n cl1 link add teredo0 type teredo || port_fail "ip link add"
	cl sh -c "echo $E2E_SERVER > $SYS/server" || port_fail "server attribute"
	ip -n cl1 link set teredo0 up || port_fail "link up"
	e2e_wait 30 state_is qualified ||
		sec_fail "not qualified within 30 s (state $(attr state))"
	ME=$(attr address)
	e2e_wait 5 sh -c "ip -n cl1 -6 addr show dev teredo0 | grep -q $ME" ||
		sec_fail "address $ME not on teredo0"
	log "qualified: $ME, port $(attr port), mapped $(attr mapped_address):$(attr mapped_port)"
}

# sec_listen NS NAME PORT [ADDR]: a UDP listener, up on return; it lives
# up to SEC_LISTEN seconds (250: the VM may be slow).
SEC_LISTEN=250
sec_listen() {
	local ns=$1 name=$2 secs=$SEC_LISTEN
	shift 2
	ip netns exec "$ns" timeout $((secs + 5)) python3 "$SEC_PKT" listen \
		"$E2E_TMP/$name.out" "$secs" "$@" 2>"$E2E_TMP/$name.log" &
	e2e_wait 10 test -e "$E2E_TMP/$name.out" ||
		sec_fail "listener $name ($ns $*) did not start"
}

# sec_control NAME NS ADDR PORT: after the assertions, a datagram from NS
# to listener NAME must arrive, else its silence proved nothing.
sec_control() {
	local n
	n=$(sec_rx "$1")
	[ ! -e "$E2E_TMP/$1.out.end" ] ||
		sec_fail "listener $1 ended before the test did: its silence proves nothing"
	echo control | ip netns exec "$2" socat -u - "UDP4-SENDTO:$3:$4"
	e2e_wait 5 sec_rx_gt "$1" "$n" ||
		sec_fail "listener $1 does not hear $2 -> $3:$4: its silence proves nothing"
}

# sec_rx NAME [SRC]: datagrams listener NAME got (from SRC)
sec_rx() {
	awk -v s="${2:-}" 's == "" || $1 == s' "$E2E_TMP/$1.out" | wc -l
}
sec_rx_gt() { [ "$(sec_rx "$1")" -gt "$2" ]; }
# sec_bubbles NAME SRC: of those from SRC, the bubbles: 40 bytes, an IPv6
# header with payload length 0 and next header 59
sec_bubbles() {
	awk -v s="$2" '$1 == s && $3 == 40 && $4 ~ /^6/ &&
		substr($4, 9, 6) == "00003b"' "$E2E_TMP/$1.out" | wc -l
}
# sec_rx_has NAME HEX: a datagram of listener NAME contains HEX
sec_rx_has() { awk -v h="$2" 'index($4, h) { f = 1 } END { exit !f }' "$E2E_TMP/$1.out"; }

# sec_table NS: table ip sec with chains in and out, for sec_counter
sec_table() {
	if ! { ip netns exec "$1" nft add table ip sec &&
		ip netns exec "$1" nft add chain ip sec in \
			'{ type filter hook input priority 0; }' &&
		ip netns exec "$1" nft add chain ip sec out \
			'{ type filter hook output priority 0; }'; }; then
		sec_fail "nft table in $1"
	fi
}
# sec_counter NS NAME in|out MATCH...: a named counter for MATCH
sec_counter() {
	local ns=$1 name=$2 chain=$3
	shift 3
	if ! { ip netns exec "$ns" nft add counter ip sec "$name" &&
		ip netns exec "$ns" nft add rule ip sec "$chain" "$@" \
			counter name "$name"; }; then
		sec_fail "nft counter $name in $ns"
	fi
}
sec_counter_get() {
	ip netns exec "$1" nft list counter ip sec "$2" |
		awk '$1 == "packets" { print $2 }'
}
