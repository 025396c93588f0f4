/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The peer cache (peer.c; its work in timers.c): a bounded cache of the
 * IPv6 nodes we talk to, keyed by their IPv6 address, with what RFC 4380 section 5.2
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

#include "counters.h"
#include "params.h"
#include "proto.h"
#include "trust.h"

struct teredo_dev;
struct teredo_dst;
struct teredo_self;
struct teredo_pkt;

/* Timers and bounds, as Miredo's libteredo unless said otherwise */
#define TEREDO_PEER_VALID_S		30	/* trusted, no rx: probe again */
#define TEREDO_PEER_EXPIRE_S		30	/* untrusted, idle: removed */
#define TEREDO_PEER_TRUSTED_EXPIRE_S	300	/* trusted, idle: removed */
#define TEREDO_PEER_PROBES		TEREDO_PROBES_UNANSWERED
#define TEREDO_PEER_PROBE_INTERVAL_S	2	/* at least between two */
/* an entry with nothing of ours queued waits this long for an answer */
#define TEREDO_PEER_GIVEUP_S		(TEREDO_PEER_PROBES * \
					 TEREDO_PEER_PROBE_INTERVAL_S)
#define TEREDO_PEER_UNREACHABLE_S	30	/* after giving up: drop tx */

/* max_peers and peer_queue_bytes are per device: params.h */
#define TEREDO_PEERS_QUEUE_BUDGET	(1024 * 1024)	/* all entries */
#define TEREDO_PEERS_RX_BUDGET		(256 * 1024)	/* unverified rx */
#define TEREDO_PEER_RX_PKTS		2	/* per unverified entry */

#define TEREDO_PEERS_GC_INTERVAL	(10 * HZ)	/* expiry */
#define TEREDO_PEERS_PROBE_TICK		(HZ / 2)	/* retries due */
#define TEREDO_PEERS_EXPIRE_BUDGET	1024	/* entries per run */
/* a full cache looks this far into the LRU for an unproven entry */
#define TEREDO_PEERS_EVICT_SCAN		32

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
 * @local: behind our NAT, found on our link (discovery.c): @mapped_ip and
 *	@mapped_port are its link address and port (R)
 * @local_probe: behind our NAT, not found yet: our probes asked the link
 *	for it, and its answer from there is expected (R)
 * @probes: bubbles (or echo requests) sent in this round (L)
 * @mapped_ip: its mapping, or its relay (R)
 * @mapped_port: same, UDP port (R)
 * @dst: the route cache of the fast path, made on its first send (R)
 * @last_rx: jiffies of the last packet accepted from it (R)
 * @last_use: jiffies of the last packet to or from it (R)
 * @lru_stamp: jiffies @lru was last moved to the tail (R)
 * @last_probe: jiffies of the last probe (L)
 * @unreach_since: jiffies we gave up (L)
 * @nonce: the echo request's nonce (native peers)
 * @queue: packets waiting for it to be trusted, both ways (L)
 * @qbytes: their total truesize (L)
 * @nrx: how many of them are received ones (L)
 * @ntx: how many are ours, to send: only those make the work retry (L)
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
	bool local;
	bool local_probe;
	u8 probes;
	__be32 mapped_ip;
	__be16 mapped_port;
	struct teredo_dst __rcu *dst;
	unsigned long last_rx;
	unsigned long last_use;
	unsigned long lru_stamp;
	unsigned long last_probe;
	unsigned long unreach_since;
	u8 nonce[TEREDO_NONCE_LEN];
	struct sk_buff_head queue;
	unsigned int qbytes;
	u16 nrx;
	u16 ntx;
};

/**
 * struct teredo_peers - the peer cache of one device
 * @td: the device, NULL in KUnit tests (then nothing is sent or counted)
 * @ht: the entries
 * @lock: see the top of the file
 * @lru: every entry, least recently used first
 * @pending: entries with probes outstanding
 * @count: entries in @ht
 * @qbytes: truesize queued in all entries
 * @qrx: ...of which received packets from sources not yet verified
 * @closed: being destroyed: no new entry, no work
 * @work: probe retries and expiry
 * @limits: the probe budget (trust.h), kept across clears
 */
