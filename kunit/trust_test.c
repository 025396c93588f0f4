// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for kmod/trust.c (and teredo_ipv4_global_unicast() of
 * proto.c): the global-unicast table, the address rules, every
 * combination of the receive rules, and the probe budget on its clock.
 */

#include <kunit/test.h>
#include <linux/module.h>
#include <linux/in6.h>
#include <linux/inet.h>
#include <linux/jiffies.h>

#include "proto.h"
#include "trust.h"

static __be32 ip4(const char *s)
{
	__be32 a = 0;

	in4_pton(s, -1, (u8 *)&a, -1, NULL);
	return a;
}

/* RFC 4380 5.2.4 as Miredo's v4global test, plus the edges of each range */
static void teredo_trust_global_unicast(struct kunit *test)
{
	static const char * const not_global[] = {
		"0.0.0.0", "0.1.2.3", "10.0.0.0", "10.11.12.133",
		"10.255.255.255", "127.0.0.1", "169.254.0.0",
		"169.254.12.42", "169.254.255.255", "172.16.0.0",
		"172.20.123.45", "172.31.255.255", "192.168.0.0",
		"192.168.234.123", "192.168.255.255", "192.88.99.0",
		"192.88.99.1", "192.88.99.255", "100.64.0.0",
		"100.127.255.255", "192.0.0.0", "192.0.0.255",
		"224.0.0.1", "224.0.0.253", "232.11.22.33", "239.255.255.250",
		"240.0.0.1", "255.255.255.254", "255.255.255.255",
	};
	static const char * const global[] = {
		/* the documentation ranges the rig uses stay usable */
		"192.0.2.10", "198.51.100.1", "198.51.100.11",
		"203.0.113.5",
		"1.0.0.1", "9.8.7.6", "11.12.13.14", "11.0.0.0",
		"100.63.255.255", "100.128.0.0", "126.127.128.129",
		"128.0.0.1", "169.253.255.255", "169.255.0.0",
		"172.15.255.255", "172.32.0.0", "192.0.1.255",
		"192.88.98.255", "192.88.100.0", "192.167.255.255",
		"192.169.0.0", "223.255.255.254", "65.54.227.120",
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(not_global); i++)
		KUNIT_EXPECT_FALSE_MSG(test,
				       teredo_ipv4_global_unicast(ip4(not_global[i])),
				       "%s", not_global[i]);
	for (i = 0; i < ARRAY_SIZE(global); i++)
		KUNIT_EXPECT_TRUE_MSG(test,
				      teredo_ipv4_global_unicast(ip4(global[i])),
				      "%s", global[i]);
}

/* A Teredo destination needs both its server and its mapping global. */
static void teredo_trust_addr_info(struct kunit *test)
{
	struct teredo_addr_info ok = {
		.server = ip4("198.51.100.1"), .mapped_ip = ip4("203.0.113.7"),
		.mapped_port = htons(40000),
	};
	struct teredo_addr_info i;

	KUNIT_EXPECT_TRUE(test, teredo_addr_info_global(&ok));
	i = ok;
	i.flags = TEREDO_FLAG_CONE;	/* the flag changes nothing */
	KUNIT_EXPECT_TRUE(test, teredo_addr_info_global(&i));
	i = ok;
	i.mapped_ip = ip4("10.77.1.1");
	KUNIT_EXPECT_FALSE(test, teredo_addr_info_global(&i));
	i = ok;
	i.mapped_ip = ip4("169.254.7.7");
	KUNIT_EXPECT_FALSE(test, teredo_addr_info_global(&i));
	i = ok;
	i.server = ip4("10.77.1.1");
	KUNIT_EXPECT_FALSE(test, teredo_addr_info_global(&i));
	i = ok;
	i.server = ip4("192.88.99.1");
	KUNIT_EXPECT_FALSE(test, teredo_addr_info_global(&i));
	i = ok;
	i.mapped_port = 0;
	KUNIT_EXPECT_FALSE(test, teredo_addr_info_global(&i));
}

