// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for kmod/proto.c: Teredo wire formats.
 *
 * Vectors come from RFC 4380 and Miredo (libteredo's addrcmp test, the
 * RS checksums teredo_send_rs() hard-codes, and an RA laid out as
 * miredo-server's SendRA() sends it). Checksums are checked
 * against the kernel's csum_ipv6_magic()/csum_partial(). Every parser is
 * fed every truncation of its inputs from exact-size kmalloc buffers, so
 * that KASAN reports any read past the length.
 */

#include <kunit/test.h>
#include <linux/module.h>
#include <linux/errno.h>
#include <linux/in6.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/ip6_checksum.h>

#include "proto.h"

#define IPH(a, b, c, d)	((u32)(a) << 24 | (b) << 16 | (c) << 8 | (d))
#define IP(a, b, c, d)	htonl(IPH(a, b, c, d))

static const u8 nonce[TEREDO_NONCE_LEN] = {
	0x4b, 0x1d, 0x0e, 0xa3, 0x27, 0x59, 0xc6, 0x88,
};

static void expect_bytes(struct kunit *test, const u8 *got, const u8 *want,
			 size_t len, const char *what)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (got[i] != want[i]) {
			KUNIT_FAIL(test, "%s: byte %zu is 0x%02x, want 0x%02x",
				   what, i, got[i], want[i]);
			return;
		}
	}
}

static struct in6_addr in6(const char *bytes)
{
	struct in6_addr a;

	memcpy(a.s6_addr, bytes, 16);
	return a;
}

/* Exact-size copy: KASAN catches any read past its end. */
static u8 *dup(struct kunit *test, const u8 *src, size_t len)
{
	u8 *p = kmemdup(src, len, GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p);
	return p;
}

/* Pseudo-random bytes, reproducible (no dependency on the RNG). */
static u32 lcg(u32 *state)
{
	*state = *state * 1103515245 + 12345;
	return *state >> 8;
}

/* Recompute the ICMPv6 checksum of the IPv6 packet at p, kernel's way. */
static void fix_icmp6_csum(u8 *p)
{
	unsigned int plen = p[4] << 8 | p[5];
	struct in6_addr s = in6(p + 8), d = in6(p + 24);
	__sum16 sum;

	p[42] = 0;
	p[43] = 0;
	sum = csum_ipv6_magic(&s, &d, plen, IPPROTO_ICMPV6,
			      csum_partial(p + 40, plen, 0));
	memcpy(p + 42, &sum, 2);
}

static bool icmp6_csum_valid(const u8 *p)
{
	unsigned int plen = p[4] << 8 | p[5];
	struct in6_addr s = in6(p + 8), d = in6(p + 24);

	return !csum_ipv6_magic(&s, &d, plen, IPPROTO_ICMPV6,
				csum_partial(p + 40, plen, 0));
}

/* ---- addresses ---------------------------------------------------- */

/* RFC 4380 section 4 example */
static void teredo_addr_rfc4380(struct kunit *test)
{
	const struct in6_addr a = in6("\x20\x01\x00\x00\x41\x36\xe3\x78"
				      "\x80\x00\x63\xbf\x3f\xff\xfd\xd2");
	struct teredo_addr_info info;
	struct in6_addr b;

	KUNIT_ASSERT_EQ(test, teredo_addr_parse(&a, &info), 0);
	KUNIT_EXPECT_EQ(test, ntohl(info.server), IPH(65, 54, 227, 120));
	KUNIT_EXPECT_EQ(test, info.flags, TEREDO_FLAG_CONE);
	KUNIT_EXPECT_EQ(test, ntohs(info.mapped_port), 40000);
	KUNIT_EXPECT_EQ(test, ntohl(info.mapped_ip), IPH(192, 0, 2, 45));
	KUNIT_EXPECT_TRUE(test, teredo_addr_is_teredo(&a));
	KUNIT_EXPECT_TRUE(test, teredo_addr_is_cone(&a));

	memset(&b, 0xaa, sizeof(b));
	teredo_addr_build(&b, &info);
	expect_bytes(test, b.s6_addr, a.s6_addr, 16, "rebuilt address");
}

/* Miredo libteredo/test/addrcmp.c */
static void teredo_addr_miredo_addrcmp(struct kunit *test)
{
	const struct in6_addr a = in6("\x20\x01\x00\x00\xc0\x00\x02\x01"
				      "\x80\x00\xcf\xc6\x3f\xff\xfd\x74");
	struct teredo_addr_info info;

	KUNIT_ASSERT_EQ(test, teredo_addr_parse(&a, &info), 0);
	KUNIT_EXPECT_EQ(test, ntohs(info.mapped_port), 12345);
	KUNIT_EXPECT_EQ(test, ntohl(info.mapped_ip), IPH(192, 0, 2, 139));
	KUNIT_EXPECT_EQ(test, ntohl(info.server), IPH(192, 0, 2, 1));
	KUNIT_EXPECT_TRUE(test, teredo_addr_is_cone(&a));
	KUNIT_EXPECT_TRUE(test, teredo_addr_matches(&a, IP(192, 0, 2, 139),
						    htons(12345)));
	KUNIT_EXPECT_FALSE(test, teredo_addr_matches(&a, IP(192, 0, 2, 139),
						     htons(12346)));
	KUNIT_EXPECT_FALSE(test, teredo_addr_matches(&a, IP(192, 0, 2, 140),
						     htons(12345)));
}

/* RFC 4380 section 4: port 5000 is 0xec77, 131.107.0.1 is 7c94:fffe */
static void teredo_addr_obfuscation(struct kunit *test)
{
	struct teredo_addr_info info = {
		.server = IP(192, 0, 2, 1),
		.flags = 0,
		.mapped_ip = IP(131, 107, 0, 1),
		.mapped_port = htons(5000),
	};
	struct teredo_addr_info back;
	struct in6_addr a;

	teredo_addr_build(&a, &info);
	expect_bytes(test, a.s6_addr,
		     "\x20\x01\x00\x00\xc0\x00\x02\x01"
		     "\x00\x00\xec\x77\x7c\x94\xff\xfe", 16, "address");
	KUNIT_EXPECT_FALSE(test, teredo_addr_is_cone(&a));
	KUNIT_ASSERT_EQ(test, teredo_addr_parse(&a, &back), 0);
	KUNIT_EXPECT_EQ(test, ntohl(back.server), ntohl(info.server));
	KUNIT_EXPECT_EQ(test, back.flags, info.flags);
	KUNIT_EXPECT_EQ(test, ntohl(back.mapped_ip), ntohl(info.mapped_ip));
	KUNIT_EXPECT_EQ(test, ntohs(back.mapped_port), ntohs(info.mapped_port));
}

static void teredo_addr_not_teredo(struct kunit *test)
{
	static const char * const bad[] = {
		"\x20\x01\x0d\xb8\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01",
		"\x20\x02\x00\x00\xc0\x00\x02\x01\x80\x00\xcf\xc6\x3f\xff\xfd\x74",
		"\x20\x01\x00\x01\xc0\x00\x02\x01\x80\x00\xcf\xc6\x3f\xff\xfd\x74",
		"\x3f\xfe\x83\x1f\xc0\x00\x02\x01\x80\x00\xcf\xc6\x3f\xff\xfd\x74",
		"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00",
		"\xfe\x80\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\xff\xff\xff\xff",
	};
	struct teredo_addr_info info = { .server = IP(1, 2, 3, 4) };
	int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct in6_addr a = in6(bad[i]);

		KUNIT_EXPECT_FALSE_MSG(test, teredo_addr_is_teredo(&a), "#%d", i);
		KUNIT_EXPECT_FALSE_MSG(test, teredo_addr_is_cone(&a), "#%d", i);
		KUNIT_EXPECT_EQ_MSG(test, teredo_addr_parse(&a, &info),
				    -EAFNOSUPPORT, "#%d", i);
		/* the mapping bits alone do not make a match */
		KUNIT_EXPECT_FALSE_MSG(test,
				       teredo_addr_matches(&a, IP(192, 0, 2, 139),
							   htons(12345)),
				       "#%d", i);
	}
	KUNIT_EXPECT_EQ(test, ntohl(info.server), IPH(1, 2, 3, 4));
}

static void teredo_addr_link_local(struct kunit *test)
{
	const struct in6_addr r = in6("\xfe\x80\x00\x00\x00\x00\x00\x00"
				      "\x00\x00\xff\xff\xff\xff\xff\xff");
	const struct in6_addr c = in6("\xfe\x80\x00\x00\x00\x00\x00\x00"
				      "\x80\x00\x54\x45\x52\x45\x44\x4f");
	static const char * const other[] = {
		"\xfe\x80\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\xff\xff\xff\xfe",
		"\xfe\x80\x00\x00\x00\x00\x00\x00\x80\x00\x54\x45\x52\x45\x44\x50",
		"\xfe\x80\x00\x00\x00\x00\x00\x00\x00\x00\x54\x45\x52\x45\x44\x4f",
		"\xfe\x80\x00\x00\x00\x00\x00\x01\x00\x00\xff\xff\xff\xff\xff\xff",
		"\xff\x02\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02",
		"\x20\x01\x00\x00\xc0\x00\x02\x01\x80\x00\xcf\xc6\x3f\xff\xfd\x74",
	};
	int i;

	KUNIT_EXPECT_EQ(test, teredo_addr_ll_kind(&r), TEREDO_LL_RESTRICTED);
	KUNIT_EXPECT_EQ(test, teredo_addr_ll_kind(&c), TEREDO_LL_CONE);
	KUNIT_EXPECT_EQ(test, teredo_addr_ll_kind(&teredo_ll_restricted),
			TEREDO_LL_RESTRICTED);
	KUNIT_EXPECT_EQ(test, teredo_addr_ll_kind(&teredo_ll_cone),
			TEREDO_LL_CONE);
	KUNIT_EXPECT_EQ(test, memcmp(&r, &teredo_ll_restricted, 16), 0);
	KUNIT_EXPECT_EQ(test, memcmp(&c, &teredo_ll_cone, 16), 0);
	KUNIT_EXPECT_FALSE(test, teredo_addr_is_teredo(&r));
	for (i = 0; i < ARRAY_SIZE(other); i++) {
		struct in6_addr a = in6(other[i]);

		KUNIT_EXPECT_EQ_MSG(test, teredo_addr_ll_kind(&a),
				    TEREDO_LL_NONE, "#%d", i);
	}
}

