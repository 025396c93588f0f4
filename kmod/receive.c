// SPDX-License-Identifier: GPL-2.0-only
/*
 * Receive: every datagram to the Teredo port, from the socket's
 * encap_rcv (at the end of the file) to the IPv6 stack. Softirq.
 *
 * teredo_udp_encap_rcv() keeps unicast only and strips the UDP header;
 * teredo_rcv() classifies (proto.c) and dispatches: the server's RA to
 * the state machine (client.c), everything else, once qualified, to
 * teredo_peer_rcv(), which applies RFC 4380 section 5.2.3 as Miredo's
 * libteredo relay.c does, through teredo_rx_verdict() (trust.c):
 *  - an indirect bubble from our server: a direct bubble to the origin it
 *    names, if global unicast and within the budget (that opens a
 *    restricted NAT for a peer trying to reach us);
 *  - from a trusted peer through its mapping: accepted;
 *  - the reply to our echo request for a native peer: its relay is the
 *    packet's source, now trusted;
 *  - from a Teredo address whose mapping is the packet's source: that
 *    peer is trusted (created if need be), its queue released;
 *  - from a peer behind our NAT that local discovery found (or asked
 *    for) on our link, from there (discovery.c): trusted at that link
 *    address;
 *  - from a native source through an unknown relay: queued, and one echo
 *    request sent to check that relay (Miredo's client case 6): one per
 *    received packet, never retried by the timer, so that one packet in
 *    makes at most one go out;
 *  - else dropped, counted for its reason: spoofed Teredo sources,
 *    link-local and impossible sources, non-global outer sources, relays
 *    nobody vouched for.
 * What is accepted goes up through teredo_deliver() (ECN decapsulation,
 * RFC 6040): TCP through the GRO cells, the rest as sit does. A train
 * merged by GRO (gro.c), or a GSO packet from a kteredo peer over a
 * virtual link, arrives as one skb and is judged once: its datagrams
 * share outer source and port and inner addresses, which is all the
 * rules look at.
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
#include <net/gro_cells.h>
#include <net/inet_ecn.h>
#include <net/ip_tunnels.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <net/udp_tunnel.h>

#include "client.h"
#include "counters.h"
#include "device.h"
#include "discovery.h"
#include "peer.h"
#include "proto.h"
#include "receive.h"
#include "send.h"
#include "trust.h"

/* Up to the stack */

/**
 * teredo_deliver() - hand a trusted IPv6 packet to the stack
 * @td: the device
 * @skb: the UDP payload, consumed
 * @pkt: its classification
 *
 * Softirq: the receive path is its only caller.
 */
static void teredo_deliver(struct teredo_dev *td, struct sk_buff *skb,
			   const struct teredo_pkt *pkt)
{
	u8 outer_tos = ip_hdr(skb)->tos;

	/* gro_cells_receive() needs BH disabled */
	DEBUG_NET_WARN_ON_ONCE(!in_softirq());
	skb_pull_rcsum(skb, pkt->ip6_off);
	if (pskb_trim_rcsum(skb, pkt->ip6_len)) {
		teredo_drop(td, skb, TEREDO_DROP_NOMEM, true);
		return;
	}
	/*
	 * No __skb_decr_checksum_unnecessary() here: udp4_csum_init() used
	 * up the UDP level of a CHECKSUM_UNNECESSARY already, and what is
	 * left (csum_level) is the inner packet's, as for vxlan and geneve.
	 */
	/*
	 * A GSO packet from a kteredo peer over a virtual link (or a GRO'd
	 * one) arrives whole: what is left is the inner IPv6 GSO packet,
	 * without the UDP tunnel bits, as iptunnel_pull_header() does.
	 */
	if (iptunnel_pull_offloads(skb)) {
		teredo_drop(td, skb, TEREDO_DROP_NOMEM, true);
		return;
	}
	skb_scrub_packet(skb, false);
	skb_reset_network_header(skb);
	skb_reset_mac_header(skb);
	skb->protocol = htons(ETH_P_IPV6);
	skb->pkt_type = PACKET_HOST;
	skb->dev = td->dev;
	/*
	 * RFC 6040: CE outside marks the inner packet, unless it is not
	 * ECN-capable (then it is dropped: the congestion must not be lost).
	 */
	if (unlikely(INET_ECN_decapsulate(skb, outer_tos,
					  ipv6_get_dsfield(ipv6_hdr(skb))) > 1)) {
		teredo_drop(td, skb, TEREDO_DROP_ECN, true);
		return;
	}
	if (skb_is_gso(skb)) {
		atomic64_inc(&td->rx_gso);
		atomic64_add(skb_shinfo(skb)->gso_segs ?: 1, &td->rx_gso_segs);
	}
	dev_sw_netstats_rx_add(td->dev, skb->len);
	/*
	 * GRO merges TCP segments; for anything else (UDP, ICMPv6) the trip
	 * through the GRO cell's NAPI would only cost, so that goes up as
	 * sit hands its packets up.
	 */
	if (skb_is_gso(skb) || ipv6_hdr(skb)->nexthdr == IPPROTO_TCP)
		gro_cells_receive(&td->gro_cells, skb);
	else
		netif_rx(skb);
}

