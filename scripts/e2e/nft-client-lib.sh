# SPDX-License-Identifier: GPL-2.0
#
# kteredo in cl1 behind the example ruleset, talking to real Teredo
# peers and relays (test-nft-peer-miredo.sh, test-nft-relay-miredo.sh);
# sourced after lib.sh, port-lib.sh and nft-lib.sh. nft-lib's helpers act
# on namespace "fw" at $FW: here that is cl1.

fw() { ip netns exec cl1 "$@"; }
FW=10.0.1.2

state_is() { [ "$(fw cat "$NFT_SYS/state")" = "$1" ]; }
port_in_set() {
	fw nft list set inet teredo_fw teredo_port | grep -q "elements = { $1 }"
}
server_flow() {
	fw conntrack -L -p udp --orig-dst "$E2E_SERVER" 2>/dev/null | grep -q .
}

# nft_client_up: teredo0 in cl1, teredoctl nft-sync filling the ruleset's
# port set; returns qualified, with $port the client's port, in the set
nft_client_up() {
	ip -n cl1 link add teredo0 type teredo || port_fail "ip link add"
	fw sh -c "echo $E2E_SERVER > $NFT_SYS/server" || port_fail "server"
	fw "$TEREDOCTL" nft-sync -t teredo_fw -s teredo_port teredo0 \
		>"$E2E_TMP/nft-sync.out" 2>&1 &
	ip -n cl1 link set teredo0 up || port_fail "link up"
	e2e_wait 40 state_is qualified ||
		nfail "kteredo not qualified behind the ruleset (state $(fw cat $NFT_SYS/state))"
	port=$(nft_port)
	e2e_wait 10 port_in_set "$port" ||
		nfail "nft-sync did not put $port in the set"
}

# exp_port FILE IP in|out: IP's port in the NEW events of FILE (conntrack
# -E expect) for an expectation IP:* -> cl1's Teredo port $port (in) or
# the reverse (out)
exp_port() {
	if [ "$3" = in ]; then
		sed -nE "s/.*\[NEW\] .* src=$2 dst=$FW sport=([0-9]+) dport=$port .*/\1/p" "$1"
	else
		sed -nE "s/.*\[NEW\] .* src=$FW dst=$2 sport=$port dport=([0-9]+) .*/\1/p" "$1"
	fi | sort -u
}

# both_ways FILE IP WHO: NEW events for IP's expectations in and out,
# with the same peer port
both_ways() {
	local pin pout
	pin=$(exp_port "$1" "$2" in)
	pout=$(exp_port "$1" "$2" out)
	[ -n "$pin" ] ||
		nfail "$3: no NEW expectation $2:* -> $FW:$port (inbound)"
	[ -n "$pout" ] ||
		nfail "$3: no NEW expectation $FW:$port -> $2:* (outbound)"
	[ "$pin" = "$pout" ] ||
		nfail "$3: the peer's port differs: inbound $pin, outbound $pout"
}

# nfail MSG: cl1's conntrack, expectations and ruleset, what the test
# adds in nfail_extra (if it defines one), the expect event files; fail.
nfail() {
	local f
	e2e_dump
	echo "--- cl1 conntrack"; fw conntrack -L 2>&1
	echo "--- cl1 expect"; fw conntrack -L expect 2>&1
	echo "--- cl1 ruleset"; fw nft list ruleset 2>&1
	declare -F nfail_extra >/dev/null && nfail_extra
	for f in "$E2E_TMP"/expect-*; do
		[ -e "$f" ] && { echo "--- $f"; cat "$f"; }
	done
	port_fail "$*"
}
