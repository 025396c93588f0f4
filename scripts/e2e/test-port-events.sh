#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The exact event sequence a subscriber sees over up, configured port
# change, rebind (ephemeral and fixed), down and up, starting with the
# initial event; the softirq getter after each; one uevent per change with
# TEREDO_PORT/TEREDO_OLD_PORT/TEREDO_STATE; `teredoctl watch` output for
# the same changes (its port lines, and its state lines over down and up).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/port-lib.sh"
bg=""
trap 'kill $bg 2>/dev/null; port_unload; e2e_cleanup' EXIT

[ -x "$TEREDOCTL" ] || fail "$TEREDOCTL not built (make userspace)"
modprobe teredo server=192.0.2.1 || port_fail "modprobe teredo"
p0=$(read_port)
[ "$p0" != down ] || port_fail "teredo0 not bound after modprobe"

udevadm monitor --kernel --property --subsystem-match=net \
	>"$E2E_TMP/uevents.out" 2>&1 &
bg="$bg $!"
"$TEREDOCTL" watch teredo0 >"$E2E_TMP/watch.out" 2>&1 &
bg="$bg $!"
e2e_wait 5 grep -q "^teredo0 port $p0\$" "$E2E_TMP/watch.out" ||
	port_fail "teredoctl watch did not print the initial port"
sleep 1	# udevadm monitor is listening by now

port_mark
modprobe teredo_port_sample initial=1 || port_fail "modprobe sample"
expect=("event=INITIAL net=4026531840 dev=teredo0 port=$p0 old=0")
watch=("teredo0 port $p0")

# step DESCRIPTION: after a change, wait for the getter and watch to see it.
step() {
	local p
	p=$(read_port)
	if [ "$p" = down ]; then
		e2e_wait 5 last_getter_is "err=-100 port=0" ||
			port_fail "$1: softirq getter did not return -ENETDOWN"
		watch+=("teredo0 port down")
	else
		e2e_wait 5 last_getter_is "err=0 port=$p" ||
			port_fail "$1: softirq getter did not return $p"
		watch+=("teredo0 port $p")
	fi
	e2e_wait 5 grep -q "^${watch[-1]}\$" "$E2E_TMP/watch.out" ||
		port_fail "$1: teredoctl watch did not print '${watch[-1]}'"
	log "$1: port $p"
}
e2e_wait 5 last_getter_is "err=0 port=$p0" || port_fail "initial getter"

echo 1 >$PORT_SYS/rebind || port_fail "rebind"
p1=$(read_port)
[ "$p1" != "$p0" ] || port_fail "ephemeral rebind kept port $p0"
expect+=("event=CHANGE net=4026531840 dev=teredo0 port=$p1 old=$p0")
step "rebind (ephemeral)"

fixed=40001
[ "$p1" != $fixed ] || fixed=40002
echo $fixed >$PORT_SYS/port || port_fail "set port $fixed"
[ "$(read_port)" = $fixed ] || port_fail "port is $(read_port), not $fixed"
expect+=("event=CHANGE net=4026531840 dev=teredo0 port=$fixed old=$p1")
step "configured port"

# Rebinding on a fixed port reopens the same port: no change, no event.
echo 1 >$PORT_SYS/rebind || port_fail "rebind on fixed port"
[ "$(read_port)" = $fixed ] || port_fail "fixed rebind moved the port"

echo 0 >$PORT_SYS/port || port_fail "set port 0"
p2=$(read_port)
[ "$p2" != $fixed ] && [ "$p2" != down ] || port_fail "port 0 gave $p2"
expect+=("event=CHANGE net=4026531840 dev=teredo0 port=$p2 old=$fixed")
step "back to ephemeral"

ip link set teredo0 down || port_fail "link down"
[ "$(read_port)" = down ] || port_fail "port readable while down"
[ "$(cat $PORT_SYS/state)" = off ] || port_fail "state not off while down"
expect+=("event=DOWN net=4026531840 dev=teredo0 port=0 old=$p2")
step "down"

ip link set teredo0 up || port_fail "link up"
p3=$(read_port)
[ "$p3" != down ] || port_fail "not bound after up"
expect+=("event=UP net=4026531840 dev=teredo0 port=$p3 old=0")
step "up"

sleep 0.5
got=$(sample_events)
want=$(printf '%s\n' "${expect[@]}")
if [ "$got" != "$want" ]; then
	echo "--- expected"; echo "$want"; echo "--- got"; echo "$got"
	port_fail "sample module event sequence differs"
fi
log "sample events:"
echo "$got" | sed 's/^/#   /'

# One uevent per change, in order, carrying the ports and the state.
kill $bg 2>/dev/null
wait 2>/dev/null
bg=""
ue=$(awk '/^KERNEL\[/ { ev = "" } /^TEREDO_EVENT=/ { ev = $0 }
	/^TEREDO_PORT=/ { p = $0 } /^TEREDO_OLD_PORT=/ { o = $0 }
	/^TEREDO_STATE=/ { s = $0 }
	/^$/ && ev ~ /=(UP|DOWN|CHANGE)$/ {
		# a CHANGE keeps the client state, which it moves on its own
		if (ev ~ /CHANGE/ && s ~ /=(qualifying|qualified|offline)$/)
			s = "TEREDO_STATE=bound"
		print ev, p, o, s }
	/^$/ { ev = "" }' \
	"$E2E_TMP/uevents.out")
want_ue=$(printf '%s\n' \
	"TEREDO_EVENT=CHANGE TEREDO_PORT=$p1 TEREDO_OLD_PORT=$p0 TEREDO_STATE=bound" \
	"TEREDO_EVENT=CHANGE TEREDO_PORT=$fixed TEREDO_OLD_PORT=$p1 TEREDO_STATE=bound" \
	"TEREDO_EVENT=CHANGE TEREDO_PORT=$p2 TEREDO_OLD_PORT=$fixed TEREDO_STATE=bound" \
	"TEREDO_EVENT=DOWN TEREDO_PORT=0 TEREDO_OLD_PORT=$p2 TEREDO_STATE=off" \
	"TEREDO_EVENT=UP TEREDO_PORT=$p3 TEREDO_OLD_PORT=0 TEREDO_STATE=qualifying")
if [ "$ue" != "$want_ue" ]; then
	echo "--- expected uevents"; echo "$want_ue"; echo "--- got"; echo "$ue"
	port_fail "uevent sequence differs"
fi

want_w=$(printf '%s\n' "${watch[@]}")
if [ "$(grep ' port ' "$E2E_TMP/watch.out")" != "$want_w" ]; then
	echo "--- expected watch"; echo "$want_w"
	port_fail "teredoctl watch port lines differ"
fi
# and the state: off while down, qualifying once up again
after_off=$(grep ' state ' "$E2E_TMP/watch.out" |
	grep -A1 '^teredo0 state off$' | tail -n 1)
[ "$after_off" = "teredo0 state qualifying" ] ||
	port_fail "teredoctl watch: no 'state off' then 'state qualifying'"
log "teredoctl watch:"
sed 's/^/#   /' "$E2E_TMP/watch.out"

# A subscriber pins teredo.ko through its symbols.
if rmmod teredo 2>/dev/null; then
	port_fail "rmmod teredo succeeded with a subscriber loaded"
fi
rmmod teredo_port_sample || port_fail "rmmod sample"
rmmod teredo || port_fail "rmmod teredo"
exit 0
