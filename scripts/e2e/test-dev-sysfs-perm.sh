#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The attributes that reconfigure (server, port, fwmark, local_discovery,
# rebind) need
# CAP_NET_ADMIN over the device's netns at write time, as net-sysfs's own:
# a file opened by root and handed to a process without capabilities gives
# -EPERM and changes nothing; root's writes still work.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/port-lib.sh"
trap 'port_unload; e2e_cleanup' EXIT

modprobe teredo || port_fail "modprobe teredo"
e2e_ns_add pc
ip -n pc link add name t0 type teredo || port_fail "t0 in pc"
ip -n pc link set t0 up || port_fail "t0 up"
sys=/sys/class/net/t0/teredo
pc() { ip netns exec pc "$@"; }

# unpriv_write ATTR VALUE: open as root, write as nobody without caps
unpriv_write() {
	pc bash -c "exec 3>$sys/$1 && setpriv --reuid=65534 --regid=65534 \
		--clear-groups --inh-caps=-all sh -c '/bin/echo $2 >&3'" 2>&1
}

pc sh -c "echo 198.51.100.1 >$sys/server" || port_fail "root: server"
pc sh -c "echo 0x1 >$sys/fwmark" || port_fail "root: fwmark"
port=$(pc cat $sys/port)
for a in "server 203.0.113.9" "port 4000" "fwmark 0x2" "local_discovery 0" \
	"rebind 1"; do
	set -- $a
	if out=$(unpriv_write "$1" "$2"); then
		port_fail "unprivileged write of $2 to $1 succeeded"
	fi
	echo "$out" | grep -q "Operation not permitted" ||
		port_fail "unprivileged write to $1: $out"
done
[ "$(pc cat $sys/server)" = 198.51.100.1 ] ||
	port_fail "server changed to $(pc cat $sys/server)"
[ "$(pc cat $sys/fwmark)" = 0x1 ] ||
	port_fail "fwmark changed to $(pc cat $sys/fwmark)"
[ "$(pc cat $sys/port)" = "$port" ] ||
	port_fail "port changed from $port to $(pc cat $sys/port)"
[ "$(pc cat $sys/local_discovery)" = 1 ] ||
	port_fail "local_discovery changed to $(pc cat $sys/local_discovery)"
log "server, port, fwmark, local_discovery, rebind: EPERM without CAP_NET_ADMIN, unchanged"

pc sh -c "echo 203.0.113.9 >$sys/server" || port_fail "root: server"
[ "$(pc cat $sys/server)" = 203.0.113.9 ] || port_fail "root: server value"
pc sh -c "echo 0x2 >$sys/fwmark" || port_fail "root: fwmark"
[ "$(pc cat $sys/fwmark)" = 0x2 ] || port_fail "root: fwmark value"
pc sh -c "echo 4000 >$sys/port" || port_fail "root: port"
[ "$(pc cat $sys/port)" = 4000 ] || port_fail "root: port value"
pc sh -c "echo 0 >$sys/port" || port_fail "root: port 0"
port=$(pc cat $sys/port)
pc sh -c "echo 1 >$sys/rebind" || port_fail "root: rebind"
[ "$(pc cat $sys/port)" != "$port" ] || port_fail "root: rebind kept $port"
pc sh -c "echo 0 >$sys/local_discovery" || port_fail "root: local_discovery"
[ "$(pc cat $sys/local_discovery)" = 0 ] || port_fail "root: local_discovery value"
pc sh -c "echo maybe >$sys/local_discovery" 2>/dev/null &&
	port_fail "root: local_discovery took 'maybe'"
[ "$(pc cat $sys/local_discovery)" = 0 ] ||
	port_fail "a bad local_discovery write changed it"
log "root: all five work, a bad value is refused"
exit 0
