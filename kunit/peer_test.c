// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for kmod/peer.c without sockets: the probe schedule,
 * validity and expiry, and the cache core (bounds, LRU eviction, queued
 * memory per entry and per device) on a cache with no device. The trust
 * rules are kunit/trust_test.c's.
 */

#include <kunit/test.h>
#include <linux/module.h>
#include <linux/in6.h>
#include <linux/jiffies.h>
#include <linux/skbuff.h>
#include <linux/slab.h>

#include "peer.h"
#include "proto.h"

/* Probes: 4 at most, more than 2 s apart, then give up. */
static void teredo_peer_probe_schedule(struct kunit *test)
{
	struct teredo_peer p = {};
	unsigned long t = jiffies, now = t;
	const unsigned long gap = TEREDO_PEER_PROBE_INTERVAL_S * HZ;
	int i;

	KUNIT_EXPECT_EQ(test, teredo_peer_probe_due(&p, now), 0);
	for (i = 1; i <= TEREDO_PEER_PROBES; i++) {
		p.probes = i;
		p.last_probe = now;
		KUNIT_EXPECT_EQ(test, teredo_peer_probe_due(&p, now), 1);
		KUNIT_EXPECT_EQ(test, teredo_peer_probe_due(&p, now + gap), 1);
		now += gap + 1;
		KUNIT_EXPECT_EQ(test, teredo_peer_probe_due(&p, now),
				i < TEREDO_PEER_PROBES ? 0 : -1);
	}
	/* the whole round: about 4 x 2 s, as Miredo */
	KUNIT_EXPECT_EQ(test, now - t, TEREDO_PEER_PROBES * (gap + 1));
}

static void teredo_peer_validity(struct kunit *test)
{
	unsigned long now = jiffies;
	struct teredo_peer p = { .last_rx = now };

	KUNIT_EXPECT_FALSE(test, teredo_peer_valid(&p, now));
	p.trusted = true;
	KUNIT_EXPECT_TRUE(test, teredo_peer_valid(&p, now));
	KUNIT_EXPECT_TRUE(test, teredo_peer_valid(&p, now +
						  TEREDO_PEER_VALID_S * HZ));
	KUNIT_EXPECT_FALSE(test, teredo_peer_valid(&p, now +
						   TEREDO_PEER_VALID_S * HZ + 1));
}

static void teredo_peer_expiry(struct kunit *test)
{
	unsigned long now = jiffies;
	struct teredo_peer p = { .last_use = now };

	/* untrusted: 30 s idle */
	KUNIT_EXPECT_FALSE(test, teredo_peer_expired(&p, now +
						     TEREDO_PEER_EXPIRE_S * HZ));
	KUNIT_EXPECT_TRUE(test, teredo_peer_expired(&p, now +
						    TEREDO_PEER_EXPIRE_S * HZ + 1));
	/* a recent probe keeps it */
	p.probes = 2;
	p.last_probe = now + 10 * HZ;
	KUNIT_EXPECT_FALSE(test, teredo_peer_expired(&p, now +
						     TEREDO_PEER_EXPIRE_S * HZ + 1));
	/* trusted: 300 s idle */
	p.probes = 0;
	p.trusted = true;
	KUNIT_EXPECT_FALSE(test, teredo_peer_expired(&p, now + 299 * HZ));
	KUNIT_EXPECT_TRUE(test, teredo_peer_expired(&p, now +
						    TEREDO_PEER_TRUSTED_EXPIRE_S * HZ + 1));
	/* unreachable: 30 s after giving up, whatever else */
	p.unreachable = true;
	p.unreach_since = now + 100 * HZ;
	KUNIT_EXPECT_FALSE(test, teredo_peer_expired(&p, now + 120 * HZ));
	KUNIT_EXPECT_TRUE(test, teredo_peer_expired(&p, now + 131 * HZ));
}

/* Cache core */

static void addr_n(struct in6_addr *a, u32 n)
{
	memset(a, 0, sizeof(*a));
	a->s6_addr32[0] = htonl(TEREDO_PREFIX);
	a->s6_addr32[3] = htonl(n);
}

