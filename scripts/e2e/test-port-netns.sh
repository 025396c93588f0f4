#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The getter per namespace, seen from the sample module's softirq calls:
# 0 with the port, -EAFNOSUPPORT when IPv6 is disabled in that netns,
# -ENODEV/-ENETDOWN once the device is gone; events carry the netns; a
# netns deleted with its device up raises DOWN and nothing breaks.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/port-lib.sh"
trap 'port_unload; e2e_cleanup' EXIT

modprobe teredo || port_fail "modprobe teredo without server"
[ ! -e /sys/class/net/teredo0 ] || port_fail "teredo0 made without server="
port_mark
modprobe teredo_port_sample initial=1 || port_fail "modprobe sample"
[ -z "$(sample_events)" ] || port_fail "INITIAL event with no instance"

e2e_ns_add pc
inum=$(ip netns exec pc readlink /proc/self/ns/net | tr -dc 0-9)
ip -n pc link add name t0 type teredo && ip -n pc link set t0 up ||
	port_fail "t0 in pc"
sys=/sys/class/net/t0/teredo
p=$(ip netns exec pc cat $sys/port) || port_fail "port of t"
e2e_wait 5 last_getter_is "net=$inum err=0 port=$p" ||
	port_fail "getter in pc did not return $p"
sample_events | grep -qx "event=UP net=$inum dev=t0 port=$p old=0" ||
	port_fail "no UP event for t0 in pc"

ip netns exec pc sysctl -qw net.ipv6.conf.all.disable_ipv6=1
ip netns exec pc sh -c "echo 1 >$sys/rebind" || port_fail "rebind in pc"
e2e_wait 5 last_getter_is "net=$inum err=-97 port=0" ||
	port_fail "getter did not return -EAFNOSUPPORT with IPv6 disabled"
ip netns exec pc sysctl -qw net.ipv6.conf.all.disable_ipv6=0
ip netns exec pc sh -c "echo 1 >$sys/rebind" || port_fail "rebind in pc"
p=$(ip netns exec pc cat $sys/port)
e2e_wait 5 last_getter_is "net=$inum err=0 port=$p" ||
	port_fail "getter did not recover after IPv6 was enabled again"
log "pc ($inum): port $p, -EAFNOSUPPORT while IPv6 was disabled"

ip -n pc link del t0 || port_fail "ip link del t0"
sample_events | grep -qx "event=DOWN net=$inum dev=t0 port=0 old=$p" ||
	port_fail "no DOWN event on ip link del"
e2e_wait 5 sh -c "dmesg | tail -n 3 | grep -Eq 'net=$inum err=-(19|100) '" ||
	port_fail "getter after ip link del"

ip -n pc link add name t0 type teredo && ip -n pc link set t0 up ||
	port_fail "t0 again"
p=$(ip netns exec pc cat $sys/port)
ip netns del pc && E2E_NETNS=${E2E_NETNS/pc /}
e2e_wait 10 sh -c "dmesg | grep -q 'event=DOWN net=$inum dev=t0 port=0 old=$p'" ||
	port_fail "no DOWN event on netns delete"
log "DOWN on ip link del and on netns delete"
rmmod teredo_port_sample && rmmod teredo || port_fail "rmmod"
exit 0