static void teredo_addr_flags(struct kunit *test)
{
	u32 r;

	for (r = 0; r <= 0xffff; r++) {
		u16 f = teredo_flags_random(false, r);
		u16 fc = teredo_flags_random(true, r);

		if (f != (r & 0x3cff) || fc != (f | 0x8000)) {
			KUNIT_FAIL(test, "random 0x%04x: flags 0x%04x / 0x%04x",
				   r, f, fc);
			return;
		}
	}
	/* reserved, U and G are never set (RFC 5991 section 4) */
	KUNIT_EXPECT_EQ(test, teredo_flags_random(true, 0xffff) &
			(TEREDO_FLAG_RESERVED | TEREDO_FLAG_UG), 0);
	KUNIT_EXPECT_EQ(test, teredo_flags_random(true, 0xffff), 0xbcff);
}

static struct kunit_case teredo_proto_addr_cases[] = {
	KUNIT_CASE(teredo_addr_rfc4380),
	KUNIT_CASE(teredo_addr_miredo_addrcmp),
	KUNIT_CASE(teredo_addr_obfuscation),
	KUNIT_CASE(teredo_addr_not_teredo),
	KUNIT_CASE(teredo_addr_link_local),
	KUNIT_CASE(teredo_addr_flags),
	{}
};

static struct kunit_suite teredo_proto_addr_suite = {
	.name = "teredo_proto_addr",
	.test_cases = teredo_proto_addr_cases,
};

/* ---- authentication and origin indication headers ------------------ */

/* origin indication for port 337, 1.2.3.4 (each byte complemented) */
static const u8 origin_337[] = {
	0x00, 0x00, 0xfe, 0xae, 0xfe, 0xfd, 0xfc, 0xfb,
};

static void teredo_origin_vector(struct kunit *test)
{
	u8 buf[TEREDO_ORIGIN_LEN + 2];
	__be32 ip;
	__be16 port;

	memset(buf, 0xaa, sizeof(buf));
	KUNIT_EXPECT_EQ(test, teredo_origin_build(buf, sizeof(buf),
						  IP(1, 2, 3, 4), htons(337)),
			TEREDO_ORIGIN_LEN);
	expect_bytes(test, buf, origin_337, sizeof(origin_337), "origin");
	KUNIT_EXPECT_EQ(test, buf[8], 0xaa);

	KUNIT_EXPECT_EQ(test, teredo_origin_parse(origin_337,
						  sizeof(origin_337), &ip,
						  &port), 8);
	KUNIT_EXPECT_EQ(test, ntohl(ip), IPH(1, 2, 3, 4));
	KUNIT_EXPECT_EQ(test, ntohs(port), 337);
}

static void teredo_origin_malformed(struct kunit *test)
{
	static const u8 auth[] = { 0x00, 0x01, 0xfe, 0xae, 0xfe, 0xfd, 0xfc,
				   0xfb, 0, 0, 0, 0, 0 };
	static const u8 ip6[8] = { 0x60 };
	static const u8 type2[8] = { 0x00, 0x02 };
	__be32 ip = IP(9, 9, 9, 9);
	__be16 port = htons(9);
	u8 out[TEREDO_ORIGIN_LEN];
	size_t n;

	for (n = 0; n < sizeof(origin_337); n++) {
		u8 *b = dup(test, origin_337, n);

		KUNIT_EXPECT_EQ_MSG(test, teredo_origin_parse(b, n, &ip, &port),
				    -ENODATA, "len %zu", n);
		kfree(b);
	}
	KUNIT_EXPECT_EQ(test, teredo_origin_parse(auth, sizeof(auth), &ip,
						  &port), -ENOMSG);
	KUNIT_EXPECT_EQ(test, teredo_origin_parse(ip6, sizeof(ip6), &ip,
						  &port), -ENOMSG);
	KUNIT_EXPECT_EQ(test, teredo_origin_parse(type2, sizeof(type2), &ip,
						  &port), -ENOMSG);
	/* failures leave the outputs alone */
	KUNIT_EXPECT_EQ(test, ntohl(ip), IPH(9, 9, 9, 9));
	KUNIT_EXPECT_EQ(test, ntohs(port), 9);

	for (n = 0; n < TEREDO_ORIGIN_LEN; n++) {
		u8 *b = kmalloc(n, GFP_KERNEL);

		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, b);
		KUNIT_EXPECT_EQ_MSG(test, teredo_origin_build(b, n, ip, port),
				    -EMSGSIZE, "len %zu", n);
		kfree(b);
	}
	KUNIT_EXPECT_EQ(test, teredo_origin_build(out, sizeof(out), ip, port),
			TEREDO_ORIGIN_LEN);
}

static void teredo_auth_minimal(struct kunit *test)
{
	static const u8 want[] = {
		0x00, 0x01, 0x00, 0x00, 0x4b, 0x1d, 0x0e, 0xa3,
		0x27, 0x59, 0xc6, 0x88, 0x00,
	};
	struct teredo_auth auth;
	u8 buf[TEREDO_AUTH_MIN_LEN + 1];

	memset(buf, 0xaa, sizeof(buf));
	KUNIT_EXPECT_EQ(test, teredo_auth_build(buf, sizeof(buf), nonce, 0),
			TEREDO_AUTH_MIN_LEN);
	expect_bytes(test, buf, want, sizeof(want), "auth header");
	KUNIT_EXPECT_EQ(test, buf[13], 0xaa);

	KUNIT_EXPECT_EQ(test, teredo_auth_parse(buf, sizeof(buf), &auth), 13);
	KUNIT_EXPECT_EQ(test, auth.id_off, 4);
	KUNIT_EXPECT_EQ(test, auth.id_len, 0);
	KUNIT_EXPECT_EQ(test, auth.au_off, 4);
	KUNIT_EXPECT_EQ(test, auth.au_len, 0);
	KUNIT_EXPECT_EQ(test, auth.nonce_off, 4);
	KUNIT_EXPECT_EQ(test, auth.confirmation, 0);
	expect_bytes(test, buf + auth.nonce_off, nonce, 8, "nonce");

	KUNIT_EXPECT_EQ(test, teredo_auth_build(buf, sizeof(buf), nonce, 1),
			TEREDO_AUTH_MIN_LEN);
	KUNIT_EXPECT_EQ(test, teredo_auth_parse(buf, 13, &auth), 13);
	KUNIT_EXPECT_EQ(test, auth.confirmation, 1);
}

/* 00 01 id-len=3 au-len=5 id[3] au[5] nonce[8] confirmation */
static const u8 auth_id_au[] = {
	0x00, 0x01, 0x03, 0x05, 'i', 'd', '!', 'a', 'u', 't', 'h', '!',
	0x4b, 0x1d, 0x0e, 0xa3, 0x27, 0x59, 0xc6, 0x88, 0x07,
};

static void teredo_auth_id_au(struct kunit *test)
{
	struct teredo_auth auth;

	KUNIT_ASSERT_EQ(test, teredo_auth_parse(auth_id_au, sizeof(auth_id_au),
						&auth), 21);
	KUNIT_EXPECT_EQ(test, auth.id_off, 4);
	KUNIT_EXPECT_EQ(test, auth.id_len, 3);
	KUNIT_EXPECT_EQ(test, auth.au_off, 7);
	KUNIT_EXPECT_EQ(test, auth.au_len, 5);
	KUNIT_EXPECT_EQ(test, auth.nonce_off, 12);
	KUNIT_EXPECT_EQ(test, auth.confirmation, 7);
	expect_bytes(test, auth_id_au + auth.id_off, "id!", 3, "id");
	expect_bytes(test, auth_id_au + auth.au_off, "auth!", 5, "au");
	expect_bytes(test, auth_id_au + auth.nonce_off, nonce, 8, "nonce");
}

static void teredo_auth_malformed(struct kunit *test)
{
	struct teredo_auth auth;
	u8 *big;
	size_t n;

	for (n = 0; n < sizeof(auth_id_au); n++) {
		u8 *b = dup(test, auth_id_au, n);
		int want = n < TEREDO_AUTH_MIN_LEN ? -ENODATA : -EOVERFLOW;

		KUNIT_EXPECT_EQ_MSG(test, teredo_auth_parse(b, n, &auth), want,
				    "len %zu", n);
		kfree(b);
	}
	KUNIT_EXPECT_EQ(test, teredo_auth_parse(origin_337, sizeof(origin_337),
						&auth), -ENOMSG);
	KUNIT_EXPECT_EQ(test, teredo_auth_parse("\x00\x02\x00\x00\x00\x00\x00"
						"\x00\x00\x00\x00\x00\x00", 13,
						&auth), -ENOMSG);
	KUNIT_EXPECT_EQ(test, teredo_auth_parse("\x01\x01\x00\x00\x00\x00\x00"
						"\x00\x00\x00\x00\x00\x00", 13,
						&auth), -ENOMSG);

	/* largest lengths: 13 + 255 + 255 */
	big = kunit_kzalloc(test, 523, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, big);
	big[1] = 0x01;
	big[2] = 0xff;
	big[3] = 0xff;
	big[522] = 0x42;
	for (n = 13; n < 523; n += 17) {
		u8 *b = dup(test, big, n);

		KUNIT_EXPECT_EQ_MSG(test, teredo_auth_parse(b, n, &auth),
				    -EOVERFLOW, "len %zu", n);
		kfree(b);
	}
	big = dup(test, big, 522);
	KUNIT_EXPECT_EQ(test, teredo_auth_parse(big, 522, &auth), -EOVERFLOW);
	kfree(big);
	big = kunit_kzalloc(test, 523, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, big);
	big[1] = 0x01;
	big[2] = 0xff;
	big[3] = 0xff;
	big[522] = 0x42;
	KUNIT_EXPECT_EQ(test, teredo_auth_parse(big, 523, &auth), 523);
	KUNIT_EXPECT_EQ(test, auth.nonce_off, 514);
	KUNIT_EXPECT_EQ(test, auth.confirmation, 0x42);

	for (n = 0; n < TEREDO_AUTH_MIN_LEN; n++) {
		u8 *b = kmalloc(n, GFP_KERNEL);

		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, b);
		KUNIT_EXPECT_EQ_MSG(test, teredo_auth_build(b, n, nonce, 0),
				    -EMSGSIZE, "len %zu", n);
		kfree(b);
	}
}

