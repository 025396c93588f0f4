// SPDX-License-Identifier: GPL-2.0-only
/*
 * Write the seed corpus for fuzz_proto and fuzz_nf_parse: the packets
 * kunit/proto_test.c builds and checks, made with proto.c's own builders
 * where it has them (RS, bubbles, echo, headers) and, for the RAs, the
 * bytes miredo-server sends (as in proto_test.c); then, for the conntrack
 * helper's parser, packets that open nothing (an RS with an origin
 * indication, bubbles naming no usable endpoint) and inputs as long as
 * TEREDO_CLASSIFY_MAX_READ allows or longer.
 * corpus/ra-captured-miredo-server is not generated: it is the real
 * server's answer, as in proto_test.c.
 * Usage: mkcorpus DIR
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"

static const u8 nonce[TEREDO_NONCE_LEN] = {
	0x4b, 0x1d, 0x0e, 0xa3, 0x27, 0x59, 0xc6, 0x88,
};

/* kunit/proto_test.c: ra_miredo (a non-cone RA from server 192.0.2.1) */
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

/* origin indication for 1.2.3.4 port 337 (each byte complemented) */
static const u8 origin_337[8] = {
	0x00, 0x00, 0xfe, 0xae, 0xfe, 0xfd, 0xfc, 0xfb,
};

static const char *dir;

static void put(const char *name, const u8 *p, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(p, 1, len, f) != len || fclose(f)) {
		perror(path);
		exit(1);
	}
}

/* ra_miredo with other options, its payload length and checksum fixed */
static void put_ra(const char *name, const u8 *opts, size_t opts_len,
		   bool cone)
{
	const struct in6_addr *dst = cone ? &teredo_ll_cone :
					    &teredo_ll_restricted;
	struct in6_addr src;
	size_t plen = 16 + opts_len;
	u8 b[512];
	__sum16 sum;

	memcpy(b, ra_miredo, 21 + 40 + 16);
	memcpy(b + 21 + 40 + 16, opts, opts_len);
	b[21 + 4] = plen >> 8;
	b[21 + 5] = plen & 0xff;
	memcpy(b + 21 + 24, dst, 16);
	memcpy(&src, b + 21 + 8, 16);
	b[21 + 42] = 0;
	b[21 + 43] = 0;
	sum = teredo_csum_ipv6(&src, dst, 58, b + 21 + 40, plen);
	memcpy(b + 21 + 42, &sum, 2);
	put(name, b, 21 + 40 + plen);
}

static struct in6_addr addr(const char *bytes)
{
	struct in6_addr a;

	memcpy(a.s6_addr, bytes, 16);
	return a;
}

/* A Teredo address of server 192.0.2.1 for the mapped @ip4:@port */
static struct in6_addr teredo(const char *ip4, const char *port)
{
	struct teredo_addr_info info = { .flags = 0x8000 };
	struct in6_addr a;

	memcpy(&info.server, "\xc0\x00\x02\x01", 4);
	memcpy(&info.mapped_ip, ip4, 4);
	memcpy(&info.mapped_port, port, 2);
	teredo_addr_build(&a, &info);
	return a;
}

/* The helper parser's cases that open nothing, and long inputs */
static void put_nf(const struct in6_addr *client, const struct in6_addr *peer,
		   const struct in6_addr *native)
{
	static const u8 origin_mcast[8] = {	/* 224.0.0.1 port 6000 */
		0x00, 0x00, 0xe8, 0x8f, 0x1f, 0xff, 0xff, 0xfe,
	};
	struct in6_addr lo = teredo("\x7f\x00\x00\x01", "\x30\x39");
	static u8 b[1100];
	u8 rs[TEREDO_RS_LEN];
	size_t n;

	/* our RS, an origin indication inserted after its auth header */
	teredo_build_rs(rs, sizeof(rs), false, nonce);
	memcpy(b, rs, TEREDO_AUTH_MIN_LEN);
	memcpy(b + TEREDO_AUTH_MIN_LEN, origin_337, 8);
	memcpy(b + TEREDO_AUTH_MIN_LEN + 8, rs + TEREDO_AUTH_MIN_LEN,
	       TEREDO_RS_LEN - TEREDO_AUTH_MIN_LEN);
	put("rs-origin", b, TEREDO_RS_LEN + 8);

	/* our RS with the longest auth header: TEREDO_CLASSIFY_MAX_READ - 1 */
	n = 4 + 255 + 255;
	memset(b, 'i', n);
	memcpy(b, "\x00\x01\xff\xff", 4);
	memcpy(b + n, rs + 4, TEREDO_RS_LEN - 4);
	put("rs-auth-max", b, n + TEREDO_RS_LEN - 4);

	put("bubble-native", b, teredo_build_bubble(b, sizeof(b), client,
						    native));
	put("bubble-to-loopback", b, teredo_build_bubble(b, sizeof(b), client,
							 &lo));
	memcpy(b, origin_mcast, 8);
	put("bubble-indirect-multicast", b,
	    8 + teredo_build_bubble(b + 8, sizeof(b) - 8, peer, client));

	/* a UDP datagram of 1000 bytes, past TEREDO_CLASSIFY_MAX_READ */
	teredo_build_bubble(b, sizeof(b), native, client);
	b[4] = 1008 >> 8;
	b[5] = 1008 & 0xff;
	b[6] = 17;
	memcpy(b + 40, "\x30\x39\x00\x35\x03\xf0\x00\x00", 8);
	memset(b + 48, 'd', 1000);
	put("data-udp-long", b, 40 + 1008);
}

