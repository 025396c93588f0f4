// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for the pure parts of kmod/client.c and kmod/nat.c: the
 * address derived from a router advertisement, who may answer a
 * solicitation, and the NAT kind found from the answers.
 */

#include <kunit/test.h>
#include <linux/module.h>
#include <linux/in6.h>
#include <linux/string.h>

#include "client.h"
#include "nat.h"
#include "params.h"
#include "proto.h"

/* RFC 4380 / Miredo vector: server 65.54.227.120, cone, 192.0.2.45:40000 */
static void teredo_client_addr_vector(struct kunit *test)
{
	static const u8 want[16] = {
		0x20, 0x01, 0x00, 0x00, 0x41, 0x36, 0xe3, 0x78,
		0x80, 0x00, 0x63, 0xbf, 0x3f, 0xff, 0xfd, 0xd2,
	};
	struct teredo_ra ra = {
		.addr = {
			.server = htonl(0x4136e378),
			.mapped_ip = htonl(0xc000022d),
			.mapped_port = htons(40000),
		},
		.cone = true,
	};
	struct teredo_addr_info info;
	struct in6_addr addr;

	teredo_client_derive_addr(&ra, 0, &info, &addr);
	KUNIT_EXPECT_EQ(test, info.flags, TEREDO_FLAG_CONE);
	KUNIT_EXPECT_EQ(test, info.server, ra.addr.server);
	KUNIT_EXPECT_EQ(test, memcmp(addr.s6_addr, want, sizeof(want)), 0);
}

/* Non-cone (what we send): only the 12 random bits, never C, R, U, G */
static void teredo_client_addr_random_flags(struct kunit *test)
{
	struct teredo_ra ra = {
		.addr = {
			.server = htonl(0xc6336401),	/* 198.51.100.1 */
			.mapped_ip = htonl(0xc633640b),	/* 198.51.100.11 */
			.mapped_port = htons(5000),
		},
	};
	struct teredo_addr_info info, back;
	struct in6_addr addr;

	teredo_client_derive_addr(&ra, 0xffff, &info, &addr);
	KUNIT_EXPECT_EQ(test, info.flags, TEREDO_FLAG_RANDOM_MASK);
	KUNIT_EXPECT_EQ(test, addr.s6_addr[8] & 0xc3, 0);
	/* port 5000 obfuscates to 0xec77 (RFC 4380 vector) */
	KUNIT_EXPECT_EQ(test, addr.s6_addr[10], 0xec);
	KUNIT_EXPECT_EQ(test, addr.s6_addr[11], 0x77);
	KUNIT_ASSERT_EQ(test, teredo_addr_parse(&addr, &back), 0);
	KUNIT_EXPECT_EQ(test, back.mapped_ip, ra.addr.mapped_ip);
	KUNIT_EXPECT_EQ(test, back.mapped_port, ra.addr.mapped_port);
	KUNIT_EXPECT_EQ(test, back.server, ra.addr.server);

	teredo_client_derive_addr(&ra, 0x1234, &info, &addr);
	KUNIT_EXPECT_EQ(test, info.flags, 0x1234 & TEREDO_FLAG_RANDOM_MASK);
}

static void teredo_client_server_sources(struct kunit *test)
{
	__be32 srv = htonl(0xc6336401);
	__be16 p = htons(TEREDO_SERVER_PORT);

	KUNIT_EXPECT_EQ(test, teredo_server_secondary(srv), htonl(0xc6336402));
	KUNIT_EXPECT_EQ(test, teredo_server_secondary(htonl(0x0a0000ff)),
			htonl(0x0a000100));
	KUNIT_EXPECT_TRUE(test, teredo_client_from_server(srv, p, srv));
	KUNIT_EXPECT_TRUE(test, teredo_client_from_server(htonl(0xc6336402),
							  p, srv));
	/* not the third address, not another port, not without a server */
	KUNIT_EXPECT_FALSE(test, teredo_client_from_server(htonl(0xc6336403),
							   p, srv));
	KUNIT_EXPECT_FALSE(test, teredo_client_from_server(htonl(0xc6336400),
							   p, srv));
	KUNIT_EXPECT_FALSE(test, teredo_client_from_server(srv, htons(3545),
							   srv));
	KUNIT_EXPECT_FALSE(test, teredo_client_from_server(0, p, 0));
}

/* 10.0.1.2:40000 behind a NAT that the server sees as 198.51.100.11 */
static struct teredo_nat_probe nat_probe(u16 mapped_port, bool secondary,
					 u16 mapped_port2, bool cone)
{
	struct teredo_nat_probe p = {
		.local_ip = htonl(0x0a000102),
		.local_port = htons(40000),
		.primary = {
			.mapped_ip = htonl(0xc633640b),
			.mapped_port = htons(mapped_port),
		},
		.secondary = {
			.mapped_ip = htonl(0xc633640b),
			.mapped_port = htons(mapped_port2),
		},
		.have_secondary = secondary,
		.cone = cone,
	};
	return p;
}

