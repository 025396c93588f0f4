// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for kmod/proto.c, compiled unchanged in userspace
 * (include/ shims the few kernel headers it uses).
 *
 * Each input is fed to the classifier and to every parser, as it is and,
 * for ICMPv6, once more with its checksum fixed (so that the fuzzer gets
 * past the checksum into the RA options). The builders are run into
 * exact-size heap buffers derived from the input. Beyond ASan/UBSan, the
 * harness checks the API's promises (offsets in bounds, errno in the
 * documented set, classify and the parsers agreeing) and aborts on any
 * broken one.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/errno.h>

#include "proto.h"

/* The nonce and server of the seed RAs (corpus/ra-*) */
static const u8 seed_nonce[TEREDO_NONCE_LEN] = {
	0x4b, 0x1d, 0x0e, 0xa3, 0x27, 0x59, 0xc6, 0x88,
};

static const u8 seed_server[4] = { 192, 0, 2, 1 };

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: broken promise: %s\n",	\
				__FILE__, __LINE__, #cond);		\
			abort();					\
		}							\
	} while (0)

static bool err_in(int err, const int *set, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (err == set[i])
			return true;
	return false;
}

static const int classify_errs[] = {
	-ENODATA, -EOVERFLOW, -EPROTO, -ETOOMANYREFS, -EPROTONOSUPPORT,
};

static const int ra_errs[] = {
	-ENODATA, -EOVERFLOW, -EPROTO, -ETOOMANYREFS, -EPROTONOSUPPORT,
	-ENOKEY, -EPERM, -EACCES, -ENXIO, -ENOMSG, -EUCLEAN, -EREMOTE,
	-EADDRNOTAVAIL, -EDESTADDRREQ, -EBADMSG, -ENOTUNIQ, -ERANGE,
	-ENOENT, -EAFNOSUPPORT, -EXDEV,
};

static const int echo_errs[] = {
	-ENODATA, -EOVERFLOW, -EPROTONOSUPPORT, -ENOMSG, -EUCLEAN, -EBADMSG,
	-EPERM,
};

