#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A registration that fails after ndo_init leaves nothing behind: "ip link
# add index N netns X type teredo" with N free here but taken in X fails
# (-EBUSY), X has no teredo device, its getter says -ENODEV, and a normal
# "ip link add" in X then works: sysfs, the getter and the one-per-netns
# rule behave as for a first device. The instance is published only once
# registered, so the getter never sees one that registration then frees.
# The device says what it is: DEVTYPE=teredo, ethtool -i's driver and
# version.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/port-lib.sh"
trap 'port_unload; e2e_cleanup' EXIT

IDX=4242
modprobe teredo || port_fail "modprobe teredo"
port_mark
modprobe teredo_port_sample initial=1 || port_fail "modprobe sample"

e2e_ns_add dx
inum=$(ip netns exec dx readlink /proc/self/ns/net | tr -dc 0-9)
ip link show index "$IDX" >/dev/null 2>&1 && port_fail "index $IDX taken here"
ip -n dx link add v0 index "$IDX" type veth peer name v1 ||
	port_fail "veth with index $IDX in dx"

# many times, so that a reader racing with the failure would have a chance
for i in $(seq 50); do
	if err=$(ip link add index "$IDX" netns dx type teredo 2>&1); then
		port_fail "ip link add index $IDX netns dx type teredo succeeded"
	fi
done
log "index collision: $err"
echo "$err" | grep -q "busy" || port_fail "not -EBUSY: $err"
ip -n dx -d link show type teredo | grep -q . &&
	port_fail "a teredo device in dx after the failure"
ip -d link show type teredo | grep -q . &&
	port_fail "a teredo device here after the failure"

ip -n dx link add name t0 type teredo ||
	port_fail "ip link add in dx after the failed one"
sys=/sys/class/net/t0/teredo
ip netns exec dx cat $sys/state | grep -qx off || port_fail "state not off"
ip -n dx link set t0 up || port_fail "t0 up"
p=$(ip netns exec dx cat $sys/port) || port_fail "port of t0"
e2e_wait 5 last_getter_is "net=$inum err=0 port=$p" ||
	port_fail "getter in dx did not return $p"
sample_events | grep -qx "event=UP net=$inum dev=t0 port=$p old=0" ||
	port_fail "no UP event for t0 in dx"
log "t0 in dx: port $p, getter and UP event"
# what udev and ethtool -i are told
ip netns exec dx grep -qx DEVTYPE=teredo /sys/class/net/t0/uevent ||
	port_fail "no DEVTYPE=teredo: $(ip netns exec dx cat /sys/class/net/t0/uevent)"
drv=$(ip netns exec dx ethtool -i t0) || port_fail "ethtool -i t0"
echo "$drv" | grep -qx "driver: teredo" &&
	echo "$drv" | grep -qxF "version: $(modinfo -F version teredo)" ||
	port_fail "ethtool -i t0: $drv"

if err=$(ip -n dx link add name t1 type teredo 2>&1); then
	port_fail "a second teredo device in dx"
fi
echo "$err" | grep -q "already has a teredo device" ||
	port_fail "second device: $err"
ip netns exec dx sh -c "echo 1 >$sys/rebind" || port_fail "rebind"
p2=$(ip netns exec dx cat $sys/port)
e2e_wait 5 last_getter_is "net=$inum err=0 port=$p2" ||
	port_fail "getter after rebind did not return $p2"

ip -n dx link del t0 || port_fail "ip link del t0"
sample_events | grep -qx "event=DOWN net=$inum dev=t0 port=0 old=$p2" ||
	port_fail "no DOWN event on ip link del"
# and the collision once more, now that dx has no device
ip link add index "$IDX" netns dx type teredo 2>/dev/null &&
	port_fail "collision succeeded the second time"
ip -n dx link add name t0 type teredo || port_fail "t0 again"
ip -n dx link del t0 || port_fail "ip link del t0 again"
log "one per netns kept; create, delete, collide, create again"
rmmod teredo_port_sample && rmmod teredo || port_fail "rmmod"
exit 0
