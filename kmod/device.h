/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The teredo net device's private data (struct teredo_dev), what port.c
 * publishes of it (struct teredo_pub), the per-namespace slot, and
 * device.c's own entry points. Each other file's interface is in its own
 * header.
 *
 * Locking, outermost first:
 *   RTNL                 device up/down, netlink, pernet pointer
 *   teredo_dev.lock      the socket and the configuration (sock, open, cfg_*)
 *   teredo_port_mutex    (port.c) publication and event delivery
 * Fast paths (xmit, encap_rcv, teredo_get_port) take none of them: they
 * read sock under RCU and the rest with READ_ONCE.
 */
#ifndef _TEREDO_DEVICE_H
#define _TEREDO_DEVICE_H

#include <linux/atomic.h>
#include <linux/in6.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/ratelimit_types.h>
#include <linux/types.h>
#include <net/gro_cells.h>

#include "counters.h"
#include "discovery.h"
#include "nat.h"

struct teredo_peers;

enum teredo_state {
	TEREDO_ST_OFF,		/* no socket */
	TEREDO_ST_QUALIFYING,	/* bound, not (yet) qualified */
	TEREDO_ST_QUALIFIED,
	TEREDO_ST_OFFLINE,	/* bound, the server stopped answering */
	__TEREDO_ST_MAX
};

extern const char * const teredo_state_names[__TEREDO_ST_MAX];

/*
 * What port.c publishes about one instance. Written only with
 * teredo_port_mutex held (port.c); port and state are also read locklessly.
 * Kept apart from the device so that port.c's core can be tested with a
 * fake instance (dev == NULL).
 */
struct teredo_pub {
	struct list_head node;		/* teredo_instances, port.c */
	struct net *net;
	struct net_device *dev;
	u16 port;			/* 0 = not bound */
	u8 state;			/* enum teredo_state */
	u8 nat;				/* enum teredo_nat */
	u8 nat_flags;			/* TEREDO_NAT_F_* */
	struct in6_addr addr;		/* Teredo address, :: if none */
	__be32 mapped_addr;		/* as seen by the server */
	__be16 mapped_port;
	__be32 server;			/* qualified with it, 0 if not */
	u32 peers;			/* also written by peer.c, WRITE_ONCE */
	u16 disc_port;			/* local discovery listens, 0 if not */
};

struct teredo_dev {
	struct net_device *dev;
	struct mutex lock;		/* sock, open and cfg_*, see above */
	struct socket __rcu *sock;
	bool open;			/* between ndo_open and ndo_stop */
	atomic_t retiring;		/* sockets closing, socket.c */
	__be32 cfg_server;		/* 0 = none configured */
	u16 cfg_port;			/* 0 = ephemeral */
	u32 cfg_fwmark;
	u32 cfg_refresh;		/* seconds, params.h ranges */
	u32 cfg_restart;
	u32 cfg_max_peers;
	u32 cfg_peer_queue;
	bool cfg_default_route;
	bool cfg_discovery;		/* local discovery, discovery.c */
	struct teredo_pub pub;
	struct gro_cells gro_cells;
	atomic64_t drops[__TEREDO_DROP_MAX];
	atomic64_t rx_consumed;		/* counters.c */
	atomic64_t rx_gso;		/* receive.c: GSO packets and */
	atomic64_t rx_gso_segs;		/* the datagrams they carried */
	atomic64_t peer_symmetric;	/* receive.c: trusted per RFC 6081 */
	atomic64_t icmp_errors;		/* icmp.c: outer ICMP errors, and */
	atomic64_t icmp_peers_refused;	/* the peers given up on for them */
	struct ratelimit_state icmp_rs;	/* icmp.c: the errors acted on */
	u32 queued_bytes;		/* peer.c's total, WRITE_ONCE */
	void *client;			/* owned by the client code */
	struct teredo_peers *peers;	/* owned by peer.c */
	struct teredo_disc disc;	/* owned by discovery.c */
};

/*
 * main.c: the one instance of a namespace. @owner (RTNL) is claimed by
 * ndo_init and released by ndo_uninit: it enforces one device per
 * namespace while a registration is under way. @pub is set only once that
 * registration succeeded, for the lock-free readers (teredo_get_port()).
 */
struct teredo_net {
	struct teredo_pub __rcu *pub;
	struct teredo_dev *owner;
};

extern unsigned int teredo_net_id;

/* device.c */
int teredo_device_init(void);
void teredo_device_exit(void);
int teredo_create_initial(struct net *net, __be32 server, u16 port);

/* sysfs.c */
extern const struct attribute_group teredo_sysfs_group;

#endif /* _TEREDO_DEVICE_H */
