#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: in one VM run, over the same topology (two clients, each
# behind its own nft masquerade NAT, a miredo-server on the WAN), measure
# cl1 -> cl2 over
#   plain   IPv4 through both NATs (a DNAT on nat2): the ceiling
#   fou     the kernel's own IPv6-in-UDP tunnel (sit with fou encapsulation,
#           MTU 1280, fixed ports both ways, a DNAT on nat2): what kteredo
#           should come close to
#   teredo  kteredo <-> kteredo over Teredo (offloads on, the default)
#   teredo_nogso  the same with teredo0's offloads turned off
#   miredo  Miredo <-> Miredo over Teredo, last: it is slow, and e2e_wire
#           turns the NATs' LAN links into wires for it
# each for TCP throughput with 1 and 4 streams (iperf3), UDP with 1200-byte
# datagrams and no rate limit (received Mbit/s and loss), RTT (ping) and
# guest CPU time per packet (over the TCP 1-stream run and per datagram
# received over the UDP run), after a 1 s
# warm-up; then the ratios, with their targets.
# Then kteredo's transmit rate (teredo0's tx_packets) to 1, 100 and 10^4
# trusted peers round-robin, and the slab and per-CPU memory a cached peer
# takes: storm --peers (scripts/stress) makes the peers trust them with a
# bubble each, spoofed from netns "storm" on a second link of cl1's, which
# is where what cl1 sends them goes and is dropped on arrival; flood6
# --peers sends to them from cl1. teredo0 is loaded with max_peers 16384
# and the guest's IPv6 neighbour table enlarged to match.
# Figures, not pass/fail: this is no test. BENCH_SECS (8): seconds a run;
# BENCH_PEER_SECS (5): seconds a many-peers run; BENCH_PEER_RUNS (3): runs
# of each size, the median counts; BENCH_PERF="fou teredo"
# (paths, and "peers"): a flat profile of the whole guest (perf, cpu-clock)
# over one more TCP 1-stream run and one more UDP run of each path, and
# one more many-peers run of each size, after its figures.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
if [ "${1:-}" != --guest ]; then
	# the many-peers part's packet generators run in the guest's netns
	make -s -C "$top/scripts/stress" || exit 2
	exec "$top/scripts/vm.sh" -t 1800 -m 2048 env \
		BENCH_SECS="${BENCH_SECS:-}" BENCH_PEER_SECS="${BENCH_PEER_SECS:-}" \
		BENCH_PEER_RUNS="${BENCH_PEER_RUNS:-}" \
		BENCH_PERF="${BENCH_PERF:-}" "$top/scripts/bench.sh" --guest
fi

source "$top/scripts/e2e/lib.sh"
source "$top/scripts/e2e/port-lib.sh"
source "$top/scripts/e2e/sec-lib.sh"
source "$top/scripts/e2e/stress-lib.sh"
SECS=${BENCH_SECS:-8}
PEER_SECS=${BENCH_PEER_SECS:-5}
PEER_RUNS=${BENCH_PEER_RUNS:-3}
PEER_COUNTS="1 100 10000"
PEER_LEN=1200		# UDP payload a datagram to a peer
MAX_PEERS=16384		# room for 10^4 peers (TEREDO_MAX_PEERS_LIMIT)
PEER_VALID=30		# TEREDO_PEER_VALID_S, kmod/peer.h
# /proc/stat counts in USER_HZ ticks, whatever the kernel's HZ
TICK_US=$((1000000 / $(getconf CLK_TCK)))
PATHS="plain fou teredo teredo_nogso miredo"
declare -A R
PERF_HZ=499		# perf's sampling rate, each CPU
v() { echo "${R[$1]:-0}"; }	# a figure, 0 if not measured

