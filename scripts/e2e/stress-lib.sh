# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the stress tests (test-stress-*.sh); sourced after
# sec-lib.sh. E2E_STRESS=full (make stress) runs them at full size, else
# (make check) smaller (stress_n). The C tools (scripts/stress/*.c) are
# built on the host by scripts/e2e/run.sh into build/stress/.

STRESS_BIN=$PORT_TOP/build/stress
STRESS_FULL=
[ "${E2E_STRESS:-}" = full ] && STRESS_FULL=1

# stress_rate: storm.c's pace for one of two senders (stress_halves), if
# E2E_STRESS_RATE asks for one
stress_rate() {
	local r=${E2E_STRESS_RATE:-0}

	if [ "$r" -gt 1 ]; then echo "--rate $((r / 2))"; fi
}

# stress_bound N: how long a storm of N datagrams may take: 600 s plus
# 4 ms a datagram (the debug kernel under TCG takes 2 to 3), plus N / rate
# when E2E_STRESS_RATE (2 or more) paces it
stress_bound() {
	local r=${E2E_STRESS_RATE:-0}

	echo $((600 + $1 * 4 / 1000 + ($r > 1 ? $1 / $r : 0)))
}

# stress_n FULL [DIV]: FULL under make stress, FULL / DIV (10) otherwise
stress_n() {
	if [ -n "$STRESS_FULL" ]; then echo "$1"; else echo $(($1 / ${2:-10})); fi
}

stress_tool() {
	[ -x "$STRESS_BIN/$1" ] || sec_fail "$STRESS_BIN/$1 not built"
	echo "$STRESS_BIN/$1"
}

# stress_lan: netns "storm" at 10.9.0.2 on a second link of cl1's (s0,
# 10.9.0.1): nothing filters what it sends cl1, whatever the source
stress_lan() {
	e2e_ns_add storm
	ip -n cl1 link add s0 type veth peer name s0 netns storm
	ip -n cl1 addr add 10.9.0.1/24 dev s0
	ip -n storm addr add 10.9.0.2/24 dev s0
	ip -n cl1 link set s0 up
	ip -n storm link set s0 up
	ip netns exec cl1 sysctl -qw net.ipv4.conf.all.rp_filter=0 \
		net.ipv4.conf.s0.rp_filter=0
}

# stress_halves FN N: FN COUNT FIRST CPU twice side by side, the first
# half of N on CPU 0, the second on CPU 1: on the debug kernel a sender
# spends most of its time in the receive path it drives (veth hands the
# packet up on the sender's CPU), so one sender leaves the other vCPU
# idle. Prints "sent S errors E" summed over both; fails if either did.
stress_halves() {
	local fn=$1 n=$2 h=$(($2 / 2)) p0 p1 rc=0
	"$fn" "$h" 0 0 >"$E2E_TMP/half0" 2>&1 &
	p0=$!
	"$fn" $((n - h)) "$h" 1 >"$E2E_TMP/half1" 2>&1 &
	p1=$!
	wait "$p0" || rc=1
	wait "$p1" || rc=1
	if [ "$rc" != 0 ]; then
		cat "$E2E_TMP/half0" "$E2E_TMP/half1"
		return 1
	fi
	awk '{ s += $2; e += $4 } END { printf "sent %d errors %d\n", s, e }' \
		"$E2E_TMP/half0" "$E2E_TMP/half1"
}

# STRESS_SAMPLER: a script for bash in cl1 (ip netns exec cl1 bash -c
# "$STRESS_SAMPLER" sampler FILE >FILE &) that writes "peers queued_bytes
# slab_kB" once a second, with builtins and one ethtool a sample: a
# sampler that starts five processes a sample takes a whole vCPU of the
# debug kernel from the flood
STRESS_SAMPLER='
exec {z}<> <(:)
while :; do
	read -r p </sys/class/net/teredo0/teredo/peers
	ethtool -S teredo0 >"$1.e" 2>/dev/null
	q=0
	while read -r k v; do
		[ "$k" = peer_queue_bytes: ] && q=$v
	done <"$1.e"
	while read -r k v _; do
		[ "$k" = SUnreclaim: ] && s=$v && break
	done </proc/meminfo
	echo "$p $q $s"
	read -r -t 1 -u "$z"
