// SPDX-License-Identifier: GPL-2.0-only
/*
 * Large packets out: teredo0 offers TSO and checksum offload, so TCP
 * hands it packets of up to TEREDO_GSO_MAX_SEGS segments with the
 * checksum left to do. Each leaves as one UDP "fraglist" GSO skb, the
 * kind UDP GRO builds for forwarding: the packet is cut here into IPv6
 * packets of at most 1280 bytes with their checksums finished, each gets
 * its own complete outer UDP/IPv4 header, and the chain goes through the
 * local stack, netfilter, NATs and bridges as one skb. A device without
 * NETIF_F_GSO_FRAGLIST cuts it (validate_xmit_skb()), and so does the
 * receiving socket (udp_rcv_segment(); kteredo's does not accept GSO).
 *
 * Unlike UDP tunnel GSO (vxlan, fou), what is cut is a list of finished
 * Teredo datagrams: a user-space receiver (Miredo) on a veth-only path
 * gets ordinary datagrams, never an unsegmented one or an inner checksum
 * left to do. The price is the software segmentation and one pass over
 * the payload for the inner checksum, as without offloads.
 */

#include <linux/ip.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/udp.h>
#include <net/checksum.h>
#include <net/ip.h>
#include <net/ip_tunnels.h>
#include <net/route.h>

#include "device.h"

/*
 * Finish the segment's inner checksum and return, in @sum, the sum of the
 * whole segment for its outer UDP checksum without a second pass: with its
 * checksum right, the inner L4 part sums to the complement of the
 * pseudo-header sum that the partial checksum field holds (lco_csum()).
 */
static int teredo_gso_csum(struct sk_buff *seg, __wsum *sum)
{
	__sum16 *field;

	if (seg->ip_summed != CHECKSUM_PARTIAL) {
		*sum = skb_checksum(seg, 0, seg->len, 0);
		return 0;
	}
	field = (__sum16 *)(skb_checksum_start(seg) + seg->csum_offset);
	*sum = csum_partial(seg->data, skb_checksum_start_offset(seg),
			    ~csum_unfold(*field));
	return skb_checksum_help(seg);
}

/* The outer UDP header, its checksum complete, in front of @seg. */
static void teredo_gso_udp_header(struct sk_buff *seg, __wsum sum,
				  const struct teredo_flow *f)
{
	unsigned int ulen = seg->len + sizeof(struct udphdr);
	struct udphdr *uh;

	uh = skb_push(seg, sizeof(*uh));
	skb_reset_transport_header(seg);
	uh->source = f->sport;
	uh->dest = f->dport;
	uh->len = htons(ulen);
	uh->check = 0;
	uh->check = csum_tcpudp_magic(f->saddr, f->daddr, ulen, IPPROTO_UDP,
				      csum_partial(uh, sizeof(*uh), sum));
	if (!uh->check)
		uh->check = CSUM_MANGLED_0;
}

/*
 * The outer IPv4 header of a datagram on the frag list. Length, ID and
 * header checksum are set again when the list is cut (inet_gso_segment()),
 * addresses and ports fixed up if a NAT changed the head's.
 */
static void teredo_gso_ip_header(struct sk_buff *seg,
				 const struct teredo_flow *f)
{
	struct iphdr *iph;

	iph = skb_push(seg, sizeof(*iph));
	skb_reset_network_header(seg);
	iph->version = 4;
	iph->ihl = sizeof(*iph) >> 2;
	iph->tos = 0;
	iph->tot_len = htons(seg->len);
	iph->id = 0;
	iph->frag_off = 0;
	iph->ttl = f->ttl;
	iph->protocol = IPPROTO_UDP;
	iph->saddr = f->saddr;
	iph->daddr = f->daddr;
	ip_send_check(iph);
}

