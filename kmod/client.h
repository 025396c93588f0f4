/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The Teredo client's state machine (client.c): qualification and
 * maintenance, and the qualified state the fast paths read.
 *
 * Contexts:
 *  - teredo_client_init() from ndo_init, teredo_client_destroy() from the
 *    device's priv_destructor (after the last reference is gone);
 *  - teredo_client_start() from ndo_open once the socket is bound;
 *  - teredo_client_stop() from ndo_stop under RTNL, before td->lock is
 *    taken to close the socket: it waits for the state machine's work;
 *  - teredo_client_reconfigure() wherever the server or the port changes,
 *    teredo_client_local_changed() when an IPv4 address comes or goes
 *    (any context, no lock needed);
 *  - teredo_client_self() and teredo_client_rcv_ra() on the fast paths
 *    (receive.c, send.c, timers.c).
 */
#ifndef _TEREDO_CLIENT_H
#define _TEREDO_CLIENT_H

#include <linux/in6.h>
#include <linux/netdevice.h>
#include <linux/types.h>

#include "proto.h"

struct teredo_dev;
struct sk_buff;

/* Timers (RFC 4380 section 5.2.1, Miredo's libteredo/maintain.c) */
#define TEREDO_QUALIFICATION_TIMEOUT_MS	4000	/* wait for an RA */
#define TEREDO_QUALIFICATION_RETRIES	3	/* RS sent before giving up */

/**
 * struct teredo_self - what the fast paths know about this client
 * @up: qualified (the rest is valid only then)
 * @addr: our Teredo address
 * @info: its fields (server, flags, mapped address and port)
 * @server: the server we qualified with (primary address)
 * @server2: its secondary address (primary + 1)
 */
struct teredo_self {
	bool up;
	struct in6_addr addr;
	struct teredo_addr_info info;
	__be32 server;
	__be32 server2;
};

int teredo_client_init(struct teredo_dev *td);
void teredo_client_destroy(struct net_device *dev);
void teredo_client_start(struct teredo_dev *td);
void teredo_client_stop(struct teredo_dev *td);
void teredo_client_reconfigure(struct teredo_dev *td);
void teredo_client_local_changed(struct teredo_dev *td);
void teredo_client_route_changed(struct teredo_dev *td);
bool teredo_client_self(struct teredo_dev *td, struct teredo_self *self);

/* Receive (receive.c): the server's RA, softirq; consumes @skb */
void teredo_client_rcv_ra(struct teredo_dev *td, struct sk_buff *skb);

/* Pure helpers, KUnit-tested (kunit/client_test.c) */
void teredo_client_derive_addr(const struct teredo_ra *ra, u16 random,
			       struct teredo_addr_info *info,
			       struct in6_addr *addr);
__be32 teredo_server_secondary(__be32 server);
bool teredo_client_from_server(__be32 saddr, __be16 sport, __be32 server);

#endif /* _TEREDO_CLIENT_H */
