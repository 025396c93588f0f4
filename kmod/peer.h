/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The peer side of the client (peer.c): a bounded cache of the IPv6 nodes
 * we talk to, keyed by their IPv6 address, with what RFC 4380 section 5.2
 * and Miredo's libteredo (relay.c, peerlist.c) keep for each: whether it
 * is trusted, the IPv4 address and UDP port that reach it (its mapping if
 * it is a Teredo client, its relay otherwise), the packets waiting for it
 * to answer, and the bubbles or echo requests sent to make it answer.
 *
 * Locking: pc->lock (a BH spinlock) guards the table's membership, the
 * LRU and pending lists, the queues and every field below marked (L).
 * The fast paths look entries up under RCU and read the fields marked (R)
 * with READ_ONCE; writers change them with WRITE_ONCE, under pc->lock
 * except last_rx and last_use, which the fast paths also stamp.
 * Nothing is sent or delivered with pc->lock held: decisions taken under
 * it produce a list of packets that are sent after it is released.
 */
#ifndef _TEREDO_PEER_H
#define _TEREDO_PEER_H

#include <linux/in6.h>
#include <linux/list.h>
#include <linux/netdevice.h>
#include <linux/rhashtable-types.h>
#include <linux/skbuff.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#include "proto.h"

struct teredo_dev;
struct teredo_self;
struct teredo_pkt;

/* Timers and bounds, as Miredo's libteredo unless said otherwise */
#define TEREDO_PEER_VALID_S		30	/* trusted, no rx: probe again */
#define TEREDO_PEER_EXPIRE_S		30	/* untrusted, idle: removed */
#define TEREDO_PEER_TRUSTED_EXPIRE_S	300	/* trusted, idle: removed */
#define TEREDO_PEER_PROBES		4	/* bubbles or echoes: 1 + 3 */
#define TEREDO_PEER_PROBE_INTERVAL_S	2	/* at least between two */
#define TEREDO_PEER_UNREACHABLE_S	30	/* after giving up: drop tx */

#define TEREDO_MAX_PEERS_DEFAULT	1024	/* Miredo's MAX_PEERS */
#define TEREDO_MAX_PEERS_LIMIT		1048576
#define TEREDO_PEER_QUEUE_DEFAULT	4096	/* Miredo: 1280 */
#define TEREDO_PEER_QUEUE_LIMIT		65536

/**
 * struct teredo_peer - one IPv6 node we talk to
 * @node: in pc->ht, keyed by @addr
 * @addr: its IPv6 address
 * @lru: in pc->lru, least recently used first (L)
 * @pend: in pc->pending while probes are outstanding (L)
 * @rcu: freed after a grace period
 * @native: not a Teredo address: reached through a relay (L)
 * @trusted: @mapped_ip/@mapped_port proved to reach it (R)
 * @dead: removed from the table, being freed (L)
 * @unreachable: gave up probing at @unreach_since (L)
 * @probes: bubbles (or echo requests) sent in this round (L)
 * @mapped_ip: its mapping, or its relay (R)
 * @mapped_port: same, UDP port (R)
 * @last_rx: jiffies of the last packet accepted from it (R)
 * @last_use: jiffies of the last packet to or from it (R)
 * @lru_stamp: jiffies @lru was last moved to the tail (R)
 * @last_probe: jiffies of the last probe (L)
 * @unreach_since: jiffies we gave up (L)
 * @nonce: the echo request's nonce (native peers)
 * @queue: packets waiting for it to be trusted, both ways (L)
 * @qbytes: their total length (L)
 */
struct teredo_peer {
	struct rhash_head node;
	struct in6_addr addr;
	struct list_head lru;
	struct list_head pend;
	struct rcu_head rcu;
	bool native;
	bool trusted;
	bool dead;
	bool unreachable;
	u8 probes;
	__be32 mapped_ip;
	__be16 mapped_port;
	unsigned long last_rx;
	unsigned long last_use;
	unsigned long lru_stamp;
	unsigned long last_probe;
	unsigned long unreach_since;
	u8 nonce[TEREDO_NONCE_LEN];
	struct sk_buff_head queue;
	unsigned int qbytes;
};