done'

# ethtool_stat NAME: one of teredo0's ethtool -S counters in cl1
ethtool_stat() {
	cl ethtool -S teredo0 | awk -v n="$1:" '$1 == n { print $2 }'
}
# dev_stat NAME: /sys/class/net/teredo0/statistics/NAME in cl1
dev_stat() { cl cat "/sys/class/net/teredo0/statistics/$1"; }
# udp_in NS: the UDP datagrams NS's stack handed to a socket (InDatagrams)
udp_in() {
	ip netns exec "$1" awk '$1 == "Udp:" && $2 ~ /^[0-9]+$/ { print $2 }' \
		/proc/net/snmp
}

# rx_books: "in delivered dropped consumed queued" for cl1's teredo0
rx_books() {
	echo "$(udp_in cl1) $(dev_stat rx_packets) $(dev_stat rx_dropped)" \
		"$(ethtool_stat rx_consumed) $(ethtool_stat peer_queue_bytes)"
}

# rx_balanced: nothing queued, and every datagram the UDP layer counted
# since the caller's "read -r in0 del0 drop0 con0 _ <<<$(rx_books)" was
# delivered, dropped or consumed; leaves the books in in del drop con q
rx_balanced() {
	read -r in del drop con q <<<"$(rx_books)"
	[ "$q" = 0 ] &&
		[ $((in - in0)) = $((del - del0 + drop - drop0 + con - con0)) ]
}
# rx_unbalanced: what rx_balanced saw last, for a failure message
rx_unbalanced() {
	echo "books do not balance: in $((in - in0)) != delivered $((del - del0)) + dropped $((drop - drop0)) + consumed $((con - con0)), queued $q bytes"
}

# drops_snapshot FILE: every drop counter, "name count" per line
drops_snapshot() { attr drops >"$1"; }
# drops_delta BEFORE AFTER: "name +n" for each counter that moved
drops_delta() {
	awk 'NR == FNR { b[$1] = $2; next }
	     $2 != b[$1] { printf "%s%s +%d", sep, $1, $2 - b[$1]; sep = ", " }
	     END { print "" }' "$1" "$2"
}

# slab_kb: the kernel's unreclaimable slab memory, kB
slab_kb() { awk '$1 == "SUnreclaim:" { print $2 }' /proc/meminfo; }
# slab_settled_kb: the same once every cache gave back its empty slabs
# (and, under KASAN, the freed objects it holds in quarantine)
slab_settled_kb() {
	local f
	for f in /sys/kernel/slab/*/shrink; do
		echo 1 >"$f"
	done 2>/dev/null
	slab_kb
}

# sampler_peaks FILE: "peers queued_bytes slab_kB", each the highest of
# STRESS_SAMPLER's samples
sampler_peaks() {
	awk '$1 > p { p = $1 } $2 > q { q = $2 } $3 > s { s = $3 }
	     END { print p + 0, q + 0, s + 0 }' "$1"
}
# slab_back BEFORE PEAK AFTER (kB): what a storm or flood took came back,
# but for a tenth of the peak's growth (the allocator's own state) and 1 MB
slab_back() { [ "$3" -le $(($1 + ($2 - $1) / 10 + 1024)) ]; }

# ping_loss NS DST COUNT INTERVAL: the loss percentage ping reports
ping_loss() {
	ip netns exec "$1" ping -6 -q -c "$3" -i "$4" -W 2 "$2" 2>&1 |
		sed -n 's/.* \([0-9.]*\)% packet loss.*/\1/p'
}
