#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kteredo (cl1, behind a port-restricted NAT) and real Miredo clients
# (cl2, cl3, each behind its own) reach each other through bubbles:
# Miredo starts (cl2 pings kteredo, TCP to kteredo), kteredo starts (it
# pings cl3, TCP to cl3). Then a spoofed packet, a Teredo source whose
# mapping is not the packet's sender, is dropped and counted as spoofed_src
# and never reaches the stack. Bulk TCP from kteredo (GSO) reaches Miredo
# intact.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/port-lib.sh"
trap 'port_unload; e2e_cleanup' EXIT

SYS=/sys/class/net/teredo0/teredo
attr() { ip netns exec cl1 cat "$SYS/$1"; }
state_is() { [ "$(attr state)" = "$1" ]; }
drop_count() { attr drops | awk -v r="$1" '$1 == r { print $2 }'; }
peer_fail() {
	e2e_dump
	echo "--- drops"; attr drops
	echo "--- peers $(attr peers)"
	port_fail "$*"
}

e2e_topology
e2e_nat 1 masquerade
e2e_nat 2 masquerade
e2e_nat 3 masquerade
e2e_miredo_server
e2e_miredo cl2
e2e_miredo cl3

modprobe teredo || port_fail "modprobe teredo"
ip -n cl1 link add teredo0 type teredo || port_fail "ip link add"
ip netns exec cl1 sh -c "echo $E2E_SERVER > $SYS/server" ||
	port_fail "server attribute"
ip -n cl1 link set teredo0 up || port_fail "link up"

e2e_wait 30 state_is qualified || peer_fail "kteredo not qualified"
e2e_wait 60 e2e_has_teredo_addr cl2 || peer_fail "miredo cl2 not qualified"
e2e_wait 60 e2e_has_teredo_addr cl3 || peer_fail "miredo cl3 not qualified"
K=$(attr address)
M2=$(e2e_teredo_addr cl2)
M3=$(e2e_teredo_addr cl3)
log "kteredo $K, miredo cl2 $M2, miredo cl3 $M3"
# the address must be on the device before the stack can answer with it
e2e_wait 5 sh -c "ip -n cl1 -6 addr show dev teredo0 | grep -q $K" ||
	peer_fail "address not on teredo0"
[ "$(attr peers)" = 0 ] || peer_fail "peers $(attr peers) before any traffic"

# 1. Miredo starts: its bubbles open our NAT through our server.
out=$(ip netns exec cl2 ping -6 -c 3 -i 0.5 -w 20 "$K") ||
	peer_fail "cl2 (miredo) cannot ping kteredo: $out"
log "miredo -> kteredo: $(echo "$out" | grep -o '[0-9]* received')"

# 2. kteredo starts: queue, bubbles, release.
out=$(ip netns exec cl1 ping -6 -c 3 -i 0.5 -w 20 "$M3") ||
	peer_fail "kteredo cannot ping cl3 (miredo): $out"
log "kteredo -> miredo: $(echo "$out" | grep -o '[0-9]* received')"
p=$(attr peers)
[ "$p" -ge 2 ] || peer_fail "peers is $p after talking to two"

# 3. TCP both ways (socat, the payload echoed back).
ip netns exec cl1 timeout 30 socat -T 10 "TCP6-LISTEN:7001,reuseaddr" \
	EXEC:cat >/dev/null 2>&1 &
ip netns exec cl3 timeout 30 socat -T 10 "TCP6-LISTEN:7002,reuseaddr" \
	EXEC:cat >/dev/null 2>&1 &
e2e_wait 10 listening cl1 7001 || peer_fail "no listener on cl1:7001"
e2e_wait 10 listening cl3 7002 || peer_fail "no listener on cl3:7002"
msg="kteredo-peer-$RANDOM"
got=$(echo "$msg" | ip netns exec cl2 timeout 20 socat -t 5 -T 10 - "TCP6:[$K]:7001")
[ "$got" = "$msg" ] || peer_fail "TCP miredo -> kteredo: got '$got'"
got=$(echo "$msg" | ip netns exec cl1 timeout 20 socat -t 5 -T 10 - "TCP6:[$M3]:7002")
[ "$got" = "$msg" ] || peer_fail "TCP kteredo -> miredo: got '$got'"
# A bigger transfer: full-size segments, which teredo0 (offloads on by
# default) sends as GSO lists of finished datagrams. Miredo, a user-space
# receiver behind veths only, must get every byte right.
ip netns exec cl3 timeout 40 socat -T 10 "TCP6-LISTEN:7003,reuseaddr" \
	SYSTEM:"md5sum >$E2E_TMP/md5.out" >/dev/null 2>&1 &
