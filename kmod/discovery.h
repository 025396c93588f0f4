/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Local client discovery (discovery.c, RFC 4380 section 5.2.8): Teredo
 * clients behind the same NAT find each other with bubbles multicast to
 * 224.0.0.253:3544 on their link, and then talk over that link, so that
 * they reach each other even through a NAT that does not hairpin.
 *
 * Locking: the socket and the group membership change under RTNL only
 * (ndo_stop, or the discovery work, which takes it); the fast paths read
 * @ifindex and @local_ip with READ_ONCE, 0 while discovery is off.
 */
#ifndef _TEREDO_DISCOVERY_H
#define _TEREDO_DISCOVERY_H

#include <linux/in6.h>
#include <linux/teredo.h>
#include <linux/types.h>
#include <linux/workqueue.h>

struct net_device;
struct sk_buff;
struct sk_buff_head;
struct socket;
struct teredo_dev;
struct teredo_self;

/* Between two periodic discovery bubbles, as Miredo: 200 s plus 0..99 s */
#define TEREDO_DISCOVERY_MIN_S	200
#define TEREDO_DISCOVERY_JITTER_S	100

/**
 * struct teredo_disc - local discovery state of one device
 * @sock: bound to 224.0.0.253:3544 and to @ifindex, joined to the group
 *	there; NULL while off (RTNL)
 * @ifindex: the link toward our server, where we listen and announce
 * @local_ip: our IPv4 address on it
 * @running: between ndo_open and ndo_stop (RTNL)
 * @warned: the port could not be bound, said once per ndo_open
 * @work: keeps the socket in line with the state, sends the periodic
 *	discovery bubble
 */
struct teredo_disc {
	struct socket *sock;
	int ifindex;
	__be32 local_ip;
	bool running;
	bool warned;
	struct delayed_work work;
};

void teredo_disc_init(struct teredo_dev *td);
void teredo_disc_start(struct teredo_dev *td);
void teredo_disc_stop(struct teredo_dev *td);
void teredo_disc_kick(struct teredo_dev *td);

bool teredo_disc_active(const struct teredo_dev *td);
bool teredo_disc_from_link(const struct teredo_dev *td,
			   const struct sk_buff *skb, __be32 saddr);
bool teredo_disc_same_nat(const struct teredo_self *self,
			  const struct in6_addr *src);
void teredo_disc_bubble(struct sk_buff_head *out,
			const struct teredo_self *self);
void teredo_disc_xmit(struct teredo_dev *td, struct sk_buff *skb);

#endif /* _TEREDO_DISCOVERY_H */