/*
 * What teredo_peer_trust_locked() released: the received packets that
 * came through the mapping now trusted go up, the others are dropped,
 * and our own queued ones go out.
 */
static void teredo_rcv_release(struct teredo_dev *td, struct sk_buff_head *out)
{
	struct sk_buff *skb;

	while ((skb = __skb_dequeue(out))) {
		struct teredo_peer_cb *cb = TEREDO_PEER_CB(skb);

		if (cb->incoming) {
			struct teredo_pkt pkt = {
				.ip6_off = cb->ip6_off,
				.ip6_len = cb->ip6_len,
			};

			if (cb->ok)
				teredo_deliver(td, skb, &pkt);
			else
				teredo_drop(td, skb, TEREDO_DROP_UNTRUSTED, true);
		} else {
			teredo_xmit_udp(td, skb, cb->ip, cb->port, NULL);
		}
	}
}

/* The peer rules */

/*
 * An indirect bubble relayed by our server (RFC 4380 5.2.3, Miredo): a
 * direct bubble back to the origin, from our address to the bubble's
 * source, opens our NAT for that peer and tells it our mapping. Whoever
 * can spoof the server's address can send these, so the origin must be
 * global unicast and the bubble within the budget: at most one out per
 * one in, at most 4 to one origin until it answers.
 */
static void teredo_peer_rcv_indirect(struct teredo_dev *td,
				     struct sk_buff *skb,
				     const struct teredo_pkt *pkt,
				     const struct teredo_self *self)
{
	const struct ipv6hdr *ip6 = (void *)(skb->data + pkt->ip6_off);
	struct teredo_addr_info info;
	struct teredo_probe_key key;
	struct sk_buff_head out;
	__be32 ip = 0;
	__be16 port = 0;
	int err;

	if (pkt->has_origin) {
		ip = pkt->origin_ip;
		port = pkt->origin_port;
	} else if (!teredo_addr_parse(&ip6->saddr, &info)) {
		/* some servers leave it out: the address tells (Miredo) */
		ip = info.mapped_ip;
		port = info.mapped_port;
	}
	if (!port || !ipv6_addr_equal(&ip6->daddr, &self->addr)) {
		teredo_drop(td, skb, TEREDO_DROP_BAD_DST, true);
		return;
	}
	if (!teredo_ipv4_global_unicast(ip)) {
		teredo_drop(td, skb, TEREDO_DROP_NOT_GLOBAL, true);
		return;
	}
	teredo_probe_key_mapping(&key, ip, port);
	err = teredo_probe_allow(td->peers->limits, &key, 1, jiffies);
	if (err) {
		teredo_drop(td, skb, err == -EDQUOT ? TEREDO_DROP_BUBBLE_LIMIT :
						      TEREDO_DROP_PROBE_LIMIT,
			    true);
		return;
	}
	__skb_queue_head_init(&out);
	teredo_peer_bubble(&out, &self->addr, &ip6->saddr, ip, port);
	teredo_consume(td, skb);
	teredo_xmit_list(td, &out);
}

/*
 * RFC 6081 symmetric NAT support: @p, behind a symmetric NAT, answered
 * our bubbles to its Teredo mapping (@key) from its mapping for us,
 * @ip:@port. Trust it there; and as our bubbles to the Teredo mapping
 * never reached it, one direct bubble to the new one, within the budget,
 * tells it we are there (its NAT lets it in: it sent to us from there).
 * pc->lock held.
 */
static void teredo_peer_trust_symmetric_locked(struct teredo_peers *pc,
					       struct teredo_peer *p,
					       const struct teredo_probe_key *key,
					       __be32 ip, __be16 port,
					       const struct teredo_self *self,
					       unsigned long now,
					       struct sk_buff_head *out)
{
	struct teredo_probe_key to;

