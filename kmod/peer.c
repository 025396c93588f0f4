// SPDX-License-Identifier: GPL-2.0-only
/*
 * The peer side of the Teredo client (RFC 4380 sections 5.2.3 to 5.2.9),
 * behaving like Miredo's libteredo (relay.c, peerlist.c, packets.c):
 *
 * Transmit (teredo_peer_xmit()):
 *  - only from our own address, and to a Teredo address only if its
 *    server and mapping are global unicast (RFC 4380 5.2.4): else the
 *    sender gets "administratively prohibited";
 *  - a trusted peer heard from in the last 30 s: straight to its mapping
 *    (Teredo peer) or its relay (native peer), lock-free;
 *  - any other Teredo peer, the cone flag in its address or not (RFC 5991:
 *    it earns no trust): the packet is queued, an indirect bubble goes
 *    through its server and a direct one to its mapping (unless we are
 *    behind a cone NAT); repeated every 2 s, 4 in all, then the queue is
 *    dropped (counted) and the peer held unreachable for 30 s;
 *  - a native IPv6 peer: queued, an ICMPv6 echo request with a random
 *    nonce goes through our server; the relay that brings the matching
 *    reply becomes its relay (same retries).
 * Every probe is charged to the device's budget (trust.c): 4 unanswered
 * to one peer per 300 s, whether its entry lives that long or not, and a
 * device-wide rate.
 *
 * Receive (teredo_peer_rcv()), teredo_rx_verdict() (trust.c):
 *  - an indirect bubble from our server: a direct bubble to the origin it
 *    names, if global unicast and within the budget (that opens a
 *    restricted NAT for a peer trying to reach us);
 *  - from a trusted peer through its mapping: accepted;
 *  - the reply to our echo request for a native peer: its relay is the
 *    packet's source, now trusted;
 *  - from a Teredo address whose mapping is the packet's source: that
 *    peer is trusted (created if need be), its queue released;
 *  - from a native source through an unknown relay: queued, and one echo
 *    request sent to check that relay (Miredo's client case 6): one per
 *    received packet, never retried by the timer, so that one packet in
 *    makes at most one go out;
 *  - else dropped, counted for its reason: spoofed Teredo sources,
 *    link-local and impossible sources, non-global outer sources, relays
 *    nobody vouched for.
 *
 * The cache is bounded in entries (max_peers, least recently used
 * evicted) and in queued memory (truesize: peer_queue_bytes per entry,
 * TEREDO_PEERS_QUEUE_BUDGET per device, less for unverified senders);
 * entries expire (30 s idle untrusted, 300 s idle trusted). A delayed
 * work does the retries and the expiry. See peer.h for the locking.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/jiffies.h>
#include <linux/random.h>
#include <linux/rhashtable.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/ipv6.h>

#include "client.h"
#include "device.h"
#include "params.h"
#include "peer.h"
#include "proto.h"

/* Per-device settings; a cache without a device (KUnit) has the defaults */

unsigned int teredo_peers_max(const struct teredo_peers *pc)
{
	return pc->td ? READ_ONCE(pc->td->cfg_max_peers) :
			READ_ONCE(teredo_defaults.max_peers);
}

unsigned int teredo_peers_queue_max(const struct teredo_peers *pc)
{
	return pc->td ? READ_ONCE(pc->td->cfg_peer_queue) :
			READ_ONCE(teredo_defaults.peer_queue);
}

/* Pure decisions */

/**
 * teredo_peer_valid() - may we send to @p without asking first?
 * @p: the entry
 * @now: jiffies
 *
 * Miredo's "trusted && IsValid()": trusted and heard from in the last
 * %TEREDO_PEER_VALID_S seconds.
 */
bool teredo_peer_valid(const struct teredo_peer *p, unsigned long now)
{
	return READ_ONCE(p->trusted) &&
	       time_before_eq(now, READ_ONCE(p->last_rx) +
				   TEREDO_PEER_VALID_S * HZ);
}

/**
 * teredo_peer_probe_due() - may a bubble (or echo request) go now?
 * @p: the entry
 * @now: jiffies
 *
 * Miredo's CountBubble()/CountPing(): at most %TEREDO_PEER_PROBES, more
 * than %TEREDO_PEER_PROBE_INTERVAL_S seconds apart.
 *
 * Return: 0 to send one now, 1 to wait, -1 to give up.
 */