static void teredo_trust_src_bad(struct kunit *test)
{
	static const char * const bad[] = {
		"::", "::1", "ff02::1", "ff05::2", "ff0e::1",
		"::ffff:192.0.2.1", "::192.0.2.1",
	};
	static const char * const ok[] = {
		"2001:db8::1", "2001:0:c633:6401:8000:f227:bdff:fe8e",
		"2a00:1450::1", "fe80::1",	/* link-local has its own rule */
	};
	struct in6_addr self, a;
	int i;

	KUNIT_ASSERT_TRUE(test, in6_pton("2001:0:c633:6401:1234:4d77:39cc:9bf4",
					 -1, self.s6_addr, -1, NULL));
	KUNIT_EXPECT_TRUE(test, teredo_ipv6_src_bad(&self, &self));
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		KUNIT_ASSERT_TRUE(test, in6_pton(bad[i], -1, a.s6_addr, -1,
						 NULL));
		KUNIT_EXPECT_TRUE_MSG(test, teredo_ipv6_src_bad(&a, &self),
				      "%s", bad[i]);
	}
	for (i = 0; i < ARRAY_SIZE(ok); i++) {
		KUNIT_ASSERT_TRUE(test, in6_pton(ok[i], -1, a.s6_addr, -1,
						 NULL));
		KUNIT_EXPECT_FALSE_MSG(test, teredo_ipv6_src_bad(&a, &self),
				       "%s", ok[i]);
	}
}

/* The rules written out in full, to compare every combination with. */
static enum teredo_rx_verdict expect_verdict(const struct teredo_rx_facts *f,
					     enum teredo_drop_reason *why)
{
	if (f->src_linklocal) {
		*why = TEREDO_DROP_LINKLOCAL_SRC;
		return f->bubble ? TEREDO_RX_IGNORE : TEREDO_RX_UNTRUSTED;
	}
	if (f->src_bad) {
		*why = TEREDO_DROP_BAD_SRC;
		return TEREDO_RX_UNTRUSTED;
	}
	if (f->have_peer && f->peer_trusted && f->peer_mapping)
		return TEREDO_RX_ACCEPT;
	if (f->have_peer && f->peer_local && f->src_teredo && f->outer_link)
		return TEREDO_RX_TRUST_LOCAL;
	if (!f->outer_global) {
		*why = TEREDO_DROP_NOT_GLOBAL;
		return TEREDO_RX_UNTRUSTED;
	}
	if (f->src_teredo) {
		/* a Teredo source is never taken on an echo reply */
		if (f->src_matches)
			return TEREDO_RX_TRUST_TEREDO;
		/* RFC 6081: bubbled, answered from another port */
		if (f->bubble && f->src_ip_matches && f->probed &&
		    (!f->have_peer || !f->peer_trusted))
			return TEREDO_RX_TRUST_SYMMETRIC;
		*why = TEREDO_DROP_SPOOFED_SRC;
		return TEREDO_RX_UNTRUSTED;
	}
	if (f->have_peer && f->echo_reply)
		return TEREDO_RX_TRUST_RELAY;
	return TEREDO_RX_QUEUE_PROBE;
}