	teredo_probe_answered(pc->limits, key);
	teredo_peer_trust_locked(pc, p, ip, port, now, out);
	WRITE_ONCE(p->local, false);
	WRITE_ONCE(p->local_probe, false);
	teredo_probe_key_mapping(&to, ip, port);
	if (!teredo_probe_allow(pc->limits, &to, 1, now))
		teredo_peer_bubble(out, &self->addr, &p->addr, ip, port);
}

/* Is this the answer to the echo request we sent @p? */
static bool teredo_peer_is_echo_reply(struct sk_buff *skb,
				      const struct teredo_pkt *pkt,
				      const struct teredo_peer *p)
{
	if (!p->native || pkt->nexthdr != IPPROTO_ICMPV6 ||
	    pkt->icmp6_type != ICMPV6_ECHO_REPLY ||
	    pkt->ip6_len != TEREDO_ECHO_LEN ||
	    !pskb_may_pull(skb, pkt->ip6_off + TEREDO_ECHO_LEN))
		return false;
	return !teredo_parse_echo_reply(skb->data + pkt->ip6_off,
					TEREDO_ECHO_LEN, p->nonce);
}

/**
 * teredo_peer_rcv() - a packet from a peer, a relay or the server
 * @td: the device
 * @skb: the UDP payload, consumed; linear up to the end of its IPv6
 *	header (and, when it has Teredo headers or is ICMPv6, the first
 *	min(len, %TEREDO_CLASSIFY_MAX_READ) bytes)
 * @pkt: its classification: %TEREDO_PKT_DATA, %TEREDO_PKT_BUBBLE or
 *	%TEREDO_PKT_INDIRECT_BUBBLE
 * @self: our qualified state
 */
