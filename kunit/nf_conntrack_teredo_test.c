// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for kmod/nf_conntrack_teredo_parse.c: what one packet of the
 * Teredo socket's flow, or of a flow to the local discovery group, lets
 * through the firewall.
 *
 * Packets are built with proto.c's builders. Each kind is fed in every
 * truncation from an exact-size kmalloc buffer (KASAN reports any read
 * past the length), and every truncation must open nothing.
 */

#include <kunit/test.h>
#include <linux/module.h>
#include <linux/in.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "nf_conntrack_teredo_parse.h"
#include "proto.h"

#define IP(a, b, c, d)	htonl((u32)(a) << 24 | (b) << 16 | (c) << 8 | (d))

static const u8 nonce[TEREDO_NONCE_LEN] = { 1, 2, 3, 4, 5, 6, 7, 8 };
static const __be16 srv_port = htons(3544);

#define SERVER	IP(198, 51, 100, 1)
#define SERVER2	IP(198, 51, 100, 2)
#define PEER	IP(198, 51, 100, 42)
#define GROUP	IP(224, 0, 0, 253)
#define NEIGH	IP(10, 0, 1, 3)

struct pkt {
	u8 b[128];
	int len;
};

static void addr(struct in6_addr *a, __be32 server, __be32 ip, u16 port)
{
	struct teredo_addr_info info = {
		.server = server,
		.mapped_ip = ip,
		.mapped_port = htons(port),
	};

	teredo_addr_build(a, &info);
}

static void build_rs(struct kunit *test, struct pkt *p)
{
	p->len = teredo_build_rs(p->b, sizeof(p->b), false, nonce);
	KUNIT_ASSERT_GT(test, p->len, 0);
}

/* our indirect bubble: to the peer's server, naming the peer */
static void build_bubble(struct kunit *test, struct pkt *p, __be32 server,
			 __be32 ip, u16 port)
{
	struct in6_addr src, dst;

	addr(&src, SERVER, IP(198, 51, 100, 40), 40000);
	addr(&dst, server, ip, port);
	p->len = teredo_build_bubble(p->b, sizeof(p->b), &src, &dst);
	KUNIT_ASSERT_GT(test, p->len, 0);
}

/* the server's indirect bubble: origin indication, then a bubble */
static void build_origin(struct kunit *test, struct pkt *p, __be32 ip,
			 u16 port)
{
	struct in6_addr src, dst;
	int n, m;

	n = teredo_origin_build(p->b, sizeof(p->b), ip, htons(port));
	KUNIT_ASSERT_EQ(test, n, TEREDO_ORIGIN_LEN);
	addr(&src, SERVER, ip, port);
	addr(&dst, SERVER, IP(198, 51, 100, 40), 40000);
	m = teredo_build_bubble(p->b + n, sizeof(p->b) - n, &src, &dst);
	KUNIT_ASSERT_GT(test, m, 0);
	p->len = n + m;
}

/* a local discovery bubble from a client mapped to @ip:@port, after an
 * origin indication (from @ip:@port) if @origin
 */
static void build_disc(struct kunit *test, struct pkt *p, __be32 ip, u16 port,
		       bool origin)
{
	static const struct in6_addr all = IN6ADDR_LINKLOCAL_ALLNODES_INIT;
	struct in6_addr src;
	int n = 0, m;

	if (origin) {
		n = teredo_origin_build(p->b, sizeof(p->b), ip, htons(port));
		KUNIT_ASSERT_EQ(test, n, TEREDO_ORIGIN_LEN);
	}
	addr(&src, SERVER, ip, port);
	m = teredo_build_bubble(p->b + n, sizeof(p->b) - n, &src, &all);
	KUNIT_ASSERT_GT(test, m, 0);
	p->len = n + m;
}

