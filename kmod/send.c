// SPDX-License-Identifier: GPL-2.0-only
/*
 * Transmit: everything the client sends, from teredo_xmit() (the
 * ndo_start_xmit, at the end of the file) down to the UDP socket.
 *
 * The rules (RFC 4380 sections 5.2.4 to 5.2.6, as Miredo's libteredo
 * relay.c and packets.c), in teredo_peer_xmit():
 *  - only from our own address, and to a Teredo address only if its
 *    server and mapping are global unicast (RFC 4380 5.2.4): else the
 *    sender gets "administratively prohibited";
 *  - a trusted peer heard from in the last 30 s: straight to its mapping
 *    (Teredo peer) or its relay (native peer), lock-free;
 *  - any other Teredo peer, the cone flag in its address or not (RFC 5991:
 *    it earns no trust): the packet is queued in the peer cache (peer.c),
 *    an indirect bubble goes through its server and a direct one to its
 *    mapping (unless we are behind a cone NAT); repeated every 2 s
 *    (timers.c), 4 in all, then the queue is dropped (counted) and the
 *    peer held unreachable for 30 s;
 *  - a Teredo peer behind our NAT, when local discovery is on: a
 *    discovery bubble goes to the link too, and one that discovery found
 *    there is probed at its link address only (discovery.c);
 *  - a native IPv6 peer: queued, an ICMPv6 echo request with a random
 *    nonce goes through our server; the relay that brings the matching
 *    reply becomes its relay (receive.c).
 * Every probe (bubble or echo request), whatever path asks for it, is
 * built here and charged to the device's budget (trust.c): 4 unanswered
 * to one peer per 300 s, and a device-wide rate.
 *
 * Encapsulation: teredo_xmit_udp() routes each datagram from the Teredo
 * socket (through the peer's route cache on the fast path, peer_dst.c)
 * and sends it as a UDP tunnel does (fou, vxlan). teredo0 offers TSO and
 * checksum offload, so TCP hands it packets of up to TEREDO_GSO_MAX_SEGS
 * segments with the checksum left to do; each leaves as one UDP tunnel
 * GSO packet (SKB_GSO_UDP_TUNNEL_CSUM), cut into Teredo datagrams by the
 * outer device or, for one that cannot, by the stack (validate_xmit_skb()).
 * The ECN field of the inner packet is copied to the outer header (RFC
 * 6040, normal mode; receive.c does the reverse).
 *
 * A datagram that is not GSO has its inner checksum finished here: left
 * to do (LCO, udp_set_csum()), the outer one would be computed over it,
 * and a NAT on the way that rewrites the outer header as CHECKSUM_PARTIAL
 * corrupts it; over veth nobody would finish the inner one either, and a
 * user-space receiver (Miredo) would pass the packet on with it undone.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/jiffies.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/udp.h>
#include <net/inet_ecn.h>
#include <net/inet_sock.h>
#include <net/ip.h>
#include <net/ip_tunnels.h>
#include <net/ipv6.h>
#include <net/route.h>
#include <net/udp.h>
#include <net/udp_tunnel.h>

#include "client.h"
#include "counters.h"
#include "device.h"
#include "discovery.h"
#include "peer.h"
#include "peer_dst.h"
#include "proto.h"
#include "send.h"
#include "trust.h"

/* Encapsulation */

/**
 * teredo_xmit_headroom() - room for the outer headers
 * @rt: the route the datagram takes
 *
 * Return: what skb_cow_head() must leave in front of the UDP payload.
 */
static unsigned int teredo_xmit_headroom(const struct rtable *rt)
{
	return LL_RESERVED_SPACE(rt->dst.dev) + rt->dst.header_len +
	       sizeof(struct iphdr) + sizeof(struct udphdr);
}