/* Each segment on its own: what does not fit one fraglist skb. */
static void teredo_gso_xmit_each(struct teredo_dev *td, struct sock *sk,
				 struct rtable *rt, struct sk_buff *segs,
				 const struct teredo_flow *f)
{
	struct sk_buff *seg, *next;

	skb_list_walk_safe(segs, seg, next) {
		skb_mark_not_on_list(seg);
		dst_hold(&rt->dst);
		teredo_xmit_one(td, sk, rt, seg, f);
	}
	ip_rt_put(rt);
}

/**
 * teredo_xmit_gso() - send a GSO packet from teredo0 (see device.h)
 * @td: the device
 * @sk: the Teredo socket
 * @rt: the route to @f->daddr, whose reference is consumed
 * @skb: an IPv6 GSO packet, consumed
 * @f: the outer addresses and ports
 */
void teredo_xmit_gso(struct teredo_dev *td, struct sock *sk,
		     struct rtable *rt, struct sk_buff *skb,
		     const struct teredo_flow *f)
{
	unsigned int room = teredo_xmit_headroom(rt);
	unsigned int n = 0, total = 0, size;
	struct sk_buff *segs, *seg, *next;
	bool even = true;
	__wsum sum;

	segs = skb_gso_segment(skb, NETIF_F_SG | NETIF_F_HW_CSUM);
	if (IS_ERR_OR_NULL(segs)) {
		ip_rt_put(rt);
		teredo_drop(td, skb, TEREDO_DROP_NOMEM, false);
		return;
	}
	consume_skb(skb);

	size = segs->len;
	skb_list_walk_safe(segs, seg, next) {
		if ((next && seg->len != size) || skb_has_frag_list(seg))
			even = false;
		total += seg->len + sizeof(struct iphdr) +
			 sizeof(struct udphdr);
		n++;
	}
	if (n < 2 || !even || total > IP_MAX_MTU) {
		teredo_gso_xmit_each(td, sk, rt, segs, f);
		return;
	}

	skb_list_walk_safe(segs, seg, next) {
		if (unlikely(skb_cow_head(seg, room) ||
			     teredo_gso_csum(seg, &sum))) {
			ip_rt_put(rt);
			skb_list_walk_safe(segs, seg, next) {
				skb_mark_not_on_list(seg);
				teredo_drop(td, seg, TEREDO_DROP_NOMEM, false);
			}
			return;
		}
		if (seg == segs) {
			skb_reset_inner_headers(seg);	/* iptunnel_xmit()'s stats */
			teredo_gso_udp_header(seg, sum, f);
			continue;
		}
		teredo_gso_udp_header(seg, sum, f);
		teredo_gso_ip_header(seg, f);
		/* on the list, a datagram is its payload (skb_segment_list()) */
		__skb_pull(seg, sizeof(struct iphdr) + sizeof(struct udphdr));
		/*
		 * Off the socket's books now; the head keeps its own truesize
		 * only: 6.1's skb_segment_list() does not give back what the
		 * list adds, and a receiver would charge it all to the first
		 * datagram (and its TCP receive buffer).
		 */
		skb_orphan(seg);
		segs->len += seg->len;
		segs->data_len += seg->len;
	}

	skb = segs;
	skb_shinfo(skb)->frag_list = skb->next;
	skb_mark_not_on_list(skb);
	skb->prev = NULL;
	/* as UDP GRO leaves it: the head's length covers the list (the
	 * receiver trims to it); cutting gives it back its own
	 */
	udp_hdr(skb)->len = htons(skb->len);
	skb_shinfo(skb)->gso_size = size;
	skb_shinfo(skb)->gso_type = SKB_GSO_UDP_L4 | SKB_GSO_FRAGLIST;
	skb_shinfo(skb)->gso_segs = n;
	/*
	 * Every checksum is done, outer and inner: none to verify on the way,
	 * nor at a receiver the skb reaches whole over veths (one that sees
	 * it off a wire checks its own).
	 */
	skb->ip_summed = CHECKSUM_UNNECESSARY;
	skb->csum_level = 1;
	skb->encapsulation = 0;
	iptunnel_xmit(sk, rt, skb, f->saddr, f->daddr, IPPROTO_UDP, 0, f->ttl,
		      0, false);
}