/**
 * struct teredo_peers - the peer cache of one device
 * @td: the device, NULL in KUnit tests (then nothing is sent or counted)
 * @ht: the entries
 * @lock: see the top of the file
 * @lru: every entry, least recently used first
 * @pending: entries with probes outstanding
 * @count: entries in @ht
 * @closed: being destroyed: no new entry, no work
 * @work: probe retries and expiry
 */
struct teredo_peers {
	struct teredo_dev *td;
	struct rhashtable ht;
	spinlock_t lock;		/* see the top of the file */
	struct list_head lru;
	struct list_head pending;
	unsigned int count;
	bool closed;
	struct delayed_work work;
};

/* Life cycle, called by client.c */
int teredo_peers_init(struct teredo_dev *td);
void teredo_peers_flush(struct teredo_dev *td);
void teredo_peers_destroy(struct teredo_dev *td);

/* The cache core, usable without a device (KUnit) */
struct teredo_peers *teredo_peers_create(struct teredo_dev *td);
void teredo_peers_free(struct teredo_peers *pc);
void teredo_peers_clear(struct teredo_peers *pc);
unsigned int teredo_peers_max(void);
unsigned int teredo_peers_queue_max(void);
struct teredo_peer *teredo_peer_lookup(struct teredo_peers *pc,
				       const struct in6_addr *addr);
struct teredo_peer *teredo_peer_get_locked(struct teredo_peers *pc,
					   const struct in6_addr *addr,
					   struct teredo_peer **prealloc,
					   unsigned long now,
					   struct sk_buff_head *drops);
struct teredo_peer *teredo_peer_alloc(gfp_t gfp);
int teredo_peer_enqueue_locked(struct teredo_peers *pc,
			       struct teredo_peer *p, struct sk_buff *skb);
void teredo_peer_touch(struct teredo_peers *pc, struct teredo_peer *p,
		       unsigned long now);
void teredo_peers_expire_locked(struct teredo_peers *pc, unsigned long now);

/* Pure decisions (KUnit) */
bool teredo_peer_valid(const struct teredo_peer *p, unsigned long now);
int teredo_peer_probe_due(const struct teredo_peer *p, unsigned long now);
bool teredo_peer_expired(const struct teredo_peer *p, unsigned long now);

/* What the receive rules make of one packet */
enum teredo_rx_verdict {
	TEREDO_RX_ACCEPT,	/* trusted peer, its mapping: deliver */
	TEREDO_RX_TRUST_RELAY,	/* our echo answered: trust that relay */
	TEREDO_RX_TRUST_TEREDO,	/* source matches its address: trust */
	TEREDO_RX_QUEUE_PROBE,	/* native source, unknown relay: verify */
	TEREDO_RX_IGNORE,	/* a bubble that proves nothing: consume */
	TEREDO_RX_UNTRUSTED,	/* drop, counted */
};

/**
 * struct teredo_rx_facts - what the receive rules look at
 * @src_teredo: the IPv6 source is a Teredo address
 * @src_matches: ...whose mapping is the packet's outer source
 * @src_linklocal: the IPv6 source is link-local
 * @bubble: the packet is a bubble
 * @have_peer: the source is in the cache
 * @peer_trusted: ...trusted
 * @peer_mapping: ...with the outer source as its mapping
 * @echo_reply: the packet is the answer to the entry's echo request
 */
struct teredo_rx_facts {
	bool src_teredo;
	bool src_matches;
	bool src_linklocal;
	bool bubble;
	bool have_peer;
	bool peer_trusted;
	bool peer_mapping;
	bool echo_reply;
};

enum teredo_rx_verdict teredo_peer_rx_verdict(const struct teredo_rx_facts *f);

#endif /* _TEREDO_PEER_H */
