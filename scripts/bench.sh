#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: in one VM run, over the same topology (two clients, each
# behind its own nft masquerade NAT, a miredo-server on the WAN), measure
#   plain   IPv4 cl1 -> cl2 through both NATs (a DNAT on nat2): the ceiling
#   miredo  Miredo <-> Miredo over Teredo
#   teredo  kteredo <-> kteredo over Teredo (offloads on, the default)
#   teredo_nogso  the same with teredo0's offloads turned off
# TCP throughput (iperf3), UDP at a fixed offered load (packets per second
# received and loss), RTT (ping) and guest CPU time per packet, then print
# the ratios. Figures, not pass/fail: this is no test.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
if [ "${1:-}" != --guest ]; then
	exec "$top/scripts/vm.sh" -t 1200 -m 2048 "$top/scripts/bench.sh" --guest
fi

source "$top/scripts/e2e/lib.sh"
SECS=${BENCH_SECS:-5}
UDP_RATE=${BENCH_UDP_RATE:-50M}
SYS=/sys/class/net/teredo0/teredo
declare -A R

# cpu_ticks: busy jiffies of the whole guest (user+nice+system+irq+softirq)
cpu_ticks() {
	awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat
}

# cl1's TCP segments out, and its teredo0's sends (one per GSO list)
tcp_out_segs() {
	ip netns exec cl1 awk '$1 == "Tcp:" && $12 ~ /^[0-9]+$/ { print $12 }' \
		/proc/net/snmp
}
teredo_sends() {
	ip netns exec cl1 cat /sys/class/net/teredo0/statistics/tx_packets \
		2>/dev/null
}

# measure NAME DST: iperf3 TCP and UDP from cl1 to DST in cl2, and ping.
measure() {
	local name=$1 dst=$2 j t0 t1 pkts
	ip netns exec cl2 iperf3 -s -D -1 -p 5201 >/dev/null 2>&1
	sleep 0.5
	t0=$(cpu_ticks)
	s0=$(tcp_out_segs)
	x0=$(teredo_sends)
	j=$(ip netns exec cl1 iperf3 -c "$dst" -p 5201 -t "$SECS" -J 2>&1)
	t1=$(cpu_ticks)
	[ "$x0" ] && echo "# $name: $(($(tcp_out_segs) - s0)) TCP segments" \
		"in $(($(teredo_sends) - x0)) sends from cl1's teredo0"
	R[$name.tcp]=$(echo "$j" | jq -r '.end.sum_received.bits_per_second // 0')
	pkts=$(echo "$j" | jq -r '(.end.sum_received.bytes // 0) / 1400 | floor')
	[ "$pkts" -gt 0 ] 2>/dev/null &&
		R[$name.tcp_cpu_us]=$(((t1 - t0) * 10000 / pkts)) ||
		R[$name.tcp_cpu_us]=0

	ip netns exec cl2 iperf3 -s -D -1 -p 5202 >/dev/null 2>&1
	sleep 0.5
	t0=$(cpu_ticks)
	j=$(ip netns exec cl1 iperf3 -c "$dst" -p 5202 -u -b "$UDP_RATE" \
		-l 1000 -t "$SECS" -J 2>&1)
	t1=$(cpu_ticks)
	R[$name.udp_pps]=$(echo "$j" | jq -r \
		"((.end.sum.packets // 0) - (.end.sum.lost_packets // 0)) / $SECS | floor")
	R[$name.udp_loss]=$(echo "$j" | jq -r '.end.sum.lost_percent // 100 | . * 10 | floor / 10')
	pkts=$(echo "$j" | jq -r '(.end.sum.packets // 0)')
	[ "$pkts" -gt 0 ] 2>/dev/null &&
		R[$name.udp_cpu_us]=$(((t1 - t0) * 10000 / pkts)) ||
		R[$name.udp_cpu_us]=0

	R[$name.rtt]=$(ip netns exec cl1 ping -c 20 -i 0.2 -q "$dst" 2>/dev/null |
		sed -n 's|.* = [0-9.]*/\([0-9.]*\)/.*|\1|p')
	R[$name.rtt]=${R[$name.rtt]:-0}
	echo "# $name: tcp ${R[$name.tcp]} bit/s, udp ${R[$name.udp_pps]} pps" \
		"(loss ${R[$name.udp_loss]}%), rtt ${R[$name.rtt]} ms"
}