static struct kunit_case teredo_proto_hdr_cases[] = {
	KUNIT_CASE(teredo_origin_vector),
	KUNIT_CASE(teredo_origin_malformed),
	KUNIT_CASE(teredo_auth_minimal),
	KUNIT_CASE(teredo_auth_id_au),
	KUNIT_CASE(teredo_auth_malformed),
	{}
};

static struct kunit_suite teredo_proto_hdr_suite = {
	.name = "teredo_proto_hdr",
	.test_cases = teredo_proto_hdr_cases,
};

/* ---- checksum ------------------------------------------------------ */

static void teredo_csum_vs_kernel(struct kunit *test)
{
	static const u8 protos[] = { IPPROTO_ICMPV6, IPPROTO_UDP, 0, 255 };
	u32 seed = 1;
	u8 *buf;
	int len, i, p;

	buf = kunit_kmalloc(test, 1 + 1500, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);

	for (len = 0; len <= 1500; len += (len < 300 ? 1 : 97)) {
		struct in6_addr s, d;

		for (i = 0; i < 16; i++) {
			s.s6_addr[i] = lcg(&seed);
			d.s6_addr[i] = lcg(&seed);
		}
		for (i = 0; i < len + 1; i++)
			buf[i] = lcg(&seed);
		/* even and odd alignment */
		for (i = 0; i < 2; i++) {
			for (p = 0; p < ARRAY_SIZE(protos); p++) {
				__sum16 want, got;

				want = csum_ipv6_magic(&s, &d, len, protos[p],
						       csum_partial(buf + i,
								    len, 0));
				got = teredo_csum_ipv6(&s, &d, protos[p],
						       buf + i, len);
				KUNIT_EXPECT_EQ_MSG(test, (__force u16)got,
						    (__force u16)want,
						    "len %d off %d proto %u",
						    len, i, protos[p]);
			}
		}
	}

	/* all zeros and all ones */
	for (i = 0; i < 2; i++) {
		struct in6_addr s, d;

		memset(&s, i ? 0xff : 0, sizeof(s));
		memset(&d, i ? 0xff : 0, sizeof(d));
		memset(buf, i ? 0xff : 0, 1500);
		KUNIT_EXPECT_EQ(test,
				(__force u16)teredo_csum_ipv6(&s, &d, 58,
							      buf, 1500),
				(__force u16)csum_ipv6_magic(&s, &d, 1500, 58,
						csum_partial(buf, 1500, 0)));
	}
}

static void teredo_csum_verifies_to_zero(struct kunit *test)
{
	u8 msg[24];
	struct in6_addr s = teredo_ll_cone, d = teredo_all_routers;
	__sum16 sum;
	u32 seed = 7;
	int i;

	for (i = 0; i < sizeof(msg); i++)
		msg[i] = lcg(&seed);
	msg[2] = 0;
	msg[3] = 0;
	sum = teredo_csum_ipv6(&s, &d, IPPROTO_ICMPV6, msg, sizeof(msg));
	memcpy(msg + 2, &sum, 2);
	sum = teredo_csum_ipv6(&s, &d, IPPROTO_ICMPV6, msg, sizeof(msg));
	KUNIT_EXPECT_EQ(test, (__force u16)sum, 0);
	msg[10] ^= 1;
	sum = teredo_csum_ipv6(&s, &d, IPPROTO_ICMPV6, msg, sizeof(msg));
	KUNIT_EXPECT_NE(test, (__force u16)sum, 0);
}

/* The checksums Miredo's teredo_send_rs() hard-codes */
static void teredo_csum_miredo_rs(struct kunit *test)
{
	static const u8 rs[8] = { 133 };
	__sum16 sum;
	u8 b[2];

	sum = teredo_csum_ipv6(&teredo_ll_restricted, &teredo_all_routers,
			       IPPROTO_ICMPV6, rs, sizeof(rs));
	memcpy(b, &sum, 2);
	expect_bytes(test, b, "\x7d\x37", 2, "non-cone RS checksum");
	sum = teredo_csum_ipv6(&teredo_ll_cone, &teredo_all_routers,
			       IPPROTO_ICMPV6, rs, sizeof(rs));
	memcpy(b, &sum, 2);
	expect_bytes(test, b, "\x12\x5d", 2, "cone RS checksum");
}

static struct kunit_case teredo_proto_csum_cases[] = {
	KUNIT_CASE(teredo_csum_vs_kernel),
	KUNIT_CASE(teredo_csum_verifies_to_zero),
	KUNIT_CASE(teredo_csum_miredo_rs),
	{}
};

static struct kunit_suite teredo_proto_csum_suite = {
	.name = "teredo_proto_csum",
	.test_cases = teredo_proto_csum_cases,
};

/* ---- router solicitation ------------------------------------------- */

static const u8 rs_restricted[TEREDO_RS_LEN] = {
	/* authentication header */
	0x00, 0x01, 0x00, 0x00, 0x4b, 0x1d, 0x0e, 0xa3,
	0x27, 0x59, 0xc6, 0x88, 0x00,
	/* IPv6: plen 8, ICMPv6, hop limit 255 */
	0x60, 0x00, 0x00, 0x00, 0x00, 0x08, 0x3a, 0xff,
	0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
	/* router solicitation */
	0x85, 0x00, 0x7d, 0x37, 0x00, 0x00, 0x00, 0x00,
};

static const u8 rs_cone[TEREDO_RS_LEN] = {
	0x00, 0x01, 0x00, 0x00, 0x4b, 0x1d, 0x0e, 0xa3,
	0x27, 0x59, 0xc6, 0x88, 0x00,
	0x60, 0x00, 0x00, 0x00, 0x00, 0x08, 0x3a, 0xff,
	0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x80, 0x00, 0x54, 0x45, 0x52, 0x45, 0x44, 0x4f,
	0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
	0x85, 0x00, 0x12, 0x5d, 0x00, 0x00, 0x00, 0x00,
};

static void teredo_rs_build(struct kunit *test)
{
	u8 buf[TEREDO_RS_LEN + 1];

	memset(buf, 0xaa, sizeof(buf));
	KUNIT_EXPECT_EQ(test, teredo_build_rs(buf, sizeof(buf), false, nonce),
			TEREDO_RS_LEN);
	expect_bytes(test, buf, rs_restricted, TEREDO_RS_LEN, "non-cone RS");
	KUNIT_EXPECT_EQ(test, buf[TEREDO_RS_LEN], 0xaa);
	KUNIT_EXPECT_TRUE(test, icmp6_csum_valid(buf + 13));

	KUNIT_EXPECT_EQ(test, teredo_build_rs(buf, TEREDO_RS_LEN, true, nonce),
			TEREDO_RS_LEN);
	expect_bytes(test, buf, rs_cone, TEREDO_RS_LEN, "cone RS");
	KUNIT_EXPECT_TRUE(test, icmp6_csum_valid(buf + 13));
}

static void teredo_rs_classify(struct kunit *test)
{
	struct teredo_pkt pkt;

	KUNIT_EXPECT_EQ(test, teredo_classify(rs_restricted, TEREDO_RS_LEN,
					      &pkt), TEREDO_PKT_DATA);
	KUNIT_EXPECT_TRUE(test, pkt.has_auth);
	KUNIT_EXPECT_FALSE(test, pkt.has_origin);
	KUNIT_EXPECT_EQ(test, pkt.auth.nonce_off, 4);
	KUNIT_EXPECT_EQ(test, pkt.ip6_off, 13);
	KUNIT_EXPECT_EQ(test, pkt.ip6_len, 48);
	KUNIT_EXPECT_EQ(test, pkt.nexthdr, IPPROTO_ICMPV6);
	KUNIT_EXPECT_EQ(test, pkt.icmp6_type, 133);
	KUNIT_EXPECT_EQ(test, pkt.err, 0);
}

static void teredo_rs_small_buffer(struct kunit *test)
{
	size_t n;

	for (n = 0; n < TEREDO_RS_LEN; n++) {
		u8 *b = kmalloc(n, GFP_KERNEL);

		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, b);
		KUNIT_EXPECT_EQ_MSG(test, teredo_build_rs(b, n, true, nonce),
				    -EMSGSIZE, "len %zu", n);
		kfree(b);
	}
	n = TEREDO_RS_LEN;
	{
		u8 *b = kmalloc(n, GFP_KERNEL);

		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, b);
		KUNIT_EXPECT_EQ(test, teredo_build_rs(b, n, false, nonce),
				TEREDO_RS_LEN);
		KUNIT_EXPECT_EQ(test, teredo_build_rs(b, n, false, NULL),
				-EINVAL);
		kfree(b);
	}
}

static struct kunit_case teredo_proto_rs_cases[] = {
	KUNIT_CASE(teredo_rs_build),
	KUNIT_CASE(teredo_rs_classify),
	KUNIT_CASE(teredo_rs_small_buffer),
	{}
};

static struct kunit_suite teredo_proto_rs_suite = {
	.name = "teredo_proto_rs",
	.test_cases = teredo_proto_rs_cases,
};

/* ---- router advertisement ------------------------------------------ */

/*
 * What miredo-server 192.0.2.1 sends (libteredo/server.c SendRA()) to a
 * client seen as 192.0.2.139:12345 that sent a non-cone RS with our
 * nonce: auth header, origin indication, IPv6 from fe80::8000:f227:3fff:
 * fdfe (Miredo's server link-local) to fe80::ffff:ffff:ffff, RA with
 * retransmit timer 2000, prefix 2001:0:c000:201::/64 (A flag, infinite
 * lifetimes), MTU 1280. Checksum computed independently (Python).
 */
