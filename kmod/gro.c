// SPDX-License-Identifier: GPL-2.0-only
/*
 * GRO on the Teredo socket: datagrams of one TCP flow from one peer, as
 * a NIC delivers them, are merged into one UDP tunnel GSO packet before
 * receive.c sees them, as vxlan and geneve do. A Teredo datagram is an
 * IPv6 packet right after the UDP header, so the IPv6 offload continues
 * from there (the same flow: same outer addresses and ports, checked by
 * the IPv4 and UDP layers, then same inner addresses and TCP flow).
 *
 * Anything else (an origin indication or an authentication header in
 * front: the server's and the qualification's packets) is not merged,
 * and neither is what the UDP layer could not verify the checksum of.
 */

#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <net/gro.h>

#include "gro.h"

struct sk_buff *teredo_gro_receive(struct sock *sk, struct list_head *head,
				   struct sk_buff *skb)
{
	const struct packet_offload *ptype;
	struct sk_buff *pp = NULL;
	unsigned int off = skb_gro_offset(skb);
	const u8 *first;
	int flush = 1;

	first = skb_gro_header(skb, off + 1, off);
	if (unlikely(!first) || (*first >> 4) != 6)
		goto out;
	ptype = gro_find_receive_by_type(htons(ETH_P_IPV6));
	if (!ptype)
		goto out;
	pp = call_gro_receive(ptype->callbacks.gro_receive, head, skb);
	flush = 0;
out:
	skb_gro_flush_final(skb, pp, flush);
	return pp;
}

int teredo_gro_complete(struct sock *sk, struct sk_buff *skb, int nhoff)
{
	const struct packet_offload *ptype;
	int err = -EINVAL;

	ptype = gro_find_complete_by_type(htons(ETH_P_IPV6));
	if (ptype)
		err = ptype->callbacks.gro_complete(skb, nhoff);
	/* no link layer inside: as send.c sets it up for GSO */
	skb_set_inner_mac_header(skb, nhoff);
	return err;
}