static void teredo_trust_rx_rules_all(struct kunit *test)
{
	unsigned int bits;

	for (bits = 0; bits < 16384; bits++) {
		struct teredo_rx_facts f = {
			.src_teredo = bits & 1,
			.src_matches = bits & 2,
			.src_linklocal = bits & 4,
			.bubble = bits & 8,
			.have_peer = bits & 16,
			.peer_trusted = bits & 32,
			.peer_mapping = bits & 64,
			.echo_reply = bits & 128,
			.src_bad = bits & 256,
			.outer_global = bits & 512,
			.peer_local = bits & 1024,
			.outer_link = bits & 2048,
			.src_ip_matches = bits & 4096,
			.probed = bits & 8192,
		};
		enum teredo_drop_reason why = __TEREDO_DROP_MAX;
		enum teredo_drop_reason want = __TEREDO_DROP_MAX;
		enum teredo_rx_verdict v, w;

		/* impossible: a match needs the address, the address a
		 * Teredo source
		 */
		if ((f.src_matches && !f.src_ip_matches) ||
		    (f.src_ip_matches && !f.src_teredo))
			continue;
		v = teredo_rx_verdict(&f, &why);
		w = expect_verdict(&f, &want);
		KUNIT_EXPECT_EQ_MSG(test, v, w, "facts 0x%04x", bits);
		if (w == TEREDO_RX_UNTRUSTED)
			KUNIT_EXPECT_EQ_MSG(test, why, want, "facts 0x%04x",
					    bits);
	}
}

