// SPDX-License-Identifier: GPL-2.0-only
/*
 * The peer cache (RFC 4380 section 5.2, Miredo's libteredo peerlist.c):
 * the IPv6 nodes we talk to, in an rhashtable keyed by their address,
 * each with what the receive and transmit rules (receive.c, send.c)
 * decided about it: trusted or not, the mapping or relay that reaches
 * it, the packets waiting for it to answer, the probes sent.
 *
 * Here: the entries' life (lookup, insertion with LRU eviction, expiry:
 * 30 s idle untrusted, 300 s idle trusted), their queues (truesize:
 * peer_queue_bytes per entry, TEREDO_PEERS_QUEUE_BUDGET per device, less
 * for unverified senders), and the two transitions that release or drop
 * a queue: trusted at a mapping, or given up. The delayed work that
 * retries and expires is in timers.c. See peer.h for the locking.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
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

#include "counters.h"
#include "device.h"
#include "nat.h"
#include "params.h"
#include "peer.h"
#include "peer_dst.h"
#include "proto.h"

/* Per-device settings; a cache without a device (KUnit) has the defaults */

unsigned int teredo_peers_max(const struct teredo_peers *pc)
{
	return pc->td ? READ_ONCE(pc->td->cfg_max_peers) :
			READ_ONCE(teredo_defaults.max_peers);
}
EXPORT_SYMBOL_IF_KUNIT(teredo_peers_max);

unsigned int teredo_peers_queue_max(const struct teredo_peers *pc)
{
	return pc->td ? READ_ONCE(pc->td->cfg_peer_queue) :
			READ_ONCE(teredo_defaults.peer_queue);
}
EXPORT_SYMBOL_IF_KUNIT(teredo_peers_queue_max);

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
EXPORT_SYMBOL_IF_KUNIT(teredo_peer_valid);

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
EXPORT_SYMBOL_IF_KUNIT(teredo_peer_probe_due);

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
EXPORT_SYMBOL_IF_KUNIT(teredo_peer_expired);

/* The cache core */

static const struct rhashtable_params teredo_peer_params = {
	.key_len = sizeof(struct in6_addr),
	.key_offset = offsetof(struct teredo_peer, addr),
	.head_offset = offsetof(struct teredo_peer, node),
	.automatic_shrinking = true,
};

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
EXPORT_SYMBOL_IF_KUNIT(teredo_peer_alloc);

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
EXPORT_SYMBOL_IF_KUNIT(teredo_peer_lookup);

static void teredo_peers_set_count(struct teredo_peers *pc, int delta)
{
	pc->count += delta;
	if (pc->td)
		WRITE_ONCE(pc->td->pub.peers, pc->count);
}