/* The outer TOS: the ECN field of an IPv6 payload (RFC 6040), no DSCP. */
static u8 teredo_xmit_tos(const struct sk_buff *skb)
{
	if (skb_headlen(skb) < sizeof(struct ipv6hdr) ||
	    (skb->data[0] >> 4) != 6)
		return 0;	/* origin indication or authentication first */
	return INET_ECN_encapsulate(0, ipv6_get_dsfield((void *)skb->data));
}

/**
 * teredo_xmit_one() - send one datagram or UDP tunnel GSO packet
 * @td: the device
 * @sk: the Teredo socket
 * @rt: the route to @daddr, whose reference is consumed
 * @skb: the UDP payload, consumed
 * @saddr: IPv4 source (from the route)
 * @daddr: IPv4 destination
 * @dport: the destination port
 */
static void teredo_xmit_one(struct teredo_dev *td, struct sock *sk,
			    struct rtable *rt, struct sk_buff *skb,
			    __be32 saddr, __be32 daddr, __be16 dport)
{
	u8 tos = teredo_xmit_tos(skb);
	int err;

	err = skb_cow_head(skb, teredo_xmit_headroom(rt));
	if (!err && !skb_is_gso(skb) && skb->ip_summed == CHECKSUM_PARTIAL)
		err = skb_checksum_help(skb);
	if (!err)
		err = udp_tunnel_handle_offloads(skb, true);
	if (unlikely(err)) {
		ip_rt_put(rt);
		teredo_drop(td, skb, TEREDO_DROP_NOMEM, false);
		return;
	}
	/*
	 * No link layer inside: the inner "mac" header is the IPv6 one
	 * (set by dev_queue_xmit()), so GSO cuts from there.
	 */
	skb_set_inner_protocol(skb, htons(ETH_P_IPV6));
	udp_tunnel_xmit_skb(rt, sk, skb, saddr, daddr, tos,
			    ip4_dst_hoplimit(&rt->dst), 0,
			    inet_sk(sk)->inet_sport, dport, false, false);
}

/*
 * A GSO packet too large for one IPv4 packet with the outer headers: cut
 * here, each segment on its own. teredo0's tso_max_segs keeps TCP's below
 * that; this is for anything else.
 */
static void teredo_xmit_segments(struct teredo_dev *td, struct sock *sk,
				 struct rtable *rt, struct sk_buff *skb,
				 __be32 saddr, __be32 daddr, __be16 dport)
{
	struct sk_buff *segs, *seg, *next;

	segs = skb_gso_segment(skb, 0);
	if (IS_ERR_OR_NULL(segs)) {
		ip_rt_put(rt);
		teredo_drop(td, skb, TEREDO_DROP_NOMEM, false);
		return;
	}
	consume_skb(skb);
	skb_list_walk_safe(segs, seg, next) {
		skb_mark_not_on_list(seg);
		dst_hold(&rt->dst);
		teredo_xmit_one(td, sk, rt, seg, saddr, daddr, dport);
	}
	ip_rt_put(rt);
}

/**
 * teredo_xmit_udp() - send a UDP payload from the Teredo socket
 * @td: the device
 * @skb: the payload (an IPv6 packet, possibly with Teredo headers in
 *	front, or an IPv6 GSO packet from the stack); consumed in all cases
 * @daddr: IPv4 destination (server, peer mapping or relay)
 * @dport: UDP destination port, network order
 * @route: the peer's route cache slot (the peer held under RCU), or NULL
 *
 * Any context that may run softirq code (the ndo_start_xmit path, timers,
 * process context). Counted in the device's tstats on success and as a
 * drop reason otherwise.
 *
 * Return: 0 or a negative errno (the packet is dropped).
 */
