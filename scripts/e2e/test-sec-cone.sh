#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# RFC 5991: the cone flag is not trust. Data to a Teredo address with the
# cone flag set and mapping 198.51.100.77:7777 ("evil" on the WAN, which
# never answers) is not sent there: only bubbles reach evil from the
# client's NAT, at most 4 (RFC 4380 5.2.6, 4 per 300 s). After the peer
# entry has been given up and freed (~30 s), 5 more sends still make no
# 5th bubble: the limit's clock outlives the entry; bubble_limit counts.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/port-lib.sh"
source "$(dirname "$0")/sec-lib.sh"
trap 'port_unload; e2e_cleanup' EXIT

EVIL=198.51.100.77
NAT=198.51.100.11
SECRET_HEX=534543524554	# "SECRET"
peers_is() { [ "$(attr peers)" = "$1" ]; }
sec_up
e2e_ns_add evil
e2e_wan_attach evil e0 "$EVIL/24"
sec_listen evil evil 7777
a=$(teredo_of "$E2E_SERVER" 8000 "$EVIL" 7777)
b0=$(drop_count bubble_limit)

# check ROUND: what evil got so far
check() {
	local n nb
	n=$(sec_rx evil "$NAT")
	nb=$(sec_bubbles evil "$NAT")
	! sec_rx_has evil "$SECRET_HEX" ||
		sec_bad "$1: evil got the data: $(awk -v h="$SECRET_HEX" 'index($4, h) { print $1 ":" $2 " " $3 " bytes" }' "$E2E_TMP/evil.out" | sort | uniq -c | tr '\n' ';')"
	[ "$nb" = "$n" ] ||
		sec_bad "$1: $((n - nb)) of the $n datagram(s) from $NAT are not bubbles"
	[ "$nb" -le 4 ] || sec_bad "$1: $nb bubbles from $NAT since the start, want <= 4"
	log "$1: from $NAT $n datagram(s), $nb bubbles; from $E2E_SERVER $(sec_rx evil "$E2E_SERVER"); bubble_limit $b0 -> $(drop_count bubble_limit)"
}

sec_pkt cl1 send6 "$a" 7 'SECRET-{n}' 5 1
sleep 3	# late bubbles
[ "$(sec_bubbles evil "$NAT")" -ge 1 ] ||
	sec_bad "first round: no bubble from $NAT reached evil (did the client try at all?)"
check "first round"

# the entry is given up and freed after ~30 s: round 2 must find none
sleep 30
e2e_wait 30 peers_is 0 ||
	sec_bad "peers still $(attr peers) 60 s after the first round: the entry was not freed"
log "peers $(attr peers) before the second round"
sec_pkt cl1 send6 "$a" 7 'SECRET-again-{n}' 5 1
sleep 3
check "second round"
[ "$(drop_count bubble_limit)" -gt 0 ] ||
	sec_bad "bubble_limit $b0 -> $(drop_count bubble_limit), want > 0"
sec_control evil srv "$EVIL" 7777
sec_done
exit 0
