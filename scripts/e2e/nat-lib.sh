# SPDX-License-Identifier: GPL-2.0
#
# The NAT kinds nft builds in natN (e2e_nat N) in front of clN (10.0.N.2):
#
#   cone                masquerade, and whatever reaches a mapped port
#                       goes to the client (full cone)
#   address-restricted  masquerade; a flow to an address opens the mapped
#                       port to any port of that address
#   port-restricted     masquerade; only the flows the client opened
#   port-moved          port-restricted, mapped ports moved to 1100-1200
#   symmetric           masquerade random,fully-random: a mapping per
#                       destination
#
# Linux's masquerade keeps the source port when it is free: all but the
# last two are port-preserving. Sourced after lib.sh and port-lib.sh.

# nat_rules N KIND: natN's whole ruleset for KIND, replacing what was there
nat_rules() {
	local n=$1 post="masquerade" pre="" filter=1 track=""

	case $2 in
	cone)
		pre="iifname \"e0\" udp dport 1024-65535 dnat to 10.0.$n.2"
		filter=""
		;;
	address-restricted)
		# the pair is noted once the port is mapped (after the NAT)
		track='oifname "e0" meta l4proto udp update @contacted { ip daddr . udp sport }'
		pre="iifname \"e0\" meta l4proto udp ip saddr . udp dport @contacted dnat to 10.0.$n.2"
		;;
	port-restricted) ;;
	port-moved) post="meta l4proto udp masquerade to :1100-1200" ;;
	symmetric) post="masquerade random,fully-random" ;;
	*) port_fail "nat_rules: unknown kind $2" ;;
	esac
	{
		echo "flush ruleset"
		echo "table ip nat {"
		echo "  set contacted { type ipv4_addr . inet_service; flags dynamic, timeout; timeout 5m; }"
		echo "  chain post { type nat hook postrouting priority 100; oifname \"e0\" $post; }"
		[ -z "$track" ] ||
			echo "  chain track { type filter hook postrouting priority 200; $track; }"
		[ -z "$pre" ] ||
			echo "  chain pre { type nat hook prerouting priority -100; $pre; }"
		echo "}"
		# what a NAT does not let in unasked (DNAT'ed flows were asked)
		[ -z "$filter" ] || cat <<-EOT
		table ip filter {
			chain input {
				type filter hook input priority 0;
				iifname "e0" ct state new drop
			}
			chain forward {
				type filter hook forward priority 0;
				iifname "e0" ct state new ct status dnat accept
				iifname "e0" ct state new drop
			}
		}
		EOT
	} | ip netns exec "nat$n" nft -f - || port_fail "$2: nat$n's ruleset"
	# what the old rules let through must not outlive them
	ip netns exec "nat$n" conntrack -F 2>/dev/null
	return 0
}