int teredo_xmit_udp(struct teredo_dev *td, struct sk_buff *skb,
		    __be32 daddr, __be16 dport, struct teredo_dst __rcu **route)
{
	struct net_device *dev = td->dev;
	struct ip_tunnel_key key = {};
	struct teredo_dst *tdst = NULL;
	struct socket *sock;
	struct rtable *rt;
	__be32 saddr;
	__be16 sport;
	int err = 0;

	rcu_read_lock_bh();
	sock = rcu_dereference_bh(td->sock);
	if (unlikely(!sock)) {
		err = -ENETDOWN;
		teredo_drop(td, skb, TEREDO_DROP_NO_SOCKET, false);
		goto out;
	}
	sport = inet_sk(sock->sk)->inet_sport;
	skb->mark = READ_ONCE(td->cfg_fwmark);
	/* iptunnel_xmit() counts in skb->dev's tstats */
	skb->dev = dev;
	if (route)
		tdst = teredo_dst_get(route, daddr, sport, skb->mark);
	key.u.ipv4.dst = daddr;
	rt = udp_tunnel_dst_lookup(skb, dev, dev_net(dev), 0, &saddr, &key,
				   sport, dport, 0, tdst ? &tdst->cache : NULL);
	if (IS_ERR(rt)) {
		err = PTR_ERR(rt);
		teredo_drop(td, skb, TEREDO_DROP_NO_ROUTE, false);
		goto out;
	}
	if (unlikely(skb->len + sizeof(struct iphdr) +
		     sizeof(struct udphdr) > IP_MAX_MTU && skb_is_gso(skb)))
		teredo_xmit_segments(td, sock->sk, rt, skb, saddr, daddr,
				     dport);
	else
		teredo_xmit_one(td, sock->sk, rt, skb, saddr, daddr, dport);
out:
	rcu_read_unlock_bh();
	return err;
}

/**
 * teredo_xmit_list() - send what the decisions under pc->lock produced
 * @td: the device
 * @list: outgoing datagrams (probes, released queues), each with its
 *	destination in TEREDO_PEER_CB(); emptied
 *
 * As teredo_xmit_udp(). Received packets are never on such a list: the
 * receive path releases its own (receive.c).
 */
void teredo_xmit_list(struct teredo_dev *td, struct sk_buff_head *list)
{
	struct sk_buff *skb;

	while ((skb = __skb_dequeue(list))) {
		struct teredo_peer_cb *cb = TEREDO_PEER_CB(skb);

		if (unlikely(cb->incoming)) {
			DEBUG_NET_WARN_ON_ONCE(1);
			kfree_skb(skb);
			continue;
		}
		if (cb->ip == htonl(TEREDO_DISCOVERY_IP))
			teredo_disc_xmit(td, skb);
		else
			teredo_xmit_udp(td, skb, cb->ip, cb->port, NULL);
	}
}

/* Probes: bubbles and echo requests, built after pc->lock is released */

static struct sk_buff *teredo_peer_new_skb(unsigned int len)
{
	const unsigned int hroom = LL_MAX_HEADER + sizeof(struct iphdr) +
				   sizeof(struct udphdr);
	struct sk_buff *skb = alloc_skb(hroom + len, GFP_ATOMIC);

	if (skb)
		skb_reserve(skb, hroom);
	return skb;
}

/* Add a bubble from @src to @dst, sent to @ip:@port, to @out. */
void teredo_peer_bubble(struct sk_buff_head *out, const struct in6_addr *src,
			const struct in6_addr *dst, __be32 ip, __be16 port)
{
	struct sk_buff *skb = teredo_peer_new_skb(TEREDO_BUBBLE_LEN);

	if (!skb)
		return;		/* a lost bubble: the retry covers it */
	if (teredo_build_bubble(skb_put(skb, TEREDO_BUBBLE_LEN),
				TEREDO_BUBBLE_LEN, src, dst) < 0) {
		kfree_skb(skb);
		return;
	}
	memset(skb->cb, 0, sizeof(skb->cb));
	TEREDO_PEER_CB(skb)->ip = ip;
	TEREDO_PEER_CB(skb)->port = port;
	__skb_queue_tail(out, skb);
}