static struct teredo_peer *add_peer(struct kunit *test,
				    struct teredo_peers *pc, u32 n,
				    unsigned long now)
{
	struct teredo_peer *new = teredo_peer_alloc(GFP_KERNEL), *p;
	struct sk_buff_head drops;
	struct in6_addr a;

	KUNIT_ASSERT_NOT_NULL(test, new);
	__skb_queue_head_init(&drops);
	addr_n(&a, n);
	spin_lock_bh(&pc->lock);
	p = teredo_peer_get_locked(pc, &a, &new, now, &drops);
	spin_unlock_bh(&pc->lock);
	kfree(new);
	__skb_queue_purge(&drops);
	return p;
}

static bool has_peer(struct teredo_peers *pc, u32 n)
{
	struct in6_addr a;
	bool ret;

	addr_n(&a, n);
	rcu_read_lock();
	ret = teredo_peer_lookup(pc, &a);
	rcu_read_unlock();
	return ret;
}

static void teredo_peer_cache_lookup(struct kunit *test)
{
	struct teredo_peers *pc = teredo_peers_create(NULL);
	struct teredo_peer *p, *q, *new = NULL;
	unsigned long now = jiffies;
	struct sk_buff_head drops;
	struct in6_addr a;

	KUNIT_ASSERT_NOT_NULL(test, pc);
	__skb_queue_head_init(&drops);
	p = add_peer(test, pc, 1, now);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, pc->count, 1U);
	/* the same address gives the same entry, nothing new */
	q = add_peer(test, pc, 1, now);
	KUNIT_EXPECT_PTR_EQ(test, p, q);
	KUNIT_EXPECT_EQ(test, pc->count, 1U);
	/* look-up only */
	addr_n(&a, 2);
	spin_lock_bh(&pc->lock);
	p = teredo_peer_get_locked(pc, &a, NULL, now, &drops);
	q = teredo_peer_get_locked(pc, &a, &new, now, &drops);
	spin_unlock_bh(&pc->lock);
	KUNIT_EXPECT_NULL(test, p);
	KUNIT_EXPECT_NULL(test, q);
	KUNIT_EXPECT_TRUE(test, has_peer(pc, 1));
	KUNIT_EXPECT_FALSE(test, has_peer(pc, 2));
	teredo_peers_clear(pc);
	KUNIT_EXPECT_EQ(test, pc->count, 0U);
	KUNIT_EXPECT_FALSE(test, has_peer(pc, 1));
	teredo_peers_free(pc);
}

/* Full: the least recently used goes, and touching saves an entry. */
static void teredo_peer_cache_lru(struct kunit *test)
{
	struct teredo_peers *pc = teredo_peers_create(NULL);
	unsigned long now = jiffies;
	struct teredo_peer *p0;
	struct in6_addr a;
	unsigned int max, i;

	KUNIT_ASSERT_NOT_NULL(test, pc);
	max = teredo_peers_max(pc);
	KUNIT_ASSERT_GE(test, max, 3U);
	for (i = 0; i < max; i++)
		KUNIT_ASSERT_NOT_NULL(test, add_peer(test, pc, i, now));
	KUNIT_EXPECT_EQ(test, pc->count, max);
	/* entry 0 used 2 s later: now the most recent */
	addr_n(&a, 0);
	rcu_read_lock();
	p0 = teredo_peer_lookup(pc, &a);
	if (p0)
		teredo_peer_touch(pc, p0, now + 2 * HZ);
	rcu_read_unlock();
	KUNIT_ASSERT_NOT_NULL(test, p0);
	/* a new one evicts entry 1, the oldest now, and only it */
	KUNIT_ASSERT_NOT_NULL(test, add_peer(test, pc, max, now + 3 * HZ));
	KUNIT_EXPECT_EQ(test, pc->count, max);
	KUNIT_EXPECT_TRUE(test, has_peer(pc, 0));
	KUNIT_EXPECT_FALSE(test, has_peer(pc, 1));
	KUNIT_EXPECT_TRUE(test, has_peer(pc, 2));
	KUNIT_EXPECT_TRUE(test, has_peer(pc, max));
	/* and the next one entry 2 */
	KUNIT_ASSERT_NOT_NULL(test, add_peer(test, pc, max + 1, now + 3 * HZ));
	KUNIT_EXPECT_FALSE(test, has_peer(pc, 2));
	KUNIT_EXPECT_TRUE(test, has_peer(pc, 3));
	KUNIT_EXPECT_EQ(test, pc->count, max);
	teredo_peers_free(pc);
}

