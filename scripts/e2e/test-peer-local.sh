#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Local client discovery (RFC 4380 5.2.8): two kteredo clients, cl1
# (10.0.1.2) and cl3 (10.0.1.3), on one LAN behind nat1, a NAT that does
# not hairpin (a datagram from the LAN to its public address stays in it).
# With local_discovery off they cannot reach each other (their direct
# bubbles go to the NAT's own address) and nothing goes to 224.0.0.253.
# Turned on, they find each other on the LAN: ping both ways and TCP, the
# traffic straight between their LAN addresses, one peer each; the port
# notifier (the sample module) gets DISCOVERY_UP with port 3544 for each.
# Then hostile traffic on the LAN, each counted and answered by nothing: a
# discovery bubble from off the subnet (not_onlink), one naming a client
# behind another NAT (spoofed_src), data to the group (bad_dst), a unicast
# bubble from a neighbour nobody asked for (not_global, no entry made);
# and 100 discovery bubbles from one source get at most 4 answers (the
# probe budget, RFC 4380 5.2.6).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/port-lib.sh"
source "$(dirname "$0")/sec-lib.sh"
source "$(dirname "$0")/local-lib.sh"
trap 'port_unload; e2e_cleanup' EXIT

local_topology

modprobe teredo || port_fail "modprobe teredo"
modprobe teredo_port_sample || port_fail "modprobe sample"
port_mark
local_clients_nodisc
log "cl1 $K1, cl3 $K3, both mapped to $M"

sec_table cl1
sec_counter cl1 group out ip daddr 224.0.0.253 udp dport 3544
sec_counter cl1 lan out ip daddr 10.0.1.3 udp sport "$(attr port)"

# Off: no way through the NAT, nothing to the group, nobody listens
out=$(cl ping -6 -c 3 -i 0.5 -w 10 "$K3" 2>&1) &&
	sec_fail "cl1 reached cl3 with local discovery off: NAT hairpins?"
n=$(sec_counter_get cl1 group)
[ "$n" = 0 ] || sec_bad "$n datagram(s) to 224.0.0.253 with local discovery off"
cl ss -Huln | grep -q '224.0.0.253[^ ]*:3544 ' &&
	sec_bad "224.0.0.253:3544 bound with local discovery off"
log "off: cl1 -> cl3 lost ($(echo "$out" | grep -o '[0-9]*% packet loss')), nothing to the group"

# On: they find each other on the LAN
disc_events() {
	dmesg | tail -n "+$((PORT_MARK + 1))" |
		grep -c "teredo_port_sample: event=$1 .* dev=teredo0 .* disc_port=$2\$"
}
grep -q "teredo_port_sample: event=DISCOVERY_" <(dmesg | tail -n "+$((PORT_MARK + 1))") &&
	sec_bad "a DISCOVERY event with local discovery off"
for ns in cl1 cl3; do
	ip netns exec $ns sh -c "echo 1 >$SYS/local_discovery" ||
		port_fail "local_discovery on ($ns)"
done
e2e_wait 10 disc_listening cl1 ||
	sec_fail "cl1 does not listen on 224.0.0.253:3544"
e2e_wait 10 disc_listening cl3 ||
	sec_fail "cl3 does not listen on 224.0.0.253:3544"
out=$(cl ping -6 -c 3 -i 0.5 -w 20 "$K3" 2>&1) ||
	sec_fail "cl1 cannot reach cl3 with local discovery: $out"
log "on: cl1 -> cl3 $(echo "$out" | grep -o '[0-9]* received')"
out=$(c3 ping -6 -c 3 -i 0.5 -w 20 "$K1" 2>&1) ||
	sec_fail "cl3 cannot reach cl1: $out"
log "on: cl3 -> cl1 $(echo "$out" | grep -o '[0-9]* received')"
[ "$(disc_events DISCOVERY_UP 3544)" -ge 2 ] ||
	sec_bad "DISCOVERY_UP events: $(disc_events DISCOVERY_UP 3544), want 2 (one each)"