/* a neighbour's datagram to the group, from @ip:@port */
static bool parse_disc(struct kunit *test, const struct pkt *p, size_t len,
		       __be32 ip, u16 port, struct nf_teredo_expect *e)
{
	u8 *b = kmemdup(p->b, len ? len : 1, GFP_KERNEL);
	bool r;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, b);
	r = nf_teredo_parse_discovery(b, len, ip, htons(port), e);
	kfree(b);
	return r;
}

/* @server: the one the client is qualified with, 0 for none */
static bool parse_srv(struct kunit *test, const struct pkt *p, size_t len,
		      bool outgoing, __be32 rip, __be16 rport, __be32 server,
		      struct nf_teredo_expect *e)
{
	u8 *b = kmemdup(p->b, len ? len : 1, GFP_KERNEL);
	bool r;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, b);
	r = nf_teredo_parse(b, len, outgoing, rip, rport, server, e);
	kfree(b);
	return r;
}

/* qualified with SERVER */
static bool parse(struct kunit *test, const struct pkt *p, size_t len,
		  bool outgoing, __be32 rip, __be16 rport,
		  struct nf_teredo_expect *e)
{
	return parse_srv(test, p, len, outgoing, rip, rport, SERVER, e);
}

static void teredo_nf_rs(struct kunit *test)
{
	struct nf_teredo_expect e;
	struct pkt p;

	build_rs(test, &p);
	KUNIT_EXPECT_TRUE(test, parse(test, &p, p.len, true, SERVER,
				      srv_port, &e));
	KUNIT_EXPECT_EQ(test, e.kind, NF_TEREDO_EXPECT_SERVER2);
	KUNIT_EXPECT_EQ(test, e.ip, SERVER2);
	KUNIT_EXPECT_EQ(test, e.port, srv_port);

	/* not to port 3544, or received: nothing */
	KUNIT_EXPECT_FALSE(test, parse(test, &p, p.len, true, SERVER,
				       htons(3545), &e));
	KUNIT_EXPECT_EQ(test, e.kind, NF_TEREDO_EXPECT_NONE);
	KUNIT_EXPECT_FALSE(test, parse(test, &p, p.len, false, SERVER,
				       srv_port, &e));
	/* a server at x.x.x.255 has no usable secondary address */
	KUNIT_EXPECT_FALSE(test, parse(test, &p, p.len, true,
				       IP(255, 255, 255, 254), srv_port, &e));
}

static void teredo_nf_own_bubble(struct kunit *test)
{
	struct nf_teredo_expect e;
	struct pkt p;

	build_bubble(test, &p, SERVER, PEER, 6000);
	KUNIT_EXPECT_TRUE(test, parse(test, &p, p.len, true, SERVER,
				      srv_port, &e));
	KUNIT_EXPECT_EQ(test, e.kind, NF_TEREDO_EXPECT_PEER);
	KUNIT_EXPECT_EQ(test, e.ip, PEER);
	KUNIT_EXPECT_EQ(test, e.port, htons(6000));

	/* sent to another server than the peer's address names */
	KUNIT_EXPECT_FALSE(test, parse(test, &p, p.len, true, SERVER2,
				       srv_port, &e));
	/* received (a direct bubble from a peer): nothing */
	KUNIT_EXPECT_FALSE(test, parse(test, &p, p.len, false, SERVER,
				       srv_port, &e));
	/* mapped to an address nobody may expect */
	build_bubble(test, &p, SERVER, IP(224, 0, 0, 1), 6000);
	KUNIT_EXPECT_FALSE(test, parse(test, &p, p.len, true, SERVER,
				       srv_port, &e));
	build_bubble(test, &p, SERVER, PEER, 0);
	KUNIT_EXPECT_FALSE(test, parse(test, &p, p.len, true, SERVER,
				       srv_port, &e));
	/* not a Teredo destination */
	build_bubble(test, &p, SERVER, PEER, 6000);
	p.b[24] = 0x20;
	p.b[25] = 0x02;
	KUNIT_EXPECT_FALSE(test, parse(test, &p, p.len, true, SERVER,
				       srv_port, &e));
}