/* The RFC 4380 5.2.3 cases and the attacks, named. */
static void teredo_trust_rx_rules_cases(struct kunit *test)
{
	static const struct {
		const char *name;
		struct teredo_rx_facts f;
		enum teredo_rx_verdict v;
		enum teredo_drop_reason why;
	} cases[] = {
		{ "spoofed Teredo source",
		  { .src_teredo = true, .outer_global = true },
		  TEREDO_RX_UNTRUSTED, TEREDO_DROP_SPOOFED_SRC },
		{ "spoofed, known peer",
		  { .src_teredo = true, .have_peer = true,
		    .peer_trusted = true, .outer_global = true },
		  TEREDO_RX_UNTRUSTED, TEREDO_DROP_SPOOFED_SRC },
		{ "Teredo source from its mapping",
		  { .src_teredo = true, .src_matches = true,
		    .src_ip_matches = true, .outer_global = true },
		  TEREDO_RX_TRUST_TEREDO },
		{ "...whose mapping is a LAN address",
		  { .src_teredo = true, .src_matches = true,
		    .src_ip_matches = true },
		  TEREDO_RX_UNTRUSTED, TEREDO_DROP_NOT_GLOBAL },
		{ "symmetric NAT: bubbled peer, bubble from another port",
		  { .src_teredo = true, .src_ip_matches = true,
		    .probed = true, .bubble = true, .outer_global = true },
		  TEREDO_RX_TRUST_SYMMETRIC },
		{ "...its entry waiting",
		  { .src_teredo = true, .src_ip_matches = true,
		    .probed = true, .bubble = true, .have_peer = true,
		    .outer_global = true },
		  TEREDO_RX_TRUST_SYMMETRIC },
		{ "...data, not a bubble",
		  { .src_teredo = true, .src_ip_matches = true,
		    .probed = true, .outer_global = true },
		  TEREDO_RX_UNTRUSTED, TEREDO_DROP_SPOOFED_SRC },
		{ "...never bubbled",
		  { .src_teredo = true, .src_ip_matches = true,
		    .bubble = true, .outer_global = true },
		  TEREDO_RX_UNTRUSTED, TEREDO_DROP_SPOOFED_SRC },
		{ "...trusted at its other port",
		  { .src_teredo = true, .src_ip_matches = true,
		    .probed = true, .bubble = true, .have_peer = true,
		    .peer_trusted = true, .outer_global = true },
		  TEREDO_RX_UNTRUSTED, TEREDO_DROP_SPOOFED_SRC },
		{ "...from another address",
		  { .src_teredo = true, .probed = true, .bubble = true,
		    .outer_global = true },
		  TEREDO_RX_UNTRUSTED, TEREDO_DROP_SPOOFED_SRC },
		{ "...from the LAN",
		  { .src_teredo = true, .src_ip_matches = true,
		    .probed = true, .bubble = true },
		  TEREDO_RX_UNTRUSTED, TEREDO_DROP_NOT_GLOBAL },
		{ "native, unknown relay",
		  { .outer_global = true }, TEREDO_RX_QUEUE_PROBE },
		{ "native, relay on the LAN",
		  { }, TEREDO_RX_UNTRUSTED, TEREDO_DROP_NOT_GLOBAL },
		{ "native, another relay",
		  { .have_peer = true, .peer_trusted = true,
		    .outer_global = true }, TEREDO_RX_QUEUE_PROBE },
		{ "native, its relay",
		  { .have_peer = true, .peer_trusted = true,
		    .peer_mapping = true, .outer_global = true },
		  TEREDO_RX_ACCEPT },
		{ "our echo answered",
		  { .have_peer = true, .echo_reply = true,
		    .outer_global = true }, TEREDO_RX_TRUST_RELAY },
		{ "our echo answered from the LAN",
		  { .have_peer = true, .echo_reply = true },
		  TEREDO_RX_UNTRUSTED, TEREDO_DROP_NOT_GLOBAL },
		{ "link-local data",
		  { .src_linklocal = true, .outer_global = true },
		  TEREDO_RX_UNTRUSTED, TEREDO_DROP_LINKLOCAL_SRC },
		{ "link-local bubble",
		  { .src_linklocal = true, .bubble = true },
		  TEREDO_RX_IGNORE },
		{ "link-local, trusted mapping",
		  { .src_linklocal = true, .have_peer = true,
		    .peer_trusted = true, .peer_mapping = true },
		  TEREDO_RX_UNTRUSTED, TEREDO_DROP_LINKLOCAL_SRC },
		{ "multicast or our own source",
		  { .src_bad = true, .outer_global = true },
		  TEREDO_RX_UNTRUSTED, TEREDO_DROP_BAD_SRC },
		{ "local peer, from the link",
		  { .src_teredo = true, .have_peer = true, .peer_local = true,
		    .outer_link = true },
		  TEREDO_RX_TRUST_LOCAL },
		{ "neighbour nobody asked for",
		  { .src_teredo = true, .have_peer = true, .outer_link = true },
		  TEREDO_RX_UNTRUSTED, TEREDO_DROP_NOT_GLOBAL },
		{ "unknown neighbour",
		  { .src_teredo = true, .peer_local = true,
		    .outer_link = true },
		  TEREDO_RX_UNTRUSTED, TEREDO_DROP_NOT_GLOBAL },
		{ "local peer, from off the link",
		  { .src_teredo = true, .have_peer = true, .peer_local = true },
		  TEREDO_RX_UNTRUSTED, TEREDO_DROP_NOT_GLOBAL },
		{ "local peer, link-local source",
		  { .src_linklocal = true, .src_teredo = true,
		    .have_peer = true, .peer_local = true,
		    .outer_link = true },
		  TEREDO_RX_UNTRUSTED, TEREDO_DROP_LINKLOCAL_SRC },
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		enum teredo_drop_reason why = __TEREDO_DROP_MAX;

		KUNIT_EXPECT_EQ_MSG(test, teredo_rx_verdict(&cases[i].f, &why),
				    cases[i].v, "%s", cases[i].name);
		if (cases[i].v == TEREDO_RX_UNTRUSTED)
			KUNIT_EXPECT_EQ_MSG(test, why, cases[i].why, "%s",
					    cases[i].name);
	}
}

static struct teredo_limits *limits(struct kunit *test)
{
	struct teredo_limits *l = teredo_limits_alloc();

	KUNIT_ASSERT_NOT_NULL(test, l);
	return l;
}

/*
 * The bubble clock: 4 unanswered probes to one peer, then nothing for
 * 300 s of silence, however the peer's address varies around its mapping,
 * and an answer gives the probes back.
 */
