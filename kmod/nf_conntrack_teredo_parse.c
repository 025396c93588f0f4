// SPDX-License-Identifier: GPL-2.0-only
/*
 * What one packet of the Teredo socket's flow lets through a firewall:
 * the pure part of the conntrack helper (nf_conntrack_teredo.c). Built
 * into teredo.ko, where proto.c is.
 */

#include <linux/export.h>
#include <linux/in.h>
#include <linux/string.h>

#include "nf_conntrack_teredo_parse.h"

/**
 * nf_teredo_endpoint_ok() - may conntrack expect this IPv4 endpoint?
 * @ip: address
 * @port: UDP port
 *
 * Never expect 0.0.0.0/8, loopback, multicast, 240/4, broadcast or
 * port 0.
 *
 * Return: true if it is a plausible unicast peer.
 */
bool nf_teredo_endpoint_ok(__be32 ip, __be16 port)
{
	u32 a = ntohl(ip);

	if (!port || !a || a == 0xffffffffU)
		return false;
	if ((a >> 24) == 127 || (a >> 24) == 0 || (a >> 28) >= 0xe)
		return false;
	return true;
}
EXPORT_SYMBOL_GPL(nf_teredo_endpoint_ok);

/**
 * nf_teredo_parse() - what a packet of the Teredo socket's flow lets in
 * @buf: the UDP payload (at most @len bytes are readable)
 * @len: its length
 * @outgoing: sent by the Teredo client (else received by it)
 * @remote_ip: the other end of the flow (the server, for the cases that
 *	open anything)
 * @remote_port: its UDP port
 * @exp: the result
 *
 * Outgoing router solicitation to @remote_ip:3544: the server answers
 * from @remote_ip + 1, port 3544. Outgoing bubble to port 3544 whose IPv6
 * destination is a Teredo address served by @remote_ip (an indirect
 * bubble through the peer's server): the peer at the address's mapped
 * IPv4 address and port. Incoming bubble from port 3544 with an origin
 * indication: the peer the origin names. Nothing else.
 *
 * Reads no byte at or past min(@len, %TEREDO_CLASSIFY_MAX_READ).
 *
 * Return: true if @exp names something to let in.
 */
bool nf_teredo_parse(const u8 *buf, size_t len, bool outgoing,
		     __be32 remote_ip, __be16 remote_port,
		     struct nf_teredo_expect *exp)
{
	struct teredo_addr_info info;
	struct teredo_pkt pkt;
	struct in6_addr dst;

	exp->kind = NF_TEREDO_EXPECT_NONE;
	exp->ip = 0;
	exp->port = 0;

	if (remote_port != htons(TEREDO_SERVER_PORT) || !buf)
		return false;
	if (len > TEREDO_CLASSIFY_MAX_READ)
		len = TEREDO_CLASSIFY_MAX_READ;
	if (teredo_classify(buf, len, &pkt) < 0)
		return false;

	if (!outgoing) {
		if (pkt.kind != TEREDO_PKT_INDIRECT_BUBBLE ||
		    !nf_teredo_endpoint_ok(pkt.origin_ip, pkt.origin_port))
			return false;
		exp->kind = NF_TEREDO_EXPECT_PEER;
		exp->ip = pkt.origin_ip;
		exp->port = pkt.origin_port;
		return true;
	}

	if (pkt.kind == TEREDO_PKT_DATA && pkt.nexthdr == IPPROTO_ICMPV6 &&
	    pkt.icmp6_type == NF_TEREDO_ICMP6_RS && !pkt.has_origin) {
		__be32 second = htonl(ntohl(remote_ip) + 1);

		if (!nf_teredo_endpoint_ok(second, remote_port))
			return false;
		exp->kind = NF_TEREDO_EXPECT_SERVER2;
		exp->ip = second;
		exp->port = remote_port;
		return true;
	}

	if (pkt.kind != TEREDO_PKT_BUBBLE)
		return false;
	/* classify() saw the whole 40-byte IPv6 header within len */
	memcpy(&dst, buf + pkt.ip6_off + 24, sizeof(dst));
	if (teredo_addr_parse(&dst, &info) || info.server != remote_ip ||
	    !nf_teredo_endpoint_ok(info.mapped_ip, info.mapped_port))
		return false;
	exp->kind = NF_TEREDO_EXPECT_PEER;
	exp->ip = info.mapped_ip;
	exp->port = info.mapped_port;
	return true;
}
EXPORT_SYMBOL_GPL(nf_teredo_parse);