/* Count something not sent (no packet to free) for @reason. */
static void teredo_peers_count(struct teredo_peers *pc,
			       enum teredo_drop_reason reason)
{
	if (pc->td)
		teredo_count(pc->td, reason);
}

/* Whom the probes of @p are for (trust.h); false if nobody may be. */
static bool teredo_peer_probe_key(const struct teredo_peer *p,
				  struct teredo_probe_key *key,
				  struct teredo_addr_info *info)
{
	if (p->native) {
		teredo_probe_key_native(key, &p->addr);
		return true;
	}
	if (teredo_addr_parse(&p->addr, info) ||
	    !teredo_addr_info_global(info))
		return false;
	teredo_probe_key_mapping(key, info->mapped_ip, info->mapped_port);
	return true;
}

/*
 * One probe for @p, if the budget allows: bubbles (indirect through its
 * server, and direct unless we are behind a cone NAT) for a Teredo peer,
 * an echo request through our server for a native one. pc->lock held.
 *
 * Return: 0 (sent, or lost to -ENOMEM: the retry covers it), -EDQUOT if
 * @p had its probes (give up on it), -EBUSY if the device is over its
 * rate; both counted.
 */
int teredo_peer_probe_locked(struct teredo_peers *pc, struct teredo_peer *p,
			     const struct teredo_self *self, unsigned long now,
			     struct sk_buff_head *out)
{
	bool direct = !(self->info.flags & TEREDO_FLAG_CONE);
	struct teredo_addr_info info;
	struct teredo_probe_key key;
	bool link = false;
	struct sk_buff *skb;
	int err;

	p->probes++;
	p->last_probe = now;
	if (list_empty(&p->pend)) {
		if (list_empty(&pc->pending) && !pc->closed)
			mod_delayed_work(system_wq, &pc->work,
					 TEREDO_PEERS_PROBE_TICK);
		list_add_tail(&p->pend, &pc->pending);
	}
	if (!teredo_peer_probe_key(p, &key, &info)) {
		teredo_peers_count(pc, TEREDO_DROP_NOT_GLOBAL);
		return -EDQUOT;
	}
	/* behind our NAT: ask the link too (discovery.c) */
	if (!p->native && pc->td && teredo_disc_active(pc->td) &&
	    info.mapped_ip == self->info.mapped_ip)
		link = true;
	/* a local peer: only on the link, at its address there */
	if (link && p->local)
		teredo_probe_key_mapping(&key, p->mapped_ip, p->mapped_port);
	err = teredo_probe_allow(pc->limits, &key,
				 (p->native || !direct ? 1 : 2) + link, now);
	if (err) {
		teredo_peers_count(pc, err == -EDQUOT ?
				   TEREDO_DROP_BUBBLE_LIMIT :
				   TEREDO_DROP_PROBE_LIMIT);
		return err;
	}
	if (p->native) {
		skb = teredo_peer_new_skb(TEREDO_ECHO_LEN);
		if (!skb)
			return 0;
		if (teredo_build_echo(skb_put(skb, TEREDO_ECHO_LEN),
				      TEREDO_ECHO_LEN, &self->addr, &p->addr,
				      p->nonce) < 0) {
			kfree_skb(skb);
			return 0;
		}
		memset(skb->cb, 0, sizeof(skb->cb));
		TEREDO_PEER_CB(skb)->ip = self->server;
		TEREDO_PEER_CB(skb)->port = htons(TEREDO_SERVER_PORT);
		__skb_queue_tail(out, skb);
		return 0;
	}
	if (link) {
		teredo_disc_bubble(out, self);
		if (p->local) {
			teredo_peer_bubble(out, &self->addr, &p->addr,
					   p->mapped_ip, p->mapped_port);
			return 0;
		}
		WRITE_ONCE(p->local_probe, true);
	}
	/*
	 * The indirect bubble first: a conntrack helper on this host learns
	 * the peer from it and lets the direct one out under an output-drop
	 * policy (nf_conntrack_teredo); the other way round, the first
	 * direct bubble is dropped and the peer is reached a round later.
	 */
	teredo_peer_bubble(out, &self->addr, &p->addr, info.server,
			   htons(TEREDO_SERVER_PORT));
	if (direct)
		teredo_peer_bubble(out, &self->addr, &p->addr, info.mapped_ip,
				   info.mapped_port);
	return 0;
}