static void teredo_trust_bubble_clock(struct kunit *test)
{
	struct teredo_limits *l = limits(test);
	const unsigned long hold = TEREDO_PROBE_HOLDOFF_S * HZ;
	struct teredo_probe_key k, other;
	unsigned long t = jiffies, now;
	int i;

	teredo_probe_key_mapping(&k, ip4("203.0.113.7"), htons(7777));
	teredo_probe_key_mapping(&other, ip4("203.0.113.7"), htons(7778));
	for (i = 0, now = t; i < TEREDO_PROBES_UNANSWERED; i++, now += 2 * HZ)
		KUNIT_EXPECT_EQ(test, teredo_probe_allow(l, &k, 1, now), 0);
	now -= 2 * HZ;
	/* the fifth, at once or much later, while it stays silent */
	KUNIT_EXPECT_EQ(test, teredo_probe_allow(l, &k, 1, now), -EDQUOT);
	KUNIT_EXPECT_EQ(test, teredo_probe_allow(l, &k, 1, now + hold),
			-EDQUOT);
	/* another port is another peer */
	KUNIT_EXPECT_EQ(test, teredo_probe_allow(l, &other, 1, now), 0);
	/* 300 s after the last one: a new round */
	KUNIT_EXPECT_EQ(test, teredo_probe_allow(l, &k, 1, now + hold + 1), 0);
	now += hold + 1;
	for (i = 1; i < TEREDO_PROBES_UNANSWERED; i++)
		KUNIT_EXPECT_EQ(test, teredo_probe_allow(l, &k, 1, now + i * HZ),
				0);
	KUNIT_EXPECT_EQ(test, teredo_probe_allow(l, &k, 1, now + 10 * HZ),
			-EDQUOT);
	/* it answered: its probes are given back */
	teredo_probe_answered(l, &k);
	KUNIT_EXPECT_EQ(test, teredo_probe_allow(l, &k, 1, now + 11 * HZ), 0);
	teredo_limits_free(l);
}

/* Within any 300 s, never more than 4 to one peer, whatever the timing. */
static void teredo_trust_bubble_clock_window(struct kunit *test)
{
	struct teredo_limits *l = limits(test);
	unsigned long sent[64], t = jiffies + 1000 * HZ, now;
	struct teredo_probe_key k;
	unsigned int n = 0, i, j, in_window;

	teredo_probe_key_native(&k, &(struct in6_addr){
		.s6_addr = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 } });
	/* one try every 7 s for an hour, the bucket always full enough */
	for (now = t; now < t + 3600 * HZ && n < ARRAY_SIZE(sent);
	     now += 7 * HZ) {
		if (!teredo_probe_allow(l, &k, 1, now))
			sent[n++] = now;
	}
	KUNIT_EXPECT_GT(test, n, 8U);
	for (i = 0; i < n; i++) {
		in_window = 0;
		for (j = i; j < n; j++)
			in_window += time_before_eq(sent[j], sent[i] +
						    TEREDO_PROBE_HOLDOFF_S * HZ);
		KUNIT_EXPECT_LE_MSG(test, in_window,
				    (unsigned int)TEREDO_PROBES_UNANSWERED,
				    "window from probe %u", i);
	}
	teredo_limits_free(l);
}

/* The device-wide bucket: a burst, then the rate, whatever the peers. */
static void teredo_trust_probe_rate(struct kunit *test)
{
	struct teredo_limits *l = limits(test);
	unsigned long now = jiffies;
	struct teredo_probe_key k;
	unsigned int sent = 0, i;

	for (i = 0; i < 1000; i++) {
		teredo_probe_key_mapping(&k, htonl(0xcb007100 + i % 256),
					 htons(1024 + i));
		if (!teredo_probe_allow(l, &k, 1, now))
			sent++;
	}
	KUNIT_EXPECT_EQ(test, sent, (unsigned int)TEREDO_PROBE_BURST);
	teredo_probe_key_mapping(&k, ip4("203.0.113.200"), htons(1));
	KUNIT_EXPECT_EQ(test, teredo_probe_allow(l, &k, 1, now), -EBUSY);
	/* a bubble pair needs two tokens */
	KUNIT_EXPECT_EQ(test, teredo_probe_allow(l, &k, 2, now + HZ / 20),
			-EBUSY);
	/* one second later: the rate's worth, no more */
	sent = 0;
	for (i = 0; i < 1000; i++) {
		teredo_probe_key_mapping(&k, htonl(0xc6336400 + i % 256),
					 htons(2048 + i));
		if (!teredo_probe_allow(l, &k, 1, now + HZ))
			sent++;
	}
	KUNIT_EXPECT_EQ(test, sent, (unsigned int)TEREDO_PROBE_RATE);
	teredo_limits_free(l);
}

