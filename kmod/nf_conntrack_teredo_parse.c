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
 * Only a global unicast address (teredo_ipv4_global_unicast(): Miredo's
 * is_ipv4_global_unicast(), RFC 4380 section 5.2.4; so not RFC 1918,
 * 169.254/16, 100.64/10, 192.88.99/24, loopback, multicast, 240/4 or
 * 0/8; the documentation ranges are global) and a port other than 0:
 * what a Teredo peer's mapping or a server can be.
 *
 * Return: true if it is a plausible peer.
 */
bool nf_teredo_endpoint_ok(__be32 ip, __be16 port)
{
	return port && teredo_ipv4_global_unicast(ip);
}
EXPORT_SYMBOL_GPL(nf_teredo_endpoint_ok);

/* Our server's primary or secondary address (RFC 4380 4), port 3544 */
static bool nf_teredo_from_server(__be32 ip, __be16 port, __be32 server)
{
	return server && port == htons(TEREDO_SERVER_PORT) &&
	       (ip == server || ip == htonl(ntohl(server) + 1));
}

/*
 * A local discovery bubble (RFC 4380 5.2.8): a bare bubble to ff02::1,
 * from a Teredo address whose mapping a peer could have. @pkt is
 * classified from @buf.
 */
static bool nf_teredo_is_discovery(const u8 *buf, const struct teredo_pkt *pkt)
{
	/* ff02::1; raw offsets, as the fuzz harness has no IPv6 headers */
	static const u8 all_nodes[16] = { 0xff, 0x02, [15] = 1 };
	const u8 *ip6 = buf + pkt->ip6_off;
	struct teredo_addr_info info;
	struct in6_addr src;

	if (pkt->kind != TEREDO_PKT_BUBBLE || pkt->has_auth || pkt->has_origin)
		return false;
	/* classify() saw the whole 40-byte IPv6 header */
	if (memcmp(ip6 + 24, all_nodes, sizeof(all_nodes)))
		return false;
	memcpy(&src, ip6 + 8, sizeof(src));
	return !teredo_addr_parse(&src, &info) &&
	       nf_teredo_endpoint_ok(info.mapped_ip, info.mapped_port);
}

/**
 * nf_teredo_parse() - what a packet of the Teredo socket's flow lets in
 * @buf: the UDP payload (at most @len bytes are readable)
 * @len: its length
 * @outgoing: sent by the Teredo client (else received by it)
 * @remote_ip: the other end of the flow
 * @remote_port: its UDP port
 * @server: the server the client uses (teredo_get_server()), 0 if none
 * @exp: the result
 *
 * Incoming indirect bubble (with an origin indication) from @server or
 * @server + 1, port 3544: the peer the origin names. Only our own server
 * introduces peers; any other host that the client ever sent to at port
 * 3544 (another peer's server, see below) is ignored, and nothing is
 * introduced while the client has no server.
 *
 * Outgoing router solicitation to @remote_ip:3544: the server answers
 * from @remote_ip + 1, port 3544. If a server is known, @remote_ip must
 * be it; if none is, any: the packet is the Teredo socket's own (the
 * helper sees no other flow), and that socket sends RSes only to its
 * server.
 *
 * Outgoing local discovery bubble (a bare bubble to ff02::1) to
 * 224.0.0.253:3544: the clients on our link may answer it
 * (%NF_TEREDO_EXPECT_LINK; the helper checks that our address there is
 * not global, as the client does before it sends one).
 *
 * Outgoing bubble to port 3544 whose IPv6 destination is a Teredo
 * address served by @remote_ip (our indirect bubble through the peer's
 * server, whichever it is): the peer at the address's mapped IPv4
 * address and port.
 *
 * Every address opened passes nf_teredo_endpoint_ok(). Nothing else.
 * Reads no byte at or past min(@len, %TEREDO_CLASSIFY_MAX_READ).
 *
 * Return: true if @exp names something to let in.
 */
bool nf_teredo_parse(const u8 *buf, size_t len, bool outgoing,
		     __be32 remote_ip, __be16 remote_port, __be32 server,
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
		    !nf_teredo_from_server(remote_ip, remote_port, server) ||
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

		if ((server && remote_ip != server) ||
		    !nf_teredo_endpoint_ok(second, remote_port))
			return false;
		exp->kind = NF_TEREDO_EXPECT_SERVER2;
		exp->ip = second;
		exp->port = remote_port;
		return true;
	}

	if (pkt.kind != TEREDO_PKT_BUBBLE)
		return false;
	if (remote_ip == htonl(TEREDO_DISCOVERY_IP)) {
		if (!nf_teredo_is_discovery(buf, &pkt))
			return false;
		exp->kind = NF_TEREDO_EXPECT_LINK;
		return true;
	}
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

/**
 * nf_teredo_parse_discovery() - what a neighbour's discovery bubble lets in
 * @buf: the UDP payload of a datagram to 224.0.0.253:3544 (at most @len
 *	bytes are readable)
 * @len: its length
 * @src_ip: the datagram's IPv4 source
 * @src_port: its UDP source port
 * @exp: the result
 *
 * A local discovery bubble (RFC 4380 section 5.2.8: a bare bubble, no
 * origin indication or authentication, to ff02::1, from a Teredo address
 * with a global mapping) from a unicast @src_ip and a port other than 0:
 * the neighbour at @src_ip:@src_port (%NF_TEREDO_EXPECT_NEIGHBOUR). The
 * helper checks that @src_ip is on the link the datagram came in on.
 * Reads no byte at or past min(@len, %TEREDO_CLASSIFY_MAX_READ).
 *
 * Return: true if @exp names the neighbour.
 */
bool nf_teredo_parse_discovery(const u8 *buf, size_t len, __be32 src_ip,
			       __be16 src_port, struct nf_teredo_expect *exp)
{
	struct teredo_pkt pkt;

	exp->kind = NF_TEREDO_EXPECT_NONE;
	exp->ip = 0;
	exp->port = 0;

	/* not 0/8, 127/8, multicast, 240/4 or the broadcast address */
	if (!buf || !src_port || !(ntohl(src_ip) >> 24) ||
	    ntohl(src_ip) >> 24 == 127 || ntohl(src_ip) >> 28 >= 0xe)
		return false;
	if (len > TEREDO_CLASSIFY_MAX_READ)
		len = TEREDO_CLASSIFY_MAX_READ;
	if (teredo_classify(buf, len, &pkt) < 0 ||
	    !nf_teredo_is_discovery(buf, &pkt))
		return false;
	exp->kind = NF_TEREDO_EXPECT_NEIGHBOUR;
	exp->ip = src_ip;
	exp->port = src_port;
	return true;
}
EXPORT_SYMBOL_GPL(nf_teredo_parse_discovery);