static void teredo_nf_origin(struct kunit *test)
{
	struct nf_teredo_expect e;
	struct pkt p;

	build_origin(test, &p, PEER, 6000);
	KUNIT_EXPECT_TRUE(test, parse(test, &p, p.len, false, SERVER,
				      srv_port, &e));
	KUNIT_EXPECT_EQ(test, e.kind, NF_TEREDO_EXPECT_PEER);
	KUNIT_EXPECT_EQ(test, e.ip, PEER);
	KUNIT_EXPECT_EQ(test, e.port, htons(6000));

	/* only from port 3544, only received */
	KUNIT_EXPECT_FALSE(test, parse(test, &p, p.len, false, SERVER,
				       htons(6000), &e));
	KUNIT_EXPECT_FALSE(test, parse(test, &p, p.len, true, SERVER,
				       srv_port, &e));
	/* origins nobody may expect */
	build_origin(test, &p, 0, 6000);
	KUNIT_EXPECT_FALSE(test, parse(test, &p, p.len, false, SERVER,
				       srv_port, &e));
	build_origin(test, &p, IP(127, 0, 0, 1), 6000);
	KUNIT_EXPECT_FALSE(test, parse(test, &p, p.len, false, SERVER,
				       srv_port, &e));
	build_origin(test, &p, IP(255, 255, 255, 255), 6000);
	KUNIT_EXPECT_FALSE(test, parse(test, &p, p.len, false, SERVER,
				       srv_port, &e));
	build_origin(test, &p, PEER, 0);
	KUNIT_EXPECT_FALSE(test, parse(test, &p, p.len, false, SERVER,
				       srv_port, &e));
}

/*
 * Only our server introduces peers: an origin indication from any other
 * host on port 3544 (the server field of an attacker's Teredo address,
 * which our own indirect bubble went to) opens nothing, nor one while we
 * are not qualified; from the secondary address it does.
 */
static void teredo_nf_origin_server_only(struct kunit *test)
{
	struct nf_teredo_expect e;
	struct pkt p;

	build_origin(test, &p, PEER, 6000);
	KUNIT_EXPECT_TRUE(test, parse(test, &p, p.len, false, SERVER2,
				      srv_port, &e));
	KUNIT_EXPECT_EQ(test, e.ip, PEER);
	KUNIT_EXPECT_FALSE(test, parse(test, &p, p.len, false,
				       IP(203, 0, 113, 66), srv_port, &e));
	KUNIT_EXPECT_EQ(test, e.kind, NF_TEREDO_EXPECT_NONE);
	KUNIT_EXPECT_FALSE(test, parse(test, &p, p.len, false,
				       IP(198, 51, 100, 3), srv_port, &e));
	KUNIT_EXPECT_FALSE(test, parse(test, &p, p.len, false,
				       IP(198, 51, 100, 0), srv_port, &e));
	KUNIT_EXPECT_FALSE(test, parse_srv(test, &p, p.len, false, SERVER,
					   srv_port, 0, &e));
	/* and the RS opens the secondary only of the server it went to */
	build_rs(test, &p);
	KUNIT_EXPECT_FALSE(test, parse(test, &p, p.len, true,
				       IP(203, 0, 113, 66), srv_port, &e));
	KUNIT_EXPECT_TRUE(test, parse_srv(test, &p, p.len, true,
					  IP(203, 0, 113, 66), srv_port, 0,
					  &e));
	KUNIT_EXPECT_EQ(test, e.ip, IP(203, 0, 113, 67));
}