int main(int argc, char **argv)
{
	struct in6_addr client = addr("\x20\x01\x00\x00\x41\x36\xe3\x78"
				      "\x80\x00\x63\xbf\x3f\xff\xfd\xd2");
	struct in6_addr peer = addr("\x20\x01\x00\x00\xc0\x00\x02\x01"
				    "\x80\x00\xcf\xc6\x3f\xff\xfd\x74");
	struct in6_addr native = addr("\x20\x01\x0d\xb8\x00\x00\x00\x00"
				      "\x00\x00\x00\x00\x00\x00\x00\x01");
	static const u8 udp[12] = { 0x30, 0x39, 0x00, 0x35, 0x00, 0x0c, 0, 0,
				    'd', 'a', 't', 'a' };
	static const u8 sllao[8] = { 1, 1, 0, 1, 2, 3, 4, 5 };
	const u8 *pi_mtu = ra_miredo + 21 + 40 + 16;
	__sum16 sum;
	u8 b[256];
	int n;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	dir = argv[1];

	put("rs-restricted", b, teredo_build_rs(b, sizeof(b), false, nonce));
	put("rs-cone", b, teredo_build_rs(b, sizeof(b), true, nonce));

	put("ra-miredo", ra_miredo, sizeof(ra_miredo));
	put_ra("ra-miredo-cone", pi_mtu, 40, true);
	memcpy(b, pi_mtu, 32);
	memcpy(b + 32, pi_mtu, 40);
	put_ra("ra-two-prefixes", b, 72, false);
	memcpy(b, pi_mtu, 40);
	memcpy(b + 40, pi_mtu + 32, 8);
	put_ra("ra-two-mtus", b, 48, false);
	memcpy(b, sllao, 8);
	memcpy(b + 8, pi_mtu, 32);
	memcpy(b + 8 + 16, "\x3f\xfe\x83\x1f", 4);
	put_ra("ra-sllao-obsolete-prefix", b, 40, false);
	put_ra("ra-mtu-only", pi_mtu + 32, 8, false);

	put("bubble", b, teredo_build_bubble(b, sizeof(b), &client, &peer));
	memcpy(b, origin_337, 8);
	put("bubble-indirect", b,
	    8 + teredo_build_bubble(b + 8, sizeof(b) - 8, &peer, &client));
	n = teredo_auth_build(b, sizeof(b), nonce, 0);
	memcpy(b + n, origin_337, 8);
	n += 8;
	put("bubble-auth-origin", b,
	    n + teredo_build_bubble(b + n, sizeof(b) - n, &peer, &client));

	n = teredo_build_echo(b, sizeof(b), &client, &native, nonce);
	put("echo-request", b, n);
	memcpy(b + 8, &native, 16);
	memcpy(b + 24, &client, 16);
	b[40] = 129;
	b[42] = 0;
	b[43] = 0;
	sum = teredo_csum_ipv6(&native, &client, 58, b + 40, n - 40);
	memcpy(b + 42, &sum, 2);
	put("echo-reply", b, n);

	teredo_build_bubble(b, sizeof(b), &native, &client);
	b[5] = sizeof(udp);
	b[6] = 17;
	b[7] = 64;
	memcpy(b + 40, udp, sizeof(udp));
	put("data-udp", b, 40 + sizeof(udp));
	memmove(b + 8, b, 40 + sizeof(udp));
	memcpy(b, origin_337, 8);
	put("data-origin-udp", b, 8 + 40 + sizeof(udp));

	/* authentication header with client id and value, then a bubble */
	memcpy(b, "\x00\x01\x03\x05id!auth!", 12);
	memcpy(b + 12, nonce, 8);
	b[20] = 0;
	put("bubble-auth-id-au", b,
	    21 + teredo_build_bubble(b + 21, sizeof(b) - 21, &peer, &client));

	put_nf(&client, &peer, &native);
	return 0;
}