static const u8 ra_miredo[117] = {
	0x00, 0x01, 0x00, 0x00, 0x4b, 0x1d, 0x0e, 0xa3,
	0x27, 0x59, 0xc6, 0x88, 0x00, 0x00, 0x00, 0xcf,
	0xc6, 0x3f, 0xff, 0xfd, 0x74, 0x60, 0x00, 0x00,
	0x00, 0x00, 0x38, 0x3a, 0xff, 0xfe, 0x80, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x00, 0xf2,
	0x27, 0x3f, 0xff, 0xfd, 0xfe, 0xfe, 0x80, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0x86, 0x00, 0x95,
	0x4c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x07, 0xd0, 0x03, 0x04, 0x40,
	0x40, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0x00, 0x00, 0x00, 0x00, 0x20, 0x01, 0x00,
	0x00, 0xc0, 0x00, 0x02, 0x01, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x01, 0x00,
	0x00, 0x00, 0x00, 0x05, 0x00,
};

/* The same, answering a cone RS */
static const u8 ra_miredo_cone[117] = {
	0x00, 0x01, 0x00, 0x00, 0x4b, 0x1d, 0x0e, 0xa3,
	0x27, 0x59, 0xc6, 0x88, 0x00, 0x00, 0x00, 0xcf,
	0xc6, 0x3f, 0xff, 0xfd, 0x74, 0x60, 0x00, 0x00,
	0x00, 0x00, 0x38, 0x3a, 0xff, 0xfe, 0x80, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x00, 0xf2,
	0x27, 0x3f, 0xff, 0xfd, 0xfe, 0xfe, 0x80, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x00, 0x54,
	0x45, 0x52, 0x45, 0x44, 0x4f, 0x86, 0x00, 0x2a,
	0x72, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x07, 0xd0, 0x03, 0x04, 0x40,
	0x40, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0x00, 0x00, 0x00, 0x00, 0x20, 0x01, 0x00,
	0x00, 0xc0, 0x00, 0x02, 0x01, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x01, 0x00,
	0x00, 0x00, 0x00, 0x05, 0x00,
};

#define RA_IP6		21		/* IPv6 header offset in ra_miredo */
#define RA_ICMP		(RA_IP6 + 40)
#define RA_PI		(RA_ICMP + 16)
#define RA_MTU		(RA_PI + 32)
#define RA_SERVER	IP(192, 0, 2, 1)

struct ra_spec {
	bool no_auth;
	bool no_origin;
	bool origin_first;
	bool cone;
	const u8 *opts[4];
	size_t opt_len[4];
};

/*
 * Assemble an RA like SendRA() does, with the pieces of @spec; returns
 * the length and sets *ip6_off. The checksum is the kernel's.
 */
static size_t ra_build(u8 *buf, const struct ra_spec *spec, size_t *ip6_off)
{
	size_t off = 0, plen = 16;
	u8 *ip6, *p;
	int i;

	if (spec->origin_first) {
		memcpy(buf + off, ra_miredo + 13, 8);
		off += 8;
	}
	if (!spec->no_auth) {
		memcpy(buf + off, ra_miredo, 13);
		off += 13;
	}
	if (!spec->no_origin && !spec->origin_first) {
		memcpy(buf + off, ra_miredo + 13, 8);
		off += 8;
	}
	ip6 = buf + off;
	memcpy(ip6, ra_miredo + RA_IP6, 40 + 16);
	if (spec->cone)
		memcpy(ip6 + 24, &teredo_ll_cone, 16);
	p = ip6 + 40 + 16;
	for (i = 0; i < ARRAY_SIZE(spec->opts) && spec->opts[i]; i++) {
		memcpy(p, spec->opts[i], spec->opt_len[i]);
		p += spec->opt_len[i];
		plen += spec->opt_len[i];
	}
	ip6[4] = plen >> 8;
	ip6[5] = plen & 0xff;
	fix_icmp6_csum(ip6);
	*ip6_off = off;
	return off + 40 + plen;
}

static const struct ra_spec ra_std = {
	.opts = { ra_miredo + RA_PI, ra_miredo + RA_MTU },
	.opt_len = { 32, 8 },
};

static void teredo_ra_miredo(struct kunit *test)
{
	struct teredo_ra ra;
	struct ra_spec spec = ra_std;
	u8 buf[160];
	size_t off;

	/* the test's assembler agrees with the independent vectors */
	KUNIT_ASSERT_EQ(test, ra_build(buf, &spec, &off), sizeof(ra_miredo));
	expect_bytes(test, buf, ra_miredo, sizeof(ra_miredo), "assembled RA");
	spec.cone = true;
	KUNIT_ASSERT_EQ(test, ra_build(buf, &spec, &off), sizeof(ra_miredo));
	expect_bytes(test, buf, ra_miredo_cone, sizeof(ra_miredo),
		     "assembled cone RA");
	KUNIT_EXPECT_TRUE(test, icmp6_csum_valid(ra_miredo + RA_IP6));

	memset(&ra, 0xaa, sizeof(ra));
	KUNIT_ASSERT_EQ(test, teredo_parse_ra(ra_miredo, sizeof(ra_miredo),
					      nonce, RA_SERVER, &ra), 0);
	KUNIT_EXPECT_EQ(test, ntohl(ra.addr.server), IPH(192, 0, 2, 1));
	KUNIT_EXPECT_EQ(test, ra.addr.flags, 0);
	KUNIT_EXPECT_EQ(test, ntohl(ra.addr.mapped_ip), IPH(192, 0, 2, 139));
	KUNIT_EXPECT_EQ(test, ntohs(ra.addr.mapped_port), 12345);
	KUNIT_EXPECT_EQ(test, ra.mtu, 1280);
	KUNIT_EXPECT_FALSE(test, ra.cone);
}

/*
 * Captured: the answer of the real miredo-server 1.2.6 (Debian 12, server
 * 198.51.100.1, in a VM) to teredo_build_rs(..., false, de ad be ef 01 23
 * 45 67) sent from 198.51.100.30:40000 without NAT.
 */
static const u8 ra_captured[117] = {
	0x00, 0x01, 0x00, 0x00, 0xde, 0xad, 0xbe, 0xef,
	0x01, 0x23, 0x45, 0x67, 0x00, 0x00, 0x00, 0x63,
	0xbf, 0x39, 0xcc, 0x9b, 0xe1, 0x60, 0x00, 0x00,
	0x00, 0x00, 0x38, 0x3a, 0xff, 0xfe, 0x80, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x00, 0xf2,
	0x27, 0x39, 0xcc, 0x9b, 0xfe, 0xfe, 0x80, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0x86, 0x00, 0x95,
	0x4c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x07, 0xd0, 0x03, 0x04, 0x40,
	0x40, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0x00, 0x00, 0x00, 0x00, 0x20, 0x01, 0x00,
	0x00, 0xc6, 0x33, 0x64, 0x01, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x01, 0x00,
	0x00, 0x00, 0x00, 0x05, 0x00,
};

static void teredo_ra_captured(struct kunit *test)
{
	static const u8 sent[TEREDO_NONCE_LEN] = {
		0xde, 0xad, 0xbe, 0xef, 0x01, 0x23, 0x45, 0x67,
	};
	struct teredo_pkt pkt;
	struct teredo_ra ra;
	struct in6_addr a;
	size_t i;

	KUNIT_EXPECT_EQ(test, teredo_classify(ra_captured, sizeof(ra_captured),
					      &pkt), TEREDO_PKT_RA);
	KUNIT_ASSERT_EQ(test, teredo_parse_ra(ra_captured, sizeof(ra_captured),
					      sent, IP(198, 51, 100, 1), &ra),
			0);
	KUNIT_EXPECT_EQ(test, ntohl(ra.addr.mapped_ip), IPH(198, 51, 100, 30));
	KUNIT_EXPECT_EQ(test, ntohs(ra.addr.mapped_port), 40000);
	KUNIT_EXPECT_EQ(test, ra.mtu, 1280);
	KUNIT_EXPECT_FALSE(test, ra.cone);
	teredo_addr_build(&a, &ra.addr);
	expect_bytes(test, a.s6_addr,
		     "\x20\x01\x00\x00\xc6\x33\x64\x01"
		     "\x00\x00\x63\xbf\x39\xcc\x9b\xe1", 16, "address");
	/*
	 * ra_miredo, assembled from Miredo's source, has the same bytes but
	 * for the nonce, the origin indication, and the server address (in
	 * its link-local source and in the prefix)
	 */
	for (i = 0; i < sizeof(ra_captured); i++) {
		if ((i >= 4 && i < 12) || (i >= 15 && i < 21) ||
		    (i >= RA_IP6 + 20 && i < RA_IP6 + 24) ||
		    (i >= RA_PI + 20 && i < RA_PI + 24))
			continue;
		KUNIT_EXPECT_EQ_MSG(test, ra_captured[i], ra_miredo[i],
				    "byte %zu", i);
	}
	KUNIT_EXPECT_EQ(test, teredo_parse_ra(ra_captured, sizeof(ra_captured),
					      nonce, IP(198, 51, 100, 1), &ra),
			-EPERM);
	KUNIT_EXPECT_EQ(test, teredo_parse_ra(ra_captured, sizeof(ra_captured),
					      sent, RA_SERVER, &ra), -EXDEV);
}

/* The cone RA gives back the addrcmp.c address */
static void teredo_ra_miredo_cone(struct kunit *test)
{
	struct teredo_ra ra;
	struct in6_addr a;

	KUNIT_ASSERT_EQ(test, teredo_parse_ra(ra_miredo_cone,
					      sizeof(ra_miredo_cone), nonce,
					      RA_SERVER, &ra), 0);
	KUNIT_EXPECT_TRUE(test, ra.cone);
	KUNIT_EXPECT_EQ(test, ra.addr.flags, TEREDO_FLAG_CONE);
	teredo_addr_build(&a, &ra.addr);
	expect_bytes(test, a.s6_addr,
		     "\x20\x01\x00\x00\xc0\x00\x02\x01"
		     "\x80\x00\xcf\xc6\x3f\xff\xfd\x74", 16, "address");
}

