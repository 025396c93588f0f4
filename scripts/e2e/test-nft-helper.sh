#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# nf_conntrack_teredo behind the example ruleset (input and output policy
# drop): an unrelated host's UDP to the Teredo port is dropped and
# counted; the helper opens expectations for the server's secondary
# address after a router solicitation, for a peer the server introduces
# (origin indication) and for a peer our own indirect bubble names, and
# nothing else: not for origins from other hosts on port 3544, nor for
# LAN addresses; without the helper the server's secondary address is
# dropped; bad module parameters are refused. Packets "from the Teredo
# socket" are crafted with a raw socket on its port (nft-pkt.py), so this
# does not depend on the client.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/port-lib.sh"
source "$(dirname "$0")/nft-lib.sh"
trap 'nft_unload; e2e_cleanup' EXIT

nft_topology
port=$(nft_port)
# Bad parameters: refused at load, with the reason in dmesg
for bad in server2_timeout=0 peer_timeout=0 disc_timeout=0 \
	disc_timeout=4294967295 max_peers=0 max_peers=255; do
	modprobe nf_conntrack_teredo "$bad" 2>/dev/null &&
		port_fail "nf_conntrack_teredo loaded with $bad"
	[ -e /sys/module/nf_conntrack_teredo ] &&
		port_fail "nf_conntrack_teredo present after $bad"
done
[ "$(dmesg | grep -c "nf_conntrack_teredo: server2_timeout and peer_timeout must be > 0, disc_timeout 1\.\.[0-9]*, max_peers 1\.\.254")" = 6 ] ||
	port_fail "no reason in dmesg for the refused parameters"
log "6 bad parameters refused"
# Expectations live longer than their defaults (15 s for the server's
# secondary address, 30 s for a peer): on the debug kernel in a busy VM,
# the conntrack -L between opening one and using it can take that long.
modprobe nf_conntrack_teredo server2_timeout=300 peer_timeout=300 ||
	port_fail "modprobe nf_conntrack_teredo"
nft_ruleset
log "Teredo port $port; fw's ruleset:"
fw nft list ruleset

# An unrelated host: every packet dropped and counted.
n=$(nft_send_counted pa 3 "$PA" 5000)
[ "$n" = 3 ] || port_fail "unsolicited from $PA: counter saw $n of 3"
fw conntrack -L -p udp --orig-src "$PA" 2>/dev/null | grep -q . &&
	port_fail "a flow from $PA exists in fw"
log "unsolicited UDP from $PA: 3 of 3 dropped and counted"

# Router solicitation to the server: its secondary address may answer.
pkt fw rs "$FW" "$port" "$E2E_SERVER"
e2e_wait 3 nft_expect_has "src=$E2E_SERVER2 dst=$FW sport=3544 dport=$port" ||
	port_fail "no expectation for $E2E_SERVER2:3544 after an RS: $(fw conntrack -L expect 2>&1)"
log "after an RS to $E2E_SERVER:3544, conntrack -L expect:"
fw conntrack -L expect
fw conntrack -L -p udp --orig-dst "$E2E_SERVER" | grep -q "helper=teredo" ||
	port_fail "the server flow has no helper: $(fw conntrack -L -p udp 2>&1)"
n=$(nft_send_counted srv 1 "$E2E_SERVER2" 3544)
[ "$n" = 0 ] || port_fail "the server's secondary address was dropped"
fw conntrack -L -p udp --orig-src "$E2E_SERVER2" 2>/dev/null |
	grep -q "sport=3544 dport=$port" || port_fail "no flow from $E2E_SERVER2"
# nothing wider: another port of the secondary address, another host
n=$(nft_send_counted srv 1 "$E2E_SERVER2" 3545)
[ "$n" = 1 ] || port_fail "$E2E_SERVER2:3545 got in"
n=$(nft_send_counted pb 1 "$PB" 3544)
[ "$n" = 1 ] || port_fail "$PB:3544 got in"
log "the server's secondary address gets in, $E2E_SERVER2:3545 and $PB:3544 do not"

# The server introduces pb:6000 (indirect bubble with origin indication),
# on the flow our RS made (sent again: the VM may be slow, and an
# unanswered UDP flow lives 30 s).
pkt fw rs "$FW" "$port" "$E2E_SERVER"
pkt srv origin "$E2E_SERVER" "$FW" "$port" "$PB" 6000
e2e_wait 3 nft_expect_has "src=$PB dst=$FW sport=6000 dport=$port" ||
	port_fail "no expectation for $PB:6000: $(fw conntrack -L expect 2>&1; fw conntrack -L 2>&1; fw nft list counter inet teredo_fw teredo_unsolicited)"
nft_expect_has "src=$FW dst=$PB sport=$port dport=6000" ||
	port_fail "no outgoing expectation toward $PB:6000"