/* RFC 4380 5.2.4: no endpoint that is not global unicast is expected */
static void teredo_nf_not_global(struct kunit *test)
{
	static const __be32 lan[] = {
		IP(10, 77, 1, 1), IP(172, 16, 0, 1), IP(172, 31, 255, 254),
		IP(192, 168, 1, 1), IP(169, 254, 7, 7), IP(100, 64, 0, 1),
		IP(192, 88, 99, 1), IP(192, 0, 0, 9), IP(0, 1, 2, 3),
		IP(240, 0, 0, 1),
	};
	static const __be32 global[] = {
		IP(192, 0, 2, 7), IP(198, 51, 100, 42), IP(203, 0, 113, 5),
		IP(172, 32, 0, 1), IP(65, 54, 227, 120),
	};
	struct nf_teredo_expect e;
	struct pkt p;
	int i;

	for (i = 0; i < ARRAY_SIZE(lan); i++) {
		KUNIT_EXPECT_FALSE_MSG(test,
				       nf_teredo_endpoint_ok(lan[i], htons(9)),
				       "%pI4", &lan[i]);
		build_origin(test, &p, lan[i], 9999);
		KUNIT_EXPECT_FALSE_MSG(test, parse(test, &p, p.len, false,
						   SERVER, srv_port, &e),
				       "origin %pI4", &lan[i]);
		build_bubble(test, &p, SERVER, lan[i], 9999);
		KUNIT_EXPECT_FALSE_MSG(test, parse(test, &p, p.len, true,
						   SERVER, srv_port, &e),
				       "bubble naming %pI4", &lan[i]);
	}
	for (i = 0; i < ARRAY_SIZE(global); i++) {
		KUNIT_EXPECT_TRUE_MSG(test,
				      nf_teredo_endpoint_ok(global[i], htons(9)),
				      "%pI4", &global[i]);
		build_origin(test, &p, global[i], 9999);
		KUNIT_EXPECT_TRUE_MSG(test, parse(test, &p, p.len, false,
						  SERVER, srv_port, &e),
				      "origin %pI4", &global[i]);
	}
}

static void teredo_nf_nothing_else(struct kunit *test)
{
	struct nf_teredo_expect e;
	struct pkt p;

	/* an empty payload, a NULL buffer, random text */
	memset(p.b, 'x', sizeof(p.b));
	p.len = 0;
	KUNIT_EXPECT_FALSE(test, parse(test, &p, 0, true, SERVER, srv_port,
				       &e));
	KUNIT_EXPECT_FALSE(test, nf_teredo_parse(NULL, 40, true, SERVER,
						 srv_port, SERVER, &e));
	KUNIT_EXPECT_FALSE(test, parse(test, &p, sizeof(p.b), true, SERVER,
				       srv_port, &e));
	KUNIT_EXPECT_FALSE(test, parse(test, &p, sizeof(p.b), false, SERVER,
				       srv_port, &e));
	/* a bubble without origin from the server opens nothing */
	build_bubble(test, &p, SERVER, PEER, 6000);
	KUNIT_EXPECT_FALSE(test, parse(test, &p, p.len, false, SERVER,
				       srv_port, &e));
}

/* Every truncation of every kind, both directions: nothing, no over-read. */
static void teredo_nf_truncations(struct kunit *test)
{
	struct nf_teredo_expect e;
	struct pkt pkts[3];
	int k, len;

	build_rs(test, &pkts[0]);
	build_bubble(test, &pkts[1], SERVER, PEER, 6000);
	build_origin(test, &pkts[2], PEER, 6000);
	for (k = 0; k < ARRAY_SIZE(pkts); k++) {
		for (len = 0; len < pkts[k].len; len++) {
			KUNIT_EXPECT_FALSE_MSG(test,
					       parse(test, &pkts[k], len, true,
						     SERVER, srv_port, &e),
					       "kind %d len %d out", k, len);
			KUNIT_EXPECT_FALSE_MSG(test,
					       parse(test, &pkts[k], len, false,
						     SERVER, srv_port, &e),
					       "kind %d len %d in", k, len);
		}
	}
}