static void teredo_ra_classify(struct kunit *test)
{
	struct teredo_pkt pkt;

	KUNIT_EXPECT_EQ(test, teredo_classify(ra_miredo, sizeof(ra_miredo),
					      &pkt), TEREDO_PKT_RA);
	KUNIT_EXPECT_TRUE(test, pkt.has_auth);
	KUNIT_EXPECT_EQ(test, pkt.auth.nonce_off, 4);
	KUNIT_EXPECT_EQ(test, pkt.auth.confirmation, 0);
	KUNIT_EXPECT_TRUE(test, pkt.has_origin);
	KUNIT_EXPECT_EQ(test, ntohl(pkt.origin_ip), IPH(192, 0, 2, 139));
	KUNIT_EXPECT_EQ(test, ntohs(pkt.origin_port), 12345);
	KUNIT_EXPECT_EQ(test, pkt.ip6_off, RA_IP6);
	KUNIT_EXPECT_EQ(test, pkt.ip6_len, 40 + 56);
	KUNIT_EXPECT_EQ(test, pkt.icmp6_type, 134);
}

static void teredo_ra_truncated(struct kunit *test)
{
	struct teredo_ra ra;
	struct teredo_pkt pkt;
	size_t n;

	for (n = 0; n < sizeof(ra_miredo); n++) {
		u8 *b = dup(test, ra_miredo, n);
		/* auth 0..12, origin 13..20, IPv6 header 21..60: truncated
		 * structures; past that, the payload length overflows
		 */
		int want = n < RA_ICMP ? -ENODATA : -EOVERFLOW;

		KUNIT_EXPECT_EQ_MSG(test, teredo_parse_ra(b, n, nonce,
							  RA_SERVER, &ra),
				    want, "len %zu", n);
		KUNIT_EXPECT_EQ_MSG(test, teredo_classify(b, n, &pkt), want,
				    "len %zu", n);
		KUNIT_EXPECT_EQ(test, pkt.kind, TEREDO_PKT_MALFORMED);
		KUNIT_EXPECT_EQ(test, pkt.err, want);
		kfree(b);
	}
}

static void teredo_ra_trailing(struct kunit *test)
{
	struct teredo_ra ra;
	u8 *b = kzalloc(sizeof(ra_miredo) + 5, GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, b);
	memcpy(b, ra_miredo, sizeof(ra_miredo));
	KUNIT_EXPECT_EQ(test, teredo_parse_ra(b, sizeof(ra_miredo) + 5, nonce,
					      RA_SERVER, &ra), 0);
	kfree(b);
}

struct ra_mutation {
	const char *what;
	unsigned int off;	/* in ra_miredo */
	u8 val;
	bool fix_csum;
	int err;
};

static const struct ra_mutation ra_mutations[] = {
	{ "unknown Teredo header", 1, 0x02, false, -EPROTO },
	{ "nonce", 4, 0x4c, false, -EPERM },
	{ "nonce, last byte", 11, 0x89, false, -EPERM },
	{ "confirmation", 12, 0x01, false, -EACCES },
	{ "IP version 4", RA_IP6, 0x45, false, -EPROTONOSUPPORT },
	{ "IP version 0", RA_IP6, 0x00, false, -ETOOMANYREFS },
	{ "payload length + 1", RA_IP6 + 5, 0x39, false, -EOVERFLOW },
	{ "payload length 0xff38", RA_IP6 + 4, 0xff, false, -EOVERFLOW },
	{ "next header UDP", RA_IP6 + 6, 17, false, -ENOMSG },
	{ "next header none", RA_IP6 + 6, 59, false, -ENOMSG },
	{ "hop limit 254", RA_IP6 + 7, 254, false, -EREMOTE },
	{ "hop limit 0", RA_IP6 + 7, 0, false, -EREMOTE },
	{ "source global", RA_IP6 + 8, 0x20, true, -EADDRNOTAVAIL },
	{ "source fec0::", RA_IP6 + 9, 0xc0, true, -EADDRNOTAVAIL },
	{ "source fe7f::", RA_IP6 + 9, 0x7f, true, -EADDRNOTAVAIL },
	{ "source fe81::", RA_IP6 + 9, 0x81, true, 0 },
	{ "source febf::", RA_IP6 + 9, 0xbf, true, 0 },
	{ "destination fe80::ffff:ffff:fffe", RA_IP6 + 39, 0xfe, true,
	  -EDESTADDRREQ },
	{ "destination global", RA_IP6 + 24, 0x20, true, -EDESTADDRREQ },
	{ "ICMPv6 type RS", RA_ICMP, 133, true, -ENOMSG },
	{ "ICMPv6 type echo reply", RA_ICMP, 129, true, -ENOMSG },
	{ "ICMPv6 code 1", RA_ICMP + 1, 1, true, -ENOMSG },
	{ "checksum", RA_ICMP + 2, 0x94, false, -EBADMSG },
	{ "checksum low byte", RA_ICMP + 3, 0x4d, false, -EBADMSG },
	{ "router lifetime, checksum not fixed", RA_ICMP + 6, 1, false,
	  -EBADMSG },
	{ "prefix, checksum not fixed", RA_PI + 17, 0x02, false, -EBADMSG },
	{ "router lifetime", RA_ICMP + 6, 1, true, 0 },
	{ "prefix option length 0", RA_PI + 1, 0, true, -EUCLEAN },
	{ "prefix option length 3", RA_PI + 1, 3, true, -EUCLEAN },
	{ "prefix option length 6", RA_PI + 1, 6, true, -EUCLEAN },
	{ "MTU option length 0", RA_MTU + 1, 0, true, -EUCLEAN },
	{ "MTU option length 2", RA_MTU + 1, 2, true, -EUCLEAN },
	{ "MTU option length 255", RA_MTU + 1, 255, true, -EUCLEAN },
	{ "prefix length 48", RA_PI + 2, 48, true, -EAFNOSUPPORT },
	{ "prefix length 128", RA_PI + 2, 128, true, -EAFNOSUPPORT },
	{ "prefix 2002::", RA_PI + 17, 0x02, true, -EAFNOSUPPORT },
	{ "prefix 2001:1::", RA_PI + 19, 0x01, true, -EAFNOSUPPORT },
	{ "prefix of server 192.0.2.2", RA_PI + 23, 0x02, true, -EXDEV },
	{ "MTU 66816", RA_MTU + 5, 0x01, true, -ERANGE },
	{ "MTU 0xff000500", RA_MTU + 4, 0xff, true, -ERANGE },
	{ "prefix option type 4", RA_PI, 4, true, -ENOENT },
	{ "MTU option type 3 (a short prefix option)", RA_MTU, 3, true,
	  -EUCLEAN },
	{ "MTU option type 1 (ignored)", RA_MTU, 1, true, 0 },
	{ "prefix flags 0", RA_PI + 3, 0, true, 0 },
};

static void teredo_ra_mutations(struct kunit *test)
{
	struct teredo_ra ra;
	u8 b[sizeof(ra_miredo)];
	int i;

	for (i = 0; i < ARRAY_SIZE(ra_mutations); i++) {
		const struct ra_mutation *m = &ra_mutations[i];
		u8 *p;

		memcpy(b, ra_miredo, sizeof(b));
		b[m->off] = m->val;
		if (m->fix_csum)
			fix_icmp6_csum(b + RA_IP6);
		p = dup(test, b, sizeof(b));
		KUNIT_EXPECT_EQ_MSG(test, teredo_parse_ra(p, sizeof(b), nonce,
							  RA_SERVER, &ra),
				    m->err, "%s", m->what);
		kfree(p);
	}
}

static void teredo_ra_values(struct kunit *test)
{
	static const struct { u8 b[4]; int err; u32 mtu; } mtus[] = {
		{ { 0, 0, 0x05, 0x00 }, 0, 1280 },
		{ { 0, 0, 0x04, 0xff }, -ERANGE, 0 },
		{ { 0, 0, 0x05, 0xdc }, 0, 1500 },
		{ { 0, 0, 0xff, 0xff }, 0, 65535 },
		{ { 0, 1, 0x00, 0x00 }, -ERANGE, 0 },
		{ { 0, 0, 0x00, 0x00 }, -ERANGE, 0 },
	};
	struct teredo_ra ra;
	u8 b[sizeof(ra_miredo)];
	int i;

	for (i = 0; i < ARRAY_SIZE(mtus); i++) {
		memcpy(b, ra_miredo, sizeof(b));
		memcpy(b + RA_MTU + 4, mtus[i].b, 4);
		fix_icmp6_csum(b + RA_IP6);
		ra.mtu = 0xdead;
		KUNIT_EXPECT_EQ_MSG(test, teredo_parse_ra(b, sizeof(b), nonce,
							  RA_SERVER, &ra),
				    mtus[i].err, "MTU #%d", i);
		if (!mtus[i].err)
			KUNIT_EXPECT_EQ(test, ra.mtu, mtus[i].mtu);
		else
			KUNIT_EXPECT_EQ(test, ra.mtu, 0xdead);
	}

	/* origin indication gives 0.0.0.0 */
	memcpy(b, ra_miredo, sizeof(b));
	memset(b + 17, 0xff, 4);
	KUNIT_EXPECT_EQ(test, teredo_parse_ra(b, sizeof(b), nonce, RA_SERVER,
					      &ra), -ENXIO);

	/* the obsolete prefix some servers advertise is taken as 2001:0:: */
	memcpy(b, ra_miredo, sizeof(b));
	memcpy(b + RA_PI + 16, "\x3f\xfe\x83\x1f", 4);
	fix_icmp6_csum(b + RA_IP6);
	KUNIT_EXPECT_EQ(test, teredo_parse_ra(b, sizeof(b), nonce, RA_SERVER,
					      &ra), 0);
	KUNIT_EXPECT_EQ(test, ntohl(ra.addr.server), IPH(192, 0, 2, 1));

	/* wrong server, wrong nonce, no nonce from the caller */
	KUNIT_EXPECT_EQ(test, teredo_parse_ra(ra_miredo, sizeof(ra_miredo),
					      nonce, IP(192, 0, 2, 2), &ra),
			-EXDEV);
	KUNIT_EXPECT_EQ(test, teredo_parse_ra(ra_miredo, sizeof(ra_miredo),
					      "\x4b\x1d\x0e\xa3\x27\x59\xc6\x89",
					      RA_SERVER, &ra), -EPERM);
	KUNIT_EXPECT_EQ(test, teredo_parse_ra(ra_miredo, sizeof(ra_miredo),
					      NULL, RA_SERVER, &ra), -EINVAL);
}

