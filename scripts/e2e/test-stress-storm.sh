#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Receive storm: 10^6 hostile datagrams (10^5 in make check) at kteredo's
# port, from a netns on cl1's LAN side (so that no NAT filters them) with
# spoofed sources, the server's and a relay's among them: mutated fuzz
# corpus, valid packets from the Teredo address of their source, indirect
# bubbles with origins, random bytes (scripts/stress/storm.c). Then: no
# kernel report and no leak (run.sh), every datagram the socket got is
# delivered, dropped for a counted reason or consumed (rx_packets +
# rx_dropped + rx_consumed = the UDP layer's InDatagrams, once the peer
# queues are empty), what the client sent back stays within its probe
# budget, and it is still qualified and pings a real Miredo peer.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/port-lib.sh"
source "$(dirname "$0")/sec-lib.sh"
source "$(dirname "$0")/stress-lib.sh"
trap 'port_unload; e2e_cleanup' EXIT

N=$(stress_n 1000000)
STORM=$(stress_tool storm)
SEED=${STRESS_SEED:-$((RANDOM << 15 | RANDOM))}
RELAY=198.51.100.20	# no relay runs: its address is a source

sec_up
e2e_nat 2 masquerade
e2e_miredo cl2
e2e_wait 60 e2e_has_teredo_addr cl2 || sec_fail "miredo cl2 not qualified"
M2=$(e2e_teredo_addr cl2)
loss=$(ping_loss cl1 "$M2" 3 0.5)
[ "$loss" = 0 ] || sec_fail "kteredo -> miredo $M2 before the storm: loss $loss%"

stress_lan
# what kteredo sends, other than to the server and the peer: its replies,
# and of those its bubbles (an IPv6 header alone: UDP length 48)
sec_table cl1
others="{ $E2E_SERVER, $E2E_SERVER2, 198.51.100.12 }"
sec_counter cl1 replies out ip daddr != "$others" udp sport "$(attr port)"
sec_counter cl1 bubbles out ip daddr != "$others" udp sport "$(attr port)" \
	udp length 48

# peers, queued bytes and slab, once a second, while the storm lasts
ip netns exec cl1 bash -c "$STRESS_SAMPLER" sampler "$E2E_TMP/samples" \
	>"$E2E_TMP/samples" 2>/dev/null &
SAMPLER=$!
slab0=$(slab_settled_kb)

drops_snapshot "$E2E_TMP/drops0"
read -r in0 del0 drop0 con0 _ <<<"$(rx_books)"
# 1000 s at 10^5, 4600 s at 10^6 unpaced, where a fixed 1500 s cut the
# full-size storm short
STORM_T=$(stress_bound "$N")
# storm_half COUNT FIRST CPU: one of two storms side by side (stress_halves)
storm_half() {
	ip netns exec storm taskset -c "$3" timeout "$STORM_T" "$STORM" \
		--to "10.9.0.1:$PORT" --count "$1" --me "$ME" \
		--server "$E2E_SERVER" --relay "$RELAY" \
		--seed $((SEED + $3)) --corpus "$PORT_TOP/kunit/fuzz/corpus" \
		$(stress_rate)
}
PORT=$(attr port)
t0=$(date +%s)
out=$(stress_halves storm_half "$N") ||
	sec_fail "storm: ${out:-no figures: cut at ${STORM_T}s?}"
secs=$(($(date +%s) - t0 + 1))
log "storm: $out in ${secs}s"
log "storm halves: $(cat "$E2E_TMP/half0" "$E2E_TMP/half1" | paste -sd';')"
sent=$(echo "$out" | awk '{ print $2 }')
[ "$sent" -ge "$N" ] || sec_bad "storm sent $sent of $N"

# Queued packets leave when their peer answers or gives up (8 s).
e2e_wait 60 rx_balanced || sec_bad "$(rx_unbalanced)"
read -r in del drop con q <<<"$(rx_books)"
drops_snapshot "$E2E_TMP/drops1"
kill "$SAMPLER"
read -r peak_peers peak_q peak_slab <<<"$(sampler_peaks "$E2E_TMP/samples")"
log "peak: $peak_peers peers, $peak_q bytes queued"
# Reported, not checked yet: the debug kernel frees much of it after an
# RCU grace period (kmemleak's record of each object, routes) and falls
# behind while the storm lasts (~2.5 kB a datagram at the peak); at 10^5
# after the other tests, 74 MB of a 32 MB baseline were still held after
# 120 tries over ~4 min.
log "slab (SUnreclaim, caches shrunk): $slab0 kB before, $peak_slab kB at the peak (not shrunk), $(slab_settled_kb) kB after"
log "received $((in - in0)) of $sent sent: delivered $((del - del0)), dropped $((drop - drop0)), consumed $((con - con0))"
log "drops: $(drops_delta "$E2E_TMP/drops0" "$E2E_TMP/drops1")"
[ $((in - in0)) -ge $((sent / 2)) ] ||
	sec_bad "only $((in - in0)) of $sent datagrams reached the socket"
[ $((del - del0)) -gt 0 ] && [ $((drop - drop0)) -gt 0 ] &&
	[ $((con - con0)) -gt 0 ] ||
	sec_bad "the storm did not reach every outcome"

# Bubbles (and echo requests to relays) share the device's bucket: 50,
# then 20 a second. The stack's own answers (an echo reply to a peer that
# came through its mapping) are not probes and come on top.
replies=$(sec_counter_get cl1 replies)
bubbles=$(sec_counter_get cl1 bubbles)
log "kteredo sent the storm's sources $replies datagram(s), $bubbles bubble(s), in ${secs}s"
[ "$bubbles" -le $((50 + 20 * secs)) ] ||
	sec_bad "$bubbles bubbles in ${secs}s: over the probe budget of $((50 + 20 * secs))"
grep -Eq '^(probe_limit|bubble_limit) ' "$E2E_TMP/drops1" &&
	[ "$(drops_delta "$E2E_TMP/drops0" "$E2E_TMP/drops1" |
		grep -Ec '(probe|bubble)_limit')" -gt 0 ] ||
	sec_bad "the storm never reached the probe budget: it proved nothing"

state_is qualified || sec_bad "state $(attr state) after the storm"
loss=$(ping_loss cl1 "$M2" 5 0.5)
log "kteredo -> miredo $M2 after the storm: loss $loss%"
[ "$loss" = 0 ] || [ "$loss" = 20 ] ||
	sec_bad "kteredo -> miredo $M2 after the storm: loss $loss%"
sec_done
exit 0