int teredo_peer_probe_due(const struct teredo_peer *p, unsigned long now)
{
	if (!p->probes)
		return 0;
	if (time_before_eq(now, p->last_probe +
				TEREDO_PEER_PROBE_INTERVAL_S * HZ))
		return 1;
	return p->probes >= TEREDO_PEER_PROBES ? -1 : 0;
}

/**
 * teredo_peer_expired() - may the entry be removed?
 * @p: the entry
 * @now: jiffies
 */
bool teredo_peer_expired(const struct teredo_peer *p, unsigned long now)
{
	unsigned long last = READ_ONCE(p->last_use);

	if (p->unreachable)
		return time_after(now, p->unreach_since +
				       TEREDO_PEER_UNREACHABLE_S * HZ);
	if (READ_ONCE(p->trusted))
		return time_after(now, last + TEREDO_PEER_TRUSTED_EXPIRE_S * HZ);
	if (p->probes && time_after(p->last_probe, last))
		last = p->last_probe;
	return time_after(now, last + TEREDO_PEER_EXPIRE_S * HZ);
}

/* The cache core */

static const struct rhashtable_params teredo_peer_params = {
	.key_len = sizeof(struct in6_addr),
	.key_offset = offsetof(struct teredo_peer, addr),
	.head_offset = offsetof(struct teredo_peer, node),
	.automatic_shrinking = true,
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

struct teredo_peer *teredo_peer_alloc(gfp_t gfp)
{
	struct teredo_peer *p = kzalloc(sizeof(*p), gfp);

	if (!p)
		return NULL;
	INIT_LIST_HEAD(&p->lru);
	INIT_LIST_HEAD(&p->pend);
	__skb_queue_head_init(&p->queue);
	get_random_bytes(p->nonce, sizeof(p->nonce));
	return p;
}

/**
 * teredo_peer_lookup() - find an entry
 * @pc: the cache
 * @addr: the peer's IPv6 address
 *
 * Under rcu_read_lock() (or pc->lock). The entry may be dead.
 */
struct teredo_peer *teredo_peer_lookup(struct teredo_peers *pc,
				       const struct in6_addr *addr)
{
	return rhashtable_lookup(&pc->ht, addr, teredo_peer_params);
}

static void teredo_peers_set_count(struct teredo_peers *pc, int delta)
{
	pc->count += delta;
	if (pc->td)
		WRITE_ONCE(pc->td->pub.peers, pc->count);
}

/* Take the head of @p's queue off it and off the books. */
static struct sk_buff *teredo_peer_dequeue_locked(struct teredo_peers *pc,
						  struct teredo_peer *p)
{
	struct sk_buff *skb = __skb_dequeue(&p->queue);
	struct teredo_peer_cb *cb;

	if (!skb)
		return NULL;
	cb = TEREDO_PEER_CB(skb);
	p->qbytes -= cb->charge;
	pc->qbytes -= cb->charge;
	if (cb->incoming) {
		p->nrx--;
		if (cb->unverified)
			pc->qrx -= cb->charge;
	} else {
		p->ntx--;
	}
	return skb;
}

/* Move @p's queue to @drops, each to be dropped for @reason. */
static void teredo_peer_purge_locked(struct teredo_peers *pc,
				     struct teredo_peer *p,
				     struct sk_buff_head *drops,
				     enum teredo_drop_reason reason)
{
	struct sk_buff *skb;

	while ((skb = teredo_peer_dequeue_locked(pc, p))) {
		TEREDO_PEER_CB(skb)->reason = reason;
		__skb_queue_tail(drops, skb);
	}
}

static void teredo_peer_remove_locked(struct teredo_peers *pc,
				      struct teredo_peer *p,
				      struct sk_buff_head *drops)
{
	rhashtable_remove_fast(&pc->ht, &p->node, teredo_peer_params);
	list_del(&p->lru);
	list_del_init(&p->pend);
	p->dead = true;
	teredo_peer_purge_locked(pc, p, drops, TEREDO_DROP_PEER_EVICTED);
	teredo_peers_set_count(pc, -1);
	kfree_rcu(p, rcu);
}

/**
 * teredo_peer_get_locked() - find or add an entry
 * @pc: the cache, pc->lock held
 * @addr: the peer's address
 * @prealloc: a teredo_peer_alloc()ed entry to use if @addr is not there
 *	(then *@prealloc is set to NULL), or NULL to only look
 * @now: jiffies
 * @drops: receives the queues of entries evicted to make room
 *
 * Return: the entry, or NULL (not found, or could not be added).
 */
struct teredo_peer *teredo_peer_get_locked(struct teredo_peers *pc,
					   const struct in6_addr *addr,
					   struct teredo_peer **prealloc,
					   unsigned long now,
					   struct sk_buff_head *drops)
{
	unsigned int max = teredo_peers_max(pc);
	struct teredo_peer *p;

	lockdep_assert_held(&pc->lock);
	p = rhashtable_lookup_fast(&pc->ht, addr, teredo_peer_params);
	if (p || !prealloc || !*prealloc || pc->closed)
		return p;
	/* Bounded: each turn removes one entry. */
	while (pc->count >= max && !list_empty(&pc->lru))
		teredo_peer_remove_locked(pc, list_first_entry(&pc->lru,
							       struct teredo_peer,
							       lru), drops);
	p = *prealloc;
	p->addr = *addr;
	p->last_use = now;
	p->lru_stamp = now;
	if (rhashtable_insert_fast(&pc->ht, &p->node, teredo_peer_params))
		return NULL;
	*prealloc = NULL;
	list_add_tail(&p->lru, &pc->lru);
	teredo_peers_set_count(pc, 1);
	if (pc->count == 1 && !pc->closed)
		queue_delayed_work(system_wq, &pc->work,
				   TEREDO_PEERS_GC_INTERVAL);
	return p;
}

/**
 * teredo_peer_enqueue_locked() - queue a packet for @p
 * @pc: the cache, pc->lock held
 * @p: the entry
 * @skb: the packet; queued on success, the caller's otherwise
 * @incoming: a received packet waiting for its sender to be verified
 *	(its cb ip, port, ip6_off and ip6_len set), else one of ours
 *
 * Counts memory, not bytes on the wire: a 40-byte packet can pin a whole
 * receive buffer. An entry queues at most %TEREDO_PEER_RX_PKTS received
 * packets (their senders are not verified yet), and all entries together
 * at most %TEREDO_PEERS_RX_BUDGET of them.
 *
 * Return: 0, -ENOBUFS if it would take @p over peer_queue_bytes (or its
 * received packets), -ENOSPC if the device over its budget.
 */
int teredo_peer_enqueue_locked(struct teredo_peers *pc,
			       struct teredo_peer *p, struct sk_buff *skb,
			       bool incoming)
{
	unsigned int max = teredo_peers_queue_max(pc), size = skb->truesize;
	bool unverified = incoming;	/* else it had been delivered */

	lockdep_assert_held(&pc->lock);
	if (p->dead || size > max || p->qbytes > max - size ||
	    (unverified && p->nrx >= TEREDO_PEER_RX_PKTS))
		return -ENOBUFS;
	if (pc->qbytes + size > TEREDO_PEERS_QUEUE_BUDGET ||
	    (unverified && pc->qrx + size > TEREDO_PEERS_RX_BUDGET))
		return -ENOSPC;
	TEREDO_PEER_CB(skb)->incoming = incoming;
	TEREDO_PEER_CB(skb)->unverified = unverified;
	TEREDO_PEER_CB(skb)->charge = size;
	p->qbytes += size;
	pc->qbytes += size;
	if (incoming) {
		p->nrx++;
		if (unverified)
			pc->qrx += size;
	} else {
		p->ntx++;
	}
	__skb_queue_tail(&p->queue, skb);
	return 0;
}

/*
 * Remove entries idle for too long: the LRU list is in lru_stamp order,
 * so stop at the first one stamped less than the shortest expiry ago.
 * Entries used since their stamp are moved to the tail. Bounded per call.
 */
static void __teredo_peers_expire_locked(struct teredo_peers *pc,
					 unsigned long now,
					 struct sk_buff_head *drops)
{
	struct teredo_peer *p, *tmp;
	unsigned int budget = TEREDO_PEERS_EXPIRE_BUDGET;

	list_for_each_entry_safe(p, tmp, &pc->lru, lru) {
		if (!budget--)
			break;
		if (time_before_eq(now, p->lru_stamp +
					TEREDO_PEER_EXPIRE_S * HZ))
			break;
		if (teredo_peer_expired(p, now)) {
			teredo_peer_remove_locked(pc, p, drops);
		} else if (time_after(READ_ONCE(p->last_use), p->lru_stamp)) {
			list_move_tail(&p->lru, &pc->lru);
			WRITE_ONCE(p->lru_stamp, now);
		}
	}
}

void teredo_peers_expire_locked(struct teredo_peers *pc, unsigned long now)
{
	struct sk_buff_head drops;

	__skb_queue_head_init(&drops);
	__teredo_peers_expire_locked(pc, now, &drops);
	__skb_queue_purge(&drops);
}

static void __teredo_peers_clear_locked(struct teredo_peers *pc,
					struct sk_buff_head *drops)
{
	struct teredo_peer *p, *tmp;

	/* Bounded by the entries there are. */
	list_for_each_entry_safe(p, tmp, &pc->lru, lru)
		teredo_peer_remove_locked(pc, p, drops);
}

/* Count and free what the decisions taken under pc->lock dropped. */
/*
 * An outgoing packet to a peer that never answered: tell its sender, as
 * a router would (and as WireGuard does for a destination without a
 * peer), so that it fails at once rather than by timeout. Rate-limited
 * by icmpv6 itself.
 */
static void teredo_peer_drop_unreachable(struct teredo_dev *td,
					 struct sk_buff *skb)
{
	skb->dev = td->dev;
	icmpv6_ndo_send(skb, ICMPV6_DEST_UNREACH, ICMPV6_ADDR_UNREACH, 0);
	teredo_drop(td, skb, TEREDO_DROP_PEER_UNREACHABLE, false);
}

static void teredo_peers_drop_list(struct teredo_peers *pc,
				   struct sk_buff_head *drops)
{
	struct teredo_peer_cb *cb;
	struct sk_buff *skb;

	while ((skb = __skb_dequeue(drops))) {
		cb = TEREDO_PEER_CB(skb);
		if (!pc->td)
			kfree_skb(skb);
		else if (cb->reason == TEREDO_DROP_PEER_UNREACHABLE &&
			 !cb->incoming)
			teredo_peer_drop_unreachable(pc->td, skb);
		else
			teredo_drop(pc->td, skb, cb->reason, cb->incoming);
	}
}

/**
 * teredo_peers_clear() - remove every entry, dropping (counted) the queues
 * @pc: the cache
 */
void teredo_peers_clear(struct teredo_peers *pc)
{
	struct sk_buff_head drops;

	__skb_queue_head_init(&drops);
	spin_lock_bh(&pc->lock);
	__teredo_peers_clear_locked(pc, &drops);
	spin_unlock_bh(&pc->lock);
	teredo_peers_drop_list(pc, &drops);
}

/* Sending, after pc->lock is released */

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
static void teredo_peer_bubble(struct sk_buff_head *out,
			       const struct in6_addr *src,
			       const struct in6_addr *dst, __be32 ip,
			       __be16 port)
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
static int teredo_peer_probe_locked(struct teredo_peers *pc,
				    struct teredo_peer *p,
				    const struct teredo_self *self,
				    unsigned long now,
				    struct sk_buff_head *out)
{
	bool direct = !(self->info.flags & TEREDO_FLAG_CONE);
	struct teredo_addr_info info;
	struct teredo_probe_key key;
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
	err = teredo_probe_allow(pc->limits, &key,
				 p->native || !direct ? 1 : 2, now);
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

/* No answer, or no probe allowed: hold @p unreachable, drop its queue. */
static void teredo_peer_give_up_locked(struct teredo_peers *pc,
				       struct teredo_peer *p,
				       unsigned long now,
				       struct sk_buff_head *drops)
{
	WRITE_ONCE(p->trusted, false);
	p->unreachable = true;
	p->unreach_since = now;
	p->probes = 0;
	list_del_init(&p->pend);
	teredo_peer_purge_locked(pc, p, drops, TEREDO_DROP_PEER_UNREACHABLE);
}

/*
 * @p answered through @ip:@port: trust it there, stop probing, and move
 * its queue to @out: outgoing packets to go there, incoming ones to be
 * delivered if they came from there. pc->lock held.
 */
static void teredo_peer_trust_locked(struct teredo_peers *pc,
				     struct teredo_peer *p, __be32 ip,
				     __be16 port, unsigned long now,
				     struct sk_buff_head *out)
{
	struct teredo_probe_key key;
	struct sk_buff *skb;

	/* it answered: the probes it cost are no longer owed (Miredo) */
	if (!p->trusted || p->probes || p->unreachable) {
		if (p->native)
			teredo_probe_key_native(&key, &p->addr);
		else
			teredo_probe_key_mapping(&key, ip, port);
		teredo_probe_answered(pc->limits, &key);
	}
	WRITE_ONCE(p->mapped_ip, ip);
	WRITE_ONCE(p->mapped_port, port);
	WRITE_ONCE(p->last_rx, now);
	WRITE_ONCE(p->last_use, now);
	WRITE_ONCE(p->trusted, true);
	p->probes = 0;
	p->unreachable = false;
	list_del_init(&p->pend);
	while ((skb = teredo_peer_dequeue_locked(pc, p))) {
		struct teredo_peer_cb *cb = TEREDO_PEER_CB(skb);

		if (cb->incoming) {
			cb->ok = cb->ip == ip && cb->port == port;
		} else {
			cb->ip = ip;
			cb->port = port;
		}
		__skb_queue_tail(out, skb);
	}
}

static void teredo_peers_out(struct teredo_dev *td, struct sk_buff_head *out)
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

/**
 * teredo_peer_touch() - note a use of @p
 * @pc: the cache
 * @p: the entry (under RCU)
 * @now: jiffies
 *
 * Moves it to the LRU tail at most once a second, so that the fast
 * paths rarely take pc->lock.
 */
void teredo_peer_touch(struct teredo_peers *pc, struct teredo_peer *p,
		       unsigned long now)
{
	if (READ_ONCE(p->last_use) != now)
		WRITE_ONCE(p->last_use, now);
	if (time_before_eq(now, READ_ONCE(p->lru_stamp) + HZ))
		return;
	spin_lock_bh(&pc->lock);
	if (!p->dead) {
		list_move_tail(&p->lru, &pc->lru);
		WRITE_ONCE(p->lru_stamp, now);
	}
	spin_unlock_bh(&pc->lock);
}

/* The work: retries, giving up, expiry */

static void teredo_peers_work(struct work_struct *w)
{
	struct teredo_peers *pc = container_of(to_delayed_work(w),
					       struct teredo_peers, work);
	struct teredo_dev *td = pc->td;
	struct sk_buff_head out, drops;
	struct teredo_peer *p, *tmp;
	unsigned long now = jiffies;
	struct teredo_self self;
	bool up;
	int due;

	up = td && teredo_client_self(td, &self);
	__skb_queue_head_init(&out);
	__skb_queue_head_init(&drops);
	spin_lock_bh(&pc->lock);
	if (pc->closed) {
		spin_unlock_bh(&pc->lock);
		return;
	}
	list_for_each_entry_safe(p, tmp, &pc->pending, pend) {
		due = teredo_peer_probe_due(p, now);
		/*
		 * Only our own packets earn a retry: a received one had its
		 * probe, and a timer must not turn it into four.
		 */
		if (!due && !p->ntx)
			due = time_after(now, p->last_probe +
					 TEREDO_PEER_GIVEUP_S * HZ) ? -1 : 1;
		if (!due && up &&
		    teredo_peer_probe_locked(pc, p, &self, now, &out) == -EDQUOT)
			due = -1;
		if (due < 0)	/* no answer: give up */
			teredo_peer_give_up_locked(pc, p, now, &drops);
	}
	__teredo_peers_expire_locked(pc, now, &drops);
	if (!list_empty(&pc->pending))
		queue_delayed_work(system_wq, &pc->work,
				   TEREDO_PEERS_PROBE_TICK);
	else if (pc->count)
		queue_delayed_work(system_wq, &pc->work,
				   TEREDO_PEERS_GC_INTERVAL);
	spin_unlock_bh(&pc->lock);
	teredo_peers_drop_list(pc, &drops);
	if (td)
		teredo_peers_out(td, &out);
	else
		__skb_queue_purge(&out);
}

/* Transmit */

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
				why = TEREDO_DROP_PEER_UNREACHABLE;
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
	else if (why == TEREDO_DROP_PEER_UNREACHABLE)
		teredo_peer_drop_unreachable(td, skb);
	else if (why != __TEREDO_DROP_MAX)
		teredo_drop(td, skb, why, false);
	teredo_peers_out(td, &out);
	return NETDEV_TX_OK;
}

/**
 * teredo_peer_xmit() - an IPv6 packet from the stack (see client.h)
 * @td: the device
 * @skb: the packet, consumed
 * @self: our qualified state
 *
 * Return: %NETDEV_TX_OK.
 */
netdev_tx_t teredo_peer_xmit(struct teredo_dev *td, struct sk_buff *skb,
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
		rcu_read_unlock();
		teredo_xmit_udp(td, skb, ip, port, NULL);
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

/* Receive */

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
	consume_skb(skb);
	teredo_peers_out(td, &out);
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
 * teredo_peer_rcv() - a packet from a peer (see client.h)
 * @td: the device
 * @skb: the UDP payload, consumed
 * @pkt: its classification
 * @self: our qualified state
 */
void teredo_peer_rcv(struct teredo_dev *td, struct sk_buff *skb,
		     const struct teredo_pkt *pkt,
		     const struct teredo_self *self)
{
	struct teredo_peers *pc = td->peers;
	__be32 saddr = ip_hdr(skb)->saddr;
	__be16 sport = udp_hdr(skb)->source;
	bool bubble = pkt->kind != TEREDO_PKT_DATA;
	enum teredo_drop_reason why = __TEREDO_DROP_MAX;
	struct teredo_rx_facts f = { .bubble = bubble };
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
	f.src_teredo = teredo_addr_is_teredo(&src);
	f.src_matches = f.src_teredo && teredo_addr_matches(&src, saddr, sport);
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
	}
	verdict = teredo_rx_verdict(&f, &why);
	if (verdict == TEREDO_RX_ACCEPT && !READ_ONCE(p->qbytes) &&
	    !READ_ONCE(p->probes)) {
		/* the fast path: nothing waits for this peer */
		WRITE_ONCE(p->last_rx, now);
		teredo_peer_touch(pc, p, now);
		rcu_read_unlock();
		if (bubble)
			consume_skb(skb);
		else
			teredo_deliver(td, skb, pkt);
		return;
	}
	rcu_read_unlock();

	switch (verdict) {
	case TEREDO_RX_IGNORE:
		consume_skb(skb);
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
	if (p != seen && verdict != TEREDO_RX_TRUST_TEREDO) {
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
		teredo_peer_trust_locked(pc, p, saddr, sport, now, &out);
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
			consume_skb(skb);	/* ours, not the stack's */
		else
			teredo_deliver(td, skb, pkt);
	}
	teredo_peers_out(td, &out);
}

/* Life cycle */

/**
 * teredo_peers_create() - an empty cache
 * @td: its device, or NULL (KUnit: nothing is sent or counted)
 *
 * Return: the cache or NULL.
 */
struct teredo_peers *teredo_peers_create(struct teredo_dev *td)
{
	struct teredo_peers *pc = kzalloc(sizeof(*pc), GFP_KERNEL);

	if (!pc)
		return NULL;
	pc->limits = teredo_limits_alloc();
	if (!pc->limits || rhashtable_init(&pc->ht, &teredo_peer_params)) {
		teredo_limits_free(pc->limits);
		kfree(pc);
		return NULL;
	}
	pc->td = td;
	spin_lock_init(&pc->lock);
	INIT_LIST_HEAD(&pc->lru);
	INIT_LIST_HEAD(&pc->pending);
	INIT_DELAYED_WORK(&pc->work, teredo_peers_work);
	return pc;
}

/**
 * teredo_peers_free() - destroy a cache: no fast path may use it any more
 * @pc: the cache, or NULL
 *
 * Process context. Queued packets are freed uncounted (the device is
 * going away); entries are freed after a grace period.
 */
void teredo_peers_free(struct teredo_peers *pc)
{
	struct sk_buff_head drops;

	if (!pc)
		return;
	__skb_queue_head_init(&drops);
	spin_lock_bh(&pc->lock);
	pc->closed = true;
	spin_unlock_bh(&pc->lock);
	cancel_delayed_work_sync(&pc->work);
	spin_lock_bh(&pc->lock);
	__teredo_peers_clear_locked(pc, &drops);
	spin_unlock_bh(&pc->lock);
	__skb_queue_purge(&drops);
	rhashtable_destroy(&pc->ht);
	teredo_limits_free(pc->limits);
	kfree(pc);
}

/**
 * teredo_peers_init() - give the device its cache (teredo_client_init())
 * @td: the device
 *
 * Return: 0 or -ENOMEM.
 */
int teredo_peers_init(struct teredo_dev *td)
{
	td->peers = teredo_peers_create(td);
	return td->peers ? 0 : -ENOMEM;
}

/**
 * teredo_peers_flush() - forget every peer (stopped, or a new address)
 * @td: the device
 *
 * Any context that may sleep or not; queued packets are dropped, counted.
 */
void teredo_peers_flush(struct teredo_dev *td)
{
	if (td->peers)
		teredo_peers_clear(td->peers);
}

/**
 * teredo_peers_destroy() - free the device's cache (its destructor)
 * @td: the device
 */
void teredo_peers_destroy(struct teredo_dev *td)
{
	teredo_peers_free(td->peers);
	td->peers = NULL;
}