static void teredo_ra_structure(struct kunit *test)
{
	static const u8 sllao[8] = { 1, 1, 0, 1, 2, 3, 4, 5 };
	static const u8 pad4[4];
	static const struct {
		const char *what;
		struct ra_spec spec;
		int err;
		u32 mtu;
	} cases[] = {
		{ "no auth", { .no_auth = true, .opts = { ra_miredo + RA_PI },
			       .opt_len = { 32 } }, -ENOKEY },
		{ "no origin", { .no_origin = true,
				 .opts = { ra_miredo + RA_PI },
				 .opt_len = { 32 } }, -ENXIO },
		{ "origin before auth", { .origin_first = true,
					  .opts = { ra_miredo + RA_PI },
					  .opt_len = { 32 } }, -ETOOMANYREFS },
		{ "no options", { }, -ENOENT },
		{ "MTU only", { .opts = { ra_miredo + RA_MTU },
				.opt_len = { 8 } }, -ENOENT },
		{ "prefix only", { .opts = { ra_miredo + RA_PI },
				   .opt_len = { 32 } }, 0, 0 },
		{ "MTU then prefix", { .opts = { ra_miredo + RA_MTU,
						 ra_miredo + RA_PI },
				       .opt_len = { 8, 32 } }, 0, 1280 },
		{ "two prefixes", { .opts = { ra_miredo + RA_PI,
					      ra_miredo + RA_PI },
				    .opt_len = { 32, 32 } }, -ENOTUNIQ },
		{ "two MTUs", { .opts = { ra_miredo + RA_PI,
					  ra_miredo + RA_MTU,
					  ra_miredo + RA_MTU },
				.opt_len = { 32, 8, 8 } }, -ENOTUNIQ },
		{ "source link-layer option", { .opts = { sllao,
							  ra_miredo + RA_PI,
							  sllao },
						.opt_len = { 8, 32, 8 } },
		  0, 0 },
		{ "4 bytes after the options", { .opts = { ra_miredo + RA_PI,
							   pad4 },
						 .opt_len = { 32, 4 } },
		  -EUCLEAN },
		{ "prefix option cut short", { .opts = { ra_miredo + RA_PI },
					       .opt_len = { 24 } },
		  -EUCLEAN },
	};
	struct teredo_ra ra;
	u8 buf[200];
	size_t len, off;
	int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		u8 *p;

		len = ra_build(buf, &cases[i].spec, &off);
		p = dup(test, buf, len);
		ra.mtu = 0xdead;
		KUNIT_EXPECT_EQ_MSG(test, teredo_parse_ra(p, len, nonce,
							  RA_SERVER, &ra),
				    cases[i].err, "%s", cases[i].what);
		if (!cases[i].err)
			KUNIT_EXPECT_EQ_MSG(test, ra.mtu, cases[i].mtu, "%s",
					    cases[i].what);
		kfree(p);
	}

	/* an RA message shorter than its 16-byte header */
	for (len = 0; len < 16; len++) {
		u8 *p;

		memcpy(buf, ra_miredo, RA_ICMP + 16);
		buf[RA_IP6 + 4] = 0;
		buf[RA_IP6 + 5] = len;
		fix_icmp6_csum(buf + RA_IP6);
		p = dup(test, buf, RA_ICMP + len);
		KUNIT_EXPECT_EQ_MSG(test, teredo_parse_ra(p, RA_ICMP + len,
							  nonce, RA_SERVER,
							  &ra),
				    -EUCLEAN, "RA length %zu", len);
		kfree(p);
	}
}

static struct kunit_case teredo_proto_ra_cases[] = {
	KUNIT_CASE(teredo_ra_miredo),
	KUNIT_CASE(teredo_ra_miredo_cone),
	KUNIT_CASE(teredo_ra_captured),
	KUNIT_CASE(teredo_ra_classify),
	KUNIT_CASE(teredo_ra_truncated),
	KUNIT_CASE(teredo_ra_trailing),
	KUNIT_CASE(teredo_ra_mutations),
	KUNIT_CASE(teredo_ra_values),
	KUNIT_CASE(teredo_ra_structure),
	{}
};

static struct kunit_suite teredo_proto_ra_suite = {
	.name = "teredo_proto_ra",
	.test_cases = teredo_proto_ra_cases,
};

/* ---- bubbles ------------------------------------------------------- */

static const struct in6_addr *bubble_src(void)
{
	/* RFC 4380 section 4: a cone client behind 192.0.2.45:40000 */
	static const struct in6_addr a = {
		.in6_u.u6_addr8 = { 0x20, 0x01, 0x00, 0x00, 0x41, 0x36, 0xe3,
				    0x78, 0x80, 0x00, 0x63, 0xbf, 0x3f, 0xff,
				    0xfd, 0xd2 },
	};
	return &a;
}

static const struct in6_addr *bubble_dst(void)
{
	static const struct in6_addr a = {
		.in6_u.u6_addr8 = { 0x20, 0x01, 0x00, 0x00, 0xc0, 0x00, 0x02,
				    0x01, 0x80, 0x00, 0xcf, 0xc6, 0x3f, 0xff,
				    0xfd, 0x74 },
	};
	return &a;
}

static void teredo_bubble_build(struct kunit *test)
{
	static const u8 head[8] = { 0x60, 0, 0, 0, 0, 0, 59, 0 };
	struct teredo_pkt pkt;
	u8 buf[TEREDO_BUBBLE_LEN + 1];

	memset(buf, 0xaa, sizeof(buf));
	KUNIT_ASSERT_EQ(test, teredo_build_bubble(buf, sizeof(buf),
						  bubble_src(), bubble_dst()),
			TEREDO_BUBBLE_LEN);
	expect_bytes(test, buf, head, 8, "bubble header");
	expect_bytes(test, buf + 8, bubble_src()->s6_addr, 16, "source");
	expect_bytes(test, buf + 24, bubble_dst()->s6_addr, 16, "dest");
	KUNIT_EXPECT_EQ(test, buf[40], 0xaa);
	KUNIT_EXPECT_TRUE(test, teredo_is_bubble(buf, TEREDO_BUBBLE_LEN));
	KUNIT_EXPECT_EQ(test, teredo_classify(buf, TEREDO_BUBBLE_LEN, &pkt),
			TEREDO_PKT_BUBBLE);
	KUNIT_EXPECT_EQ(test, pkt.ip6_off, 0);
	KUNIT_EXPECT_EQ(test, pkt.ip6_len, 40);
	KUNIT_EXPECT_EQ(test, pkt.nexthdr, 59);
	KUNIT_EXPECT_FALSE(test, pkt.has_origin);
	KUNIT_EXPECT_FALSE(test, pkt.has_auth);

	/* replying in place: source and destination swap through buf */
	KUNIT_ASSERT_EQ(test, teredo_build_bubble(buf, TEREDO_BUBBLE_LEN,
						  (struct in6_addr *)(buf + 24),
						  (struct in6_addr *)(buf + 8)),
			TEREDO_BUBBLE_LEN);
	expect_bytes(test, buf + 8, bubble_dst()->s6_addr, 16, "swapped src");
	expect_bytes(test, buf + 24, bubble_src()->s6_addr, 16, "swapped dst");
}

static void teredo_bubble_indirect(struct kunit *test)
{
	struct teredo_pkt pkt;
	u8 buf[13 + 8 + 40];
	size_t n;

	/* origin indication + bubble, as a server relays it */
	memcpy(buf, origin_337, 8);
	teredo_build_bubble(buf + 8, 40, bubble_src(), bubble_dst());
	KUNIT_EXPECT_EQ(test, teredo_classify(buf, 48, &pkt),
			TEREDO_PKT_INDIRECT_BUBBLE);
	KUNIT_EXPECT_TRUE(test, pkt.has_origin);
	KUNIT_EXPECT_EQ(test, ntohl(pkt.origin_ip), IPH(1, 2, 3, 4));
	KUNIT_EXPECT_EQ(test, ntohs(pkt.origin_port), 337);
	KUNIT_EXPECT_EQ(test, pkt.ip6_off, 8);
	KUNIT_EXPECT_TRUE(test, teredo_is_bubble(buf + pkt.ip6_off,
						 pkt.ip6_len));
	for (n = 0; n < 48; n++) {
		u8 *b = dup(test, buf, n);

		KUNIT_EXPECT_EQ_MSG(test, teredo_classify(b, n, &pkt),
				    -ENODATA, "len %zu", n);
		kfree(b);
	}

	/* with an authentication header first */
	teredo_auth_build(buf, 13, nonce, 0);
	memcpy(buf + 13, origin_337, 8);
	teredo_build_bubble(buf + 21, 40, bubble_src(), bubble_dst());
	KUNIT_EXPECT_EQ(test, teredo_classify(buf, sizeof(buf), &pkt),
			TEREDO_PKT_INDIRECT_BUBBLE);
	KUNIT_EXPECT_TRUE(test, pkt.has_auth);
	KUNIT_EXPECT_EQ(test, pkt.ip6_off, 21);

	/* authentication header alone: a plain bubble */
	teredo_build_bubble(buf + 13, 40, bubble_src(), bubble_dst());
	KUNIT_EXPECT_EQ(test, teredo_classify(buf, 53, &pkt),
			TEREDO_PKT_BUBBLE);
	KUNIT_EXPECT_TRUE(test, pkt.has_auth);
}

