/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The Teredo conntrack helper's decision, as a pure function: given one
 * UDP payload of the Teredo socket's flow, which peer (if any) may send
 * to the client next. No skb, no conntrack, no allocation. It lives in
 * teredo.ko next to proto.c (whose codecs it uses, unexported), and is
 * exported for nf_conntrack_teredo.ko, which linearizes at most
 * TEREDO_CLASSIFY_MAX_READ bytes and calls it; KUnit
 * (kunit/nf_conntrack_teredo_test.c) feeds it every truncation of every
 * kind of packet.
 */
#ifndef _NF_CONNTRACK_TEREDO_PARSE_H
#define _NF_CONNTRACK_TEREDO_PARSE_H

#include <linux/in.h>
#include <linux/in6.h>
#include <linux/types.h>

#include "proto.h"

#define TEREDO_SERVER_PORT	3544
#define NF_TEREDO_ICMP6_RS	133

/**
 * enum nf_teredo_expect_kind - what one packet lets in
 * @NF_TEREDO_EXPECT_NONE: nothing
 * @NF_TEREDO_EXPECT_SERVER2: the server's answer from its secondary
 *	address (a router solicitation went to the server's primary one)
 * @NF_TEREDO_EXPECT_PEER: a peer (our server introduced it with an
 *	origin indication, or our indirect bubble names it)
 * @NF_TEREDO_EXPECT_LINK: the clients on our link (our local discovery
 *	bubble invites their answers; no @ip, @port)
 * @NF_TEREDO_EXPECT_NEIGHBOUR: a client on our link, at @ip:@port (its
 *	local discovery bubble)
 */
enum nf_teredo_expect_kind {
	NF_TEREDO_EXPECT_NONE = 0,
	NF_TEREDO_EXPECT_SERVER2,
	NF_TEREDO_EXPECT_PEER,
	NF_TEREDO_EXPECT_LINK,
	NF_TEREDO_EXPECT_NEIGHBOUR,
};

/**
 * struct nf_teredo_expect - the peer one packet lets in
 * @kind: what it is
 * @ip: the peer's IPv4 address
 * @port: its UDP port
 */
struct nf_teredo_expect {
	enum nf_teredo_expect_kind kind;
	__be32 ip;
	__be16 port;
};

bool nf_teredo_endpoint_ok(__be32 ip, __be16 port);
bool nf_teredo_parse(const u8 *buf, size_t len, bool outgoing,
		     __be32 remote_ip, __be16 remote_port, __be32 server,
		     struct nf_teredo_expect *exp);
bool nf_teredo_parse_discovery(const u8 *buf, size_t len, __be32 src_ip,
			       __be16 src_port, struct nf_teredo_expect *exp);

#endif /* _NF_CONNTRACK_TEREDO_PARSE_H */