static void teredo_peers_set_qbytes(struct teredo_peers *pc, unsigned int n)
{
	pc->qbytes = n;
	if (pc->td)
		WRITE_ONCE(pc->td->queued_bytes, n);
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
	teredo_peers_set_qbytes(pc, pc->qbytes - cb->charge);
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

/* Its route cache too: a reader may have made one until the grace period. */
static void teredo_peer_free_rcu(struct rcu_head *head)
{
	struct teredo_peer *p = container_of(head, struct teredo_peer, rcu);

	teredo_dst_release(rcu_dereference_protected(p->dst, true));
	kfree(p);
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
	call_rcu(&p->rcu, teredo_peer_free_rcu);
}

/*
 * The entry a new one replaces in a full cache: the least recently used
 * that is not trusted and heard from lately, among the first
 * TEREDO_PEERS_EVICT_SCAN of the LRU, else the least recently used. As
 * conntrack's early_drop() spares assured flows: a flood of destinations
 * that never answer recycles its own entries, not the peers in use.
 */
static struct teredo_peer *teredo_peer_victim_locked(struct teredo_peers *pc,
						     unsigned long now)
{
	struct teredo_peer *p;
	unsigned int n = 0;

	list_for_each_entry(p, &pc->lru, lru) {
		if (!teredo_peer_valid(p, now))
			return p;
		if (++n >= TEREDO_PEERS_EVICT_SCAN)
			break;
	}
	return list_first_entry(&pc->lru, struct teredo_peer, lru);
}

/**
 * teredo_peer_get_locked() - find or add an entry
 * @pc: the cache, pc->lock held
 * @addr: the peer's address
 * @prealloc: a teredo_peer_alloc()ed entry to use if @addr is not there
 *	(then *@prealloc is set to NULL), or NULL to only look
 * @now: jiffies
 * @drops: receives the queues of entries evicted to make room (see
 *	teredo_peer_victim_locked())
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
		teredo_peer_remove_locked(pc, teredo_peer_victim_locked(pc, now),
					  drops);
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
EXPORT_SYMBOL_IF_KUNIT(teredo_peer_get_locked);

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
	teredo_peers_set_qbytes(pc, pc->qbytes + size);
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
EXPORT_SYMBOL_IF_KUNIT(teredo_peer_enqueue_locked);

/*
 * Remove entries idle for too long: the LRU list is in lru_stamp order,
 * so stop at the first one stamped less than the shortest expiry ago.
 * Entries used since their stamp are moved to the tail. Bounded per call.
 */
void __teredo_peers_expire_locked(struct teredo_peers *pc, unsigned long now,
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
EXPORT_SYMBOL_IF_KUNIT(teredo_peers_expire_locked);

static void __teredo_peers_clear_locked(struct teredo_peers *pc,
					struct sk_buff_head *drops)
{
	struct teredo_peer *p, *tmp;

	/* Bounded by the entries there are. */
	list_for_each_entry_safe(p, tmp, &pc->lru, lru)
		teredo_peer_remove_locked(pc, p, drops);
}

/*
 * An outgoing packet to a peer that never answered: tell its sender, as
 * a router would (and as WireGuard does for a destination without a
 * peer), so that it fails at once rather than by timeout. Rate-limited
 * by icmpv6 itself.
 */
void teredo_peer_drop_unreachable(struct teredo_dev *td, struct sk_buff *skb,
				  enum teredo_drop_reason reason)
{
	skb->dev = td->dev;
	icmpv6_ndo_send(skb, ICMPV6_DEST_UNREACH, ICMPV6_ADDR_UNREACH, 0);
	teredo_drop(td, skb, reason, false);
}

/* Count and free what the decisions taken under pc->lock dropped. */
void teredo_peers_drop_list(struct teredo_peers *pc, struct sk_buff_head *drops)
{
	struct teredo_peer_cb *cb;
	struct sk_buff *skb;

	while ((skb = __skb_dequeue(drops))) {
		cb = TEREDO_PEER_CB(skb);
		if (!pc->td)
			kfree_skb(skb);
		else if ((cb->reason == TEREDO_DROP_PEER_UNREACHABLE ||
			  cb->reason == TEREDO_DROP_UNREACHABLE_SYMMETRIC) &&
			 !cb->incoming)
			teredo_peer_drop_unreachable(pc->td, skb, cb->reason);
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
EXPORT_SYMBOL_IF_KUNIT(teredo_peers_clear);

/* No answer, or no probe allowed: hold @p unreachable, drop its queue. */
void teredo_peer_give_up_locked(struct teredo_peers *pc, struct teredo_peer *p,
				unsigned long now, struct sk_buff_head *drops)
{
	WRITE_ONCE(p->trusted, false);
	p->unreachable = true;
	p->unreach_since = now;
	p->probes = 0;
	list_del_init(&p->pend);
	teredo_peer_purge_locked(pc, p, drops,
				 teredo_peer_unreachable_reason(pc, p));
}

/**
 * teredo_peers_refused() - the host at @ip:@port refuses our datagrams
 * @pc: the cache
 * @ip: the IPv4 address an ICMP error came back for (icmp.c)
 * @port: and the UDP port
 *
 * Every entry reached there (a peer's mapping, or the relay of native
 * peers) is given up on at once, as after unanswered probes: its queue is
 * dropped (the senders told), and its packets are dropped for
 * %TEREDO_PEER_UNREACHABLE_S. A walk of the LRU: the caller bounds how
 * often.
 *
 * Return: how many entries were given up on.
 */
unsigned int teredo_peers_refused(struct teredo_peers *pc, __be32 ip,
				  __be16 port)
{
	struct sk_buff_head drops;
	unsigned long now = jiffies;
	struct teredo_peer *p;
	unsigned int n = 0;

	__skb_queue_head_init(&drops);
	spin_lock_bh(&pc->lock);
	if (!pc->closed)
		list_for_each_entry(p, &pc->lru, lru) {
			if (p->unreachable || p->mapped_ip != ip ||
			    p->mapped_port != port)
				continue;
			teredo_peer_give_up_locked(pc, p, now, &drops);
			n++;
		}
	spin_unlock_bh(&pc->lock);
	teredo_peers_drop_list(pc, &drops);
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(teredo_peers_refused);

/**
 * teredo_peer_unreachable_reason() - why @p does not answer, as we know it
 * @pc: the cache
 * @p: a peer that had its probes
 *
 * Behind a symmetric NAT our bubbles reach a Teredo peer from a port its
 * address does not name: only a peer with RFC 6081's symmetric NAT
 * support (not Miredo), behind a NAT that lets them in, answers. Say so.
 *
 * Return: %TEREDO_DROP_UNREACHABLE_SYMMETRIC or
 * %TEREDO_DROP_PEER_UNREACHABLE.
 */
enum teredo_drop_reason
teredo_peer_unreachable_reason(const struct teredo_peers *pc,
			       const struct teredo_peer *p)
{
	if (!p->native && pc->td &&
	    READ_ONCE(pc->td->pub.nat) == TEREDO_NAT_SYMMETRIC)
		return TEREDO_DROP_UNREACHABLE_SYMMETRIC;
	return TEREDO_DROP_PEER_UNREACHABLE;
}

/*
 * @p answered through @ip:@port: trust it there, stop probing, and move
 * its queue to @out: outgoing packets to go there, incoming ones to be
 * delivered if they came from there. pc->lock held.
 */
void teredo_peer_trust_locked(struct teredo_peers *pc, struct teredo_peer *p,
			      __be32 ip, __be16 port, unsigned long now,
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
EXPORT_SYMBOL_IF_KUNIT(teredo_peer_touch);

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
EXPORT_SYMBOL_IF_KUNIT(teredo_peers_create);

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
EXPORT_SYMBOL_IF_KUNIT(teredo_peers_free);

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