/* A length past TEREDO_CLASSIFY_MAX_READ: only that much is read. */
static void teredo_nf_max_read(struct kunit *test)
{
	struct nf_teredo_expect e;
	struct pkt p;
	u8 *b;

	b = kzalloc(TEREDO_CLASSIFY_MAX_READ, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, b);
	build_rs(test, &p);
	memcpy(b, p.b, p.len);
	KUNIT_EXPECT_TRUE(test, nf_teredo_parse(b, 65507, true, SERVER,
						srv_port, SERVER, &e));
	/* longest authentication header: the rest is beyond the limit */
	memset(b, 0xff, TEREDO_CLASSIFY_MAX_READ);
	b[0] = 0;
	b[1] = 1;
	KUNIT_EXPECT_FALSE(test, nf_teredo_parse(b, 65507, true, SERVER,
						 srv_port, SERVER, &e));
	kfree(b);
}

/* Our discovery bubble to the group: the link may answer, nothing else */
static void teredo_nf_discovery_ours(struct kunit *test)
{
	struct nf_teredo_expect e;
	struct pkt p;

	build_disc(test, &p, PEER, 6000, false);
	KUNIT_EXPECT_TRUE(test, parse(test, &p, p.len, true, GROUP, srv_port,
				      &e));
	KUNIT_EXPECT_EQ(test, e.kind, NF_TEREDO_EXPECT_LINK);
	KUNIT_EXPECT_EQ(test, e.ip, 0);
	KUNIT_EXPECT_EQ(test, e.port, 0);
	/* with no server too (the group is no server) */
	KUNIT_EXPECT_TRUE(test, parse_srv(test, &p, p.len, true, GROUP,
					  srv_port, 0, &e));
	/* received, or to another port: nothing */
	KUNIT_EXPECT_FALSE(test, parse(test, &p, p.len, false, GROUP,
				       srv_port, &e));
	KUNIT_EXPECT_FALSE(test, parse(test, &p, p.len, true, GROUP,
				       htons(3545), &e));
	/* a bubble to the group naming a peer, or with an origin */
	build_bubble(test, &p, SERVER, PEER, 6000);
	KUNIT_EXPECT_FALSE(test, parse(test, &p, p.len, true, GROUP, srv_port,
				       &e));
	build_disc(test, &p, PEER, 6000, true);
	KUNIT_EXPECT_FALSE(test, parse(test, &p, p.len, true, GROUP, srv_port,
				       &e));
	/* a router solicitation to the group opens no secondary address */
	build_rs(test, &p);
	KUNIT_EXPECT_FALSE(test, parse(test, &p, p.len, true, GROUP, srv_port,
				       &e));
	/* our discovery bubble sent to a server: not a peer either */
	build_disc(test, &p, PEER, 6000, false);
	KUNIT_EXPECT_FALSE(test, parse(test, &p, p.len, true, SERVER, srv_port,
				       &e));
}