/* mark entry @n trusted and heard from at @now */
static void trust_peer(struct kunit *test, struct teredo_peers *pc, u32 n,
		       unsigned long now)
{
	struct teredo_peer *p;
	struct in6_addr a;

	addr_n(&a, n);
	spin_lock_bh(&pc->lock);
	p = teredo_peer_get_locked(pc, &a, NULL, now, NULL);
	if (p) {
		WRITE_ONCE(p->trusted, true);
		WRITE_ONCE(p->last_rx, now);
	}
	spin_unlock_bh(&pc->lock);
	KUNIT_ASSERT_NOT_NULL(test, p);
}

/*
 * Full: an entry that was never answered goes before a trusted one in
 * use, even one less recently used (a flood of destinations that never
 * answer must not push out the peers in use); among the first
 * TEREDO_PEERS_EVICT_SCAN, else the least recently used goes anyway.
 */
static void teredo_peer_cache_evict_unproven(struct kunit *test)
{
	struct teredo_peers *pc = teredo_peers_create(NULL);
	unsigned long now = jiffies;
	unsigned int max, i;

	KUNIT_ASSERT_NOT_NULL(test, pc);
	max = teredo_peers_max(pc);
	KUNIT_ASSERT_GT(test, max, TEREDO_PEERS_EVICT_SCAN + 2U);
	for (i = 0; i < max; i++)
		KUNIT_ASSERT_NOT_NULL(test, add_peer(test, pc, i, now));
	trust_peer(test, pc, 0, now);
	/* entry 0 is the least recently used, but trusted: 1 goes */
	KUNIT_ASSERT_NOT_NULL(test, add_peer(test, pc, max, now + HZ));
	KUNIT_EXPECT_TRUE(test, has_peer(pc, 0));
	KUNIT_EXPECT_FALSE(test, has_peer(pc, 1));
	KUNIT_EXPECT_EQ(test, pc->count, max);
	/* trusted but silent for longer than TEREDO_PEER_VALID_S: it goes */
	KUNIT_ASSERT_NOT_NULL(test, add_peer(test, pc, max + 1,
					     now + (TEREDO_PEER_VALID_S + 1) *
						   HZ));
	KUNIT_EXPECT_FALSE(test, has_peer(pc, 0));
	KUNIT_EXPECT_TRUE(test, has_peer(pc, 2));
	/* the whole scan trusted and in use: the least recently used goes */
	for (i = 2; i < 2 + TEREDO_PEERS_EVICT_SCAN; i++)
		trust_peer(test, pc, i, now + 2 * HZ);
	KUNIT_ASSERT_NOT_NULL(test, add_peer(test, pc, max + 2, now + 3 * HZ));
	KUNIT_EXPECT_FALSE(test, has_peer(pc, 2));
	KUNIT_EXPECT_TRUE(test, has_peer(pc, 3));
	KUNIT_EXPECT_TRUE(test, has_peer(pc, 2 + TEREDO_PEERS_EVICT_SCAN));
	KUNIT_EXPECT_EQ(test, pc->count, max);
	teredo_peers_free(pc);
}

/* set entry @n's mapping */
static void map_peer(struct teredo_peers *pc, u32 n, __be32 ip, __be16 port)
{
	struct teredo_peer *p;
	struct in6_addr a;

	addr_n(&a, n);
	spin_lock_bh(&pc->lock);
	p = teredo_peer_get_locked(pc, &a, NULL, jiffies, NULL);
	if (p) {
		WRITE_ONCE(p->mapped_ip, ip);
		WRITE_ONCE(p->mapped_port, port);
	}
	spin_unlock_bh(&pc->lock);
}

static bool peer_unreachable(struct teredo_peers *pc, u32 n)
{
	struct teredo_peer *p;
	struct in6_addr a;
	bool ret;

	addr_n(&a, n);
	spin_lock_bh(&pc->lock);
	p = teredo_peer_get_locked(pc, &a, NULL, jiffies, NULL);
	ret = p && p->unreachable && !READ_ONCE(p->trusted);
	spin_unlock_bh(&pc->lock);
	return ret;
}