e2e_topology
e2e_nat 1 masquerade
e2e_nat 2 masquerade
e2e_miredo_server

# --- plain IPv4 over the same path: nat2 forwards the iperf ports to cl2
ip netns exec nat2 nft add chain ip nat pre \
	'{ type nat hook prerouting priority -100; }'
# (iperf3 runs its control connection over TCP on the UDP test's port)
ip netns exec nat2 nft add rule ip nat pre iifname e0 \
	meta l4proto '{ tcp, udp }' th dport '{ 5201, 5202 }' dnat to 10.0.2.2
ip netns exec nat2 nft add rule ip nat pre iifname e0 \
	icmp type echo-request dnat to 10.0.2.2
ip netns exec nat2 nft insert rule ip filter forward iifname e0 \
	ct status dnat accept
ip netns exec nat2 nft insert rule ip filter input iifname e0 \
	ct status dnat accept
measure plain 198.51.100.12

# --- Miredo <-> Miredo
e2e_miredo cl1
e2e_miredo cl2
e2e_wait 60 e2e_has_teredo_addr cl1 && e2e_wait 60 e2e_has_teredo_addr cl2 ||
	{ e2e_dump; fail "miredo did not qualify"; }
m2=$(e2e_teredo_addr cl2)
ip netns exec cl1 ping -6 -c 3 -w 20 "$m2" >/dev/null ||
	{ e2e_dump; fail "miredo peers cannot reach each other"; }
measure miredo "$m2"
for ns in cl1 cl2; do
	for pid in $(ip netns pids $ns); do kill "$pid"; done
done
sleep 2

# --- kteredo <-> kteredo
modprobe teredo || fail "modprobe teredo"
for ns in cl1 cl2; do
	ip -n $ns link add teredo0 type teredo || fail "ip link add ($ns)"
	ip netns exec $ns sh -c "echo $E2E_SERVER > $SYS/server"
	ip -n $ns link set teredo0 up
done
qualified() { [ "$(ip netns exec "$1" cat $SYS/state)" = qualified ]; }
e2e_wait 30 qualified cl1 && e2e_wait 30 qualified cl2 ||
	fail "kteredo did not qualify"
k2=$(ip netns exec cl2 cat $SYS/address)
e2e_wait 10 sh -c "ip -n cl2 -6 addr show dev teredo0 | grep -q $k2"
ip netns exec cl1 ping -6 -c 3 -w 20 "$k2" >/dev/null ||
	fail "kteredo peers cannot reach each other"
measure teredo "$k2"
# For reference, the same pair with teredo0's offloads off: one datagram
# and one trip through the stack per TCP segment.
for ns in cl1 cl2; do
	ip netns exec $ns ethtool -K teredo0 sg off tx off tso off gso off \
		>/dev/null
done
measure teredo_nogso "$k2"
for ns in cl1 cl2; do ip -n $ns link del teredo0; done
rmmod teredo

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
echo
printf '%-12s %14s %10s %8s %9s %12s %12s\n' "" "TCP Mbit/s" "UDP pps" \
	"loss %" "RTT ms" "TCP cpu us/p" "UDP cpu us/p"
for n in plain miredo teredo teredo_nogso; do
	printf '%-12s %14s %10s %8s %9s %12s %12s\n' $n \
		"$(awk -v b="${R[$n.tcp]}" 'BEGIN { printf "%.1f", b / 1e6 }')" \
		"${R[$n.udp_pps]}" "${R[$n.udp_loss]}" "${R[$n.rtt]}" \
		"${R[$n.tcp_cpu_us]}" "${R[$n.udp_cpu_us]}"
done
echo
echo "teredo/miredo TCP throughput: $(ratio "${R[teredo.tcp]}" "${R[miredo.tcp]}")x (target >= 20)"
echo "teredo/plain  TCP throughput: $(ratio "${R[teredo.tcp]}" "${R[plain.tcp]}") (target >= 0.5)"
echo "teredo/miredo UDP pps:        $(ratio "${R[teredo.udp_pps]}" "${R[miredo.udp_pps]}")x"
echo "teredo/miredo RTT:            $(ratio "${R[teredo.rtt]}" "${R[miredo.rtt]}") (target <= 0.25)"
echo "teredo_nogso/miredo TCP:      $(ratio "${R[teredo_nogso.tcp]}" "${R[miredo.tcp]}")x (offloads off)"
