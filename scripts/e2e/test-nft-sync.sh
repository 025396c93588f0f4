#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# teredoctl nft-sync keeps the example ruleset's @teredo_port equal to the
# Teredo port: filled at start, follows a rebind with one update, empties
# while the device is down, recreates the element after a ruleset reload
# (the nftables monitor wakes it: the periodic re-check is set to 10 min),
# says clearly when the table or set is missing, and leaves a set of
# another type alone.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/port-lib.sh"
source "$(dirname "$0")/nft-lib.sh"
trap 'nft_unload; e2e_cleanup' EXIT

LOG=$E2E_TMP/nft-sync.out
set_is() {
	local got
	got=$(fw nft list set inet teredo_fw teredo_port 2>/dev/null |
		sed -n 's/.*elements = { \(.*\) }.*/\1/p')
	[ "$got" = "$1" ]
}
updates() { grep -c "^nft-sync: inet teredo_fw teredo_port = $1\$" "$LOG"; }

nft_topology
modprobe nf_conntrack_teredo || port_fail "modprobe nf_conntrack_teredo"
fw nft -f "$NFT_RULESET" || port_fail "nft -f"
port=$(nft_port)

# -1 with a missing set: an error and status 1
out=$(fw "$TEREDOCTL" nft-sync -1 -t teredo_fw -s nope teredo0 2>&1) &&
	port_fail "nft-sync -1 with a missing set succeeded"
echo "$out" | grep -q "table inet teredo_fw or its set nope is missing" ||
	port_fail "no clear message for a missing set: $out"
log "missing set: $out"

# A set of another type: refused, never rewritten (it was rewritten in
# a loop, each write waking nft-sync again); -1: status 1.
fw nft add set inet teredo_fw wrong '{ type ipv4_addr; }' &&
	fw nft add element inet teredo_fw wrong '{ 192.0.2.1 }' ||
	port_fail "nft add set wrong"
out=$(fw "$TEREDOCTL" nft-sync -1 -t teredo_fw -s wrong teredo0 2>&1)
rc=$?
[ "$rc" = 1 ] || port_fail "nft-sync -1 on an ipv4_addr set: status $rc: $out"
echo "$out" | grep -q "inet teredo_fw wrong has type ipv4_addr, not inet_service" ||
	port_fail "no clear message for a set of the wrong type: $out"
fw "$TEREDOCTL" nft-sync -t teredo_fw -s wrong teredo0 >"$E2E_TMP/wrong.out" 2>&1 &
wrong_pid=$!
sleep 3
kill "$wrong_pid"
wait "$wrong_pid" 2>/dev/null
fw nft list set inet teredo_fw wrong | grep -q "elements = { 192.0.2.1 }" ||
	port_fail "nft-sync rewrote the ipv4_addr set: $(fw nft list set inet teredo_fw wrong; cat "$E2E_TMP/wrong.out")"
[ "$(grep -c "has type ipv4_addr" "$E2E_TMP/wrong.out")" = 1 ] &&
	[ "$(wc -l <"$E2E_TMP/wrong.out")" = 1 ] ||
	port_fail "nft-sync on the ipv4_addr set said: $(cat "$E2E_TMP/wrong.out")"
fw nft delete set inet teredo_fw wrong || port_fail "nft delete set wrong"
log "wrong type: $out"

# -i: a whole number of seconds in 1..86400, else a usage error (status 2)
for i in 5x 0 86401 4294967301 ""; do
	fw "$TEREDOCTL" nft-sync -1 -i "$i" -t teredo_fw -s teredo_port \
		teredo0 >/dev/null 2>&1
	rc=$?
	[ "$rc" = 2 ] || port_fail "nft-sync -i '$i': status $rc, want 2"
done

fw "$TEREDOCTL" nft-sync -i 600 -t teredo_fw -s teredo_port teredo0 \
	>"$LOG" 2>&1 &
e2e_wait 10 set_is "$port" || port_fail "set not filled with $port: $(cat "$LOG")"
log "filled: port $port"

# A rebind: one event, one update, straight to the new port.
fw "$TEREDOCTL" rebind teredo0 || port_fail "rebind"
e2e_wait 5 sh -c "[ \"\$(ip netns exec fw cat $NFT_SYS/port)\" != $port ]" ||
	port_fail "port did not change"
port2=$(nft_port)
e2e_wait 5 set_is "$port2" || port_fail "set not $port2 after rebind: $(cat "$LOG")"
[ "$(updates "$port2")" = 1 ] || port_fail "not one update for $port2: $(cat "$LOG")"
[ "$(grep -c '^nft-sync: ' "$LOG")" = 2 ] ||
	port_fail "updates other than $port and $port2: $(cat "$LOG")"
log "rebind $port -> $port2 followed in one update"

# A ruleset reload empties the set: the monitor brings the element back.
fw nft -f "$NFT_RULESET" || port_fail "nft -f (reload)"
e2e_wait 5 set_is "$port2" || port_fail "element not back after reload: $(cat "$LOG")"
log "element back after a ruleset reload"

# Table gone: a clear message; back: element back.
fw nft delete table inet teredo_fw
e2e_wait 5 grep -q "table inet teredo_fw or its set teredo_port is missing" "$LOG" ||
	port_fail "no message for a missing table: $(cat "$LOG")"
fw nft -f "$NFT_RULESET" || port_fail "nft -f (recreate)"
e2e_wait 5 set_is "$port2" || port_fail "element not back after recreate"
log "missing table reported, element back once it returns"

# Device down: empty set; up: the new port.
ip -n fw link set teredo0 down
e2e_wait 5 set_is "" || port_fail "set not emptied while down"
ip -n fw link set teredo0 up
port3=$(nft_port)
e2e_wait 5 set_is "$port3" || port_fail "set not $port3 after up: $(cat "$LOG")"
log "down: empty; up: $port3"
log "nft-sync output:"
cat "$LOG"
fw nft list set inet teredo_fw teredo_port
exit 0
