/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Transmit (send.c): the device's ndo_start_xmit, the probes that every
 * path sends to reach a peer, and the Teredo socket's send.
 *
 * teredo_xmit_udp() and teredo_xmit_list() run in any context that may
 * run softirq code (the ndo_start_xmit path, softirq, process context);
 * the probe builders under pc->lock, adding to a list sent once it is
 * released.
 */
#ifndef _TEREDO_SEND_H
#define _TEREDO_SEND_H

#include <linux/in6.h>
#include <linux/netdevice.h>
#include <linux/types.h>

struct sk_buff;
struct sk_buff_head;
struct teredo_dev;
struct teredo_dst;
struct teredo_peer;
struct teredo_peers;
struct teredo_self;

netdev_tx_t teredo_xmit(struct sk_buff *skb, struct net_device *dev);

int teredo_xmit_udp(struct teredo_dev *td, struct sk_buff *skb,
		    __be32 daddr, __be16 dport, struct teredo_dst __rcu **route);
void teredo_xmit_list(struct teredo_dev *td, struct sk_buff_head *list);

void teredo_peer_bubble(struct sk_buff_head *out, const struct in6_addr *src,
			const struct in6_addr *dst, __be32 ip, __be16 port);
int teredo_peer_probe_locked(struct teredo_peers *pc, struct teredo_peer *p,
			     const struct teredo_self *self, unsigned long now,
			     struct sk_buff_head *out);

#endif /* _TEREDO_SEND_H */