struct teredo_peers {
	struct teredo_dev *td;
	struct rhashtable ht;
	spinlock_t lock;		/* see the top of the file */
	struct list_head lru;
	struct list_head pending;
	unsigned int count;
	unsigned int qbytes;
	unsigned int qrx;
	bool closed;
	struct delayed_work work;
	struct teredo_limits *limits;
};

/*
 * Per-packet state while queued (skb->cb is ours then) and on the way out
 * of the lock.
 */
struct teredo_peer_cb {
	__be32 ip;		/* rx: where it came from; tx: where it goes */
	__be16 port;
	u8 incoming;		/* queued rx packet (the UDP payload) */
	u8 ok;			/* rx: came from the relay now trusted */
	u8 reason;		/* drops: enum teredo_drop_reason */
	u8 unverified;		/* queued rx: charged to pc->qrx */
	u16 ip6_off;		/* rx: the teredo_pkt fields to deliver */
	u32 ip6_len;
	u32 charge;		/* queued: truesize counted in the queue */
};

#define TEREDO_PEER_CB(skb)	((struct teredo_peer_cb *)(skb)->cb)
static_assert(sizeof(struct teredo_peer_cb) <=
	      sizeof_field(struct sk_buff, cb));

/* Life cycle, called by client.c */
int teredo_peers_init(struct teredo_dev *td);
void teredo_peers_flush(struct teredo_dev *td);
void teredo_peers_destroy(struct teredo_dev *td);

/* The cache core, usable without a device (KUnit) */
struct teredo_peers *teredo_peers_create(struct teredo_dev *td);
void teredo_peers_free(struct teredo_peers *pc);
void teredo_peers_clear(struct teredo_peers *pc);
unsigned int teredo_peers_max(const struct teredo_peers *pc);
unsigned int teredo_peers_queue_max(const struct teredo_peers *pc);
struct teredo_peer *teredo_peer_lookup(struct teredo_peers *pc,
				       const struct in6_addr *addr);
struct teredo_peer *teredo_peer_get_locked(struct teredo_peers *pc,
					   const struct in6_addr *addr,
					   struct teredo_peer **prealloc,
					   unsigned long now,
					   struct sk_buff_head *drops);
struct teredo_peer *teredo_peer_alloc(gfp_t gfp);
int teredo_peer_enqueue_locked(struct teredo_peers *pc,
			       struct teredo_peer *p, struct sk_buff *skb,
			       bool incoming);
void teredo_peer_touch(struct teredo_peers *pc, struct teredo_peer *p,
		       unsigned long now);
void teredo_peers_expire_locked(struct teredo_peers *pc, unsigned long now);
void __teredo_peers_expire_locked(struct teredo_peers *pc, unsigned long now,
				  struct sk_buff_head *drops);

/*
 * The transitions the rules decide, under pc->lock: trusted at @ip:@port
 * (the queue moves to @out, to be sent or delivered once the lock is
 * released), or given up on (the queue moves to @drops).
 */
void teredo_peer_trust_locked(struct teredo_peers *pc, struct teredo_peer *p,
			      __be32 ip, __be16 port, unsigned long now,
			      struct sk_buff_head *out);
void teredo_peer_give_up_locked(struct teredo_peers *pc, struct teredo_peer *p,
				unsigned long now, struct sk_buff_head *drops);
unsigned int teredo_peers_refused(struct teredo_peers *pc, __be32 ip,
				  __be16 port);
/* After pc->lock is released: count and free what was dropped. */
void teredo_peers_drop_list(struct teredo_peers *pc, struct sk_buff_head *drops);
enum teredo_drop_reason
teredo_peer_unreachable_reason(const struct teredo_peers *pc,
			       const struct teredo_peer *p);
void teredo_peer_drop_unreachable(struct teredo_dev *td, struct sk_buff *skb,
				  enum teredo_drop_reason reason);

/* timers.c: probe retries, giving up, expiry */
void teredo_peers_work(struct work_struct *w);

/* Pure decisions (KUnit) */
bool teredo_peer_valid(const struct teredo_peer *p, unsigned long now);
int teredo_peer_probe_due(const struct teredo_peer *p, unsigned long now);
bool teredo_peer_expired(const struct teredo_peer *p, unsigned long now);

#endif /* _TEREDO_PEER_H */
