// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for kmod/nf_conntrack_teredo_parse.c, the conntrack
 * helper's packet parser, compiled unchanged in userspace with the
 * proto.c codecs it uses (include/ shims the kernel headers). It runs
 * from fuzz_proto's corpus: each input is one UDP payload of the Teredo
 * socket's flow.
 *
 * Each input goes to nf_teredo_parse() sent and received, with the remote
 * port 3544 and another one, and with a few remote addresses: the seeds'
 * server, the KUnit suite's, some whose next address may not be expected
 * (255.255.255.254, 223.255.255.255, ...), and the server that the
 * input's IPv6 destination names. Beyond ASan/UBSan, the harness aborts on
 * any broken promise:
 *  - false: nothing claimed (kind NONE, address and port 0);
 *  - true: only with remote port 3544; SERVER2 only when sent, PEER
 *    otherwise; what it names passes nf_teredo_endpoint_ok();
 *  - the answer is the one of a model written from the kernel-doc: an
 *    outgoing router solicitation without origin indication opens the
 *    server's next address (if a server is published, only when sent to
 *    it), our bubble to a Teredo address of that server opens the
 *    address's mapped endpoint, our server's indirect bubble (from its
 *    primary or secondary address; none while no server is published)
 *    opens its origin (endpoints decoded here from the bytes, not with
 *    proto.c); each remote is tried with no server, as the server, as its
 *    secondary address and with another server;
 *  - no byte at or past TEREDO_CLASSIFY_MAX_READ is read: the head of a
 *    longer input, alone in an exact-size heap buffer, gives the same
 *    answer with the full length and with the clamped one (as
 *    nf_conntrack_teredo.c passes it);
 *  - nf_teredo_endpoint_ok() agrees with a reference written differently.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nf_conntrack_teredo_parse.h"
#include "proto.h"

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: broken promise: %s\n",	\
				__FILE__, __LINE__, #cond);		\
			abort();					\
		}							\
	} while (0)

#define MAX_READ	TEREDO_CLASSIFY_MAX_READ
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * Remote IPv4 addresses, network order (and, per input, the server that
 * its IPv6 destination names)
 */
static const u8 remotes[][4] = {
	{ 192, 0, 2, 1 },		/* the seeds' server (mkcorpus.c) */
	{ 198, 51, 100, 1 },		/* kunit/nf_conntrack_teredo_test.c */
	{ 255, 255, 255, 254 },		/* next: broadcast */
	{ 255, 255, 255, 255 },		/* next: 0.0.0.0 */
	{ 223, 255, 255, 255 },		/* next: multicast */
	{ 126, 255, 255, 255 },		/* next: loopback */
	{ 0, 0, 0, 0 },			/* next: 0.0.0.1 */
};

static const u8 port_3544[2] = { 0x0d, 0xd8 };
static const u8 port_3545[2] = { 0x0d, 0xd9 };

struct endpoint {
	u8 ip[4];
	u8 port[2];
};

/*
 * Global unicast (RFC 4380 5.2.4, Miredo's list plus 100.64/10 and
 * 192.0.0/24), written byte by byte, and a port
 */
static bool ref_ok(const struct endpoint *e)
{
	const u8 *a = e->ip;

	if (!e->port[0] && !e->port[1])
		return false;
	if (a[0] == 0 || a[0] == 10 || a[0] == 127 || a[0] >= 224)
		return false;
	if ((a[0] == 169 && a[1] == 254) ||
	    (a[0] == 172 && a[1] >= 16 && a[1] <= 31) ||
	    (a[0] == 192 && a[1] == 168) ||
	    (a[0] == 192 && a[1] == 88 && a[2] == 99) ||
	    (a[0] == 100 && a[1] >= 64 && a[1] <= 127) ||
	    (a[0] == 192 && a[1] == 0 && a[2] == 0))
		return false;
	return true;
}

