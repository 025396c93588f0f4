# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the nft helper tests (test-nft-*.sh); sourced after lib.sh
# and port-lib.sh. A client namespace "fw" sits directly on the WAN (no
# NAT, so that unsolicited packets reach its firewall), with the example
# ruleset; pa and pb are other hosts on the WAN.

NFT_RULESET=$PORT_TOP/userspace/nft/teredo.nft
NFT_PKT=$PORT_TOP/scripts/e2e/nft-pkt.py
FW=198.51.100.40
PA=198.51.100.41
PB=198.51.100.42
NFT_SYS=/sys/class/net/teredo0/teredo

fw() { ip netns exec fw "$@"; }
pkt() { local ns=$1; shift; ip netns exec "$ns" python3 "$NFT_PKT" "$@"; }

nft_unload() {
	rmmod teredo_exception_sample 2>/dev/null
	for ns in $E2E_NETNS; do
		ip netns exec "$ns" nft flush ruleset 2>/dev/null
	done
	rmmod nf_conntrack_teredo 2>/dev/null
	port_unload
}

# nft_topology: the WAN, srv (no Teredo server running), fw with teredo0
# up (server 198.51.100.1), pa and pb.
nft_topology() {
	e2e_topology
	e2e_ns_add fw
	e2e_wan_attach fw e0 "$FW/24"
	e2e_ns_add pa
	e2e_wan_attach pa e0 "$PA/24"
	e2e_ns_add pb
	e2e_wan_attach pb e0 "$PB/24"
	modprobe teredo || port_fail "modprobe teredo"
	ip -n fw link add teredo0 type teredo || port_fail "ip link add"
	fw sh -c "echo $E2E_SERVER > $NFT_SYS/server" || port_fail "server"
	ip -n fw link set teredo0 up || port_fail "link up"
}

nft_port() { fw cat "$NFT_SYS/port"; }

# nft_ruleset [without-helper]: the example ruleset in fw, port set
# filled by hand (test-nft-sync tests teredoctl nft-sync). Without the
# helper: the same minus the ct helper object and its rule.
nft_ruleset() {
	if [ "${1:-}" = without-helper ]; then
		sed -e '/ct helper teredo {/,/^\t}/d' \
			-e '/ct helper set "teredo"/d' "$NFT_RULESET" \
			>"$E2E_TMP/nohelper.nft"
		fw nft -f "$E2E_TMP/nohelper.nft" || port_fail "nft -f (no helper)"
	else
		fw nft -f "$NFT_RULESET" || port_fail "nft -f $NFT_RULESET"
	fi
	fw nft add element inet teredo_fw teredo_port "{ $(nft_port) }" ||
		port_fail "nft add element"
}

# nft_dropped: packets the unsolicited counter has seen.
nft_dropped() {
	fw nft list counter inet teredo_fw teredo_unsolicited |
		awk '$1 == "packets" { print $2 }'
}

# nft_expect_has PATTERN: a line of fw's "conntrack -L expect" matches.
nft_expect_has() {
	fw conntrack -L expect 2>/dev/null | grep -q -- "$1"
}

# nft_send_counted NS N SRC SPORT: send N packets from NS to fw's Teredo
# port; print how many the unsolicited counter saw.
nft_send_counted() {
	local ns=$1 n=$2 src=$3 sport=$4 before after i
	before=$(nft_dropped)
	for i in $(seq "$n"); do
		pkt "$ns" udp "$src" "$sport" "$FW" "$(nft_port)" "p$i"
	done
	sleep 0.5
	after=$(nft_dropped)
	echo $((after - before))
}