log "after an indirect bubble naming $PB:6000, conntrack -L expect:"
fw conntrack -L expect
n=$(nft_send_counted pb 1 "$PB" 6000)
[ "$n" = 0 ] || port_fail "the introduced peer $PB:6000 was dropped"
n=$(nft_send_counted pb 1 "$PB" 6001)
[ "$n" = 1 ] || port_fail "$PB:6001 got in"
n=$(nft_send_counted pa 1 "$PA" 6000)
[ "$n" = 1 ] || port_fail "$PA:6000 got in"
log "the introduced peer gets in, its other ports and other hosts do not"

# Only our server introduces peers. pa plays the server of a Teredo
# address it made up: our indirect bubble goes to pa:3544 (a flow with
# the helper), and pa's origin indication on it names 198.51.100.43:6300.
# Nor does our server open a LAN address (RFC 4380 5.2.4).
pkt fw bubble "$FW" "$port" "$PA" "$PB" 7200 "$PA"
pkt pa origin "$PA" "$FW" "$port" 198.51.100.43 6300
pkt srv origin "$E2E_SERVER" "$FW" "$port" 10.0.9.9 6400
pkt srv origin "$E2E_SERVER" "$FW" "$port" 169.254.9.9 6400
sleep 0.5
nft_expect_has "198.51.100.43" &&
	port_fail "an origin from $PA:3544, not the server, opened an expectation: $(fw conntrack -L expect 2>&1)"
nft_expect_has "sport=6400\|dport=6400" &&
	port_fail "the server opened a LAN address: $(fw conntrack -L expect 2>&1)"
log "origins from $PA:3544 or naming 10.0.9.9 / 169.254.9.9 open nothing"

# Our own indirect bubble names pa:7000: our direct bubble may leave
# (output policy drop) and pa may answer.
fw conntrack -F expect 2>/dev/null
pkt fw bubble "$FW" "$port" "$E2E_SERVER" "$PA" 7000
e2e_wait 3 nft_expect_has "src=$FW dst=$PA sport=$port dport=7000" ||
	port_fail "no outgoing expectation toward $PA:7000: $(fw conntrack -L expect 2>&1)"
nft_expect_has "src=$PA dst=$FW sport=7000 dport=$port" ||
	port_fail "no expectation from $PA:7000"
pkt fw udp "$FW" "$port" "$PA" 7000 direct-bubble
fw conntrack -L -p udp --orig-dst "$PA" 2>/dev/null | grep -q "dport=7000" ||
	port_fail "our direct packet to $PA:7000 has no flow (dropped by output?)"
n=$(nft_send_counted pa 1 "$PA" 7000)
[ "$n" = 0 ] || port_fail "$PA:7000 was dropped after our bubble"
# a bubble naming a peer of another server than the one it goes to, or
# a data packet to the server, opens nothing
pkt fw bubble "$FW" "$port" "$E2E_SERVER" "$PB" 7100 "$E2E_SERVER2"
pkt fw udp "$FW" "$port" "$E2E_SERVER" 3544 not-a-teredo-packet
sleep 0.3
nft_expect_has "7100" && port_fail "a bubble via the wrong server opened $PB:7100"
log "our indirect bubble opens both directions toward $PA:7000"

# Malformed payloads from the server open nothing. (The client's own
# refresh may open one for the server's secondary address meanwhile: an
# RS every 30 s.)
exp_tuples() {
	fw conntrack -L expect 2>/dev/null | cut -d' ' -f2- |
		grep -v "src=$E2E_SERVER2 dst=$FW sport=3544 " | sort
}
exp_tuples >"$E2E_TMP/exp-before"
for t in hex: x hex:0000 hex:0001ffff hex:00000000 hex:60; do
	pkt srv udp "$E2E_SERVER" 3544 "$FW" "$port" "$t"
done
sleep 0.3
exp_tuples >"$E2E_TMP/exp-after"
new=$(comm -13 "$E2E_TMP/exp-before" "$E2E_TMP/exp-after")
[ -z "$new" ] || port_fail "malformed packets opened expectations: $new"

# Without the helper, the server's secondary address is dropped.
fw nft flush ruleset
fw conntrack -F 2>/dev/null
fw conntrack -F expect 2>/dev/null
rmmod nf_conntrack_teredo || port_fail "rmmod nf_conntrack_teredo"
nft_ruleset without-helper
pkt fw rs "$FW" "$port" "$E2E_SERVER"
sleep 0.5
nft_expect_has "src=$E2E_SERVER2" && port_fail "an expectation without the helper"
n=$(nft_send_counted srv 1 "$E2E_SERVER2" 3544)
[ "$n" = 1 ] || port_fail "without the helper, $E2E_SERVER2:3544 got in"
log "without the helper: no expectation, $E2E_SERVER2:3544 dropped and counted"
exit 0