/* Reference checksum, written differently from proto.c's on purpose */
static u16 ref_csum(const u8 *s, const u8 *d, u8 proto, const u8 *p,
		    size_t len)
{
	u32 sum = 0;
	size_t i;

	for (i = 0; i < 16; i++) {
		sum += (i & 1) ? s[i] : s[i] << 8;
		sum += (i & 1) ? d[i] : d[i] << 8;
	}
	sum += (len >> 16) + (len & 0xffff) + proto;
	for (i = 0; i < len; i++) {
		sum += (i & 1) ? p[i] : p[i] << 8;
		sum = (sum & 0xffff) + (sum >> 16);
	}
	while (sum > 0xffff)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

static void check_ra(const u8 *buf, size_t len, const u8 *nonce,
		     const struct teredo_pkt *pkt, int kind)
{
	struct teredo_ra ra;
	__be32 server;
	int r;

	memcpy(&server, seed_server, 4);
	memset(&ra, 0xa5, sizeof(ra));
	r = teredo_parse_ra(buf, len, nonce, server, &ra);
	if (r) {
		CHECK(err_in(r, ra_errs, sizeof(ra_errs) / sizeof(int)));
		CHECK(ra.mtu == 0xa5a5a5a5);
		return;
	}
	CHECK(kind == TEREDO_PKT_RA);
	CHECK(pkt->has_auth && pkt->has_origin);
	CHECK(ra.addr.server == server);
	CHECK(ra.addr.mapped_ip == pkt->origin_ip && ra.addr.mapped_ip);
	CHECK(ra.addr.mapped_port == pkt->origin_port);
	CHECK(ra.mtu == 0 || (ra.mtu >= 1280 && ra.mtu <= 65535));
	CHECK(ra.addr.flags == (ra.cone ? TEREDO_FLAG_CONE : 0));
}

static void check_echo(const u8 *ip6, size_t len, const u8 *nonce)
{
	int r = teredo_parse_echo_reply(ip6, len, nonce);

	CHECK(r == 0 || err_in(r, echo_errs, sizeof(echo_errs) / sizeof(int)));
	if (!r)
		CHECK(len >= TEREDO_ECHO_LEN && ip6[40] == 129);
}

static void check_packet(const u8 *buf, size_t len)
{
	const u8 *nonce = seed_nonce;
	struct teredo_pkt pkt;
	int kind;

	kind = teredo_classify(buf, len, &pkt);
	if (kind < 0) {
		CHECK(pkt.kind == TEREDO_PKT_MALFORMED && pkt.err == kind);
		CHECK(err_in(kind, classify_errs,
			     sizeof(classify_errs) / sizeof(int)));
		check_ra(buf, len, nonce, &pkt, kind);
		return;
	}
	CHECK((int)pkt.kind == kind && !pkt.err);
	CHECK(pkt.ip6_len >= TEREDO_IPV6_HLEN);
	CHECK(pkt.ip6_off + pkt.ip6_len <= len);
	CHECK(buf[pkt.ip6_off] >> 4 == 6);
	if (pkt.has_auth) {
		CHECK(pkt.auth.nonce_off + TEREDO_NONCE_LEN < pkt.ip6_off);
		CHECK(pkt.auth.confirmation ==
		      buf[pkt.auth.nonce_off + TEREDO_NONCE_LEN]);
		nonce = buf + pkt.auth.nonce_off;
	}
	CHECK(pkt.ip6_off ==
	      (pkt.has_auth ? pkt.auth.nonce_off + TEREDO_NONCE_LEN + 1 : 0) +
	      (pkt.has_origin ? TEREDO_ORIGIN_LEN : 0));
	CHECK(teredo_is_bubble(buf + pkt.ip6_off, len - pkt.ip6_off) ==
	      (kind == TEREDO_PKT_BUBBLE ||
	       kind == TEREDO_PKT_INDIRECT_BUBBLE));
	CHECK(kind != TEREDO_PKT_INDIRECT_BUBBLE || pkt.has_origin);
	CHECK((kind == TEREDO_PKT_RA) ==
	      (pkt.nexthdr == 58 && pkt.ip6_len > 40 && buf[pkt.ip6_off + 40]
	       == 134));

	/* with the seed nonce, then with the packet's own */
	check_ra(buf, len, seed_nonce, &pkt, kind);
	if (pkt.has_auth)
		check_ra(buf, len, nonce, &pkt, kind);
	check_echo(buf + pkt.ip6_off, len - pkt.ip6_off, seed_nonce);
	if (pkt.ip6_len >= TEREDO_ECHO_LEN)
		check_echo(buf + pkt.ip6_off, len - pkt.ip6_off,
			   buf + pkt.ip6_off + 44);
}

/* Only the first TEREDO_CLASSIFY_MAX_READ bytes may be read. */
static void check_head_only(const u8 *data, size_t size)
{
	struct teredo_pkt a, b;
	u8 *head;
	int ra, rb;

	if (size <= TEREDO_CLASSIFY_MAX_READ)
		return;
	head = malloc(TEREDO_CLASSIFY_MAX_READ);
	CHECK(head);
	memcpy(head, data, TEREDO_CLASSIFY_MAX_READ);
	ra = teredo_classify(head, size, &a);
	rb = teredo_classify(data, size, &b);
	CHECK(ra == rb && a.kind == b.kind && a.err == b.err);
	if (ra >= 0)
		CHECK(a.ip6_off == b.ip6_off && a.ip6_len == b.ip6_len &&
		      a.nexthdr == b.nexthdr && a.icmp6_type == b.icmp6_type &&
		      a.has_auth == b.has_auth && a.has_origin == b.has_origin);
	free(head);
}

/* The same packet with its ICMPv6 checksum made right */
static void check_fixed(const u8 *data, size_t size)
{
	struct teredo_pkt pkt;
	u8 *buf, *ip6;
	u16 sum;

	if (teredo_classify(data, size, &pkt) < 0 || pkt.nexthdr != 58 ||
	    pkt.ip6_len < TEREDO_IPV6_HLEN + 4)
		return;
	buf = malloc(size);
	CHECK(buf);
	memcpy(buf, data, size);
	ip6 = buf + pkt.ip6_off;
	ip6[42] = 0;
	ip6[43] = 0;
	sum = ref_csum(ip6 + 8, ip6 + 24, 58, ip6 + 40, pkt.ip6_len - 40);
	ip6[42] = sum >> 8;
	ip6[43] = sum & 0xff;
	check_packet(buf, size);
	free(buf);
}

static void check_headers(const u8 *data, size_t size)
{
	struct teredo_auth auth;
	__be32 ip;
	__be16 port;
	int r;

	r = teredo_auth_parse(data, size, &auth);
	if (r >= 0) {
		CHECK((size_t)r <= size && r >= TEREDO_AUTH_MIN_LEN);
		CHECK(auth.nonce_off + TEREDO_NONCE_LEN + 1 == (unsigned int)r);
		CHECK(auth.id_off + auth.id_len == auth.au_off);
		CHECK(auth.au_off + auth.au_len == auth.nonce_off);
	} else {
		CHECK(r == -ENODATA || r == -ENOMSG || r == -EOVERFLOW);
	}
	r = teredo_origin_parse(data, size, &ip, &port);
	CHECK(r == TEREDO_ORIGIN_LEN || r == -ENODATA || r == -ENOMSG);
	if (r > 0) {
		u8 out[TEREDO_ORIGIN_LEN];

		CHECK(teredo_origin_build(out, sizeof(out), ip, port) ==
		      TEREDO_ORIGIN_LEN);
		CHECK(!memcmp(out, data, TEREDO_ORIGIN_LEN));
	}
}

static void check_addr(const u8 *data, size_t size)
{
	struct teredo_addr_info info;
	struct in6_addr a, b;
	__be32 ip;
	__be16 port;
	u16 f;

	if (size < 16)
		return;
	memcpy(a.s6_addr, data, 16);
	if (!teredo_addr_parse(&a, &info)) {
		CHECK(teredo_addr_is_teredo(&a));
		teredo_addr_build(&b, &info);
		CHECK(!memcmp(&a, &b, 16));
		CHECK(teredo_addr_matches(&a, info.mapped_ip,
					  info.mapped_port));
		CHECK(teredo_addr_is_cone(&a) ==
		      !!(info.flags & TEREDO_FLAG_CONE));
	} else {
		CHECK(!teredo_addr_is_teredo(&a) && !teredo_addr_is_cone(&a));
	}
	if (size >= 22) {
		memcpy(&ip, data + 16, 4);
		memcpy(&port, data + 20, 2);
		teredo_addr_matches(&a, ip, port);
		f = teredo_flags_random(data[21] & 1, data[16] << 8 | data[17]);
		CHECK(!(f & (TEREDO_FLAG_RESERVED | TEREDO_FLAG_UG)));
	}
	CHECK(teredo_addr_ll_kind(&a) == TEREDO_LL_NONE ||
	      !memcmp(&a, teredo_addr_ll_kind(&a) == TEREDO_LL_CONE ?
		      &teredo_ll_cone : &teredo_ll_restricted, 16));
}

static void check_csum(const u8 *data, size_t size)
{
	struct in6_addr s, d;
	__sum16 sum;
	u16 ref;
	u8 w[2];

	if (size < 33)
		return;
	memcpy(s.s6_addr, data, 16);
	memcpy(d.s6_addr, data + 16, 16);
	sum = teredo_csum_ipv6(&s, &d, data[32], data + 33, size - 33);
	ref = ref_csum(data, data + 16, data[32], data + 33, size - 33);
	memcpy(w, &sum, 2);
	CHECK(w[0] == ref >> 8 && w[1] == (ref & 0xff));
}

/* Build into an exact-size heap buffer: ASan sees any overflow. */
static void check_builders(const u8 *data, size_t size)
{
	struct teredo_pkt pkt;
	struct in6_addr s, d;
	size_t room;
	u16 sum;
	u8 *buf;
	int r;

	if (size < 41)
		return;
	room = data[0] % (TEREDO_RS_LEN + 8);
	memcpy(s.s6_addr, data + 1, 16);
	memcpy(d.s6_addr, data + 17, 16);
	buf = malloc(room ? room : 1);
	CHECK(buf);

	CHECK(teredo_build_rs(buf, room, true, NULL) == -EINVAL);
	r = teredo_build_rs(buf, room, data[33] & 1, data + 33);
	CHECK(room < TEREDO_RS_LEN ? r == -EMSGSIZE : r == TEREDO_RS_LEN);
	if (r > 0) {
		CHECK(teredo_classify(buf, r, &pkt) == TEREDO_PKT_DATA);
		CHECK(pkt.has_auth && pkt.icmp6_type == 133);
		CHECK(!memcmp(buf + pkt.auth.nonce_off, data + 33, 8));
		CHECK(!ref_csum(buf + 21, buf + 37, 58, buf + 53, 8));
	}

	r = teredo_build_bubble(buf, room, &s, &d);
	CHECK(room < TEREDO_BUBBLE_LEN ? r == -EMSGSIZE :
	      r == TEREDO_BUBBLE_LEN);
	if (r > 0) {
		CHECK(teredo_classify(buf, r, &pkt) == TEREDO_PKT_BUBBLE);
		CHECK(!memcmp(buf + 8, &s, 16) && !memcmp(buf + 24, &d, 16));
	}

	r = teredo_build_echo(buf, room, &s, &d, data + 33);
	CHECK(room < TEREDO_ECHO_LEN ? r == -EMSGSIZE : r == TEREDO_ECHO_LEN);
	if (r > 0) {
		CHECK(teredo_classify(buf, r, &pkt) >= 0);
		CHECK(pkt.icmp6_type == 128);
		CHECK(teredo_parse_echo_reply(buf, r, data + 33) == -ENOMSG);
		/* the reply the peer sends back */
		buf[40] = 129;
		buf[42] = 0;
		buf[43] = 0;
		sum = ref_csum(buf + 8, buf + 24, 58, buf + 40, r - 40);
		buf[42] = sum >> 8;
		buf[43] = sum & 0xff;
		CHECK(teredo_parse_echo_reply(buf, r, data + 33) == 0);
	}

	r = teredo_auth_build(buf, room, data + 33, data[40]);
	CHECK(room < TEREDO_AUTH_MIN_LEN ? r == -EMSGSIZE :
	      r == TEREDO_AUTH_MIN_LEN);
	r = teredo_origin_build(buf, room, 0, 0);
	CHECK(room < TEREDO_ORIGIN_LEN ? r == -EMSGSIZE :
	      r == TEREDO_ORIGIN_LEN);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct teredo_ra ra;

	/* no nonce, no RA (and no RS) */
	CHECK(teredo_parse_ra(data, size, NULL, 0, &ra) == -EINVAL);
	check_echo(data, size, seed_nonce);
	check_packet(data, size);
	check_fixed(data, size);
	check_head_only(data, size);
	check_headers(data, size);
	check_addr(data, size);
	check_csum(data, size);
	check_builders(data, size);
	return 0;
}