# bench_fail MSG: what explains a path that could not be set up, then fail
bench_fail() {
	local ns
	e2e_dump
	for ns in cl1 cl2; do
		echo "--- $ns"
		ip -n $ns -br addr
		ip -n $ns route
		ip -n $ns -6 route
	done 2>&1
	for ns in nat1 nat2; do
		echo "--- $ns nft"
		ip netns exec $ns nft list ruleset
		echo "--- $ns conntrack"
		ip netns exec $ns conntrack -L 2>&1 | head -n 20
	done 2>&1
	if [ -e /sys/module/teredo ]; then
		for ns in cl1 cl2; do
			echo "--- $ns teredo0: state" \
				"$(ip netns exec $ns cat "$SYS/state" 2>&1)"
			ip netns exec $ns cat "$SYS/drops" 2>/dev/null |
				awk '$2 != 0'
		done
		echo "--- dmesg (teredo)"
		dmesg | grep teredo | tail -n 30
	fi
	fail "$*"
}

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

# jqn JSON FILTER [DEFAULT]: FILTER's value, DEFAULT (0) if none (iperf3
# failed)
jqn() {
	local v
	v=$(jq -r "$2" <<<"$1" 2>/dev/null)
	case $v in
	"" | null) echo "${3:-0}" ;;
	*) echo "$v" ;;
	esac
}

# iperf3 servers in cl2: one-off, on 5201 (the port nat2 forwards), each
# started once the one before is gone
IPERF_PID=$E2E_TMP/iperf3.pid
iperf_gone() { ! kill -0 "$(cat "$IPERF_PID" 2>/dev/null)" 2>/dev/null; }
iperf_server() {
	if ! e2e_wait 5 iperf_gone; then
		kill "$(cat "$IPERF_PID")" 2>/dev/null
		e2e_wait 2 iperf_gone
	fi
	rm -f "$IPERF_PID"
	ip netns exec cl2 iperf3 -s -D -1 -p 5201 -I "$IPERF_PID" \
		>/dev/null 2>&1
	e2e_wait 5 listening cl2 5201
}

# iperf_run NAME DST ARG...: one iperf3 run from cl1 to DST, its JSON out
iperf_run() {
	local name=$1 dst=$2 j e
	shift 2
	iperf_server || log "$name: no iperf3 server in cl2" >&2
	j=$(ip netns exec cl1 timeout $((SECS + 30)) iperf3 -c "$dst" -p 5201 \
		-J "$@" 2>&1)
	e=$(jq -r '.error // empty' <<<"$j" 2>/dev/null)
	[ -z "$e" ] || log "$name: iperf3 $*: $e" >&2
	echo "$j"
}