static void teredo_client_nat_kinds(struct kunit *test)
{
	struct teredo_nat_probe p;
	u32 flags;

	/* both saw the same mapping, no cone answer: restricted */
	p = nat_probe(1100, true, 1100, false);
	KUNIT_EXPECT_EQ(test, teredo_nat_classify(&p, &flags),
			TEREDO_NAT_RESTRICTED);
	KUNIT_EXPECT_EQ(test, flags, 0);
	/* the cone RS answered: cone */
	p = nat_probe(1100, true, 1100, true);
	KUNIT_EXPECT_EQ(test, teredo_nat_classify(&p, &flags), TEREDO_NAT_CONE);
	/* ... even if the secondary's own answer was lost */
	p = nat_probe(1100, false, 0, true);
	KUNIT_EXPECT_EQ(test, teredo_nat_classify(&p, &flags), TEREDO_NAT_CONE);
	/* another port toward the secondary: symmetric, cone answer or not */
	p = nat_probe(1100, true, 1101, false);
	KUNIT_EXPECT_EQ(test, teredo_nat_classify(&p, &flags),
			TEREDO_NAT_SYMMETRIC);
	p = nat_probe(1100, true, 1101, true);
	KUNIT_EXPECT_EQ(test, teredo_nat_classify(&p, &flags),
			TEREDO_NAT_SYMMETRIC);
	/* another address toward the secondary: symmetric too */
	p = nat_probe(1100, true, 1100, false);
	p.secondary.mapped_ip = htonl(0xc633640c);
	KUNIT_EXPECT_EQ(test, teredo_nat_classify(&p, &flags),
			TEREDO_NAT_SYMMETRIC);
	/* nothing but the primary's answer: unknown */
	p = nat_probe(1100, false, 0, false);
	KUNIT_EXPECT_EQ(test, teredo_nat_classify(&p, &flags),
			TEREDO_NAT_UNKNOWN);
	/* our own address and port: no NAT, whatever else came */
	p = nat_probe(40000, true, 40000, true);
	p.primary.mapped_ip = p.local_ip;
	KUNIT_EXPECT_EQ(test, teredo_nat_classify(&p, &flags), TEREDO_NAT_NONE);
	KUNIT_EXPECT_EQ(test, flags, 0);
	p = nat_probe(40000, false, 0, false);
	p.primary.mapped_ip = p.local_ip;
	KUNIT_EXPECT_EQ(test, teredo_nat_classify(&p, &flags), TEREDO_NAT_NONE);
	/* our own address, another port: a NAT after all */
	p = nat_probe(1100, true, 1100, false);
	p.primary.mapped_ip = p.local_ip;
	p.secondary.mapped_ip = p.local_ip;
	KUNIT_EXPECT_EQ(test, teredo_nat_classify(&p, &flags),
			TEREDO_NAT_RESTRICTED);
}

static void teredo_client_nat_port_preserving(struct kunit *test)
{
	struct teredo_nat_probe p;
	char buf[TEREDO_NAT_FLAGS_LEN];
	u32 flags;

	p = nat_probe(40000, true, 40000, false);
	KUNIT_EXPECT_EQ(test, teredo_nat_classify(&p, &flags),
			TEREDO_NAT_RESTRICTED);
	KUNIT_EXPECT_EQ(test, flags, TEREDO_NAT_F_PORT_PRESERVING);
	p = nat_probe(40000, true, 40000, true);
	KUNIT_EXPECT_EQ(test, teredo_nat_classify(&p, &flags), TEREDO_NAT_CONE);
	KUNIT_EXPECT_EQ(test, flags, TEREDO_NAT_F_PORT_PRESERVING);
	/* port kept toward the primary only: still symmetric */
	p = nat_probe(40000, true, 40001, false);
	KUNIT_EXPECT_EQ(test, teredo_nat_classify(&p, &flags),
			TEREDO_NAT_SYMMETRIC);
	KUNIT_EXPECT_EQ(test, flags, TEREDO_NAT_F_PORT_PRESERVING);

	KUNIT_EXPECT_EQ(test, teredo_nat_flags_str(0, buf, sizeof(buf)), 0);
	KUNIT_EXPECT_STREQ(test, buf, "");
	KUNIT_EXPECT_EQ(test,
			teredo_nat_flags_str(TEREDO_NAT_F_PORT_PRESERVING, buf,
					     sizeof(buf)),
			(int)strlen("port-preserving"));
	KUNIT_EXPECT_STREQ(test, buf, "port-preserving");
	/* bits with no name are left out */
	KUNIT_EXPECT_EQ(test, teredo_nat_flags_str(BIT(31), buf, sizeof(buf)),
			0);
	/* too small: an error and an empty string, never a cut name */
	KUNIT_EXPECT_EQ(test,
			teredo_nat_flags_str(TEREDO_NAT_F_PORT_PRESERVING, buf,
					     8),
			-ENOSPC);
	KUNIT_EXPECT_STREQ(test, buf, "");
	KUNIT_EXPECT_EQ(test, teredo_nat_flags_str(0, buf, 0), -ENOSPC);
}

static struct kunit_case teredo_client_cases[] = {
	KUNIT_CASE(teredo_client_addr_vector),
	KUNIT_CASE(teredo_client_addr_random_flags),
	KUNIT_CASE(teredo_client_server_sources),
	KUNIT_CASE(teredo_client_nat_kinds),
	KUNIT_CASE(teredo_client_nat_port_preserving),
	{}
};

static struct kunit_suite teredo_client_suite = {
	.name = "teredo_client",
	.test_cases = teredo_client_cases,
};

kunit_test_suite(teredo_client_suite);

MODULE_DESCRIPTION("KUnit tests for the Teredo client state machine helpers");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
