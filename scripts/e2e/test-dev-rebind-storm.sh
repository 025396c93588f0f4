#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Rebinds under a storm: a device on a fixed port is rebound again and
# again (the old socket closed, the same port bound again) while hostile
# datagrams arrive at that port. Every datagram the UDP layer handed to a
# socket in cl1 is delivered, dropped for a counted reason or consumed,
# including those that reach the old socket while it is being closed;
# the port stays bound.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/port-lib.sh"
source "$(dirname "$0")/sec-lib.sh"
source "$(dirname "$0")/stress-lib.sh"
bg=""
udp_noports() {
	ip netns exec cl1 awk '$1 == "Udp:" && $2 ~ /^[0-9]+$/ { print $3 }' \
		/proc/net/snmp
}
trap 'kill $bg 2>/dev/null; port_unload; e2e_cleanup' EXIT

PORT=3545
N=20000		# ~100 s of the debug kernel's receive path, rebinding
REBINDS=100	# at most, while the storm lasts
MIN_REBINDS=20	# at least
MAX_ROUNDS=40	# storms of N, at most

e2e_topology
e2e_nat 1 masquerade
port_fixed_dev "$PORT"
stress_lan

# storm_half COUNT FIRST CPU: one of two storms side by side (stress_halves)
storm_half() {
	ip netns exec storm taskset -c "$3" timeout 600 "$STORM" \
		--to "10.9.0.1:$PORT" --count "$1" \
		--me 2001:0:c000:201:0:f227:fe3e:fdfe --server 192.0.2.1 \
		--relay 198.51.100.20 --seed $((SEED + $3)) \
		--corpus "$PORT_TOP/kunit/fuzz/corpus"
}
# rebinder: REBINDS rebinds, 0.2 s apart, from one shell in cl1, each
# counted in "$E2E_TMP/done"; stops early when "$E2E_TMP/stop" appears
rebinder() {
	echo 0 >"$E2E_TMP/done"
	ip netns exec cl1 chrt -f 50 sh -c '
		i=0
		while [ $i -lt $1 ] && [ ! -e $3 ]; do
			echo 1 >$2/rebind || exit 1
			i=$((i + 1))
			echo $i >$4
			sleep 0.2
		done
		echo $i' rebinder "$REBINDS" "$SYS" "$E2E_TMP/stop" \
		"$E2E_TMP/done"
}
STORM=$(stress_tool storm)
SEED=$RANDOM

read -r in0 del0 drop0 con0 _ <<<"$(rx_books)"
np0=$(udp_noports)
rebinder >"$E2E_TMP/rebinds" 2>&1 &
bg=$!
# storms of N until MIN_REBINDS rebinds are done: one on the debug
# kernel, several on a stock one, which takes N in about a second
rounds=0
while [ "$rounds" -lt "$MAX_ROUNDS" ]; do
	out=$(stress_halves storm_half "$N") || port_fail "storm: $out"
	rounds=$((rounds + 1))
	d=$(cat "$E2E_TMP/done")	# empty while the shell rewrites it
	[ "${d:-0}" -lt "$MIN_REBINDS" ] || break
done
touch "$E2E_TMP/stop"
wait "$bg" || port_fail "rebind failed: $(cat "$E2E_TMP/rebinds")"
bg=""
rebinds=$(cat "$E2E_TMP/rebinds")
log "storm: $rounds x $N (the last: $out); $rebinds rebinds while it lasted"
[ "$(attr port)" = "$PORT" ] || port_fail "port $(attr port), not $PORT"

e2e_wait 30 rx_balanced || port_fail "$(rx_unbalanced)"
log "received $((in - in0)), no socket for $(($(udp_noports) - np0)): delivered $((del - del0)), dropped $((drop - drop0)), consumed $((con - con0))"
[ $((in - in0)) -ge $((rounds * N / 2)) ] ||
	port_fail "only $((in - in0)) of $((rounds * N)) datagrams reached the socket"
[ "$rebinds" -ge "$MIN_REBINDS" ] ||
	port_fail "only $rebinds rebinds during the storm"
exit 0