/*
 * An ICMP error refusing one address and port (icmp.c) gives up on every
 * entry reached there, trusted or not, once, and on nothing else: not the
 * same address at another port, nor another address at that port.
 */
static void teredo_peer_cache_refused(struct kunit *test)
{
	struct teredo_peers *pc = teredo_peers_create(NULL);
	__be32 ip = htonl(0xc6336429), other = htonl(0xc633642a);
	__be16 port = htons(40000);
	unsigned long now = jiffies;
	u32 i;

	KUNIT_ASSERT_NOT_NULL(test, pc);
	for (i = 0; i < 5; i++)
		KUNIT_ASSERT_NOT_NULL(test, add_peer(test, pc, i, now));
	map_peer(pc, 0, ip, port);
	map_peer(pc, 1, ip, port);	/* a relay's two native peers */
	trust_peer(test, pc, 1, now);
	map_peer(pc, 2, ip, htons(40001));
	map_peer(pc, 3, other, port);
	KUNIT_EXPECT_EQ(test, teredo_peers_refused(pc, ip, port), 2U);
	KUNIT_EXPECT_TRUE(test, peer_unreachable(pc, 0));
	KUNIT_EXPECT_TRUE(test, peer_unreachable(pc, 1));
	for (i = 2; i < 5; i++)
		KUNIT_EXPECT_FALSE(test, peer_unreachable(pc, i));
	/* already given up on: not again */
	KUNIT_EXPECT_EQ(test, teredo_peers_refused(pc, ip, port), 0U);
	KUNIT_EXPECT_EQ(test, pc->count, 5U);
	teredo_peers_free(pc);
}