# jq: the datagrams an iperf3 UDP run's receiver got
UDP_RCVD='.end.sum_received.packets //
	((.end.sum.packets // 0) - (.end.sum.lost_packets // 0))'

# perf_record DATA CMD...: CMD under perf, the whole guest sampled into DATA
perf_record() {
	local data=$1

	shift
	perf record -q -a -e cpu-clock -F $PERF_HZ -o "$data" -- "$@"
}

mbits() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1e6 }'; }

# measure NAME DST: from cl1 to DST in cl2, TCP with 1 and 4 streams and
# UDP (iperf3), then ping
measure() {
	local name=$1 dst=$2 j t0 t1 s0 x0 pkts
	iperf_run "$name" "$dst" -t 1 >/dev/null	# warm-up

	t0=$(cpu_ticks)
	s0=$(tcp_out_segs)
	x0=$(teredo_sends)
	j=$(iperf_run "$name" "$dst" -t "$SECS")
	t1=$(cpu_ticks)
	[ "$x0" ] && log "$name: $(($(tcp_out_segs) - s0)) TCP segments" \
		"in $(($(teredo_sends) - x0)) sends from cl1's teredo0"
	R[$name.tcp1]=$(jqn "$j" '.end.sum_received.bits_per_second')
	# a packet: 1400 bytes of TCP payload, whatever the path's MSS
	pkts=$(jqn "$j" '(.end.sum_received.bytes // 0) / 1400 | floor')
	if [ "$pkts" -gt 0 ] 2>/dev/null; then
		R[$name.cpu_us]=$(((t1 - t0) * TICK_US / pkts))
	else
		R[$name.cpu_us]=0
	fi

	j=$(iperf_run "$name" "$dst" -t "$SECS" -P 4)
	R[$name.tcp4]=$(jqn "$j" '.end.sum_received.bits_per_second')

	# UDP: what cl2 received, and what of what cl1 sent never arrived
	t0=$(cpu_ticks)
	j=$(iperf_run "$name" "$dst" -t "$SECS" -u -b 0 -l 1200)
	t1=$(cpu_ticks)
	pkts=$(jqn "$j" "$UDP_RCVD")
	if [ "$pkts" -gt 0 ] 2>/dev/null; then
		R[$name.udp_us]=$(((t1 - t0) * TICK_US / pkts))
	else
		R[$name.udp_us]=0
	fi
	R[$name.udp]=$(jqn "$j" '.end.sum_received.bits_per_second //
		(((.end.sum.packets // 0) - (.end.sum.lost_packets // 0)) *
		 9600 / (.end.sum.seconds // 1))')
	R[$name.loss]=$(jqn "$j" '.end |
		(.sum_sent.packets // .sum.packets // 0) as $s |
		(.sum_received.packets //
		 ((.sum.packets // 0) - (.sum.lost_packets // 0))) as $r |
		if $s > 0 then [100 * ($s - $r) / $s, 0] | max * 10 | floor / 10
		else 100 end' 100)

	R[$name.rtt]=$(ip netns exec cl1 ping -c 20 -i 0.2 -q "$dst" 2>/dev/null |
		sed -n 's|.* = [0-9.]*/\([0-9.]*\)/.*|\1|p')
	R[$name.rtt]=${R[$name.rtt]:-0}
	log "$name: tcp $(mbits "${R[$name.tcp1]}") Mbit/s," \
		"4 streams $(mbits "${R[$name.tcp4]}") Mbit/s," \
		"udp $(mbits "${R[$name.udp]}") Mbit/s received" \
		"(loss ${R[$name.loss]}%), rtt ${R[$name.rtt]} ms," \
		"cpu ${R[$name.cpu_us]} us/packet (TCP)," \
		"${R[$name.udp_us]} us/datagram received (UDP)"
}

# perf_top DATA: the 30 symbols with most samples, then the share of the
# tunnels' own code (kteredo's, fou's and sit's functions), of checksum
# passes and of idle; keeps "SAMPLES SYMBOL" lines in DATA.txt
perf_top() {
	perf report -i "$1" --stdio --no-children -n --sort dso,sym \
		2>/dev/null | grep -v '^#' | grep -v '^$' >"$1.report"
	awk '{ print $2, $NF }' "$1.report" >"$1.txt"
	head -n 30 "$1.report" | sed 's/^/#   /'
	awk '{ sub("%", "", $1) }
		$NF ~ /^(teredo_|gro_cells)/ { t += $1 }
		$NF ~ /^(fou_|gue_|ipip6_|sit_)/ { f += $1 }
		$NF ~ /^(csum_|__skb_checksum|skb_checksum)/ { c += $1 }
		$NF ~ /^(native_safe_halt|default_idle)/ { i += $1 }
		END { printf "#   kteredo %.2f%%, fou+sit %.2f%%, checksums" \
			" %.2f%%, idle %.2f%%\n", t, f, c, i }' "$1.report"
}

# profile NAME DST: if NAME is in BENCH_PERF, where the guest's cycles
# go during a TCP 1-stream run and an unlimited UDP run to DST (runs of
# their own: perf costs); keeps the UDP datagrams received in DATA.udp.n
profile() {
	local name=$1 dst=$2 data=$E2E_TMP/perf.$1 what args j

	case " ${BENCH_PERF:-} " in
	*" $name "*) ;;
	*) return 0 ;;
	esac
	for what in tcp udp; do
		args=
		[ $what = udp ] && args="-u -b 0 -l 1200"
		iperf_server || log "$name: no iperf3 server in cl2"
		# shellcheck disable=SC2086 # args: words
		j=$(perf_record "$data.$what" \
			ip netns exec cl1 timeout $((SECS + 30)) iperf3 \
			-c "$dst" -p 5201 -t "$SECS" -J $args 2>/dev/null) ||
			{ log "$name: perf record ($what) failed"; continue; }
		jqn "$j" "$UDP_RCVD" >"$data.$what.n"
		log "$name: perf, $what${args:+ 1200-byte datagrams}," \
			"whole guest (top 30 symbols):"
		perf_top "$data.$what"
	done
}

# profile_diff A B NAME_A NAME_B WHAT: if both profiles A and B were
# taken (perf_top's A.txt, and A.n: the WHATs they moved), the guest CPU
# time per WHAT that B spends more than A, by symbol (the 25 largest
# differences): where B's extra cycles go
profile_diff() {
	local a=$1 b=$2 all=$2.all

	[ -s "$a.txt" ] && [ -s "$b.txt" ] || return 0
	log "perf: guest CPU us per $5, $4 minus $3" \
		"(the 25 largest differences):"
	awk -v na="$(cat "$a.n")" -v nb="$(cat "$b.n")" -v hz=$PERF_HZ \
		-v all="$all" '
		FNR == 1 { f++ }
		{ s[$2] += 0; if (f == 1) sa[$2] += $1; else sb[$2] += $1 }
		END {
			if (na <= 0 || nb <= 0)
				exit
			for (k in s) {
				ua = sa[k] * 1e6 / hz / na
				ub = sb[k] * 1e6 / hz / nb
				ta += ua; tb += ub
				printf "%9.2f %9.2f %9.2f %s\n", ub - ua, ua, ub, k
			}
			printf "%9.2f %9.2f %9.2f %s\n", tb - ta, ta, tb,
				"(all, idle included)" >all
		}' "$a.txt" "$b.txt" | sort -rn | head -n 25 |
		sed 's/^/#   /'
	[ -s "$all" ] && sed 's/^/#   /' "$all"
	log "perf: (columns: difference, $3, $4; us per $5)"
}

# reach NS DST WHAT: DST answers a ping from NS, else fail
reach() {
	ip netns exec "$1" ping -c 3 -w 20 "$2" >/dev/null ||
		bench_fail "$3: $1 cannot reach $2"
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
reach cl1 198.51.100.12 plain
measure plain 198.51.100.12

# The IPv6 stack keeps a neighbour entry per destination of an on-link
# prefix (sit1's, teredo0's 2001::/32): room for 10^4 of them, as
# max_peers makes room for the peers, or the 10^4 runs would measure the
# neighbour cache's churn (gc_thresh3 is 1024 by default; the table is
# the whole guest's).
sysctl -qw net.ipv6.neigh.default.gc_thresh2=16384 \
	net.ipv6.neigh.default.gc_thresh3=32768 ||
	bench_fail "neighbour table thresholds"
FLOOD6=$(stress_tool flood6)
# median N...: the median of the numbers given
median() {
	printf '%s\n' "$@" | sort -n | awk -v n=$# 'NR == int((n + 1) / 2)'
}

# --- fou: sit over fou, UDP 5555 (cl1) <-> 5556 (cl2). nat1 keeps cl1's
# source port (the flow's first), nat2 forwards 5556 to cl2 (accepted as
# ct status dnat, above), so both ways are one flow through each NAT.
modprobe fou || bench_fail "modprobe fou"
modprobe sit || bench_fail "modprobe sit"
ip netns exec nat2 nft add rule ip nat pre iifname e0 udp dport 5556 \
	dnat to 10.0.2.2 || bench_fail "fou: nat2 dnat"
# fou_end NS PORT PEER_PORT REMOTE LOCAL ADDR
fou_end() {
	if ! { ip -n "$1" fou add port "$2" ipproto 41 &&
		ip -n "$1" link add sit1 type sit remote "$4" local "$5" \
			ttl 64 encap fou encap-sport "$2" encap-dport "$3" &&
		ip -n "$1" link set sit1 mtu 1280 up &&
		ip -n "$1" addr add "$6/64" dev sit1; }; then
		bench_fail "fou: sit1 in $1"
	fi
}
fou_end cl1 5555 5556 198.51.100.12 10.0.1.2 2001:db8:f::1
fou_end cl2 5556 5555 198.51.100.11 10.0.2.2 2001:db8:f::2
if ! ip netns exec cl1 ping -6 -c 3 -w 20 2001:db8:f::2 >/dev/null; then
	for ns in cl1 cl2; do
		echo "--- $ns fou"
		ip -n $ns fou show
		ip -n $ns -d -s link show sit1
	done
	bench_fail "fou: cl1 cannot reach 2001:db8:f::2 over sit1"
fi
measure fou 2001:db8:f::2
profile fou 2001:db8:f::2
# The anchor of kteredo's many-peers figures below: cl1 sends over sit1
# to P addresses of its on-link prefix, round-robin, and nat1 drops the
# datagrams on arrival (ingress, as "storm" drops what teredo0 sends its
# peers). The kernel's tunnel pays the IPv6 stack's cost of many
# destinations (a neighbour entry each) too.
if ! { ip netns exec nat1 nft add table netdev foudrop &&
	ip netns exec nat1 nft add chain netdev foudrop in \
		'{ type filter hook ingress device e1 priority 0; }' &&
	ip netns exec nat1 nft add rule netdev foudrop in \
		udp dport 5556 drop; }; then
	bench_fail "fou: nft sink in nat1"
fi
for p in $PEER_COUNTS; do
	ip netns exec cl1 timeout 60 "$FLOOD6" --prefix 2001:db8:f::100:0 \
		--peers "$p" --count "$p" --len $PEER_LEN >/dev/null ||
		bench_fail "fou $p destinations: flood6 warm-up round"
	runs=
	for r in $(seq "$PEER_RUNS"); do
		out=$(ip netns exec cl1 timeout $((PEER_SECS + 30)) "$FLOOD6" \
			--prefix 2001:db8:f::100:0 --peers "$p" \
			--seconds "$PEER_SECS" --len $PEER_LEN) ||
			bench_fail "fou $p destinations: flood6: $out"
		log "fou, $p destinations (run $r): flood6: $out"
		runs+="${runs:+ }$(awk '{ print $8 }' <<<"$out")"
	done
	# shellcheck disable=SC2086 # runs: words
	R[fou_peers$p.tx_pps]=$(median $runs)
	R[fou_peers$p.runs]=$runs
done
ip netns exec nat1 nft delete table netdev foudrop ||
	bench_fail "fou: nft sink in nat1 stays"

# --- kteredo <-> kteredo; max_peers for the many-peers part below
modprobe teredo max_peers=$MAX_PEERS || bench_fail "modprobe teredo"
for ns in cl1 cl2; do
	ip -n $ns link add teredo0 type teredo || bench_fail "ip link add ($ns)"
	ip netns exec $ns sh -c "echo $E2E_SERVER > $SYS/server"
	ip -n $ns link set teredo0 up
done
qualified() { [ "$(ip netns exec "$1" cat "$SYS/state")" = qualified ]; }
has_addr() { ip -n "$1" -6 addr show dev teredo0 | grep -q "$2"; }
if ! { e2e_wait 30 qualified cl1 && e2e_wait 30 qualified cl2; }; then
	bench_fail "kteredo did not qualify"
fi
ME=$(attr address)
k2=$(ip netns exec cl2 cat "$SYS/address")
if ! { e2e_wait 10 has_addr cl1 "$ME" && e2e_wait 10 has_addr cl2 "$k2"; }; then
	bench_fail "kteredo: the Teredo addresses are not on teredo0"
fi
reach cl1 "$k2" kteredo
measure teredo "$k2"
profile teredo "$k2"
# For reference, the same pair with teredo0's offloads off: one datagram
# and one trip through the stack per TCP segment.
features0=$(cl ethtool -k teredo0)
for ns in cl1 cl2; do
	ip netns exec $ns ethtool -K teredo0 sg off tx off tso off gso off \
		>/dev/null
done
measure teredo_nogso "$k2"
profile teredo_nogso "$k2"
for ns in cl1 cl2; do
	ip netns exec $ns ethtool -K teredo0 sg on tx on tso on gso on \
		>/dev/null
done
[ "$(cl ethtool -k teredo0)" = "$features0" ] ||
	log "teredo0's offloads differ from their defaults after ethtool -K on"

# --- many peers: cl1's teredo0 sends to 1, 100, 10^4 trusted peers,
# 203.0.113.(i % 256):(1024 + i / 256). Their bubbles come from "storm"
# on s0; what cl1 sends them goes there too, and storm drops it on
# arrival (ingress, before IPv4: no ICMP, next to no cost).
STORM=$(stress_tool storm)
stress_lan
ip -n cl1 route add 203.0.113.0/24 via 10.9.0.2 dev s0 ||
	bench_fail "peers: route to 203.0.113.0/24"
if ! { ip netns exec storm nft add table netdev sink &&
	ip netns exec storm nft add chain netdev sink in \
		'{ type filter hook ingress device s0 priority 0; }' &&
	ip netns exec storm nft add counter netdev sink sunk &&
	ip netns exec storm nft add rule netdev sink in \
		ip daddr 203.0.113.0/24 counter name sunk drop; }; then
	bench_fail "peers: nft sink in storm"
fi
sunk() {
	ip netns exec storm nft list counter netdev sink sunk |
		awk '$1 == "packets" { print $2 }'
}
# neigh_allocs: IPv6 neighbour entries ever made (all CPUs, hex columns)
# (a pipe, not a process substitution: the guest's bash has no /dev/fd)
neigh_allocs() {
	tail -n +2 /proc/net/stat/ndisc_cache | {
		local a n=0
		while read -r _ a _; do
			n=$((n + 16#$a))
		done
		echo $n
	}
}
# s0's address is a local change for teredo0: still qualified, same port?
e2e_wait 10 qualified cl1 || bench_fail "peers: teredo0 in cl1 not qualified"
ME=$(attr address)
PORT=$(attr port)
consumed_ge() { [ "$(ethtool_stat rx_consumed)" -ge "$1" ]; }
# mem_kb: unreclaimable slab (empty slabs given back) plus per-CPU, kB
mem_kb() {
	echo $(($(slab_settled_kb) + $(awk '$1 == "Percpu:" { print $2 }' \
		/proc/meminfo)))
}

# peer_profile P SECS: if "peers" is in BENCH_PERF, where the guest's
# cycles go sending to P peers round-robin (a run of its own, after the
# timed one; the peers are still trusted: PEER_VALID)
peer_profile() {
	local data=$E2E_TMP/perf.peers$1 out

	case " ${BENCH_PERF:-} " in
	*" peers "*) ;;
	*) return 0 ;;
	esac
	out=$(perf_record "$data" \
		ip netns exec cl1 timeout $(($2 + 30)) "$FLOOD6" \
		--server "$E2E_SERVER" --peers "$1" --seconds "$2" \
		--len $PEER_LEN 2>/dev/null) ||
		{ log "peers $1: perf record failed"; return 0; }
	awk '{ print $2 }' <<<"$out" >"$data.n"
	log "peers $1: perf, whole guest (top 30 symbols):"
	perf_top "$data"
}

# peer_run NAME P SECS: a bubble from each of the P peers, then flood6 to
# them for SECS; sets R[NAME.*]
peer_run() {
	local name=$1 p=$2 secs=$3 c0 t0 x0 s0 out n0 n1 m0=0 m1=0 m2
	local sent errs fsecs tx el a0

	[ "$p" -ge 10000 ] && m0=$(mem_kb)
	n0=$(attr peers)
	c0=$(ethtool_stat rx_consumed)
	t0=$(date +%s)
	out=$(ip netns exec storm timeout 120 "$STORM" --peers "$p" \
		--to "10.9.0.1:$PORT" --me "$ME" --server "$E2E_SERVER") ||
		bench_fail "peers $p: storm: $out"
	# every bubble taken (consumed, not dropped): every peer trusted
	if ! e2e_wait 30 consumed_ge $((c0 + p)); then
		log "peers $p: $(($(ethtool_stat rx_consumed) - c0)) of $p" \
			"bubbles taken ($out); drops:" \
			"$(attr drops | awk '$2 != 0 { printf " %s %s", $1, $2 }')"
		bench_fail "peers $p: the peers' bubbles did not all arrive"
	fi
	n1=$(attr peers)
	[ "$n1" -ge "$p" ] || bench_fail "peers $p: only $n1 in the cache"
	[ "$p" -ge 10000 ] && m1=$(mem_kb)

	# one round first: what the first datagram to a peer costs (its
	# route cache, the IPv6 stack's neighbour entry) is not the rate
	ip netns exec cl1 timeout 60 "$FLOOD6" --server "$E2E_SERVER" \
		--peers "$p" --count "$p" --len $PEER_LEN >/dev/null ||
		bench_fail "peers $p: flood6 warm-up round"
	drops_snapshot "$E2E_TMP/drops0"
	a0=$(neigh_allocs)
	x0=$(dev_stat tx_packets)
	s0=$(sunk)
	out=$(ip netns exec cl1 timeout $((secs + 30)) "$FLOOD6" \
		--server "$E2E_SERVER" --peers "$p" --seconds "$secs" \
		--len $PEER_LEN) || bench_fail "peers $p: flood6: $out"
	tx=$(($(dev_stat tx_packets) - x0))
	el=$(($(date +%s) - t0))
	drops_snapshot "$E2E_TMP/drops1"
	read -r sent errs fsecs <<<"$(awk '{ print $2, $4, $6 }' <<<"$out")"
	[ "$name" = warm-up ] && return
	R[$name.tx_pps]=$(awk -v n="$tx" -v t="$fsecs" \
		'BEGIN { printf "%.0f", (t > 0 ? n / t : 0) }')
	R[$name.flood_pps]=$(awk -v n="$sent" -v t="$fsecs" \
		'BEGIN { printf "%.0f", (t > 0 ? n / t : 0) }')
	R[$name.errors]=$errs
	log "peers $p (run ${name##*.}): teredo0 sent $tx in ${fsecs}s: ${R[$name.tx_pps]} pps;" \
		"flood6: $out; storm dropped $(($(sunk) - s0));" \
		"peer cache: $n0 -> $n1 entries;" \
		"$(($(neigh_allocs) - a0)) IPv6 neighbour entries made"
	[ -z "$(drops_delta "$E2E_TMP/drops0" "$E2E_TMP/drops1")" ] ||
		log "peers $p: teredo0 drops:" \
			"$(drops_delta "$E2E_TMP/drops0" "$E2E_TMP/drops1")"
	[ "$el" -lt "$PEER_VALID" ] ||
		log "peers $p: ${el}s from the first bubble to the flood's end:" \
			"some peers were no longer valid (${PEER_VALID}s)"
	if [ "$p" -ge 10000 ] && [ "$n1" -gt "$n0" ]; then
		m2=$(mem_kb)
		R[mem_entry]=$(((m1 - m0) * 1024 / (n1 - n0)))
		R[mem_used]=$(((m2 - m0) * 1024 / (n1 - n0)))
		log "memory (SUnreclaim + Percpu): $m0 kB before the" \
			"$((n1 - n0)) new peers, $m1 kB with them, $m2 kB once" \
			"sent to (route caches)"
	fi
	[ "${name##*.}" != 1 ] || peer_profile "$p" "$secs"
}
peer_run warm-up 1 1
for p in $PEER_COUNTS; do
	for r in $(seq "$PEER_RUNS"); do
		peer_run "peers$p.$r" "$p" "$PEER_SECS"
	done
	# the median run: one 5 s run under TCG varies up to 2x
	errs=0 runs='' floods=''
	for r in $(seq "$PEER_RUNS"); do
		errs=$((errs + $(v "peers$p.$r.errors")))
		runs+="${runs:+ }$(v "peers$p.$r.tx_pps")"
		floods+="${floods:+ }$(v "peers$p.$r.flood_pps")"
	done
	# shellcheck disable=SC2086 # runs, floods: words
	R[peers$p.tx_pps]=$(median $runs)
	# shellcheck disable=SC2086
	R[peers$p.flood_pps]=$(median $floods)
	R[peers$p.errors]=$errs
	R[peers$p.runs]=$runs
done
for ns in cl1 cl2; do ip -n $ns link del teredo0; done
rmmod teredo

# --- Miredo <-> Miredo
e2e_miredo cl1
e2e_miredo cl2
if ! { e2e_wait 60 e2e_has_teredo_addr cl1 &&
	e2e_wait 60 e2e_has_teredo_addr cl2; }; then
	bench_fail "miredo did not qualify"
fi
m2=$(e2e_teredo_addr cl2)
reach cl1 "$m2" miredo
measure miredo "$m2"
for ns in cl1 cl2; do
	for pid in $(ip netns pids $ns); do kill "$pid"; done
done
no_pids() { [ -z "$(ip netns pids "$1")" ]; }
if ! { e2e_wait 5 no_pids cl1 && e2e_wait 5 no_pids cl2; }; then
	log "miredo: processes left in cl1/cl2 (killed at exit)"
fi

# --- results
profile_diff "$E2E_TMP/perf.fou.udp" "$E2E_TMP/perf.teredo.udp" fou teredo \
	"UDP datagram received"
profile_diff "$E2E_TMP/perf.peers1" "$E2E_TMP/perf.peers10000" "1 peer" \
	"10^4 peers" "datagram sent"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
path_row() { printf '%-13s %11s %11s %11s %7s %7s %10s %10s\n' "$@"; }
peer_row() { printf '%-13s %12s %12s %14s  %s\n' "$@"; }
echo
path_row "" "TCP Mbit/s" "TCP 4 str." "UDP Mbit/s" "loss %" "RTT ms" \
	"TCP us/pkt" "UDP us/pkt"
for n in $PATHS; do
	path_row "$n" "$(mbits "$(v "$n.tcp1")")" "$(mbits "$(v "$n.tcp4")")" \
		"$(mbits "$(v "$n.udp")")" "$(v "$n.loss")" "$(v "$n.rtt")" \
		"$(v "$n.cpu_us")" "$(v "$n.udp_us")"
done
echo
peer_row "peers" "teredo0 pps" "flood6 pps" "flood6 errors" \
	"teredo0 pps of each run (the median counts)"
for p in $PEER_COUNTS; do
	peer_row "$p" "$(v "peers$p.tx_pps")" "$(v "peers$p.flood_pps")" \
		"$(v "peers$p.errors")" "$(v "peers$p.runs")"
done
peer_row "fou: dests" "sit1 pps" "" "" "each run"
for p in $PEER_COUNTS; do
	peer_row "$p" "$(v "fou_peers$p.tx_pps")" "" "" \
		"$(v "fou_peers$p.runs")"
done
echo "bytes per cached peer (SUnreclaim + Percpu): $(v mem_entry)," \
	"$(v mem_used) once sent to (route caches)"
echo
# ratio_row WHAT A B NOTE: A/B
ratio_row() {
	printf '%-34s %7s  (%s)\n' "$1" "$(ratio "$(v "$2")" "$(v "$3")")" "$4"
}
ratio_row "kteredo/fou TCP 1 stream" teredo.tcp1 fou.tcp1 "target >= 0.8"
ratio_row "kteredo/fou TCP 4 streams" teredo.tcp4 fou.tcp4 "target >= 0.8"
ratio_row "kteredo/plain TCP 1 stream" teredo.tcp1 plain.tcp1 "target >= 0.5"
ratio_row "kteredo/plain TCP 4 streams" teredo.tcp4 plain.tcp4 "target >= 0.5"
ratio_row "kteredo/Miredo TCP 1 stream" teredo.tcp1 miredo.tcp1 "target >= 20"
ratio_row "kteredo/Miredo TCP 4 streams" teredo.tcp4 miredo.tcp4 "target >= 20"
ratio_row "kteredo/fou RTT" teredo.rtt fou.rtt "target <= 1.2"
ratio_row "kteredo/fou UDP received" teredo.udp fou.udp "target >= 0.8"
ratio_row "kteredo tx pps, 10^4 peers/1 peer" peers10000.tx_pps peers1.tx_pps \
	"target >= 0.8"
ratio_row "fou tx pps, 10^4 dests/1 dest" fou_peers10000.tx_pps \
	fou_peers1.tx_pps "the anchor: the IPv6 stack's share"
ratio_row "kteredo offloads off/fou TCP 1" teredo_nogso.tcp1 fou.tcp1 \
	"for reference"