static void teredo_peer_rcv(struct teredo_dev *td, struct sk_buff *skb,
			    const struct teredo_pkt *pkt,
			    const struct teredo_self *self)
{
	struct teredo_peers *pc = td->peers;
	__be32 saddr = ip_hdr(skb)->saddr;
	__be16 sport = udp_hdr(skb)->source;
	bool bubble = pkt->kind != TEREDO_PKT_DATA;
	enum teredo_drop_reason why = __TEREDO_DROP_MAX;
	struct teredo_rx_facts f = { .bubble = bubble };
	struct teredo_addr_info info;
	struct teredo_probe_key key;
	struct teredo_peer *p, *seen, *new = NULL;
	enum teredo_rx_verdict verdict;
	int err;
	struct sk_buff_head out, drops;
	const struct ipv6hdr *ip6;
	unsigned long now = jiffies;
	struct in6_addr src;

	ip6 = (void *)(skb->data + pkt->ip6_off);
	if (bubble && teredo_client_from_server(saddr, sport, self->server)) {
		teredo_peer_rcv_indirect(td, skb, pkt, self);
		return;
	}
	/* Only the server introduces peers (RFC 4380 5.2.3) */
	if (pkt->kind == TEREDO_PKT_INDIRECT_BUBBLE) {
		teredo_drop(td, skb, TEREDO_DROP_NOT_SERVER, true);
		return;
	}
	if (ipv6_addr_is_multicast(&ip6->daddr) ||
	    (!bubble && !ipv6_addr_equal(&ip6->daddr, &self->addr))) {
		teredo_drop(td, skb, TEREDO_DROP_BAD_DST, true);
		return;
	}
	src = ip6->saddr;
	f.src_teredo = !teredo_addr_parse(&src, &info);
	f.src_matches = f.src_teredo && info.mapped_ip == saddr &&
			info.mapped_port == sport;
	f.src_ip_matches = f.src_teredo && info.mapped_ip == saddr;
	if (bubble && f.src_ip_matches && !f.src_matches) {
		teredo_probe_key_mapping(&key, info.mapped_ip,
					 info.mapped_port);
		f.probed = teredo_probe_pending(pc->limits, &key, now);
	}
	f.src_linklocal = ipv6_addr_type(&src) & IPV6_ADDR_LINKLOCAL;
	f.src_bad = teredo_ipv6_src_bad(&src, &self->addr);
	f.outer_global = teredo_ipv4_global_unicast(saddr);

	rcu_read_lock();
	p = teredo_peer_lookup(pc, &src);
	seen = p;
	if (p) {
		f.have_peer = true;
		f.peer_trusted = READ_ONCE(p->trusted);
		f.peer_mapping = READ_ONCE(p->mapped_ip) == saddr &&
				 READ_ONCE(p->mapped_port) == sport;
		f.echo_reply = !f.src_teredo &&
			       teredo_peer_is_echo_reply(skb, pkt, p);
		f.peer_local = READ_ONCE(p->local) ? f.peer_mapping :
						     READ_ONCE(p->local_probe);
		f.outer_link = f.peer_local && !f.outer_global &&
			       f.src_teredo &&
			       teredo_disc_from_link(td, skb, saddr) &&
			       teredo_disc_same_nat(self, &src);
	}
	verdict = teredo_rx_verdict(&f, &why);
	if (verdict == TEREDO_RX_ACCEPT && !READ_ONCE(p->qbytes) &&
	    !READ_ONCE(p->probes)) {
		/* the fast path: nothing waits for this peer */
		WRITE_ONCE(p->last_rx, now);
		teredo_peer_touch(pc, p, now);
		rcu_read_unlock();
		if (bubble)
			teredo_consume(td, skb);
		else
			teredo_deliver(td, skb, pkt);
		return;
	}
	rcu_read_unlock();

	switch (verdict) {
	case TEREDO_RX_IGNORE:
		teredo_consume(td, skb);
		return;
	case TEREDO_RX_UNTRUSTED:
		teredo_drop(td, skb, why, true);
		return;
	default:
		break;
	}
	if (!p) {
		new = teredo_peer_alloc(GFP_ATOMIC);
		if (!new) {
			teredo_drop(td, skb, TEREDO_DROP_NOMEM, true);
			return;
		}
	}

	__skb_queue_head_init(&out);
	__skb_queue_head_init(&drops);
	spin_lock_bh(&pc->lock);
	why = __TEREDO_DROP_MAX;
	p = teredo_peer_get_locked(pc, &src, &new, now, &drops);
	if (!p || p->dead) {
		why = TEREDO_DROP_NOMEM;
		goto unlock;
	}
	if (p != seen && verdict != TEREDO_RX_TRUST_TEREDO &&
	    verdict != TEREDO_RX_TRUST_SYMMETRIC) {
		/* evicted meanwhile: what vouched for the old entry does not
		 * vouch for this one
		 */
		f.have_peer = false;
		verdict = teredo_rx_verdict(&f, &why);
		if (verdict == TEREDO_RX_UNTRUSTED)
			goto unlock;
	}
	if (!f.src_teredo)
		p->native = true;
	switch (verdict) {
	case TEREDO_RX_ACCEPT:
	case TEREDO_RX_TRUST_RELAY:
	case TEREDO_RX_TRUST_TEREDO:
	case TEREDO_RX_TRUST_LOCAL:
		teredo_peer_trust_locked(pc, p, saddr, sport, now, &out);
		/* case 1 keeps the way it came; the others say which */
		if (verdict != TEREDO_RX_ACCEPT)
			WRITE_ONCE(p->local, verdict == TEREDO_RX_TRUST_LOCAL);
		WRITE_ONCE(p->local_probe, false);
		break;
	case TEREDO_RX_TRUST_SYMMETRIC:
		/* trusted since we looked: where it is stays where it is */
		if (p->trusted) {
			why = TEREDO_DROP_SPOOFED_SRC;
			break;
		}
		teredo_peer_trust_symmetric_locked(pc, p, &key, saddr, sport,
						   self, now, &out);
		atomic64_inc(&td->peer_symmetric);
		break;
	default:	/* TEREDO_RX_QUEUE_PROBE */
		WRITE_ONCE(p->last_use, now);
		if (p->unreachable) {
			if (time_before_eq(now, p->unreach_since +
					   TEREDO_PEER_UNREACHABLE_S * HZ)) {
				why = TEREDO_DROP_UNTRUSTED;
				goto unlock;
			}
			p->unreachable = false;
		}
		skb_dst_drop(skb);
		skb->dev = td->dev;	/* the queue does not outlive it */
		memset(skb->cb, 0, sizeof(skb->cb));
		TEREDO_PEER_CB(skb)->ip = saddr;
		TEREDO_PEER_CB(skb)->port = sport;
		TEREDO_PEER_CB(skb)->ip6_off = pkt->ip6_off;
		TEREDO_PEER_CB(skb)->ip6_len = pkt->ip6_len;
		err = teredo_peer_enqueue_locked(pc, p, skb, true);
		if (err)
			why = err == -ENOSPC ? TEREDO_DROP_QUEUE_BUDGET :
					       TEREDO_DROP_QUEUE_FULL;
		else
			skb = NULL;
		/* one probe per packet received, within the budget */
		if (teredo_peer_probe_due(p, now) == 0 &&
		    teredo_peer_probe_locked(pc, p, self, now, &out) == -EDQUOT)
			teredo_peer_give_up_locked(pc, p, now, &drops);
		break;
	}
unlock:
	spin_unlock_bh(&pc->lock);
	kfree(new);
	teredo_peers_drop_list(pc, &drops);
	if (why != __TEREDO_DROP_MAX) {
		teredo_drop(td, skb, why, true);
		skb = NULL;
	}
	if (skb) {
		if (bubble || verdict == TEREDO_RX_TRUST_RELAY)
			teredo_consume(td, skb);	/* not the stack's */
		else
			teredo_deliver(td, skb, pkt);
	}
	teredo_rcv_release(td, &out);
}