cl timeout 60 socat -T 20 TCP6-LISTEN:7001,reuseaddr EXEC:cat >/dev/null 2>&1 &
e2e_wait 10 listening cl1 7001 || sec_fail "no listener on cl1:7001"
msg="local-$RANDOM"
got=$(echo "$msg" | c3 timeout 30 socat -t 10 -T 20 - "TCP6:[$K1]:7001")
[ "$got" = "$msg" ] || sec_bad "TCP cl3 -> cl1: got '$got'"
[ "$(attr peers)" = 1 ] || sec_bad "cl1 peers $(attr peers), want 1"
[ "$(attr3 peers)" = 1 ] || sec_bad "cl3 peers $(attr3 peers), want 1"
n=$(sec_counter_get cl1 lan)
[ "$n" -gt 6 ] || sec_bad "cl1 sent $n datagram(s) straight to 10.0.1.3"
g=$(sec_counter_get cl1 group)
[ "$g" -ge 1 ] || sec_bad "no discovery bubble from cl1"
log "on: cl1 sent $n datagrams to 10.0.1.3 on the LAN, $g to the group"

# Hostile traffic on the LAN, from cl3's namespace (cl3's own client
# hears it too: its counters are not checked)
port1=$(attr port)
OTHER=$(teredo_of "$E2E_SERVER" 0 198.51.100.99 4000)
STRANGER=$(teredo_of "$E2E_SERVER" 0 "$M" 4001)
ip -n cl3 addr add 10.9.9.9/24 dev e0 || sec_fail "10.9.9.9 on cl3"
for r in not_onlink spoofed_src bad_dst not_global; do
	eval "d0_$r=$(drop_count $r)"
done
disc cl3 10.9.9.9 4001 "$STRANGER"
disc cl3 10.0.1.3 4002 "$OTHER"
disc cl3 10.0.1.3 4003 "$STRANGER" ff02::1 8
disc cl3 10.0.1.3 4004 "$STRANGER" "$K1" 0 1 10.0.1.2 "$port1"
for r in not_onlink spoofed_src bad_dst not_global; do
	eval "d0=\$d0_$r"
	e2e_wait 5 drops_ge $r $((d0 + 1)) ||
		sec_bad "$r $d0 -> $(drop_count $r), want one more"
done
[ "$(attr peers)" = 1 ] || sec_bad "a stranger made an entry: peers $(attr peers)"
log "hostile: not_onlink, spoofed_src, bad_dst, not_global each counted"

# A neighbour's discovery bubbles are answered within the probe budget
sec_counter cl1 answers out ip daddr 10.0.1.3 udp dport 4005
disc cl3 10.0.1.3 4005 "$STRANGER" ff02::1 0 100
sleep 2
n=$(sec_counter_get cl1 answers)
[ "$n" -ge 1 ] && [ "$n" -le 4 ] ||
	sec_bad "100 discovery bubbles from 10.0.1.3:4005 got $n answers, want 1 to 4"
log "100 discovery bubbles from one neighbour: $n answers"

# Off again: the group is left
cl sh -c "echo 0 >$SYS/local_discovery" || port_fail "local_discovery off"
e2e_wait 10 sh -c "! ip netns exec cl1 ss -Huln | grep -q '224.0.0.253[^ ]*:3544 '" ||
	sec_bad "cl1 still listens on 224.0.0.253:3544 once off"
[ "$(disc_events DISCOVERY_DOWN 0)" = 1 ] ||
	sec_bad "DISCOVERY_DOWN events: $(disc_events DISCOVERY_DOWN 0), want 1"
sec_done
rmmod teredo_port_sample || port_fail "rmmod sample"
ip -n cl3 link del teredo0 || port_fail "link del cl3"
ip -n cl1 link del teredo0 || port_fail "link del cl1"
exit 0
