#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Spoofed indirect bubbles (RFC 4380 5.2.3, 5.2.6): "evil" on the WAN
# sends bubbles spoofed from the server 198.51.100.1:3544, which the NAT
# lets in on the client's server flow, each with an origin indication.
# A: origin 10.0.1.1:9999 (the NAT's LAN side): no reply at all, each
# counted as not_global. B: origin 198.51.100.66:9999 (evil itself), 20
# bubbles: between 1 and 4 direct bubbles reach it (4 per 300 s per
# destination), the rest counted as bubble_limit. C: over both, the
# client sent no more packets (other than to its server) than it got.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/port-lib.sh"
source "$(dirname "$0")/sec-lib.sh"
trap 'port_unload; e2e_cleanup' EXIT

EVIL=198.51.100.66
NAT=198.51.100.11
sec_up
e2e_ns_add evil
e2e_wan_attach evil e0 "$EVIL/24"
maddr=$(attr mapped_address)
mport=$(attr mapped_port)
port=$(attr port)
sec_listen nat1 lan 9999 10.0.1.1
sec_listen evil evil 9999
sec_table cl1
sec_counter cl1 lan out ip daddr 10.0.1.1 ip protocol udp
sec_counter cl1 rx in udp dport "$port"
sec_counter cl1 tx out udp sport "$port" \
	ip daddr != "{ $E2E_SERVER, $E2E_SERVER2 }"
rx_ge() { [ "$(sec_counter_get cl1 rx)" -ge "$1" ]; }
evil_got() { [ "$(sec_rx evil "$NAT")" -ge 1 ]; }

# A: origin on the LAN
g0=$(drop_count not_global)
sec_pkt evil origin "$E2E_SERVER" "$maddr" "$mport" 10.0.1.1 9999 "$ME" 20 0.05 ||
	sec_fail "spoofer failed"
e2e_wait 10 rx_ge 20 ||
	sec_fail "the spoofed bubbles did not reach cl1 (rx $(sec_counter_get cl1 rx)): NAT flow to the server closed?"
e2e_wait 5 drops_ge not_global $((g0 + 20)) ||
	sec_bad "A: not_global $g0 -> $(drop_count not_global), want >= $((g0 + 20))"
sleep 2
n=$(sec_rx lan)
[ "$n" = 0 ] || sec_bad "A: the listener on 10.0.1.1:9999 got $n datagram(s)"
n=$(sec_counter_get cl1 lan)
[ "$n" = 0 ] || sec_bad "A: cl1 sent $n UDP datagram(s) to 10.0.1.1"
log "A: 20 bubbles naming 10.0.1.1:9999: not_global $g0 -> $(drop_count not_global), to 10.0.1.1: $n"

# B: origin on the WAN, 20 times
b0=$(drop_count bubble_limit)
rx0=$(sec_counter_get cl1 rx)
sec_pkt evil origin "$E2E_SERVER" "$maddr" "$mport" "$EVIL" 9999 "$ME" 20 0.1 ||
	sec_fail "spoofer failed"
e2e_wait 10 rx_ge $((rx0 + 20)) || sec_fail "B: the spoofed bubbles did not reach cl1"
e2e_wait 5 evil_got
sleep 3	# late replies
n=$(sec_rx evil "$NAT")
nb=$(sec_bubbles evil "$NAT")
{ [ "$n" -ge 1 ] && [ "$n" -le 4 ]; } ||
	sec_bad "B: evil got $n datagram(s) from $NAT for 20 bubbles, want 1..4"
[ "$nb" = "$n" ] || sec_bad "B: of those, only $nb are bubbles"
[ "$(drop_count bubble_limit)" -gt 0 ] ||
	sec_bad "B: bubble_limit $b0 -> $(drop_count bubble_limit), want > 0"
log "B: 20 bubbles naming $EVIL:9999: $n reply(ies) ($nb bubbles), bubble_limit $b0 -> $(drop_count bubble_limit)"

# C: amplification
rx=$(sec_counter_get cl1 rx)
tx=$(sec_counter_get cl1 tx)
log "C: cl1 got $rx, sent $tx (not to the server): ratio $(awk -v a="$tx" -v b="$rx" 'BEGIN { printf "%.2f", b ? a / b : 0 }')"
[ "$tx" -le "$rx" ] || sec_bad "C: cl1 sent $tx packets for $rx received"
sec_control lan cl1 10.0.1.1 9999
sec_control evil srv "$EVIL" 9999
sec_done
exit 0