static void teredo_bubble_not(struct kunit *test)
{
	struct teredo_pkt pkt;
	u8 buf[41];
	size_t n;

	teredo_build_bubble(buf, sizeof(buf), bubble_src(), bubble_dst());
	buf[40] = 0;
	/* one byte after a bubble is excess, not payload */
	KUNIT_EXPECT_TRUE(test, teredo_is_bubble(buf, 41));
	KUNIT_EXPECT_EQ(test, teredo_classify(buf, 41, &pkt),
			TEREDO_PKT_BUBBLE);
	KUNIT_EXPECT_EQ(test, pkt.ip6_len, 40);

	/* payload length 1, next header 59: data for the stack */
	buf[5] = 1;
	KUNIT_EXPECT_FALSE(test, teredo_is_bubble(buf, 41));
	KUNIT_EXPECT_EQ(test, teredo_classify(buf, 41, &pkt), TEREDO_PKT_DATA);
	buf[5] = 0;

	/* empty ICMPv6 */
	buf[6] = IPPROTO_ICMPV6;
	KUNIT_EXPECT_FALSE(test, teredo_is_bubble(buf, 40));
	KUNIT_EXPECT_EQ(test, teredo_classify(buf, 40, &pkt), TEREDO_PKT_DATA);
	KUNIT_EXPECT_EQ(test, pkt.icmp6_type, 0);
	buf[6] = 59;

	/* version 4 */
	buf[0] = 0x40;
	KUNIT_EXPECT_FALSE(test, teredo_is_bubble(buf, 40));
	KUNIT_EXPECT_EQ(test, teredo_classify(buf, 40, &pkt),
			-EPROTONOSUPPORT);
	buf[0] = 0x60;

	for (n = 0; n < 40; n++) {
		u8 *b = dup(test, buf, n);

		KUNIT_EXPECT_FALSE_MSG(test, teredo_is_bubble(b, n), "len %zu",
				       n);
		KUNIT_EXPECT_EQ_MSG(test, teredo_classify(b, n, &pkt),
				    -ENODATA, "len %zu", n);
		kfree(b);
	}
	for (n = 0; n < TEREDO_BUBBLE_LEN; n++) {
		u8 *b = kmalloc(n, GFP_KERNEL);

		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, b);
		KUNIT_EXPECT_EQ_MSG(test, teredo_build_bubble(b, n, bubble_src(),
							      bubble_dst()),
				    -EMSGSIZE, "len %zu", n);
		kfree(b);
	}
}

static struct kunit_case teredo_proto_bubble_cases[] = {
	KUNIT_CASE(teredo_bubble_build),
	KUNIT_CASE(teredo_bubble_indirect),
	KUNIT_CASE(teredo_bubble_not),
	{}
};

static struct kunit_suite teredo_proto_bubble_suite = {
	.name = "teredo_proto_bubble",
	.test_cases = teredo_proto_bubble_cases,
};

/* ---- relay discovery echo ------------------------------------------ */

static const struct in6_addr *native_peer(void)
{
	static const struct in6_addr a = {
		.in6_u.u6_addr8 = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
				    0, 0, 0, 0, 0, 0, 0, 1 },
	};
	return &a;
}

static void teredo_echo_build(struct kunit *test)
{
	static const u8 head[8] = { 0x60, 0, 0, 0, 0, 12, 58, 128 };
	u8 buf[TEREDO_ECHO_LEN + 1];
	size_t n;

	memset(buf, 0xaa, sizeof(buf));
	KUNIT_ASSERT_EQ(test, teredo_build_echo(buf, sizeof(buf), bubble_src(),
						native_peer(), nonce),
			TEREDO_ECHO_LEN);
	expect_bytes(test, buf, head, 8, "echo IPv6 header");
	expect_bytes(test, buf + 8, bubble_src()->s6_addr, 16, "source");
	expect_bytes(test, buf + 24, native_peer()->s6_addr, 16, "dest");
	KUNIT_EXPECT_EQ(test, buf[40], 128);
	KUNIT_EXPECT_EQ(test, buf[41], 0);
	expect_bytes(test, buf + 44, nonce, 8, "nonce");
	KUNIT_EXPECT_EQ(test, buf[TEREDO_ECHO_LEN], 0xaa);
	KUNIT_EXPECT_TRUE(test, icmp6_csum_valid(buf));
	/* our own request is not a reply */
	KUNIT_EXPECT_EQ(test, teredo_parse_echo_reply(buf, TEREDO_ECHO_LEN,
						      nonce), -ENOMSG);

	for (n = 0; n < TEREDO_ECHO_LEN; n++) {
		u8 *b = kmalloc(n, GFP_KERNEL);

		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, b);
		KUNIT_EXPECT_EQ_MSG(test, teredo_build_echo(b, n, bubble_src(),
							    native_peer(),
							    nonce),
				    -EMSGSIZE, "len %zu", n);
		kfree(b);
	}
}

/* Turn our request into the reply the peer sends back. */
static void make_reply(u8 *buf)
{
	u8 tmp[16];

	teredo_build_echo(buf, TEREDO_ECHO_LEN, bubble_src(), native_peer(),
			  nonce);
	memcpy(tmp, buf + 8, 16);
	memcpy(buf + 8, buf + 24, 16);
	memcpy(buf + 24, tmp, 16);
	buf[7] = 57;
	buf[40] = 129;
	fix_icmp6_csum(buf);
}

static void teredo_echo_reply(struct kunit *test)
{
	struct teredo_pkt pkt;
	u8 buf[TEREDO_ECHO_LEN + 1];
	size_t n;

	make_reply(buf);
	KUNIT_EXPECT_EQ(test, teredo_parse_echo_reply(buf, TEREDO_ECHO_LEN,
						      nonce), 0);
	KUNIT_EXPECT_EQ(test, teredo_classify(buf, TEREDO_ECHO_LEN, &pkt),
			TEREDO_PKT_DATA);
	KUNIT_EXPECT_EQ(test, pkt.icmp6_type, 129);
	KUNIT_EXPECT_EQ(test, teredo_parse_echo_reply(buf, TEREDO_ECHO_LEN,
						      "\x4b\x1d\x0e\xa3\x27"
						      "\x59\xc6\x87"), -EPERM);

	for (n = 0; n < TEREDO_ECHO_LEN; n++) {
		u8 *b = dup(test, buf, n);

		KUNIT_EXPECT_EQ_MSG(test, teredo_parse_echo_reply(b, n, nonce),
				    n < 40 ? -ENODATA : -EOVERFLOW,
				    "len %zu", n);
		kfree(b);
	}

	buf[43] ^= 1;
	KUNIT_EXPECT_EQ(test, teredo_parse_echo_reply(buf, TEREDO_ECHO_LEN,
						      nonce), -EBADMSG);
	make_reply(buf);
	buf[41] = 1;
	fix_icmp6_csum(buf);
	KUNIT_EXPECT_EQ(test, teredo_parse_echo_reply(buf, TEREDO_ECHO_LEN,
						      nonce), -ENOMSG);
	make_reply(buf);
	buf[6] = 17;
	KUNIT_EXPECT_EQ(test, teredo_parse_echo_reply(buf, TEREDO_ECHO_LEN,
						      nonce), -ENOMSG);
	make_reply(buf);
	buf[0] = 0x40;
	KUNIT_EXPECT_EQ(test, teredo_parse_echo_reply(buf, TEREDO_ECHO_LEN,
						      nonce), -EPROTONOSUPPORT);
	/* one byte longer or shorter than our request */
	make_reply(buf);
	buf[5] = 13;
	buf[TEREDO_ECHO_LEN] = 0;
	fix_icmp6_csum(buf);
	KUNIT_EXPECT_EQ(test, teredo_parse_echo_reply(buf, TEREDO_ECHO_LEN + 1,
						      nonce), -EUCLEAN);
	make_reply(buf);
	buf[5] = 11;
	fix_icmp6_csum(buf);
	KUNIT_EXPECT_EQ(test, teredo_parse_echo_reply(buf, TEREDO_ECHO_LEN,
						      nonce), -EUCLEAN);
}

static struct kunit_case teredo_proto_echo_cases[] = {
	KUNIT_CASE(teredo_echo_build),
	KUNIT_CASE(teredo_echo_reply),
	{}
};

static struct kunit_suite teredo_proto_echo_suite = {
	.name = "teredo_proto_echo",
	.test_cases = teredo_proto_echo_cases,
};

/* ---- the classifier ------------------------------------------------ */

/* A UDP datagram in IPv6, from a native peer to a Teredo client */
static size_t make_data(u8 *buf)
{
	static const u8 udp[12] = { 0x30, 0x39, 0x00, 0x35, 0x00, 0x0c, 0, 0,
				    'd', 'a', 't', 'a' };

	teredo_build_bubble(buf, 40, native_peer(), bubble_src());
	buf[5] = sizeof(udp);
	buf[6] = IPPROTO_UDP;
	buf[7] = 64;
	memcpy(buf + 40, udp, sizeof(udp));
	return 40 + sizeof(udp);
}

static void teredo_classify_data(struct kunit *test)
{
	struct teredo_pkt pkt;
	u8 buf[100];
	size_t n = make_data(buf);

	KUNIT_EXPECT_EQ(test, teredo_classify(buf, n, &pkt), TEREDO_PKT_DATA);
	KUNIT_EXPECT_EQ(test, pkt.ip6_off, 0);
	KUNIT_EXPECT_EQ(test, pkt.ip6_len, n);
	KUNIT_EXPECT_EQ(test, pkt.nexthdr, IPPROTO_UDP);
	KUNIT_EXPECT_EQ(test, pkt.icmp6_type, 0);
	KUNIT_EXPECT_EQ(test, pkt.err, 0);

	/* excess bytes are not part of the IPv6 packet */
	KUNIT_EXPECT_EQ(test, teredo_classify(buf, n + 7, &pkt),
			TEREDO_PKT_DATA);
	KUNIT_EXPECT_EQ(test, pkt.ip6_len, n);

	/* behind an origin indication (relayed by the server) */
	memmove(buf + 8, buf, n);
	memcpy(buf, origin_337, 8);
	KUNIT_EXPECT_EQ(test, teredo_classify(buf, n + 8, &pkt),
			TEREDO_PKT_DATA);
	KUNIT_EXPECT_TRUE(test, pkt.has_origin);
	KUNIT_EXPECT_EQ(test, pkt.ip6_off, 8);
	KUNIT_EXPECT_EQ(test, pkt.ip6_len, n);
}