static struct sk_buff *skb_of(struct kunit *test, unsigned int len)
{
	struct sk_buff *skb = alloc_skb(len, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_put_zero(skb, len);
	return skb;
}

/*
 * Queued memory per peer is bounded in truesize (a 40-byte packet pins a
 * whole buffer), and the device's totals follow every entry's.
 */
static void teredo_peer_cache_queue(struct kunit *test)
{
	struct teredo_peers *pc = teredo_peers_create(NULL);
	unsigned int max, sum = 0, n = 0;
	unsigned long now = jiffies;
	struct sk_buff *skb = NULL;
	struct teredo_peer *p;
	int err = 0, i;

	KUNIT_ASSERT_NOT_NULL(test, pc);
	max = teredo_peers_queue_max(pc);
	KUNIT_ASSERT_GE(test, max, 1000U);
	p = add_peer(test, pc, 7, now);
	KUNIT_ASSERT_NOT_NULL(test, p);
	for (i = 0; i < 200 && !err; i++) {
		skb = skb_of(test, 40);
		spin_lock_bh(&pc->lock);
		err = teredo_peer_enqueue_locked(pc, p, skb, false);
		spin_unlock_bh(&pc->lock);
		if (!err) {
			sum += skb->truesize;
			n++;
		}
	}
	KUNIT_EXPECT_EQ(test, err, -ENOBUFS);
	/* 40 bytes each on the wire, but only what their memory allows */
	KUNIT_EXPECT_LT(test, n, max / 40);
	KUNIT_EXPECT_EQ(test, p->qbytes, sum);
	KUNIT_EXPECT_LE(test, p->qbytes, max);
	KUNIT_EXPECT_GT(test, p->qbytes + skb->truesize, max);
	KUNIT_EXPECT_EQ(test, pc->qbytes, sum);
	KUNIT_EXPECT_EQ(test, p->ntx, n);
	KUNIT_EXPECT_EQ(test, pc->qrx, 0U);
	kfree_skb(skb);
	/* freed with the entry (kmemleak / KASAN would tell) */
	teredo_peers_clear(pc);
	KUNIT_EXPECT_EQ(test, pc->count, 0U);
	KUNIT_EXPECT_EQ(test, pc->qbytes, 0U);
	teredo_peers_free(pc);
}

/* A source not yet verified gets TEREDO_PEER_RX_PKTS queued, no more. */
static void teredo_peer_cache_queue_rx(struct kunit *test)
{
	struct teredo_peers *pc = teredo_peers_create(NULL);
	unsigned long now = jiffies;
	struct sk_buff *skb;
	struct teredo_peer *p;
	unsigned int sum = 0;
	int err, i;

	KUNIT_ASSERT_NOT_NULL(test, pc);
	p = add_peer(test, pc, 9, now);
	KUNIT_ASSERT_NOT_NULL(test, p);
	for (i = 0; i <= TEREDO_PEER_RX_PKTS; i++) {
		skb = skb_of(test, 40);
		spin_lock_bh(&pc->lock);
		err = teredo_peer_enqueue_locked(pc, p, skb, true);
		spin_unlock_bh(&pc->lock);
		if (i < TEREDO_PEER_RX_PKTS) {
			KUNIT_EXPECT_EQ(test, err, 0);
			sum += skb->truesize;
		} else {
			KUNIT_EXPECT_EQ(test, err, -ENOBUFS);
			kfree_skb(skb);
		}
	}
	KUNIT_EXPECT_EQ(test, p->nrx, TEREDO_PEER_RX_PKTS);
	KUNIT_EXPECT_EQ(test, pc->qrx, sum);
	KUNIT_EXPECT_EQ(test, pc->qbytes, sum);
	teredo_peers_clear(pc);
	KUNIT_EXPECT_EQ(test, pc->qrx, 0U);
	KUNIT_EXPECT_EQ(test, pc->qbytes, 0U);
	teredo_peers_free(pc);
}

/*
 * Many entries cannot together hold more than the device's budget, and
 * unverified senders not more than their share of it.
 */
static void teredo_peer_cache_queue_budget(struct kunit *test)
{
	struct teredo_peers *pc = teredo_peers_create(NULL);
	unsigned long now = jiffies;
	int err = 0, enobufs = 0;
	struct teredo_peer *p;
	struct sk_buff *skb;
	u32 n;

	KUNIT_ASSERT_NOT_NULL(test, pc);
	KUNIT_ASSERT_GE(test, teredo_peers_max(pc), 1000U);
	/* received packets from fresh sources, two each */
	for (n = 0; n < 1000 && err != -ENOSPC; n++) {
		p = add_peer(test, pc, n, now);
		KUNIT_ASSERT_NOT_NULL(test, p);
		do {
			skb = skb_of(test, 1000);
			spin_lock_bh(&pc->lock);
			err = teredo_peer_enqueue_locked(pc, p, skb, true);
			spin_unlock_bh(&pc->lock);
			if (err)
				kfree_skb(skb);
		} while (!err);
		enobufs += err == -ENOBUFS;
	}
	KUNIT_EXPECT_EQ(test, err, -ENOSPC);
	KUNIT_EXPECT_GT(test, enobufs, 0);
	KUNIT_EXPECT_LE(test, pc->qrx, TEREDO_PEERS_RX_BUDGET);
	KUNIT_EXPECT_GT(test, pc->qrx + 3000, TEREDO_PEERS_RX_BUDGET);
	/* our own packets fill the rest, up to the device's budget */
	err = 0;
	for (n = 2000; n < 3000 && err != -ENOSPC; n++) {
		p = add_peer(test, pc, n, now);
		KUNIT_ASSERT_NOT_NULL(test, p);
		do {
			skb = skb_of(test, 1000);
			spin_lock_bh(&pc->lock);
			err = teredo_peer_enqueue_locked(pc, p, skb, false);
			spin_unlock_bh(&pc->lock);
			if (err)
				kfree_skb(skb);
		} while (!err);
	}
	KUNIT_EXPECT_EQ(test, err, -ENOSPC);
	KUNIT_EXPECT_LE(test, pc->qbytes, TEREDO_PEERS_QUEUE_BUDGET);
	KUNIT_EXPECT_GT(test, pc->qbytes + 3000, TEREDO_PEERS_QUEUE_BUDGET);
	teredo_peers_clear(pc);
	KUNIT_EXPECT_EQ(test, pc->qbytes, 0U);
	KUNIT_EXPECT_EQ(test, pc->qrx, 0U);
	teredo_peers_free(pc);
}

/* Expiry: idle untrusted entries go after 30 s, trusted ones stay. */
static void teredo_peer_cache_expire(struct kunit *test)
{
	struct teredo_peers *pc = teredo_peers_create(NULL);
	unsigned long now = jiffies;
	struct teredo_peer *p;

	KUNIT_ASSERT_NOT_NULL(test, pc);
	KUNIT_ASSERT_NOT_NULL(test, add_peer(test, pc, 1, now));
	p = add_peer(test, pc, 2, now);
	KUNIT_ASSERT_NOT_NULL(test, p);
	p->trusted = true;
	p->last_rx = now;
	KUNIT_ASSERT_NOT_NULL(test, add_peer(test, pc, 3, now + 20 * HZ));

	spin_lock_bh(&pc->lock);
	teredo_peers_expire_locked(pc, now + 29 * HZ);
	spin_unlock_bh(&pc->lock);
	KUNIT_EXPECT_EQ(test, pc->count, 3U);

	spin_lock_bh(&pc->lock);
	teredo_peers_expire_locked(pc, now + 31 * HZ);
	spin_unlock_bh(&pc->lock);
	KUNIT_EXPECT_FALSE(test, has_peer(pc, 1));
	KUNIT_EXPECT_TRUE(test, has_peer(pc, 2));
	KUNIT_EXPECT_TRUE(test, has_peer(pc, 3));
	KUNIT_EXPECT_EQ(test, pc->count, 2U);

	spin_lock_bh(&pc->lock);
	teredo_peers_expire_locked(pc, now + 60 * HZ);
	spin_unlock_bh(&pc->lock);
	KUNIT_EXPECT_TRUE(test, has_peer(pc, 2));
	KUNIT_EXPECT_FALSE(test, has_peer(pc, 3));

	spin_lock_bh(&pc->lock);
	teredo_peers_expire_locked(pc, now + 301 * HZ);
	spin_unlock_bh(&pc->lock);
	KUNIT_EXPECT_FALSE(test, has_peer(pc, 2));
	KUNIT_EXPECT_EQ(test, pc->count, 0U);
	teredo_peers_free(pc);
}

/* Destroying a cache with queued packets frees everything. */
static void teredo_peer_cache_free_full(struct kunit *test)
{
	struct teredo_peers *pc = teredo_peers_create(NULL);
	unsigned long now = jiffies;
	struct teredo_peer *p;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, pc);
	for (i = 0; i < 50; i++) {
		struct sk_buff *skb = skb_of(test, 100);
		int err;

		p = add_peer(test, pc, i, now);
		KUNIT_ASSERT_NOT_NULL(test, p);
		spin_lock_bh(&pc->lock);
		err = teredo_peer_enqueue_locked(pc, p, skb, false);
		spin_unlock_bh(&pc->lock);
		KUNIT_EXPECT_EQ(test, err, 0);
		if (err)
			kfree_skb(skb);
	}
	KUNIT_EXPECT_EQ(test, pc->count, 50U);
	teredo_peers_free(pc);
}

static struct kunit_case teredo_peer_cases[] = {
	KUNIT_CASE(teredo_peer_probe_schedule),
	KUNIT_CASE(teredo_peer_validity),
	KUNIT_CASE(teredo_peer_expiry),
	KUNIT_CASE(teredo_peer_cache_lookup),
	KUNIT_CASE(teredo_peer_cache_lru),
	KUNIT_CASE(teredo_peer_cache_evict_unproven),
	KUNIT_CASE(teredo_peer_cache_refused),
	KUNIT_CASE(teredo_peer_cache_queue),
	KUNIT_CASE(teredo_peer_cache_queue_rx),
	KUNIT_CASE(teredo_peer_cache_queue_budget),
	KUNIT_CASE(teredo_peer_cache_expire),
	KUNIT_CASE(teredo_peer_cache_free_full),
	{}
};

static struct kunit_suite teredo_peer_suite = {
	.name = "teredo_peer",
	.test_cases = teredo_peer_cases,
};

kunit_test_suite(teredo_peer_suite);

MODULE_DESCRIPTION("KUnit tests for the Teredo peer cache");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