/*
 * Tried every jiffy for a minute once the burst is spent, the bucket lets
 * through its rate, not a rounding more: at HZ=250 a packet is 12.5
 * jiffies, and a refill that counted 12 gave 20.8 a second.
 */
static void teredo_trust_probe_rate_steady(struct kunit *test)
{
	struct teredo_limits *l = limits(test);
	unsigned long now = jiffies, t;
	struct teredo_probe_key k;
	unsigned int sent = 0, i = 0;

	l->credit = 0;
	l->stamp = now;
	for (t = now + 1; t <= now + 60 * HZ; t++, i++) {
		teredo_probe_key_mapping(&k, htonl(0xc6336400 + i % 256),
					 htons(1 + i / 256));
		if (!teredo_probe_allow(l, &k, 1, t))
			sent++;
	}
	KUNIT_EXPECT_LE(test, sent, 60U * TEREDO_PROBE_RATE);
	KUNIT_EXPECT_GE(test, sent, 60U * TEREDO_PROBE_RATE - 1);
	teredo_limits_free(l);
}

/*
 * Probes the bucket refused are not counted against their peer. A budget
 * of its own, emptied by hand: peers probed to empty it would share the
 * peer's slots one run in a few thousand.
 */
static void teredo_trust_probe_refused_free(struct kunit *test)
{
	struct teredo_limits *l = limits(test);
	unsigned long now = jiffies;
	struct teredo_probe_key k;
	unsigned int i;

	l->credit = 0;
	l->stamp = now;
	teredo_probe_key_mapping(&k, ip4("203.0.113.201"), htons(1));
	for (i = 0; i < 10; i++)
		KUNIT_EXPECT_EQ(test, teredo_probe_allow(l, &k, 1, now),
				-EBUSY);
	for (i = 0; i < TEREDO_PROBES_UNANSWERED; i++)
		KUNIT_EXPECT_EQ(test, teredo_probe_allow(l, &k, 1,
							 now + (100 + i) * HZ),
				0);
	KUNIT_EXPECT_EQ(test, teredo_probe_allow(l, &k, 1, now + 110 * HZ),
			-EDQUOT);
	teredo_limits_free(l);
}

/*
 * What RFC 6081's symmetric NAT support asks before it trusts a bubble
 * from another port: a probe to that mapping, lately, and no answer
 * since. Not a neighbouring port, not after the hold-off, not after the
 * answer; and a probe the bucket refused was never sent.
 */