e2e_wait 10 listening cl3 7003 || peer_fail "no listener on cl3:7003"
head -c 2000000 /dev/urandom >"$E2E_TMP/bulk"
tx0=$(ip netns exec cl1 cat /sys/class/net/teredo0/statistics/tx_packets)
ip netns exec cl1 timeout 35 socat -t 5 -T 10 - "TCP6:[$M3]:7003" \
	<"$E2E_TMP/bulk" >/dev/null || peer_fail "TCP bulk kteredo -> miredo"
tx1=$(ip netns exec cl1 cat /sys/class/net/teredo0/statistics/tx_packets)
e2e_wait 10 test -s "$E2E_TMP/md5.out"
want=$(md5sum <"$E2E_TMP/bulk")
[ "$(cat "$E2E_TMP/md5.out")" = "$want" ] ||
	peer_fail "bulk: miredo got md5 $(cat "$E2E_TMP/md5.out"), want $want"
# 2 MB is at least 1656 datagrams of 1208 bytes: fewer sends is GSO
# (on the debug kernel TCP builds small bursts: 1008 sends were seen)
[ $((tx1 - tx0)) -lt 1500 ] ||
	peer_fail "bulk: $((tx1 - tx0)) sends for 2 MB, no GSO"
log "TCP both ways; bulk kteredo -> miredo: 2 MB intact in $((tx1 - tx0)) GSO sends"

# 4. Spoofing: a packet through the NAT hole of the server (the only flow
# the NAT lets in from 198.51.100.1:3544), claiming to be cl2's Miredo.
# RFC 4380 5.2.3: its mapping is not 198.51.100.1:3544, so dropped.
u0=$(drop_count spoofed_src)
in0=$(ip netns exec cl1 awk '$1 == "Icmp6InEchos" { print $2 }' /proc/net/snmp6)
mport=$(attr mapped_port)
ip netns exec srv python3 - "$M2" "$K" 198.51.100.1 3544 198.51.100.11 "$mport" <<'EOF' ||
import ipaddress, socket, struct, sys
src6, dst6 = (ipaddress.IPv6Address(a).packed for a in sys.argv[1:3])
sip, sport, dip, dport = sys.argv[3], int(sys.argv[4]), sys.argv[5], int(sys.argv[6])
def csum(b):
    if len(b) % 2: b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
icmp = struct.pack('!BBHHH', 128, 0, 0, 0x5151, 1) + b'spoofed!'
c = csum(src6 + dst6 + struct.pack('!IxxxB', len(icmp), 58) + icmp)
icmp = icmp[:2] + struct.pack('!H', c) + icmp[4:]
ip6 = struct.pack('!IHBB', 6 << 28, len(icmp), 58, 64) + src6 + dst6 + icmp
udp = struct.pack('!HHHH', sport, dport, 8 + len(ip6), 0) + ip6
s4, d4 = socket.inet_aton(sip), socket.inet_aton(dip)
c = csum(s4 + d4 + struct.pack('!xBH', 17, len(udp)) + udp) or 0xffff
udp = udp[:6] + struct.pack('!H', c) + udp[8:]
ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0, s4, d4) + udp
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
for _ in range(3):
    s.sendto(ip, (dip, 0))
EOF
	peer_fail "spoof sender failed"
e2e_wait 5 sh -c "[ \$(ip netns exec cl1 cat $SYS/drops | awk '\$1 == \"spoofed_src\" { print \$2 }') -ge $((u0 + 3)) ]" ||
	peer_fail "spoofed packets not counted: spoofed_src $u0 -> $(drop_count spoofed_src)"
in1=$(ip netns exec cl1 awk '$1 == "Icmp6InEchos" { print $2 }' /proc/net/snmp6)
[ "$in1" = "$in0" ] || peer_fail "a spoofed echo reached the stack ($in0 -> $in1)"
log "3 spoofed packets: spoofed_src $u0 -> $(drop_count spoofed_src), none delivered"

# Nothing was given up on, nothing dropped for lack of room.
for r in queue_full peer_unreachable; do
	[ "$(drop_count $r)" = 0 ] || peer_fail "$r: $(drop_count $r)"
done

# Teardown with peers in the cache.
ip -n cl1 link del teredo0 || port_fail "link del"
rmmod teredo || port_fail "rmmod"
exit 0
