#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# RFC 4380 5.2.4: kteredo sends only to global unicast IPv4. To Teredo
# addresses whose mapping (plain or cone) is the NAT's LAN side
# 10.0.1.1:9999 or link-local 169.254.7.7:9999, or whose server is
# 10.0.1.1 (the indirect bubble would go to 10.0.1.1:3544), nothing
# leaves cl1: no data, no bubble, direct or indirect (listeners in nat1
# and an nft counter in cl1's output hook see nothing); each packet is
# counted as not_global and ping gets an ICMPv6 "administratively
# prohibited" back.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/port-lib.sh"
source "$(dirname "$0")/sec-lib.sh"
trap 'port_unload; e2e_cleanup' EXIT

sec_up
ip -n nat1 addr add 169.254.7.7/16 dev e1 || sec_fail "169.254.7.7 on nat1"
sec_listen nat1 lan9999 9999 10.0.1.1
sec_listen nat1 lan3544 3544 10.0.1.1
sec_listen nat1 ll9999 9999 169.254.7.7
sec_table cl1
sec_counter cl1 lan out ip daddr '{ 10.0.1.1, 169.254.7.7 }' ip protocol udp

S=$E2E_SERVER
g0=$(drop_count not_global)
sent=0
for t in a:$S:0:10.0.1.1:9999 b:$S:8000:10.0.1.1:9999 \
	c:$S:0:169.254.7.7:9999 d:10.0.1.1:0:198.51.100.50:9999; do
	IFS=: read -r n server flags ip port <<<"$t"
	a=$(teredo_of "$server" "$flags" "$ip" "$port")
	out=$(cl ping -6 -c 2 -W 2 "$a" 2>&1)
	sec_pkt cl1 send6 "$a" 7 SECRET
	sent=$((sent + 3))
	what="($n) $a (server $server, flags $flags, mapped $ip:$port)"
	echo "$out" | grep -q "Administratively prohibited" ||
		sec_bad "$what: ping got no 'Administratively prohibited': $(echo "$out" | grep -E 'From|received' | head -n 3 | tr '\n' ' ')"
	log "$what: ping and UDP sent"
done
e2e_wait 10 drops_ge not_global $((g0 + sent)) ||
	sec_bad "not_global $g0 -> $(drop_count not_global), want >= $((g0 + sent)) ($sent packets sent)"
sleep 2	# what a probe or a retried bubble would send late
for l in lan9999 lan3544 ll9999; do
	n=$(sec_rx $l)
	[ "$n" = 0 ] || sec_bad "listener $l got $n datagram(s): $(cut -d' ' -f1-3 "$E2E_TMP/$l.out" | sort | uniq -c | tr '\n' ';')"
done
n=$(sec_counter_get cl1 lan)
[ "$n" = 0 ] || sec_bad "cl1 sent $n UDP datagram(s) to 10.0.1.1 / 169.254.7.7"
log "not_global $g0 -> $(drop_count not_global) for $sent packets; cl1 -> LAN UDP: $n"
sec_control lan9999 cl1 10.0.1.1 9999
sec_control lan3544 cl1 10.0.1.1 3544
sec_control ll9999 cl1 169.254.7.7 9999
sec_done
exit 0