static void teredo_trust_probe_pending(struct kunit *test)
{
	struct teredo_limits *l = limits(test);
	const unsigned long hold = TEREDO_PROBE_HOLDOFF_S * HZ;
	unsigned long now = jiffies;
	struct teredo_probe_key k, other;

	teredo_probe_key_mapping(&k, ip4("203.0.113.7"), htons(40000));
	teredo_probe_key_mapping(&other, ip4("203.0.113.7"), htons(40001));
	KUNIT_EXPECT_FALSE(test, teredo_probe_pending(l, &k, now));
	KUNIT_ASSERT_EQ(test, teredo_probe_allow(l, &k, 2, now), 0);
	KUNIT_EXPECT_TRUE(test, teredo_probe_pending(l, &k, now + HZ));
	KUNIT_EXPECT_TRUE(test, teredo_probe_pending(l, &k, now + hold));
	KUNIT_EXPECT_FALSE(test, teredo_probe_pending(l, &k,
						      now + hold + 1));
	KUNIT_EXPECT_FALSE(test, teredo_probe_pending(l, &other, now + HZ));
	teredo_probe_answered(l, &k);
	KUNIT_EXPECT_FALSE(test, teredo_probe_pending(l, &k, now + HZ));

	l->credit = 0;
	l->stamp = now;
	KUNIT_EXPECT_EQ(test, teredo_probe_allow(l, &k, 1, now), -EBUSY);
	KUNIT_EXPECT_FALSE(test, teredo_probe_pending(l, &k, now));
	teredo_limits_free(l);
}

/*
 * A peer that shares one of its two slots with a peer that had all its
 * probes still gets all of its own: a stranger does not hold it back.
 */
static void teredo_trust_probe_shared_slot(struct kunit *test)
{
	struct teredo_limits *l = limits(test);
	unsigned int p[2], q[2], i, shared = 0;
	unsigned long now = jiffies;
	struct teredo_probe_key kp, kq;

	teredo_probe_key_mapping(&kp, ip4("203.0.113.1"), htons(3544));
	teredo_probe_slots(l, &kp, p);
	/* one in 4096 candidates shares a slot: 2^20 tries cannot all miss */
	for (i = 0; i < (1U << 20) && !shared; i++) {
		teredo_probe_key_mapping(&kq, htonl(0xc6336400 | (i >> 16)),
					 htons(i & 0xffff));
		teredo_probe_slots(l, &kq, q);
		shared = (q[0] == p[0] || q[0] == p[1]) +
			 (q[1] == p[0] || q[1] == p[1]);
		if (q[0] == q[1] || p[0] == p[1] || shared != 1)
			shared = 0;
	}
	KUNIT_ASSERT_EQ(test, shared, 1U);
	for (i = 0; i < TEREDO_PROBES_UNANSWERED; i++)
		KUNIT_EXPECT_EQ(test, teredo_probe_allow(l, &kp, 1, now), 0);
	KUNIT_EXPECT_EQ(test, teredo_probe_allow(l, &kp, 1, now), -EDQUOT);
	for (i = 0; i < TEREDO_PROBES_UNANSWERED; i++)
		KUNIT_EXPECT_EQ_MSG(test, teredo_probe_allow(l, &kq, 1, now), 0,
				    "probe %u to the peer sharing a slot", i);
	KUNIT_EXPECT_EQ(test, teredo_probe_allow(l, &kq, 1, now), -EDQUOT);
	teredo_limits_free(l);
}

static struct kunit_case teredo_trust_cases[] = {
	KUNIT_CASE(teredo_trust_global_unicast),
	KUNIT_CASE(teredo_trust_addr_info),
	KUNIT_CASE(teredo_trust_src_bad),
	KUNIT_CASE(teredo_trust_rx_rules_all),
	KUNIT_CASE(teredo_trust_rx_rules_cases),
	KUNIT_CASE(teredo_trust_bubble_clock),
	KUNIT_CASE(teredo_trust_bubble_clock_window),
	KUNIT_CASE(teredo_trust_probe_rate),
	KUNIT_CASE(teredo_trust_probe_rate_steady),
	KUNIT_CASE(teredo_trust_probe_refused_free),
	KUNIT_CASE(teredo_trust_probe_shared_slot),
	KUNIT_CASE(teredo_trust_probe_pending),
	{}
};

static struct kunit_suite teredo_trust_suite = {
	.name = "teredo_trust",
	.test_cases = teredo_trust_cases,
};

kunit_test_suite(teredo_trust_suite);

MODULE_DESCRIPTION("KUnit tests for the Teredo receive trust rules");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