static const u8 ipv4_hdr[40] = { 0x45, 0x00, 0x00, 0x28 };

static void teredo_classify_errors(struct kunit *test)
{
	static const struct {
		const char *what;
		const u8 *b;
		size_t len;
		int err;
	} cases[] = {
		{ "empty", "", 0, -ENODATA },
		{ "one zero byte", "\x00", 1, -ENODATA },
		{ "one byte", "\x60", 1, -ENODATA },
		{ "header type 2", "\x00\x02", 2, -EPROTO },
		{ "header type 255", "\x00\xff\x00\x00\x00\x00\x00\x00", 8,
		  -EPROTO },
		{ "two origin indications",
		  "\x00\x00\xfe\xae\xfe\xfd\xfc\xfb\x00\x00\xfe\xae\xfe\xfd\xfc"
		  "\xfb", 16, -ETOOMANYREFS },
		{ "two auth headers",
		  "\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
		  "\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00", 26,
		  -ETOOMANYREFS },
		{ "origin then type 7",
		  "\x00\x00\xfe\xae\xfe\xfd\xfc\xfb\x00\x07", 10, -EPROTO },
		{ "IPv4", ipv4_hdr, sizeof(ipv4_hdr), -EPROTONOSUPPORT },
	};
	struct teredo_pkt pkt;
	int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		u8 *b = dup(test, cases[i].b, cases[i].len);

		KUNIT_EXPECT_EQ_MSG(test, teredo_classify(b, cases[i].len, &pkt),
				    cases[i].err, "%s", cases[i].what);
		KUNIT_EXPECT_EQ_MSG(test, pkt.kind, TEREDO_PKT_MALFORMED, "%s",
				    cases[i].what);
		KUNIT_EXPECT_EQ_MSG(test, pkt.err, cases[i].err, "%s",
				    cases[i].what);
		kfree(b);
	}
}

/* An RA never passes as data, even without authentication */
static void teredo_classify_any_ra(struct kunit *test)
{
	struct ra_spec spec = ra_std;
	struct teredo_pkt pkt;
	struct teredo_ra ra;
	u8 buf[160];
	size_t len, off;

	spec.no_auth = true;
	spec.no_origin = true;
	len = ra_build(buf, &spec, &off);
	KUNIT_EXPECT_EQ(test, off, 0);
	KUNIT_EXPECT_EQ(test, teredo_classify(buf, len, &pkt), TEREDO_PKT_RA);
	KUNIT_EXPECT_EQ(test, teredo_parse_ra(buf, len, nonce, RA_SERVER, &ra),
			-ENOKEY);
}

/* Every truncation of every sample, from exact-size buffers. */
static void teredo_classify_truncations(struct kunit *test)
{
	u8 bubble[48], echo[TEREDO_ECHO_LEN], data[100];
	size_t data_len = make_data(data);
	const struct { const u8 *b; size_t len; } samples[] = {
		{ rs_restricted, sizeof(rs_restricted) },
		{ ra_miredo, sizeof(ra_miredo) },
		{ ra_miredo_cone, sizeof(ra_miredo_cone) },
		{ bubble, sizeof(bubble) },
		{ echo, sizeof(echo) },
		{ data, data_len },
		{ auth_id_au, sizeof(auth_id_au) },
	};
	struct teredo_pkt pkt;
	struct teredo_auth auth;
	struct teredo_ra ra;
	__be32 ip;
	__be16 port;
	size_t n;
	int i;

	memcpy(bubble, origin_337, 8);
	teredo_build_bubble(bubble + 8, 40, bubble_src(), bubble_dst());
	make_reply(echo);

	for (i = 0; i < ARRAY_SIZE(samples); i++) {
		for (n = 0; n <= samples[i].len; n++) {
			u8 *b = dup(test, samples[i].b, n);
			int r = teredo_classify(b, n, &pkt);

			if (n < samples[i].len || i == 6)
				KUNIT_EXPECT_TRUE_MSG(test, r == -ENODATA ||
						      r == -EOVERFLOW,
						      "sample %d len %zu: %d",
						      i, n, r);
			else
				KUNIT_EXPECT_GE_MSG(test, r, 0, "sample %d", i);
			if (r >= 0)
				KUNIT_EXPECT_LE(test, pkt.ip6_off + pkt.ip6_len,
						n);
			/* the other parsers must not over-read either */
			teredo_parse_ra(b, n, nonce, RA_SERVER, &ra);
			teredo_parse_echo_reply(b, n, nonce);
			teredo_is_bubble(b, n);
			teredo_auth_parse(b, n, &auth);
			teredo_origin_parse(b, n, &ip, &port);
			kfree(b);
		}
	}
}

/* The receive path may make only TEREDO_CLASSIFY_MAX_READ bytes linear. */
static void teredo_classify_max_read(struct kunit *test)
{
	const size_t len = 2000;
	struct teredo_pkt pkt;
	size_t off, plen;
	u8 *full, *head;

	full = kunit_kzalloc(test, len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, full);
	/* the largest authentication header, an origin indication */
	full[1] = TEREDO_HDR_AUTH;
	full[2] = 255;
	full[3] = 255;
	off = TEREDO_AUTH_MIN_LEN + 255 + 255;
	memcpy(full + off, origin_337, 8);
	off += 8;
	KUNIT_EXPECT_EQ(test, off + 41, TEREDO_CLASSIFY_MAX_READ);
	/* then an RA of 1000-odd bytes, of which we have only the type */
	plen = len - off - 40;
	full[off] = 0x60;
	full[off + 4] = plen >> 8;
	full[off + 5] = plen & 0xff;
	full[off + 6] = IPPROTO_ICMPV6;
	full[off + 40] = 134;

	head = dup(test, full, TEREDO_CLASSIFY_MAX_READ);
	KUNIT_EXPECT_EQ(test, teredo_classify(head, len, &pkt), TEREDO_PKT_RA);
	KUNIT_EXPECT_EQ(test, pkt.ip6_off, off);
	KUNIT_EXPECT_EQ(test, pkt.ip6_len, len - off);
	KUNIT_EXPECT_EQ(test, pkt.auth.nonce_off, 4 + 255 + 255);
	kfree(head);

	full[off + 6] = IPPROTO_UDP;
	head = dup(test, full, TEREDO_CLASSIFY_MAX_READ);
	KUNIT_EXPECT_EQ(test, teredo_classify(head, len, &pkt),
			TEREDO_PKT_DATA);
	kfree(head);
}

/* A little in-kernel fuzzing under KASAN: random edits of the samples */
static void teredo_classify_mutations(struct kunit *test)
{
	const u8 *seeds[] = { ra_miredo, ra_miredo_cone, rs_cone };
	const size_t seed_len[] = { sizeof(ra_miredo), sizeof(ra_miredo_cone),
				    sizeof(rs_cone) };
	struct teredo_auth auth;
	struct teredo_pkt pkt;
	struct teredo_ra ra;
	u8 work[160];
	u32 seed = 42;
	int i, j;

	for (i = 0; i < 20000; i++) {
		int s = lcg(&seed) % ARRAY_SIZE(seeds);
		size_t len = seed_len[s];
		int edits = 1 + lcg(&seed) % 4;
		u8 *b;
		int r;

		memcpy(work, seeds[s], len);
		for (j = 0; j < edits; j++)
			work[lcg(&seed) % len] = lcg(&seed);
		if (lcg(&seed) % 4 == 0)
			len = lcg(&seed) % (len + 1);
		b = dup(test, work, len);
		r = teredo_classify(b, len, &pkt);
		if (r >= 0 && pkt.ip6_off + pkt.ip6_len > len)
			KUNIT_FAIL(test, "iteration %d: IPv6 %u+%u past %zu",
				   i, pkt.ip6_off, pkt.ip6_len, len);
		if (r >= 0 && pkt.has_auth &&
		    pkt.auth.nonce_off + TEREDO_NONCE_LEN >= len)
			KUNIT_FAIL(test, "iteration %d: nonce past the end", i);
		if (!teredo_parse_ra(b, len, nonce, RA_SERVER, &ra) &&
		    r != TEREDO_PKT_RA)
			KUNIT_FAIL(test, "iteration %d: RA classified %d", i, r);
		teredo_auth_parse(b, len, &auth);
		if (r >= 0) {
			teredo_is_bubble(b + pkt.ip6_off, len - pkt.ip6_off);
			teredo_parse_echo_reply(b + pkt.ip6_off,
						len - pkt.ip6_off, nonce);
		}
		kfree(b);
	}
}

static struct kunit_case teredo_proto_classify_cases[] = {
	KUNIT_CASE(teredo_classify_data),
	KUNIT_CASE(teredo_classify_errors),
	KUNIT_CASE(teredo_classify_any_ra),
	KUNIT_CASE(teredo_classify_truncations),
	KUNIT_CASE(teredo_classify_max_read),
	KUNIT_CASE(teredo_classify_mutations),
	{}
};

static struct kunit_suite teredo_proto_classify_suite = {
	.name = "teredo_proto_classify",
	.test_cases = teredo_proto_classify_cases,
};

kunit_test_suites(&teredo_proto_addr_suite, &teredo_proto_hdr_suite,
		  &teredo_proto_csum_suite, &teredo_proto_rs_suite,
		  &teredo_proto_ra_suite, &teredo_proto_bubble_suite,
		  &teredo_proto_echo_suite, &teredo_proto_classify_suite);

MODULE_DESCRIPTION("KUnit tests for the Teredo wire format");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