/* The peer rules */

/*
 * An outgoing packet to a Teredo address whose server or mapping is not
 * global unicast (RFC 4380 5.2.4): nothing goes there, and the sender
 * learns it at once, as from a router's filter. Rate-limited by icmpv6.
 */
static void teredo_peer_drop_prohibited(struct teredo_dev *td,
					struct sk_buff *skb)
{
	skb->dev = td->dev;
	icmpv6_ndo_send(skb, ICMPV6_DEST_UNREACH, ICMPV6_ADM_PROHIBITED, 0);
	teredo_drop(td, skb, TEREDO_DROP_NOT_GLOBAL, false);
}

static netdev_tx_t teredo_peer_xmit_slow(struct teredo_dev *td,
					 struct teredo_peers *pc,
					 struct sk_buff *skb,
					 const struct in6_addr *dst,
					 const struct teredo_addr_info *info,
					 const struct teredo_self *self,
					 struct teredo_peer *new,
					 unsigned long now)
{
	enum teredo_drop_reason why = __TEREDO_DROP_MAX;
	struct sk_buff_head out, drops;
	bool native = !info, send = false, created = new;
	struct teredo_peer *p;
	__be32 ip = 0;
	__be16 port = 0;
	int err;

	__skb_queue_head_init(&out);
	__skb_queue_head_init(&drops);
	spin_lock_bh(&pc->lock);
	p = teredo_peer_get_locked(pc, dst, &new, now, &drops);
	if (!p || p->dead) {
		why = TEREDO_DROP_NOMEM;
		goto unlock;
	}
	if (created && !new) {
		p->native = native;
		if (!native) {
			WRITE_ONCE(p->mapped_ip, info->mapped_ip);
			WRITE_ONCE(p->mapped_port, info->mapped_port);
		}
	}
	WRITE_ONCE(p->last_use, now);
	/*
	 * No client case 4: a cone flag in the address earns no trust (RFC
	 * 5991, and Miredo leaves LIBTEREDO_ALLOW_CONE undefined).
	 */
	if (teredo_peer_valid(p, now)) {
		send = true;
	} else {
		if (p->unreachable) {
			if (time_before_eq(now, p->unreach_since +
					   TEREDO_PEER_UNREACHABLE_S * HZ)) {
				why = teredo_peer_unreachable_reason(pc, p);
				goto unlock;
			}
			p->unreachable = false;
		}
		skb_dst_drop(skb);
		memset(skb->cb, 0, sizeof(skb->cb));
		err = teredo_peer_enqueue_locked(pc, p, skb, false);
		if (err)
			why = err == -ENOSPC ? TEREDO_DROP_QUEUE_BUDGET :
					       TEREDO_DROP_QUEUE_FULL;
		if (teredo_peer_probe_due(p, now) == 0 &&
		    teredo_peer_probe_locked(pc, p, self, now, &out) == -EDQUOT)
			teredo_peer_give_up_locked(pc, p, now, &drops);
	}
	if (send) {
		ip = READ_ONCE(p->mapped_ip);
		port = READ_ONCE(p->mapped_port);
	}
unlock:
	spin_unlock_bh(&pc->lock);
	kfree(new);
	teredo_peers_drop_list(pc, &drops);
	if (send)
		teredo_xmit_udp(td, skb, ip, port, NULL);
	else if (why == TEREDO_DROP_PEER_UNREACHABLE ||
		 why == TEREDO_DROP_UNREACHABLE_SYMMETRIC)
		teredo_peer_drop_unreachable(td, skb, why);
	else if (why != __TEREDO_DROP_MAX)
		teredo_drop(td, skb, why, false);
	teredo_xmit_list(td, &out);
	return NETDEV_TX_OK;
}