/* Dispatch */

/*
 * How much of @skb teredo_classify() and the peer code read, to make
 * linear: all of it up to TEREDO_CLASSIFY_MAX_READ when a Teredo header
 * or ICMPv6 may be there, else (nearly all the traffic) the IPv6 header
 * alone. Pulling more would copy payload out of the pages it came in,
 * and GRO could no longer just add those pages to the packet it builds.
 */
static unsigned int teredo_rcv_headlen(const struct sk_buff *skb)
{
	u8 buf[offsetofend(struct ipv6hdr, nexthdr)];
	const u8 *h;

	if (skb->len >= TEREDO_IPV6_HLEN) {
		h = skb_header_pointer(skb, 0, sizeof(buf), buf);
		if (h && h[0] >> 4 == 6 &&
		    h[offsetof(struct ipv6hdr, nexthdr)] != IPPROTO_ICMPV6)
			return TEREDO_IPV6_HLEN;
	}
	return min_t(unsigned int, skb->len, TEREDO_CLASSIFY_MAX_READ);
}

/**
 * teredo_rcv() - the receive dispatcher
 * @td: the device
 * @skb: the UDP payload, consumed; ip_hdr() and udp_hdr() valid, the UDP
 *	checksum verified
 */
static void teredo_rcv(struct teredo_dev *td, struct sk_buff *skb)
{
	struct teredo_self self;
	struct teredo_pkt pkt;

	if (!pskb_may_pull(skb, teredo_rcv_headlen(skb))) {
		teredo_drop(td, skb, TEREDO_DROP_NOMEM, true);
		return;
	}
	teredo_classify(skb->data, skb->len, &pkt);
	if (pkt.kind == TEREDO_PKT_MALFORMED) {
		teredo_drop(td, skb, TEREDO_DROP_MALFORMED, true);
		return;
	}
	if (pkt.kind == TEREDO_PKT_RA) {
		teredo_client_rcv_ra(td, skb);
		return;
	}
	if (!teredo_client_self(td, &self)) {
		teredo_drop(td, skb, TEREDO_DROP_NOT_QUALIFIED, true);
		return;
	}
	teredo_peer_rcv(td, skb, &pkt, &self);
}

/**
 * teredo_udp_encap_rcv() - the Teredo socket's encap_rcv
 * @sk: the socket
 * @skb: a datagram to our port, its UDP checksum checked; consumed
 *
 * Return: 0 (never handed back to the UDP layer).
 */
int teredo_udp_encap_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct teredo_dev *td = rcu_dereference_sk_user_data(sk);

	/* Not while the socket is open: teredo_sock_release() keeps @td. */
	if (unlikely(!td)) {
		kfree_skb(skb);
		return 0;
	}
	/*
	 * Teredo is unicast only: a broadcast or multicast datagram to our
	 * port (the UDP layer delivers those to every matching socket) is
	 * no server's, relay's or peer's.
	 */
	if (unlikely(skb->pkt_type != PACKET_HOST)) {
		teredo_drop(td, skb, TEREDO_DROP_NOT_HOST, true);
		return 0;
	}
	/* The UDP checksum was checked before we were called. */
	if (!pskb_may_pull(skb, sizeof(struct udphdr))) {
		teredo_drop(td, skb, TEREDO_DROP_NOMEM, true);
		return 0;
	}
	skb_pull_rcsum(skb, sizeof(struct udphdr));
	teredo_rcv(td, skb);
	return 0;
}
