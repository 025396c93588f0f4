#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A fixed port lost on a rebind is bound again by the next rebind. A
# rebind on a fixed port closes the socket before binding the port again;
# a program that binds the port in between (here one trying in a loop)
# makes that bind fail: the port goes DOWN, the device stays up. Once the
# program lets the port go, the next rebind must bind it again (UP), not
# answer -ENETDOWN for ever; while the program holds it, a rebind answers
# -EADDRINUSE.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/port-lib.sh"
bg=""
trap 'kill $bg 2>/dev/null; port_unload; e2e_cleanup' EXIT

PORT=3546
SYS=/sys/class/net/teredo0/teredo
cl() { ip netns exec cl1 "$@"; }
# bash, not dash: its echo names the errno of a failed write
rebind() { cl bash -c "echo 1 >$SYS/rebind" 2>&1; }

e2e_ns_add cl1
port_fixed_dev "$PORT"

# The thief: binds the port as soon as it is free, holds it until told.
cl taskset -c 0 python3 -c '
import os, socket, sys, time
port, stop = int(sys.argv[1]), sys.argv[2]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
end = time.monotonic() + 120
while True:
    try:
        s.bind(("0.0.0.0", port))
        break
    except OSError:
        if time.monotonic() > end:
            sys.exit("never got the port")
print("bound", flush=True)
while not os.path.exists(stop) and time.monotonic() < end + 120:
    time.sleep(0.1)
' "$PORT" "$E2E_TMP/stop" >"$E2E_TMP/thief.out" 2>&1 &
thief=$!
bg="$bg $thief"

# Rebind until one fails (the thief got the port in between).
i=0
while [ $i -lt 2000 ]; do
	i=$((i + 1))
	out=$(taskset -c 1 ip netns exec cl1 bash -c "echo 1 >$SYS/rebind" 2>&1) ||
		break
	kill -0 $thief 2>/dev/null || break
done
grep -q '^bound$' "$E2E_TMP/thief.out" ||
	port_fail "the thief never got port $PORT in $i rebinds: $(cat "$E2E_TMP/thief.out")"
log "port $PORT lost on rebind $i: $out"
echo "$out" | grep -q 'in use' ||
	port_fail "the failed rebind said '$out', not EADDRINUSE"
cl cat $SYS/port >/dev/null 2>&1 && port_fail "port still reads $(cl cat $SYS/port)"
ip -n cl1 link show teredo0 | grep -q ',UP' || port_fail "teredo0 went down"

# Held: the rebind says so.
out=$(rebind) && port_fail "rebind succeeded while the port is held"
echo "$out" | grep -q 'in use' ||
	port_fail "rebind while held said '$out', not EADDRINUSE"

# Freed: the next rebind binds it again.
touch "$E2E_TMP/stop"
wait $thief
out=$(rebind) || port_fail "rebind once the port is free: $out"
[ "$(cl cat $SYS/port)" = "$PORT" ] ||
	port_fail "port reads '$(cl cat $SYS/port 2>&1)' after the rebind"
[ "$(cl cat $SYS/state)" = qualifying ] ||
	port_fail "state $(cl cat $SYS/state) after the rebind"
log "bound again: port $(cl cat $SYS/port), state $(cl cat $SYS/state)"

ip -n cl1 link del teredo0 || port_fail "link del"
rmmod teredo || port_fail "rmmod"
exit 0