/**
 * teredo_peer_xmit() - an IPv6 packet to a peer or through a relay
 * @td: the device
 * @skb: the packet, consumed
 * @self: our qualified state
 *
 * Return: %NETDEV_TX_OK.
 */
static netdev_tx_t teredo_peer_xmit(struct teredo_dev *td,
				    struct sk_buff *skb,
				    const struct teredo_self *self)
{
	struct teredo_peers *pc = td->peers;
	struct teredo_addr_info info, *infop = NULL;
	const struct ipv6hdr *ip6;
	struct teredo_peer *p, *new = NULL;
	unsigned long now = jiffies;
	struct in6_addr dst;
	__be32 ip;
	__be16 port;

	if (!pskb_network_may_pull(skb, sizeof(*ip6))) {
		teredo_drop(td, skb, TEREDO_DROP_NOMEM, false);
		return NETDEV_TX_OK;
	}
	ip6 = ipv6_hdr(skb);
	dst = ip6->daddr;
	if (ipv6_addr_is_multicast(&dst)) {
		teredo_drop(td, skb, TEREDO_DROP_BAD_DST, false);
		return NETDEV_TX_OK;
	}
	/* peers and relays answer our address only; we relay nobody */
	if (!ipv6_addr_equal(&ip6->saddr, &self->addr)) {
		teredo_drop(td, skb, TEREDO_DROP_BAD_SRC, false);
		return NETDEV_TX_OK;
	}
	if (teredo_addr_is_teredo(&dst)) {
		if (teredo_addr_parse(&dst, &info)) {
			teredo_drop(td, skb, TEREDO_DROP_BAD_DST, false);
			return NETDEV_TX_OK;
		}
		if (!teredo_addr_info_global(&info)) {
			teredo_peer_drop_prohibited(td, skb);
			return NETDEV_TX_OK;
		}
		infop = &info;
	}

	rcu_read_lock();
	p = teredo_peer_lookup(pc, &dst);
	if (p && teredo_peer_valid(p, now)) {
		ip = READ_ONCE(p->mapped_ip);
		port = READ_ONCE(p->mapped_port);
		teredo_peer_touch(pc, p, now);
		/* RCU still held: the route cache lives with the entry */
		teredo_xmit_udp(td, skb, ip, port, &p->dst);
		rcu_read_unlock();
		return NETDEV_TX_OK;
	}
	rcu_read_unlock();
	if (!p) {
		new = teredo_peer_alloc(GFP_ATOMIC);
		if (!new) {
			teredo_drop(td, skb, TEREDO_DROP_NOMEM, false);
			return NETDEV_TX_OK;
		}
	}
	return teredo_peer_xmit_slow(td, pc, skb, &dst, infop, self, new, now);
}

/**
 * teredo_xmit() - ndo_start_xmit: an IPv6 packet from the stack
 * @skb: the packet, consumed
 * @dev: the teredo device
 *
 * Return: %NETDEV_TX_OK.
 */
netdev_tx_t teredo_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct teredo_dev *td = netdev_priv(dev);
	struct teredo_self self;

	if (unlikely(skb->protocol != htons(ETH_P_IPV6))) {
		teredo_drop(td, skb, TEREDO_DROP_NOT_IPV6, false);
		return NETDEV_TX_OK;
	}
	if (READ_ONCE(td->pub.state) != TEREDO_ST_QUALIFIED ||
	    !teredo_client_self(td, &self)) {
		teredo_drop(td, skb, TEREDO_DROP_NOT_QUALIFIED, false);
		return NETDEV_TX_OK;
	}
	return teredo_peer_xmit(td, skb, &self);
}