/* @b is @a + 1 (the server's secondary address) */
static bool next_of(const u8 *a, const u8 *b)
{
	u8 n[4];
	int i;

	memcpy(n, a, 4);
	for (i = 3; i >= 0; i--)
		if (++n[i])
			break;
	return !memcmp(n, b, 4);
}

static const u8 no_server[4];

static void inverted(u8 *to, const u8 *from, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		to[i] = from[i] ^ 0xff;
}

static bool names(const struct nf_teredo_expect *exp,
		  const struct endpoint *e)
{
	return !memcmp(&exp->ip, e->ip, 4) && !memcmp(&exp->port, e->port, 2);
}

static bool same(const struct nf_teredo_expect *a,
		 const struct nf_teredo_expect *b)
{
	return a->kind == b->kind && a->ip == b->ip && a->port == b->port;
}

/* What the kernel-doc says @buf opens */
static enum nf_teredo_expect_kind model(const u8 *buf, size_t len,
					bool outgoing, const u8 *rip,
					const u8 *rport, const u8 *srv,
					struct endpoint *e)
{
	struct teredo_pkt pkt;
	const u8 *p;
	int i;

	memset(e, 0, sizeof(*e));
	if (memcmp(rport, port_3544, 2))
		return NF_TEREDO_EXPECT_NONE;
	if (teredo_classify(buf, len < MAX_READ ? len : MAX_READ, &pkt) < 0)
		return NF_TEREDO_EXPECT_NONE;

	if (!outgoing) {
		/* only our server, primary or secondary, introduces peers */
		if (pkt.kind != TEREDO_PKT_INDIRECT_BUBBLE ||
		    !memcmp(srv, no_server, 4) ||
		    (memcmp(rip, srv, 4) && !next_of(srv, rip)))
			return NF_TEREDO_EXPECT_NONE;
		/* the origin indication is right before the IPv6 header */
		p = buf + pkt.ip6_off - TEREDO_ORIGIN_LEN;
		CHECK(pkt.ip6_off >= TEREDO_ORIGIN_LEN);
		CHECK(p[0] == 0 && p[1] == TEREDO_HDR_ORIGIN);
		inverted(e->port, p + 2, 2);
		inverted(e->ip, p + 4, 4);
		return ref_ok(e) ? NF_TEREDO_EXPECT_PEER : NF_TEREDO_EXPECT_NONE;
	}

	p = buf + pkt.ip6_off;
	if (pkt.kind == TEREDO_PKT_DATA && !pkt.has_origin && p[6] == 58 &&
	    pkt.ip6_len > TEREDO_IPV6_HLEN && p[TEREDO_IPV6_HLEN] == 133) {
		if (memcmp(srv, no_server, 4) && memcmp(rip, srv, 4))
			return NF_TEREDO_EXPECT_NONE;
		memcpy(e->ip, rip, 4);
		for (i = 3; i >= 0; i--)
			if (++e->ip[i])
				break;
		memcpy(e->port, port_3544, 2);
		return ref_ok(e) ? NF_TEREDO_EXPECT_SERVER2 :
				   NF_TEREDO_EXPECT_NONE;
	}

	if (pkt.kind != TEREDO_PKT_BUBBLE)
		return NF_TEREDO_EXPECT_NONE;
	p += 24;	/* the IPv6 destination: 2001:0:<server>:... */
	if (memcmp(p, "\x20\x01\x00\x00", 4) || memcmp(p + 4, rip, 4))
		return NF_TEREDO_EXPECT_NONE;
	inverted(e->port, p + 10, 2);
	inverted(e->ip, p + 12, 4);
	return ref_ok(e) ? NF_TEREDO_EXPECT_PEER : NF_TEREDO_EXPECT_NONE;
}

static bool parse(const u8 *buf, size_t len, bool outgoing, const u8 *rip,
		  const u8 *rport, const u8 *srv, struct nf_teredo_expect *exp)
{
	__be32 ip, server;
	__be16 port;

	memcpy(&ip, rip, 4);
	memcpy(&port, rport, 2);
	memcpy(&server, srv, 4);
	memset(exp, 0xa5, sizeof(*exp));
	return nf_teredo_parse(buf, len, outgoing, ip, port, server, exp);
}