/* A neighbour's discovery bubble: that neighbour, only a bare bubble */
static void teredo_nf_discovery_neighbour(struct kunit *test)
{
	static const __be32 bad_src[] = {
		0, IP(0, 1, 2, 3), IP(127, 0, 0, 1), IP(224, 0, 0, 253),
		IP(239, 1, 1, 1), IP(255, 255, 255, 255),
	};
	struct nf_teredo_expect e;
	struct pkt p;
	int i;

	build_disc(test, &p, PEER, 6000, false);
	KUNIT_EXPECT_TRUE(test, parse_disc(test, &p, p.len, NEIGH, 4000, &e));
	KUNIT_EXPECT_EQ(test, e.kind, NF_TEREDO_EXPECT_NEIGHBOUR);
	KUNIT_EXPECT_EQ(test, e.ip, NEIGH);
	KUNIT_EXPECT_EQ(test, e.port, htons(4000));

	/* from nowhere a neighbour can be, or from port 0 */
	for (i = 0; i < ARRAY_SIZE(bad_src); i++)
		KUNIT_EXPECT_FALSE_MSG(test, parse_disc(test, &p, p.len,
							bad_src[i], 4000, &e),
				       "from %pI4", &bad_src[i]);
	KUNIT_EXPECT_FALSE(test, parse_disc(test, &p, p.len, NEIGH, 0, &e));
	KUNIT_EXPECT_EQ(test, e.kind, NF_TEREDO_EXPECT_NONE);
	/* with an origin indication */
	build_disc(test, &p, PEER, 6000, true);
	KUNIT_EXPECT_FALSE(test, parse_disc(test, &p, p.len, NEIGH, 4000, &e));
	/* to a unicast address, not ff02::1 */
	build_bubble(test, &p, SERVER, PEER, 6000);
	KUNIT_EXPECT_FALSE(test, parse_disc(test, &p, p.len, NEIGH, 4000, &e));
	/* from a Teredo address with a mapping no peer can have */
	build_disc(test, &p, IP(10, 0, 1, 3), 6000, false);
	KUNIT_EXPECT_FALSE(test, parse_disc(test, &p, p.len, NEIGH, 4000, &e));
	build_disc(test, &p, PEER, 0, false);
	KUNIT_EXPECT_FALSE(test, parse_disc(test, &p, p.len, NEIGH, 4000, &e));
	/* from an address that is not Teredo */
	build_disc(test, &p, PEER, 6000, false);
	p.b[8] = 0x20;
	p.b[9] = 0x02;
	KUNIT_EXPECT_FALSE(test, parse_disc(test, &p, p.len, NEIGH, 4000, &e));
	/* data, or an RS, to the group */
	build_rs(test, &p);
	KUNIT_EXPECT_FALSE(test, parse_disc(test, &p, p.len, NEIGH, 4000, &e));
	/* no buffer, random bytes */
	KUNIT_EXPECT_FALSE(test, nf_teredo_parse_discovery(NULL, 40, NEIGH,
							   htons(4000), &e));
	memset(p.b, 'x', sizeof(p.b));
	KUNIT_EXPECT_FALSE(test, parse_disc(test, &p, sizeof(p.b), NEIGH,
					    4000, &e));
}

/* Every truncation of a discovery bubble, both ways: nothing, no over-read */
static void teredo_nf_discovery_truncations(struct kunit *test)
{
	struct nf_teredo_expect e;
	struct pkt p;
	int len;

	build_disc(test, &p, PEER, 6000, false);
	for (len = 0; len < p.len; len++) {
		KUNIT_EXPECT_FALSE_MSG(test, parse(test, &p, len, true, GROUP,
						   srv_port, &e),
				       "len %d ours", len);
		KUNIT_EXPECT_FALSE_MSG(test, parse_disc(test, &p, len, NEIGH,
							4000, &e),
				       "len %d neighbour", len);
	}
}

static struct kunit_case teredo_nf_cases[] = {
	KUNIT_CASE(teredo_nf_rs),
	KUNIT_CASE(teredo_nf_own_bubble),
	KUNIT_CASE(teredo_nf_origin),
	KUNIT_CASE(teredo_nf_origin_server_only),
	KUNIT_CASE(teredo_nf_not_global),
	KUNIT_CASE(teredo_nf_nothing_else),
	KUNIT_CASE(teredo_nf_truncations),
	KUNIT_CASE(teredo_nf_max_read),
	KUNIT_CASE(teredo_nf_discovery_ours),
	KUNIT_CASE(teredo_nf_discovery_neighbour),
	KUNIT_CASE(teredo_nf_discovery_truncations),
	{}
};

static struct kunit_suite teredo_nf_suite = {
	.name = "teredo_nf_parse",
	.test_cases = teredo_nf_cases,
};

kunit_test_suite(teredo_nf_suite);

MODULE_DESCRIPTION("KUnit tests for the Teredo conntrack helper parser");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
