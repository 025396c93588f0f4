#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Outer ICMPv4 errors for the Teredo socket (kmod/icmp.c), kteredo in cl1
# behind nat1:
#   a. a Teredo peer whose mapping is a host with nothing on that port
#      (pa, 198.51.100.41:40000): pa answers our first bubble with port
#      unreachable, and the entry is given up on at once: the pings get
#      ICMPv6 unreachable and no more direct bubbles go to pa (1,
#      where the probes would send 4 over 8 s); ethtool -S counts the
#      error and the peer.
#   b. the same error forged by another host (pc) for a peer at
#      pb:40000 (pb drops, silently, what comes to 40000) passes nat1
#      and is counted, but acted on not: the bubbles to pb go on.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/port-lib.sh"
source "$(dirname "$0")/sec-lib.sh"
trap 'port_unload; e2e_cleanup' EXIT

stat() { cl ethtool -S teredo0 | awk -v k="$1:" '$1 == k { print $2 }'; }
stat_is() { [ "$(stat "$1")" = "$2" ]; }

sec_up
for h in pa:41 pb:42 pc:43; do
	e2e_ns_add "${h%:*}"
	e2e_wan_attach "${h%:*}" e0 "198.51.100.${h#*:}/24"
done
sec_table pa
# direct bubbles only (the server relays our indirect ones there too)
sec_counter pa to_pa in ip saddr 198.51.100.11 udp dport 40000
sec_table pb
sec_counter pb to_pb in ip saddr 198.51.100.11 udp dport 40000
ip netns exec pb nft add rule ip sec in udp dport 40000 drop ||
	sec_fail "nft drop in pb"
# (qualification may have had its own: the server's secondary address)
e_start=$(stat icmp_errors)

# a. refused by the peer's host
T1=$(teredo_of "$E2E_SERVER" 0 198.51.100.41 40000)
out=$(cl ping -6 -c 4 -i 2 -W 1 "$T1" 2>&1) &&
	sec_fail "ping $T1 answered: $out"
log "ping $T1: $(echo "$out" | grep -m1 -o 'Destination unreachable.*')"
n=$(sec_counter_get pa to_pa)
[ "$n" = 1 ] || sec_bad "pa heard $n bubbles from nat1, want 1 (the first)"
stat_is icmp_peers_refused 1 ||
	sec_bad "icmp_peers_refused $(stat icmp_peers_refused), want 1"
[ "$(stat icmp_errors)" -gt "$e_start" ] ||
	sec_bad "icmp_errors $e_start -> $(stat icmp_errors)"
echo "$out" | grep -q "Destination unreachable" ||
	sec_bad "ping heard no ICMPv6 unreachable: $out"
drops_ge peer_unreachable 1 ||
	sec_bad "peer_unreachable drops $(drop_count peer_unreachable)"
log "a. pa's port unreachable: $n bubble, icmp_errors $(stat icmp_errors), icmp_peers_refused $(stat icmp_peers_refused)"

# b. forged by pc
e0=$(stat icmp_errors)
T2=$(teredo_of "$E2E_SERVER" 0 198.51.100.42 40000)
cl ping -6 -c 4 -i 2 -W 1 "$T2" >"$E2E_TMP/ping2" 2>&1 &
ping2=$!
e2e_wait 10 sh -c "[ \"\$(ip netns exec pb nft list counter ip sec to_pb |
	awk '\$1 == \"packets\" { print \$2 }')\" -ge 1 ]" ||
	sec_fail "no bubble reached pb"
mport=$(ip netns exec nat1 conntrack -L -p udp --orig-dst 198.51.100.42 \
	2>/dev/null | sed -n 's/.* dport=\([0-9]*\) .*/\1/p' | head -n1)
[ -n "$mport" ] || sec_fail "no flow to pb in nat1"
sec_pkt pc unreach 198.51.100.11 198.51.100.11 "$mport" 198.51.100.42 40000 ||
	sec_fail "sec-pkt.py unreach"
e2e_wait 5 sh -c "[ \"\$(ip netns exec cl1 ethtool -S teredo0 |
	awk '\$1 == \"icmp_errors:\" { print \$2 }')\" -gt $e0 ]" ||
	sec_fail "the forged error did not reach cl1: its being ignored proves nothing"
wait "$ping2"
n=$(sec_counter_get pb to_pb)
[ "$n" -ge 2 ] || sec_bad "pb heard $n bubbles: the forged error stopped them"
stat_is icmp_peers_refused 1 ||
	sec_bad "icmp_peers_refused $(stat icmp_peers_refused) after the forged error, want 1"
log "b. forged by pc: counted (icmp_errors $e0 -> $(stat icmp_errors)), $n bubbles to pb"
sec_done
exit 0
