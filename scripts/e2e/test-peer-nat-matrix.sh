#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Reach across NAT kinds, kteredo <-> kteredo. cl1 behind nat1 and cl2
# behind nat2, each NAT one of cone, address-restricted, port-restricted
# and symmetric (nat-lib.sh); for each of the 16 ordered pairs both
# clients rebind (fresh mappings, no peer entry), cl1 pings cl2, and if
# that gets through cl2 pings cl1 back. The outcome must be what RFC 4380
# and RFC 6081 allow:
#
#   - between cone and restricted NATs: reached (RFC 4380 bubbles);
#   - behind a symmetric NAT, to or from a cone or address-restricted
#     NAT: reached through RFC 6081's symmetric NAT support (the other
#     side trusts the symmetric side's mapping for it: ethtool -S
#     peer_symmetric counts it);
#   - symmetric to port-restricted or symmetric, either way: unreachable,
#     the sender told at once by an ICMPv6 address unreachable, and, when
#     the sender is behind the symmetric NAT, the drop counted as
#     unreachable_symmetric.
#
# The matrix is printed: reached (RFC 4380), reached (RFC 6081), or
# unreachable. Last, behind the cone NAT, a Miredo client instead, which
# has no symmetric NAT support: unreachable from behind the symmetric
# NAT, and counted so there.
# e2e-timeout: 1200
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/port-lib.sh"
source "$(dirname "$0")/peer-lib.sh"
source "$(dirname "$0")/nat-lib.sh"
trap 'port_unload; e2e_cleanup' EXIT

KINDS="cone address-restricted port-restricted symmetric"

# expect KIND1 KIND2: what cl1 behind KIND1 pinging cl2 behind KIND2 gets
expect() {
	case "$1/$2" in
	symmetric/port-restricted | port-restricted/symmetric | \
	symmetric/symmetric)
		echo unreachable ;;
	symmetric/* | */symmetric) echo rfc6081 ;;
	*) echo rfc4380 ;;
	esac
}

# nat_kind KIND: what the client reports behind it
nat_kind() {
	case $1 in
	cone | symmetric) echo "$1" ;;
	*) echo restricted ;;
	esac
}

# Each "ip netns exec" costs about half a second on the debug kernel
# under TCG (it mounts a sysfs): what one case reads of a client comes
# in one.

# requalified N OLD: clN qualified again, with an address other than
# OLD; its address and NAT kind then in KN and NATN
requalified() {
	local st a nat

	IFS='|' read -r st a nat <<<"$(ip netns exec "cl$1" sh -c \
		"cd $PEER_SYS && echo \"\$(cat state)|\$(cat address)|\$(cat nat)\"")"
	[ "$st" = qualified ] && [ -n "$a" ] && [ "$a" != "$2" ] || return 1
	eval "K$1=\$a NAT$1=\$nat"
}

# counters N: "PEER_SYMMETRIC UNREACHABLE_SYMMETRIC" of clN
counters() {
	ip netns exec "cl$1" sh -c "ethtool -S teredo0 |
		awk '\$1 == \"peer_symmetric:\" { print \$2 }';
		awk '\$1 == \"unreachable_symmetric\" { print \$2 }' $PEER_SYS/drops" |
		paste -sd ' '
}

# fresh KIND1 KIND2: both NATs of these kinds, both clients qualified
# anew behind them (new ports: new mappings, new addresses)
fresh() {
	local n old1 old2

	# a NAT keeps its rules from the case before if its kind stays: the
	# clients' new ports make new flows anyway
	[ "$1" = "${KIND1:-}" ] || nat_rules 1 "$1"
	[ "$2" = "${KIND2:-}" ] || nat_rules 2 "$2"
	KIND1=$1
	KIND2=$2
	for n in 1 2; do
		eval "old$n=\$(ip netns exec cl$n sh -c \
			'cat $PEER_SYS/address && echo 1 >$PEER_SYS/rebind')" ||
			peer_fail "cl$n: rebind"
	done
	e2e_wait 40 requalified 1 "$old1" ||
		peer_fail "$1/$2: cl1 not qualified again ($(attr cl1 state))"
	e2e_wait 40 requalified 2 "$old2" ||
		peer_fail "$1/$2: cl2 not qualified again ($(attr cl2 state))"
	[ "$NAT1" = "$(nat_kind "$1")" ] || peer_fail "$1/$2: cl1 reports nat $NAT1"
	[ "$NAT2" = "$(nat_kind "$2")" ] || peer_fail "$1/$2: cl2 reports nat $NAT2"
	e2e_wait 5 sh -c "ip -n cl1 -6 addr show dev teredo0 | grep -q $K1" ||
		peer_fail "$1/$2: address not on cl1's teredo0"
	e2e_wait 5 sh -c "ip -n cl2 -6 addr show dev teredo0 | grep -q $K2" ||
		peer_fail "$1/$2: address not on cl2's teredo0"
}

