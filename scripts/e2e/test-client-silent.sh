#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A server that never answers is said once an outage, as Miredo's "No reply
# from Teredo server": the client that never qualified logs "no answer
# from the server A.B.C.D" once while it retries (two rounds of three RS
# here), once more for another silent server, and nothing of the kind once
# a real server answers. `teredoctl status` exits 3 until qualified, then 0.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/port-lib.sh"
trap 'port_unload; e2e_cleanup' EXIT

SYS=/sys/class/net/teredo0/teredo
cl() { ip netns exec cl1 "$@"; }
attr() { cl cat "$SYS/$1"; }
state_is() { [ "$(attr state)" = "$1" ]; }
# said SERVER: how many times the silence of SERVER was logged since start
said() {
	dmesg | tail -n +"$((dmesg0 + 1))" |
		grep -c "teredo0: no answer from the server $1\$"
}
# rs_sent SERVER: RS counted on their way out to SERVER
rs_sent() {
	cl nft list counter ip t "rs_${1//./_}" | awk '/packets/ { print $2 }'
}
rs_at_least() { [ "$(rs_sent "$1")" -ge "$2" ]; }

e2e_topology
e2e_nat 1 masquerade
dmesg0=$(dmesg | wc -l)

cl nft -f - <<EOF || port_fail "counter ruleset"
table ip t {
	counter rs_${E2E_SERVER//./_} { }
	counter rs_${E2E_SERVER2//./_} { }
	chain out {
		type filter hook output priority 0;
		ip daddr $E2E_SERVER udp dport 3544 counter name rs_${E2E_SERVER//./_}
		ip daddr $E2E_SERVER2 udp dport 3544 counter name rs_${E2E_SERVER2//./_}
	}
}
EOF

# nobody at the server's address: the client retries every second
modprobe teredo restart_delay=1 || port_fail "modprobe teredo"
ip -n cl1 link add teredo0 type teredo || port_fail "ip link add"
cl sh -c "echo $E2E_SERVER > $SYS/server" || port_fail "server attribute"
ip -n cl1 link set teredo0 up || port_fail "link up"

# Each round is three RS, each with its cone RS: 6 datagrams. The 13th
# and 14th start a third round, so two rounds have ended unanswered.
e2e_wait 60 rs_at_least "$E2E_SERVER" 14 ||
	port_fail "fewer than two rounds of RS: $(rs_sent "$E2E_SERVER")"
n=$(said "$E2E_SERVER")
[ "$n" = 1 ] || port_fail "silence of $E2E_SERVER logged $n times, want 1"
log "$(rs_sent "$E2E_SERVER") RS unanswered, logged once"
cl "$TEREDOCTL" status teredo0 >/dev/null
rc=$?
[ "$rc" = 3 ] || port_fail "teredoctl status not qualified: exit $rc, want 3"

# another server: another outage, logged once for that server
cl sh -c "echo $E2E_SERVER2 > $SYS/server" || port_fail "server 2"
e2e_wait 60 rs_at_least "$E2E_SERVER2" 14 ||
	port_fail "fewer than two rounds of RS to $E2E_SERVER2"
n=$(said "$E2E_SERVER2")
[ "$n" = 1 ] || port_fail "silence of $E2E_SERVER2 logged $n times, want 1"
[ "$(said "$E2E_SERVER")" = 1 ] || port_fail "the first server logged again"

# a real server: qualified, and no more silence logged
e2e_miredo_server
cl sh -c "echo $E2E_SERVER > $SYS/server" || port_fail "server back"
e2e_wait 30 state_is qualified || port_fail "not qualified (state $(attr state))"
[ "$(said "$E2E_SERVER")" = 1 ] || port_fail "silence logged while answered"
cl "$TEREDOCTL" status teredo0 >/dev/null ||
	port_fail "teredoctl status qualified: exit $?, want 0"
log "qualified with a server that answers; no new line"
exit 0