static void check_one(const u8 *buf, size_t len, const u8 *head,
		      bool outgoing, const u8 *rip, const u8 *rport,
		      const u8 *srv)
{
	struct nf_teredo_expect exp, hexp;
	enum nf_teredo_expect_kind kind;
	struct endpoint e;
	bool r;

	r = parse(buf, len, outgoing, rip, rport, srv, &exp);
	if (!r) {
		CHECK(exp.kind == NF_TEREDO_EXPECT_NONE);
		CHECK(!exp.ip && !exp.port);
	} else {
		CHECK(!memcmp(rport, port_3544, 2));
		CHECK(exp.kind == NF_TEREDO_EXPECT_PEER ||
		      (exp.kind == NF_TEREDO_EXPECT_SERVER2 && outgoing));
		CHECK(nf_teredo_endpoint_ok(exp.ip, exp.port));
		memcpy(e.ip, &exp.ip, 4);
		memcpy(e.port, &exp.port, 2);
		CHECK(ref_ok(&e));
	}

	kind = model(buf, len, outgoing, rip, rport, srv, &e);
	CHECK(r == (kind != NF_TEREDO_EXPECT_NONE));
	CHECK(exp.kind == kind);
	if (r)
		CHECK(names(&exp, &e));

	/* no buffer, nothing */
	CHECK(!parse(NULL, len, outgoing, rip, rport, srv, &hexp));
	CHECK(hexp.kind == NF_TEREDO_EXPECT_NONE && !hexp.ip && !hexp.port);

	if (!head)
		return;
	CHECK(parse(head, len, outgoing, rip, rport, srv, &hexp) == r);
	CHECK(same(&hexp, &exp));
	CHECK(parse(head, MAX_READ, outgoing, rip, rport, srv, &hexp) == r);
	CHECK(same(&hexp, &exp));
}

static void check_endpoint(const u8 *data, size_t size)
{
	struct endpoint e;
	__be32 ip;
	__be16 port;

	if (size < 6)
		return;
	memcpy(e.ip, data, 4);
	memcpy(e.port, data + 4, 2);
	memcpy(&ip, e.ip, 4);
	memcpy(&port, e.port, 2);
	CHECK(nf_teredo_endpoint_ok(ip, port) == ref_ok(&e));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const u8 *rips[ARRAY_SIZE(remotes) + 1];
	struct teredo_pkt pkt;
	size_t n = 0, i;
	u8 *head = NULL;
	int out;

	for (i = 0; i < ARRAY_SIZE(remotes); i++)
		rips[n++] = remotes[i];
	/* the server that the IPv6 destination names, if any */
	if (teredo_classify(data, size < MAX_READ ? size : MAX_READ,
			    &pkt) >= 0)
		rips[n++] = data + pkt.ip6_off + 24 + 4;

	if (size > MAX_READ) {
		head = malloc(MAX_READ);
		CHECK(head);
		memcpy(head, data, MAX_READ);
	}
	for (out = 0; out < 2; out++) {
		for (i = 0; i < n; i++) {
			u8 prev[4];
			int j, k;

			/* rips[i] as the server's secondary address */
			memcpy(prev, rips[i], 4);
			for (k = 3; k >= 0; k--)
				if (prev[k]--)
					break;
			/* no server, the remote, its primary, another one */
			const u8 *srvs[] = { no_server, rips[i], prev,
					     remotes[1] };

			for (j = 0; j < (int)ARRAY_SIZE(srvs); j++) {
				check_one(data, size, head, out, rips[i],
					  port_3544, srvs[j]);
				check_one(data, size, head, out, rips[i],
					  port_3545, srvs[j]);
			}
		}
	}
	free(head);
	check_endpoint(data, size);
	return 0;
}