peer_pair
declare -A got
for k1 in $KINDS; do
	for k2 in $KINDS; do
		t0=$SECONDS
		fresh "$k1" "$k2"
		tq=$((SECONDS - t0))
		read -r sym1 us1 <<<"$(counters 1)"
		read -r sym2 _ <<<"$(counters 2)"
		# one reply, or the error that ends it (bubbles given up: 8 s)
		if out=$(ip netns exec cl1 ping -6 -c 1 -w 15 "$K2" 2>&1); then
			out=$(ip netns exec cl2 ping -6 -c 1 -w 5 "$K1" 2>&1) ||
				peer_fail "$k1/$k2: cl1 reached cl2, not back: $out"
			read -r s1 _ <<<"$(counters 1)"
			read -r s2 _ <<<"$(counters 2)"
			if [ "$s1" != "$sym1" ] || [ "$s2" != "$sym2" ]; then
				r=rfc6081
			else
				r=rfc4380
			fi
		elif echo "$out" | grep -q 'Address unreachable'; then
			r=unreachable
			read -r _ u1 <<<"$(counters 1)"
			case $k1 in
			symmetric)
				[ "${u1:-0}" -gt "${us1:-0}" ] ||
					peer_fail "$k1/$k2: unreachable, not counted unreachable_symmetric"
				;;
			*)
				[ "$u1" = "$us1" ] ||
					peer_fail "$k1/$k2: unreachable_symmetric counted behind a $k1 NAT"
				;;
			esac
		else
			peer_fail "$k1/$k2: no reply and no ICMPv6 error: $out"
		fi
		got[$k1/$k2]=$r
		log "$k1 -> $k2: $r (qualified in ${tq}s, then $((SECONDS - t0 - tq))s)"
	done
done

log "cl1 behind (row) pings cl2 behind (column):"
line=$(printf '%-20s' "")
for k2 in $KINDS; do
	line="$line$(printf '%-20s' "$k2")"
done
log "$line"
bad=""
for k1 in $KINDS; do
	line=$(printf '%-20s' "$k1")
	for k2 in $KINDS; do
		r=${got[$k1/$k2]}
		want=$(expect "$k1" "$k2")
		[ "$r" = "$want" ] || { r="$r(!)"; bad="$bad $k1/$k2:$r,want:$want"; }
		line="$line$(printf '%-20s' "$r")"
	done
	log "$line"
done
[ -z "$bad" ] || peer_fail "not as RFC 4380 and RFC 6081 allow:$bad"

# Miredo has no symmetric NAT support: where a kteredo behind the cone
# NAT was reached above, a Miredo client is not, and the sender behind
# the symmetric NAT is told why.
ip -n cl2 link del teredo0 || port_fail "link del cl2"
nat_rules 2 cone
old=$(attr cl1 address)
ip netns exec cl1 sh -c "echo 1 > $PEER_SYS/rebind" || port_fail "cl1: rebind"
e2e_wait 40 requalified 1 "$old" || port_fail "cl1 not qualified again"
e2e_miredo cl2
e2e_wait 60 e2e_has_teredo_addr cl2 || port_fail "miredo cl2 not qualified"
M2=$(e2e_teredo_addr cl2)
us1=$(drop_count cl1 unreachable_symmetric)
out=$(ip netns exec cl1 ping -6 -c 1 -w 15 "$M2" 2>&1) &&
	port_fail "symmetric -> Miredo behind cone: reached: $out"
echo "$out" | grep -q 'Address unreachable' ||
	port_fail "symmetric -> Miredo behind cone: no ICMPv6 error: $out"
[ "$(drop_count cl1 unreachable_symmetric)" -gt "$us1" ] ||
	port_fail "symmetric -> Miredo: not counted unreachable_symmetric"
log "symmetric -> Miredo behind cone: unreachable, counted unreachable_symmetric"

ip -n cl1 link del teredo0 || port_fail "link del"
rmmod teredo || port_fail "rmmod"
exit 0
