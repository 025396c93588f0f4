#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Exceptions other modules open through nf_conntrack_teredo, behind the
# example ruleset: teredo_exception_sample peer=pa port=5000 lets exactly
# pa:5000's unsolicited UDP in (not pb:5000, not pa:5001), closes at
# unload, is removed when the Teredo port changes (teredoctl rebind), and
# cannot be opened without the helper module (the sample needs its
# symbols); without it the same packets are dropped and counted.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/port-lib.sh"
source "$(dirname "$0")/nft-lib.sh"
trap 'nft_unload; e2e_cleanup' EXIT

nft_topology
modprobe nf_conntrack_teredo || port_fail "modprobe nf_conntrack_teredo"
nft_ruleset
port=$(nft_port)
log "Teredo port $port"

fw modprobe teredo_exception_sample peer="$PA" port=5000 timeout=600 ||
	port_fail "modprobe teredo_exception_sample"
dmesg | grep -q "teredo_exception_sample: open peer=$PA port=5000 timeout=600 err=0" ||
	port_fail "the sample did not log its open"
nft_expect_has "src=$PA dst=$FW sport=5000 dport=$port" ||
	port_fail "no expectation: $(fw conntrack -L expect 2>&1)"
log "exception open, conntrack -L expect:"
fw conntrack -L expect
log "its anchor, conntrack -L:"
fw conntrack -L -p udp --orig-src 0.0.0.0 2>/dev/null

n=$(nft_send_counted pa 2 "$PA" 5000)
[ "$n" = 0 ] || port_fail "$n packets from $PA:5000 dropped despite the exception"
fw conntrack -L -p udp --orig-src "$PA" 2>/dev/null |
	grep -q "sport=5000 dport=$port" || port_fail "no flow from $PA:5000"
n=$(nft_send_counted pb 2 "$PB" 5000)
[ "$n" = 2 ] || port_fail "$PB:5000 got in ($n of 2 counted)"
n=$(nft_send_counted pa 2 "$PA" 5001)
[ "$n" = 2 ] || port_fail "$PA:5001 got in ($n of 2 counted)"
log "$PA:5000 gets in; $PB:5000 and $PA:5001 are dropped and counted"
# the exception is permanent until closed: a second flow after a flush
fw conntrack -D -p udp --orig-src "$PA" >/dev/null 2>&1
n=$(nft_send_counted pa 1 "$PA" 5000)
[ "$n" = 0 ] || port_fail "the exception did not outlive its first flow"

rmmod teredo_exception_sample || port_fail "rmmod sample"
dmesg | grep -q "teredo_exception_sample: close active=1" ||
	port_fail "the sample's exception was not active at unload"
nft_expect_has "src=$PA" && port_fail "expectation left after close"
fw conntrack -D -p udp --orig-src "$PA" >/dev/null 2>&1
n=$(nft_send_counted pa 1 "$PA" 5000)
[ "$n" = 1 ] || port_fail "$PA:5000 still gets in after close"
log "closed at unload: $PA:5000 dropped again"

# A port change removes it.
fw modprobe teredo_exception_sample peer="$PA" port=5000 timeout=600 ||
	port_fail "modprobe sample (2)"
nft_expect_has "src=$PA dst=$FW sport=5000 dport=$port" ||
	port_fail "no expectation (2)"
fw "$TEREDOCTL" rebind teredo0 || port_fail "teredoctl rebind"
e2e_wait 5 sh -c "[ \"\$(ip netns exec fw cat $NFT_SYS/port)\" != $port ]" ||
	port_fail "port did not change"
log "port $port -> $(nft_port)"
nft_expect_has "src=$PA" && port_fail "expectation survived the port change: $(fw conntrack -L expect)"
rmmod teredo_exception_sample || port_fail "rmmod sample (2)"
dmesg | grep -q "teredo_exception_sample: close active=0" ||
	port_fail "the handle was still active after the port change"
log "a port change closed it"

# Timeout: 2 s
fw modprobe teredo_exception_sample peer="$PA" port=5000 timeout=2 ||
	port_fail "modprobe sample (3)"
sleep 3
rmmod teredo_exception_sample
dmesg | grep -c "teredo_exception_sample: close active=0" | grep -q 2 ||
	port_fail "the exception did not time out"

# Netns exit with an exception open: no leak, no report.
ip netns add fw2
E2E_NETNS="fw2 $E2E_NETNS"
ip -n fw2 link add d0 type dummy && ip -n fw2 link set d0 up &&
	ip -n fw2 addr add 192.0.2.1/24 dev d0 || port_fail "dummy in fw2"
ip -n fw2 link add teredo0 type teredo && ip -n fw2 link set teredo0 up ||
	port_fail "teredo in fw2"
ip netns exec fw2 modprobe teredo_exception_sample peer=192.0.2.7 port=9 ||
	port_fail "sample in fw2"
ip netns exec fw2 conntrack -L expect 2>/dev/null | grep -q "src=192.0.2.7" ||
	port_fail "no expectation in fw2"
ip netns del fw2
E2E_NETNS=${E2E_NETNS#fw2 }
rmmod teredo_exception_sample || port_fail "rmmod sample after netns exit"
dmesg | grep -c "teredo_exception_sample: close active=0" | grep -q 3 ||
	port_fail "the exception survived its namespace"
log "namespace exit closed it"

# Without the helper module the sample cannot load; pa:5000 is dropped.
fw nft flush ruleset
rmmod nf_conntrack_teredo || port_fail "rmmod nf_conntrack_teredo"
nft_ruleset without-helper
modprobe -n --show-depends teredo_exception_sample | grep -q nf_conntrack_teredo ||
	port_fail "the sample does not depend on nf_conntrack_teredo"
n=$(nft_send_counted pa 1 "$PA" 5000)
[ "$n" = 1 ] || port_fail "without the helper, $PA:5000 got in"
log "without the helper: $PA:5000 dropped and counted"
exit 0
