// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for kmod/peer.c without sockets: the trust rules, the probe
 * schedule, validity and expiry, and the cache core (bounds, LRU
 * eviction, queued bytes) on a cache with no device.
 */

#include <kunit/test.h>
#include <linux/in6.h>
#include <linux/jiffies.h>
#include <linux/skbuff.h>
#include <linux/slab.h>

#include "peer.h"
#include "proto.h"

/* Rx rules: every combination against the rules written out in full. */
static enum teredo_rx_verdict expect_verdict(const struct teredo_rx_facts *f)
{
	if (f->src_linklocal)
		return f->bubble ? TEREDO_RX_IGNORE : TEREDO_RX_UNTRUSTED;
	if (f->have_peer && f->peer_trusted && f->peer_mapping)
		return TEREDO_RX_ACCEPT;
	if (f->src_teredo) {
		/* a Teredo source is never taken on an echo reply */
		return f->src_matches ? TEREDO_RX_TRUST_TEREDO :
					TEREDO_RX_UNTRUSTED;
	}
	if (f->have_peer && f->echo_reply)
		return TEREDO_RX_TRUST_RELAY;
	return TEREDO_RX_QUEUE_PROBE;
}

static void teredo_peer_rx_rules_all(struct kunit *test)
{
	unsigned int bits;

	for (bits = 0; bits < 256; bits++) {
		struct teredo_rx_facts f = {
			.src_teredo = bits & 1,
			.src_matches = bits & 2,
			.src_linklocal = bits & 4,
			.bubble = bits & 8,
			.have_peer = bits & 16,
			.peer_trusted = bits & 32,
			.peer_mapping = bits & 64,
			.echo_reply = bits & 128,
		};

		if (f.src_matches && !f.src_teredo)
			continue;	/* impossible */
		KUNIT_EXPECT_EQ_MSG(test, teredo_peer_rx_verdict(&f),
				    expect_verdict(&f), "facts 0x%02x", bits);
	}
}

/* The RFC 4380 5.2.3 cases, named. */
static void teredo_peer_rx_rules_cases(struct kunit *test)
{
	struct teredo_rx_facts spoofed = { .src_teredo = true };
	struct teredo_rx_facts spoofed_known = {
		.src_teredo = true, .have_peer = true, .peer_trusted = true,
	};
	struct teredo_rx_facts matching = {
		.src_teredo = true, .src_matches = true,
	};
	struct teredo_rx_facts relay_unknown = { .have_peer = false };
	struct teredo_rx_facts relay_other = {
		.have_peer = true, .peer_trusted = true,
	};
	struct teredo_rx_facts relay_ours = {
		.have_peer = true, .peer_trusted = true, .peer_mapping = true,
	};
	struct teredo_rx_facts relay_echo = {
		.have_peer = true, .echo_reply = true,
	};
	struct teredo_rx_facts ll_data = { .src_linklocal = true };
	struct teredo_rx_facts ll_bubble = {
		.src_linklocal = true, .bubble = true,
	};
	struct teredo_rx_facts ll_mapped = {
		.src_linklocal = true, .have_peer = true, .peer_trusted = true,
		.peer_mapping = true,
	};

	KUNIT_EXPECT_EQ(test, teredo_peer_rx_verdict(&spoofed),
			TEREDO_RX_UNTRUSTED);
	KUNIT_EXPECT_EQ(test, teredo_peer_rx_verdict(&spoofed_known),
			TEREDO_RX_UNTRUSTED);
	KUNIT_EXPECT_EQ(test, teredo_peer_rx_verdict(&matching),
			TEREDO_RX_TRUST_TEREDO);
	KUNIT_EXPECT_EQ(test, teredo_peer_rx_verdict(&relay_unknown),
			TEREDO_RX_QUEUE_PROBE);
	KUNIT_EXPECT_EQ(test, teredo_peer_rx_verdict(&relay_other),
			TEREDO_RX_QUEUE_PROBE);
	KUNIT_EXPECT_EQ(test, teredo_peer_rx_verdict(&relay_ours),
			TEREDO_RX_ACCEPT);
	KUNIT_EXPECT_EQ(test, teredo_peer_rx_verdict(&relay_echo),
			TEREDO_RX_TRUST_RELAY);
	KUNIT_EXPECT_EQ(test, teredo_peer_rx_verdict(&ll_data),
			TEREDO_RX_UNTRUSTED);
	KUNIT_EXPECT_EQ(test, teredo_peer_rx_verdict(&ll_bubble),
			TEREDO_RX_IGNORE);
	KUNIT_EXPECT_EQ(test, teredo_peer_rx_verdict(&ll_mapped),
			TEREDO_RX_UNTRUSTED);
}

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
	unsigned int max = teredo_peers_max(), i;
	unsigned long now = jiffies;
	struct teredo_peer *p0;
	struct in6_addr a;

	KUNIT_ASSERT_NOT_NULL(test, pc);
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

