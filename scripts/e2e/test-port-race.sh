#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Many register/unregister cycles (modprobe/rmmod of the sample module,
# with and without initial) racing a stream of rebinds. Each subscription
# must see a consistent history: with initial, INITIAL first, then only
# CHANGEs each starting from the port the previous one ended on (state
# events from the client, which cannot reach its server here, carry the
# current port and are otherwise ignored); the last
# port seen by the last subscription is the bound one. The VM run fails
# on any kernel warning, lockdep report or leak.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/port-lib.sh"
bg=""
trap 'kill $bg 2>/dev/null; port_unload; e2e_cleanup' EXIT

CYCLES=40
REBINDS=400

modprobe teredo server=192.0.2.1 || port_fail "modprobe teredo"
port_mark

(
	for i in $(seq $REBINDS); do
		echo 1 >$PORT_SYS/rebind || exit 1
	done
) &
rebinder=$!
bg="$bg $rebinder"

for i in $(seq $CYCLES); do
	modprobe teredo_port_sample initial=$((i % 2)) ||
		port_fail "modprobe sample, cycle $i"
	rmmod teredo_port_sample || port_fail "rmmod sample, cycle $i"
done
# and one subscription that outlives the rebinds
modprobe teredo_port_sample initial=1 || port_fail "modprobe sample, last"
wait $rebinder || port_fail "a rebind failed"
bg=""
sleep 0.5
final=$(read_port)
rmmod teredo_port_sample || port_fail "rmmod sample, last"

dmesg | tail -n "+$((PORT_MARK + 1))" |
	sed -n 's/^\[[ 0-9.]*\] teredo_port_sample: //p' >"$E2E_TMP/log.out"
# One subscription ends at "unregistered". Its INITIAL events come before
# its "registered" line (a CHANGE may too: register returned, pr_info not
# yet).
awk -v final="$final" '
	function bad(msg) { print "line " NR ": " msg ": " $0; err = 1 }
	/^registered initial=/ { split($2, a, "="); initial = a[2];
		if (initial == 1 && ninit != 1) bad("not one INITIAL");
		if (initial == 0 && ninit != 0) bad("INITIAL without initial=1");
		next }
	/^unregistered/ { subs++; ninit = 0; cur = ""; next }
	/^event=/ {
		for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
		if (f["event"] == "INITIAL") {
			if (cur != "") bad("INITIAL after other events")
		} else if (f["event"] == "CHANGE") {
			if (cur != "" && f["old"] != cur) bad("old != previous port " cur)
		} else if (f["event"] == "QUALIFIED" || f["event"] == "OFFLINE" ||
			   f["event"] ~ /^DISCOVERY_/) {
			# state events of the client: they carry the current port
			if (cur != "" && f["port"] != cur) bad("state event off port " cur)
			next
		} else {
			bad("unexpected event")
		}
		cur = f["port"]; ninit += (f["event"] == "INITIAL"); changes += (f["event"] == "CHANGE"); next
	}
	/^get_port / { next }
	{ bad("unexpected line") }
	END {
		if (subs != '"$((CYCLES + 1))"') { print "subscriptions: " subs; err = 1 }
		if (cur != "" ) { print "trailing events"; err = 1 }
		print "# " subs " subscriptions, " changes " CHANGE events seen"
		exit err
	}' "$E2E_TMP/log.out" || port_fail "inconsistent event history"

# The last subscription: its last port is the one bound at the end.
last=$(awk '/^event=(INITIAL|CHANGE)/ { p = $0 }
	/^unregistered/ { last = p } END { print last }' "$E2E_TMP/log.out")
case $last in
*" port=$final "*) ;;
*) port_fail "last event '$last' does not end on port $final" ;;
esac
log "final port $final, last event: $last"
rmmod teredo || port_fail "rmmod teredo"
exit 0