static struct sk_buff *skb_of(struct kunit *test, unsigned int len)
{
	struct sk_buff *skb = alloc_skb(len, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_put_zero(skb, len);
	return skb;
}

/* Queued bytes per peer are bounded; evicting an entry frees its queue. */
static void teredo_peer_cache_queue(struct kunit *test)
{
	struct teredo_peers *pc = teredo_peers_create(NULL);
	unsigned int max = teredo_peers_queue_max(), n = 0, qlen;
	struct sk_buff *skbs[70], *rest, *one;
	unsigned long now = jiffies;
	struct teredo_peer *p;
	int i, err_rest = 0, err_one;

	KUNIT_ASSERT_NOT_NULL(test, pc);
	KUNIT_ASSERT_GE(test, max, 1000U);
	KUNIT_ASSERT_LT(test, max / 1000, ARRAY_SIZE(skbs) - 1);
	p = add_peer(test, pc, 7, now);
	KUNIT_ASSERT_NOT_NULL(test, p);
	for (i = 0; i < ARRAY_SIZE(skbs); i++)
		skbs[i] = skb_of(test, 1000);
	rest = skb_of(test, max % 1000 ? max % 1000 : 1);
	one = skb_of(test, 1);

	spin_lock_bh(&pc->lock);
	for (i = 0; i < ARRAY_SIZE(skbs); i++) {
		if (teredo_peer_enqueue_locked(pc, p, skbs[i]))
			break;		/* stops at the limit */
		skbs[i] = NULL;
		n += 1000;
	}
	/* exactly up to the limit, not one byte over */
	if (max % 1000)
		err_rest = teredo_peer_enqueue_locked(pc, p, rest);
	err_one = teredo_peer_enqueue_locked(pc, p, one);
	qlen = skb_queue_len(&p->queue);
	spin_unlock_bh(&pc->lock);

	KUNIT_EXPECT_EQ(test, n, max / 1000 * 1000);
	KUNIT_EXPECT_EQ(test, err_rest, 0);
	KUNIT_EXPECT_EQ(test, err_one, -ENOBUFS);
	KUNIT_EXPECT_EQ(test, p->qbytes, max);
	KUNIT_EXPECT_EQ(test, qlen, max / 1000 + (max % 1000 ? 1 : 0));
	for (i = 0; i < ARRAY_SIZE(skbs); i++)
		kfree_skb(skbs[i]);
	if (!(max % 1000))
		kfree_skb(rest);
	kfree_skb(one);
	/* freed with the entry (kmemleak / KASAN would tell) */
	teredo_peers_clear(pc);
	KUNIT_EXPECT_EQ(test, pc->count, 0U);
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
		err = teredo_peer_enqueue_locked(pc, p, skb);
		spin_unlock_bh(&pc->lock);
		KUNIT_EXPECT_EQ(test, err, 0);
		if (err)
			kfree_skb(skb);
	}
	KUNIT_EXPECT_EQ(test, pc->count, 50U);
	teredo_peers_free(pc);
}

static struct kunit_case teredo_peer_cases[] = {
	KUNIT_CASE(teredo_peer_rx_rules_all),
	KUNIT_CASE(teredo_peer_rx_rules_cases),
	KUNIT_CASE(teredo_peer_probe_schedule),
	KUNIT_CASE(teredo_peer_validity),
	KUNIT_CASE(teredo_peer_expiry),
	KUNIT_CASE(teredo_peer_cache_lookup),
	KUNIT_CASE(teredo_peer_cache_lru),
	KUNIT_CASE(teredo_peer_cache_queue),
	KUNIT_CASE(teredo_peer_cache_expire),
	KUNIT_CASE(teredo_peer_cache_free_full),
	{}
};

static struct kunit_suite teredo_peer_suite = {
	.name = "teredo_peer",
	.test_cases = teredo_peer_cases,
};

kunit_test_suite(teredo_peer_suite);

MODULE_LICENSE("GPL");
