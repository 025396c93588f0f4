// SPDX-License-Identifier: GPL-2.0-only
/*
 * Teredo wire formats (RFC 4380, RFC 5991): addresses, authentication and
 * origin indication headers, router solicitation and advertisement,
 * bubbles, the relay-discovery echo, and the ICMPv6 checksum.
 *
 * Pure functions over flat buffers: no sockets, skbs, timers, locks or
 * allocation, and only <linux/types.h>, <linux/errno.h>, <linux/in6.h>
 * and <linux/string.h> from the kernel, so that this file also builds
 * unchanged in userspace (kunit/fuzz/). Every multi-byte field is read and
 * written a byte at a time: buffers need no alignment and the code needs
 * no byte-order helpers.
 *
 * The behaviour follows Miredo's libteredo (packets.c, teredo.c,
 * server.c), the reference Teredo implementation on Linux, except where
 * noted: we are stricter on malformed packets (checksum, hop limit,
 * option lengths), never on well-formed ones Miredo's server sends.
 */

#include <kunit/visibility.h>
#include <linux/errno.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/string.h>
#include <linux/types.h>

#include "proto.h"

#define ICMP6_ECHO_REQUEST	128
#define ICMP6_ECHO_REPLY	129
#define ICMP6_ROUTER_SOLICIT	133
#define ICMP6_ROUTER_ADVERT	134

#define ND_OPT_PREFIX_INFO	3
#define ND_OPT_MTU		5

#define RS_MSG_LEN		8	/* type, code, checksum, reserved */
#define RA_MSG_LEN		16	/* RFC 4861 section 4.2 */
#define PI_OPT_LEN		32	/* RFC 4861 section 4.6.2 */
#define PI_PREFIX_OFF		16
#define TEREDO_RA_PREFIX_LEN	64

/* Miredo's choices: bubbles carry hop limit 0, echo requests 128. */
#define BUBBLE_HOP_LIMIT	0
#define ECHO_HOP_LIMIT		128
#define ND_HOP_LIMIT		255

/* Offsets in the IPv6 header */
#define IP6_PLEN		4
#define IP6_NEXTHDR		6
#define IP6_HOPLIMIT		7
#define IP6_SADDR		8
#define IP6_DADDR		24

const struct in6_addr teredo_ll_restricted = {
	.in6_u.u6_addr8 = { 0xfe, 0x80, 0, 0, 0, 0, 0, 0,
			    0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
};
EXPORT_SYMBOL_IF_KUNIT(teredo_ll_restricted);

/* fe80::8000:5445:5245:444f, the last six bytes spell "TEREDO" */
const struct in6_addr teredo_ll_cone = {
	.in6_u.u6_addr8 = { 0xfe, 0x80, 0, 0, 0, 0, 0, 0,
			    0x80, 0, 'T', 'E', 'R', 'E', 'D', 'O' },
};
EXPORT_SYMBOL_IF_KUNIT(teredo_ll_cone);

const struct in6_addr teredo_all_routers = {
	.in6_u.u6_addr8 = { 0xff, 0x02, 0, 0, 0, 0, 0, 0,
			    0, 0, 0, 0, 0, 0, 0, 0x02 },
};
EXPORT_SYMBOL_IF_KUNIT(teredo_all_routers);

static u16 get16(const u8 *p)
{
	return (u16)(p[0] << 8 | p[1]);
}

static u32 get32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

static void put16(u8 *p, u16 v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

/* Copy n bytes, inverting each: Teredo's obfuscation in either direction. */
static void copy_inverted(void *dst, const void *src, size_t n)
{
	const u8 *s = src;
	u8 *d = dst;

	while (n--)
		*d++ = ~*s++;
}

/* Compare two nonces in time independent of where they differ. */
static bool nonce_eq(const u8 *a, const u8 *b)
{
	u8 diff = 0;
	int i;

	for (i = 0; i < TEREDO_NONCE_LEN; i++)
		diff |= a[i] ^ b[i];
	return !diff;
}

static bool prefix_is_teredo(const u8 *a)
{
	return get32(a) == TEREDO_PREFIX;
}

static enum teredo_ll_kind ll_kind(const u8 *a)
{
	if (!memcmp(a, teredo_ll_restricted.s6_addr, 16))
		return TEREDO_LL_RESTRICTED;
	if (!memcmp(a, teredo_ll_cone.s6_addr, 16))
		return TEREDO_LL_CONE;
	return TEREDO_LL_NONE;
}

/**
 * teredo_addr_build() - compose a Teredo address
 * @addr: where to write it
 * @info: server, flags, mapped address and port (not obfuscated)
 *
 * Writes 2001:0:<server>:<flags>:<~port>:<~ipv4> (RFC 4380 section 4).
 */
void teredo_addr_build(struct in6_addr *addr,
		       const struct teredo_addr_info *info)
{
	u8 *a = addr->s6_addr;

	a[0] = 0x20;
	a[1] = 0x01;
	a[2] = 0;
	a[3] = 0;
	memcpy(a + 4, &info->server, 4);
	put16(a + 8, info->flags);
	copy_inverted(a + 10, &info->mapped_port, 2);
	copy_inverted(a + 12, &info->mapped_ip, 4);
}
EXPORT_SYMBOL_IF_KUNIT(teredo_addr_build);

/**
 * teredo_addr_parse() - split a Teredo address into its fields
 * @addr: the address
 * @info: filled on success, untouched on error
 *
 * Return: 0, or -%EAFNOSUPPORT if @addr is not in 2001:0::/32.
 */
int teredo_addr_parse(const struct in6_addr *addr,
		      struct teredo_addr_info *info)
{
	const u8 *a = addr->s6_addr;

	if (!prefix_is_teredo(a))
		return -EAFNOSUPPORT;
	memcpy(&info->server, a + 4, 4);
	info->flags = get16(a + 8);
	copy_inverted(&info->mapped_port, a + 10, 2);
	copy_inverted(&info->mapped_ip, a + 12, 4);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(teredo_addr_parse);

/**
 * teredo_ipv4_global_unicast() - may the client ever send to @addr?
 * @addr: IPv4 address, network order
 *
 * Miredo's is_ipv4_global_unicast() (RFC 4380 section 5.2.4): not
 * 0.0.0.0/8, 10/8, 127/8, 169.254/16, 172.16/12, 192.168/16, the 6to4
 * relay anycast 192.88.99/24, multicast or 240/4 (255.255.255.255
 * included); and, as neither can be a peer's mapping either, the shared
 * address space 100.64/10 (RFC 6598) and 192.0.0/24 (RFC 6890). The
 * documentation ranges are global here, as in Miredo.
 */
bool teredo_ipv4_global_unicast(__be32 addr)
{
	u32 a = ntohl(addr);

	switch (a >> 24) {
	case 0:
	case 10:
	case 127:
		return false;
	}
	if ((a & 0xffff0000) == 0xa9fe0000 ||	/* 169.254/16 */
	    (a & 0xfff00000) == 0xac100000 ||	/* 172.16/12 */
	    (a & 0xffff0000) == 0xc0a80000 ||	/* 192.168/16 */
	    (a & 0xffffff00) == 0xc0586300 ||	/* 192.88.99/24 */
	    (a & 0xffc00000) == 0x64400000 ||	/* 100.64/10 */
	    (a & 0xffffff00) == 0xc0000000)	/* 192.0.0/24 */
		return false;
	return a < 0xe0000000;			/* not 224/4, 240/4 */
}
EXPORT_SYMBOL_IF_KUNIT(teredo_ipv4_global_unicast);

/**
 * teredo_addr_is_teredo() - is this address in the Teredo prefix?
 * @addr: the address
 *
 * Return: true if @addr is in 2001:0::/32.
 */
bool teredo_addr_is_teredo(const struct in6_addr *addr)
{
	return prefix_is_teredo(addr->s6_addr);
}
EXPORT_SYMBOL_IF_KUNIT(teredo_addr_is_teredo);

/**
 * teredo_addr_is_cone() - is this a Teredo address with the cone flag?
 * @addr: the address
 *
 * Return: true if @addr is a Teredo address and has %TEREDO_FLAG_CONE.
 */
bool teredo_addr_is_cone(const struct in6_addr *addr)
{
	return prefix_is_teredo(addr->s6_addr) &&
	       (get16(addr->s6_addr + 8) & TEREDO_FLAG_CONE);
}
EXPORT_SYMBOL_IF_KUNIT(teredo_addr_is_cone);

/**
 * teredo_addr_matches() - does a Teredo address embed this IPv4 mapping?
 * @addr: the address
 * @ip: IPv4 address the packet came from
 * @port: UDP port the packet came from
 *
 * The source check of RFC 4380 section 5.2.3 (Miredo's
 * IN6_MATCHES_TEREDO_CLIENT), restricted to Teredo addresses.
 *
 * Return: true if @addr is a Teredo address whose mapped address and port
 * are @ip and @port.
 */
bool teredo_addr_matches(const struct in6_addr *addr, __be32 ip,
			 __be16 port)
{
	struct teredo_addr_info info;

	if (teredo_addr_parse(addr, &info))
		return false;
	return info.mapped_ip == ip && info.mapped_port == port;
}
EXPORT_SYMBOL_IF_KUNIT(teredo_addr_matches);

/**
 * teredo_addr_ll_kind() - which Teredo link-local address is this?
 * @addr: the address
 *
 * Return: %TEREDO_LL_RESTRICTED for fe80::ffff:ffff:ffff (the non-cone RS
 * source), %TEREDO_LL_CONE for fe80::8000:5445:5245:444f (the cone RS
 * source), %TEREDO_LL_NONE for anything else.
 */
enum teredo_ll_kind teredo_addr_ll_kind(const struct in6_addr *addr)
{
	return ll_kind(addr->s6_addr);
}
EXPORT_SYMBOL_IF_KUNIT(teredo_addr_ll_kind);

/**
 * teredo_flags_random() - address flags per RFC 5991 section 4
 * @cone: set the cone flag (RFC 4380; RFC 5991 clients should not)
 * @random: random bits, e.g. from get_random_u16()
 *
 * Return: the 12 "A" bits of @random (%TEREDO_FLAG_RANDOM_MASK), plus the
 * cone flag if asked; the reserved, U and G bits are always 0.
 */
u16 teredo_flags_random(bool cone, u16 random)
{
	return (cone ? TEREDO_FLAG_CONE : 0) | (random & TEREDO_FLAG_RANDOM_MASK);
}
EXPORT_SYMBOL_IF_KUNIT(teredo_flags_random);

/**
 * teredo_auth_parse() - parse an authentication header
 * @buf: buffer starting with the header (00 01 id-len au-len ...)
 * @len: bytes in @buf
 * @auth: filled on success; offsets are relative to @buf
 *
 * Checks, in order: -%ENODATA (fewer than 2 bytes), -%ENOMSG (not type
 * 0x0001), -%ENODATA (fewer than 13 bytes), -%EOVERFLOW (id-len + au-len
 * run past @len).
 *
 * Return: the header's length (13 + id-len + au-len), or a negative errno.
 */
int teredo_auth_parse(const u8 *buf, size_t len, struct teredo_auth *auth)
{
	unsigned int id_len, au_len, hlen;

	if (len < 2)
		return -ENODATA;
	if (buf[0] != 0 || buf[1] != TEREDO_HDR_AUTH)
		return -ENOMSG;
	if (len < TEREDO_AUTH_MIN_LEN)
		return -ENODATA;
	id_len = buf[2];
	au_len = buf[3];
	hlen = TEREDO_AUTH_MIN_LEN + id_len + au_len;
	if (len < hlen)
		return -EOVERFLOW;

	auth->id_off = 4;
	auth->id_len = id_len;
	auth->au_off = 4 + id_len;
	auth->au_len = au_len;
	auth->nonce_off = 4 + id_len + au_len;
	auth->confirmation = buf[hlen - 1];
	return hlen;
}
EXPORT_SYMBOL_IF_KUNIT(teredo_auth_parse);

/**
 * teredo_auth_build() - write an authentication header
 * @buf: output
 * @len: room in @buf
 * @nonce: the 8-byte nonce
 * @confirmation: the confirmation byte (0 from a client)
 *
 * Without client identifier or authentication value (id-len = au-len =
 * 0), as Miredo and RFC 5991 qualification use it.
 *
 * Return: 13, or -%EMSGSIZE.
 */
int teredo_auth_build(u8 *buf, size_t len, const u8 *nonce, u8 confirmation)
{
	if (len < TEREDO_AUTH_MIN_LEN)
		return -EMSGSIZE;
	buf[0] = 0;
	buf[1] = TEREDO_HDR_AUTH;
	buf[2] = 0;
	buf[3] = 0;
	memcpy(buf + 4, nonce, TEREDO_NONCE_LEN);
	buf[4 + TEREDO_NONCE_LEN] = confirmation;
	return TEREDO_AUTH_MIN_LEN;
}
EXPORT_SYMBOL_IF_KUNIT(teredo_auth_build);

/**
 * teredo_origin_parse() - parse an origin indication
 * @buf: buffer starting with the header (00 00 ~port ~ipv4)
 * @len: bytes in @buf
 * @ip: the origin IPv4 address, de-obfuscated (untouched on error)
 * @port: the origin UDP port, de-obfuscated (untouched on error)
 *
 * Checks, in order: -%ENODATA (fewer than 2 bytes), -%ENOMSG (not type
 * 0x0000), -%ENODATA (fewer than 8 bytes).
 *
 * Return: 8, or a negative errno.
 */
int teredo_origin_parse(const u8 *buf, size_t len, __be32 *ip,
			__be16 *port)
{
	if (len < 2)
		return -ENODATA;
	if (buf[0] != 0 || buf[1] != TEREDO_HDR_ORIGIN)
		return -ENOMSG;
	if (len < TEREDO_ORIGIN_LEN)
		return -ENODATA;
	copy_inverted(port, buf + 2, 2);
	copy_inverted(ip, buf + 4, 4);
	return TEREDO_ORIGIN_LEN;
}
EXPORT_SYMBOL_IF_KUNIT(teredo_origin_parse);

/**
 * teredo_origin_build() - write an origin indication
 * @buf: output
 * @len: room in @buf
 * @ip: IPv4 address to announce (not obfuscated)
 * @port: UDP port to announce (not obfuscated)
 *
 * Return: 8, or -%EMSGSIZE.
 */
int teredo_origin_build(u8 *buf, size_t len, __be32 ip, __be16 port)
{
	if (len < TEREDO_ORIGIN_LEN)
		return -EMSGSIZE;
	buf[0] = 0;
	buf[1] = TEREDO_HDR_ORIGIN;
	copy_inverted(buf + 2, &port, 2);
	copy_inverted(buf + 4, &ip, 4);
	return TEREDO_ORIGIN_LEN;
}
EXPORT_SYMBOL_IF_KUNIT(teredo_origin_build);

/* One's complement sum of big-endian 16-bit words, odd byte padded. */
static u64 csum_add(u64 sum, const u8 *p, size_t len)
{
	while (len >= 2) {
		sum += get16(p);
		p += 2;
		len -= 2;
	}
	if (len)
		sum += (u32)p[0] << 8;
	return sum;
}

/*
 * RFC 2460 section 8.1 checksum over the pseudo-header and @len bytes of
 * @data, as a host-order value to be stored big-endian. Over a message
 * that already holds its correct checksum, this is 0.
 */
static u16 csum_pseudo(const u8 *saddr, const u8 *daddr, u8 proto,
		       const u8 *data, size_t len)
{
	u64 sum = 0;

	sum = csum_add(sum, saddr, 16);
	sum = csum_add(sum, daddr, 16);
	sum += (u32)len >> 16;
	sum += (u32)len & 0xffff;
	sum += proto;
	sum = csum_add(sum, data, len);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (u16)~sum;
}

/**
 * teredo_csum_ipv6() - upper-layer checksum with the IPv6 pseudo-header
 * @saddr: IPv6 source
 * @daddr: IPv6 destination
 * @proto: next header (e.g. IPPROTO_ICMPV6)
 * @data: the upper-layer message, any alignment
 * @len: its length
 *
 * Same value as csum_ipv6_magic(saddr, daddr, len, proto,
 * csum_partial(data, len, 0)). Computed with the checksum field zeroed, it
 * is what goes there; computed over a message carrying a correct
 * checksum, it is 0.
 *
 * Return: the checksum, in wire byte order.
 */
__sum16 teredo_csum_ipv6(const struct in6_addr *saddr,
			 const struct in6_addr *daddr, u8 proto,
			 const void *data, size_t len)
{
	u16 v = csum_pseudo(saddr->s6_addr, daddr->s6_addr, proto, data, len);
	u8 wire[2] = { v >> 8, v & 0xff };
	__sum16 sum;

	memcpy(&sum, wire, sizeof(sum));
	return sum;
}
EXPORT_SYMBOL_IF_KUNIT(teredo_csum_ipv6);

static void ip6_hdr_put(u8 *p, u16 plen, u8 nexthdr, u8 hop_limit,
			const struct in6_addr *src, const struct in6_addr *dst)
{
	p[0] = 0x60;
	p[1] = 0;
	p[2] = 0;
	p[3] = 0;
	put16(p + IP6_PLEN, plen);
	p[IP6_NEXTHDR] = nexthdr;
	p[IP6_HOPLIMIT] = hop_limit;
	memcpy(p + IP6_SADDR, src->s6_addr, 16);
	memcpy(p + IP6_DADDR, dst->s6_addr, 16);
}

/* Checks an IPv6 header; returns header + payload length or an errno. */
static int ip6_check(const u8 *p, size_t len)
{
	unsigned int plen;

	if (len < TEREDO_IPV6_HLEN)
		return -ENODATA;
	if (p[0] >> 4 != 6)
		return -EPROTONOSUPPORT;
	plen = get16(p + IP6_PLEN);
	if (plen > len - TEREDO_IPV6_HLEN)
		return -EOVERFLOW;
	return TEREDO_IPV6_HLEN + plen;
}

/* The ICMPv6 checksum of the IPv6 packet at p (payload length plen) */
static bool icmp6_csum_ok(const u8 *p, unsigned int plen)
{
	return !csum_pseudo(p + IP6_SADDR, p + IP6_DADDR, IPPROTO_ICMPV6,
			    p + TEREDO_IPV6_HLEN, plen);
}

/* Teredo headers and IPv6 header: what both the classifier and the RA
 * parser need. Fills everything in pkt but kind.
 */
static int pkt_parse(const u8 *buf, size_t len, struct teredo_pkt *pkt)
{
	size_t off = 0;
	int n;

	memset(pkt, 0, sizeof(*pkt));

	if (len >= 2 && buf[0] == 0 && buf[1] == TEREDO_HDR_AUTH) {
		n = teredo_auth_parse(buf, len, &pkt->auth);
		if (n < 0)
			return n;
		pkt->has_auth = true;
		off = n;
	}
	if (len - off >= 2 && buf[off] == 0 &&
	    buf[off + 1] == TEREDO_HDR_ORIGIN) {
		n = teredo_origin_parse(buf + off, len - off, &pkt->origin_ip,
					&pkt->origin_port);
		if (n < 0)
			return n;
		pkt->has_origin = true;
		off += n;
	}
	/* An IPv6 header starts with 0x6_: 0x00 can only be a Teredo header */
	if (len - off >= 2 && buf[off] == 0)
		return buf[off + 1] <= TEREDO_HDR_AUTH ? -ETOOMANYREFS : -EPROTO;

	n = ip6_check(buf + off, len - off);
	if (n < 0)
		return n;
	pkt->ip6_off = off;
	pkt->ip6_len = n;
	pkt->nexthdr = buf[off + IP6_NEXTHDR];
	if (pkt->nexthdr == IPPROTO_ICMPV6 && n > TEREDO_IPV6_HLEN)
		pkt->icmp6_type = buf[off + TEREDO_IPV6_HLEN];
	return 0;
}

/**
 * teredo_classify() - what is this UDP payload?
 * @buf: the UDP payload received on the Teredo socket
 * @len: its length
 * @pkt: the result, offsets relative to @buf
 *
 * Parses the optional authentication header, then the optional origin
 * indication (in that order, each at most once), then checks the IPv6
 * header (version 6, payload length within @len; bytes past the payload
 * are left out of @pkt->ip6_len, as Miredo does). Errors, in the order
 * checked: those of teredo_auth_parse() and teredo_origin_parse(),
 * -%ETOOMANYREFS, -%EPROTO, then -%ENODATA (IPv6 header truncated),
 * -%EPROTONOSUPPORT, -%EOVERFLOW (payload length past @len).
 *
 * A bubble is an IPv6 header with payload length 0 and next header 59;
 * with an origin indication it is an indirect bubble relayed by the
 * server. An ICMPv6 type 134 right after the IPv6 header is
 * %TEREDO_PKT_RA, whatever else it carries: validate it with
 * teredo_parse_ra(). All else is %TEREDO_PKT_DATA, still subject to the
 * caller's source checks; that includes an RA behind extension headers,
 * which only those checks keep from ndisc (a link-local source is never
 * delivered, trust.c, as ndisc itself requires), with teredo0's accept_ra
 * off as a second line (device.c).
 *
 * Only the headers are read, never the IPv6 payload beyond its first
 * byte: no byte at or past %TEREDO_CLASSIFY_MAX_READ is touched.
 *
 * Return: the &enum teredo_pkt_kind (>= 0), or a negative errno (then
 * @pkt->kind is %TEREDO_PKT_MALFORMED and @pkt->err the same errno).
 */
int teredo_classify(const u8 *buf, size_t len, struct teredo_pkt *pkt)
{
	int err = pkt_parse(buf, len, pkt);

	if (err) {
		pkt->kind = TEREDO_PKT_MALFORMED;
		pkt->err = err;
		return err;
	}
	if (pkt->ip6_len == TEREDO_IPV6_HLEN && pkt->nexthdr == IPPROTO_NONE)
		pkt->kind = pkt->has_origin ? TEREDO_PKT_INDIRECT_BUBBLE :
					      TEREDO_PKT_BUBBLE;
	else if (pkt->icmp6_type == ICMP6_ROUTER_ADVERT)
		pkt->kind = TEREDO_PKT_RA;
	else
		pkt->kind = TEREDO_PKT_DATA;
	return pkt->kind;
}
EXPORT_SYMBOL_IF_KUNIT(teredo_classify);

/**
 * teredo_build_rs() - write a qualification router solicitation
 * @buf: output, the UDP payload to send to the server's port 3544
 * @len: room in @buf
 * @cone: send the cone RS (source fe80::8000:5445:5245:444f) instead of
 *	the restricted one (fe80::ffff:ffff:ffff)
 * @nonce: 8-byte nonce for the authentication header
 *
 * Authentication header with @nonce, then an IPv6 header (hop limit 255,
 * to ff02::2) and an ICMPv6 router solicitation with its checksum, byte
 * for byte what Miredo's teredo_send_rs() sends.
 *
 * Return: %TEREDO_RS_LEN, or -%EMSGSIZE, or -%EINVAL if @nonce is NULL.
 */
int teredo_build_rs(u8 *buf, size_t len, bool cone, const u8 *nonce)
{
	u8 *ip6, *rs;

	if (!nonce)
		return -EINVAL;
	if (len < TEREDO_RS_LEN)
		return -EMSGSIZE;
	ip6 = buf + TEREDO_AUTH_MIN_LEN;
	rs = ip6 + TEREDO_IPV6_HLEN;
	teredo_auth_build(buf, len, nonce, 0);
	ip6_hdr_put(ip6, RS_MSG_LEN, IPPROTO_ICMPV6, ND_HOP_LIMIT,
		    cone ? &teredo_ll_cone : &teredo_ll_restricted,
		    &teredo_all_routers);
	memset(rs, 0, RS_MSG_LEN);
	rs[0] = ICMP6_ROUTER_SOLICIT;
	put16(rs + 2, csum_pseudo(ip6 + IP6_SADDR, ip6 + IP6_DADDR,
				  IPPROTO_ICMPV6, rs, RS_MSG_LEN));
	return TEREDO_RS_LEN;
}
EXPORT_SYMBOL_IF_KUNIT(teredo_build_rs);

/* Walks the RA's options; pi and mtu are set to what was found. */
static int ra_options(const u8 *opt, size_t rem, const u8 **pi, u32 *mtu)
{
	bool have_mtu = false;
	size_t optlen;

	while (rem) {
		if (rem < 8)
			return -EUCLEAN;
		optlen = (size_t)opt[1] * 8;
		if (!optlen || optlen > rem)
			return -EUCLEAN;
		switch (opt[0]) {
		case ND_OPT_PREFIX_INFO:
			if (optlen < PI_OPT_LEN)
				return -EUCLEAN;
			if (*pi)
				return -ENOTUNIQ;
			*pi = opt;
			break;
		case ND_OPT_MTU:
			if (have_mtu)
				return -ENOTUNIQ;
			have_mtu = true;
			*mtu = get32(opt + 4);
			if (*mtu < TEREDO_MIN_MTU || *mtu > 65535)
				return -ERANGE;
			break;
		}
		opt += optlen;
		rem -= optlen;
	}
	return 0;
}

/**
 * teredo_parse_ra() - validate the server's router advertisement
 * @buf: the UDP payload received from the server
 * @len: its length
 * @nonce: the 8-byte nonce of the RS we sent
 * @server_ip: the server we sent it to
 * @ra: filled on success, untouched on error
 *
 * Checks, in this order: the errors of teredo_classify(); -%ENOKEY (no
 * authentication header), -%EPERM (nonce differs from @nonce), -%EACCES
 * (confirmation byte set), -%ENXIO (no origin indication, or 0.0.0.0);
 * -%ENOMSG (not ICMPv6, or type not 134, or code not 0), -%EUCLEAN
 * (shorter than an RA), -%EREMOTE (hop limit not 255), -%EADDRNOTAVAIL
 * (source not fe80::/10), -%EDESTADDRREQ (destination neither Teredo RS
 * source), -%EBADMSG (ICMPv6 checksum); then the options, in packet order:
 * -%EUCLEAN (bad option length), -%ENOTUNIQ (second prefix information or
 * MTU option), -%ERANGE (MTU outside 1280..65535); then -%ENOENT (no
 * prefix information), -%EAFNOSUPPORT (prefix length not 64, or prefix not
 * 2001:0::/32 nor the obsolete 3ffe:831f::/32), -%EXDEV (the prefix's
 * server is not @server_ip). Other options are ignored.
 *
 * Checking that it came from the server's UDP port 3544 is the caller's
 * job; so is comparing @ra->cone with the RS it sent.
 *
 * Return: 0 and @ra filled, or a negative errno (-%EINVAL if @nonce is
 * NULL).
 */
int teredo_parse_ra(const u8 *buf, size_t len, const u8 *nonce,
		    __be32 server_ip, struct teredo_ra *ra)
{
	const u8 *ip6, *icmp, *pi = NULL;
	enum teredo_ll_kind kind;
	struct teredo_pkt pkt;
	unsigned int plen;
	u32 mtu = 0;
	int err;

	if (!nonce)
		return -EINVAL;
	err = pkt_parse(buf, len, &pkt);
	if (err)
		return err;
	if (!pkt.has_auth)
		return -ENOKEY;
	if (!nonce_eq(buf + pkt.auth.nonce_off, nonce))
		return -EPERM;
	if (pkt.auth.confirmation)
		return -EACCES;
	if (!pkt.has_origin || !pkt.origin_ip)
		return -ENXIO;

	ip6 = buf + pkt.ip6_off;
	icmp = ip6 + TEREDO_IPV6_HLEN;
	plen = pkt.ip6_len - TEREDO_IPV6_HLEN;
	if (ip6[IP6_NEXTHDR] != IPPROTO_ICMPV6 ||
	    (plen >= 1 && icmp[0] != ICMP6_ROUTER_ADVERT) ||
	    (plen >= 2 && icmp[1] != 0))
		return -ENOMSG;
	if (plen < RA_MSG_LEN)
		return -EUCLEAN;
	if (ip6[IP6_HOPLIMIT] != ND_HOP_LIMIT)
		return -EREMOTE;
	if (ip6[IP6_SADDR] != 0xfe || (ip6[IP6_SADDR + 1] & 0xc0) != 0x80)
		return -EADDRNOTAVAIL;
	kind = ll_kind(ip6 + IP6_DADDR);
	if (kind == TEREDO_LL_NONE)
		return -EDESTADDRREQ;
	if (!icmp6_csum_ok(ip6, plen))
		return -EBADMSG;

	err = ra_options(icmp + RA_MSG_LEN, plen - RA_MSG_LEN, &pi, &mtu);
	if (err)
		return err;
	if (!pi)
		return -ENOENT;
	if (pi[2] != TEREDO_RA_PREFIX_LEN)
		return -EAFNOSUPPORT;
	/* Miredo maps the obsolete prefix Microsoft's servers still send */
	if (get32(pi + PI_PREFIX_OFF) != TEREDO_PREFIX &&
	    get32(pi + PI_PREFIX_OFF) != TEREDO_PREFIX_OBSOLETE)
		return -EAFNOSUPPORT;
	if (memcmp(pi + PI_PREFIX_OFF + 4, &server_ip, 4))
		return -EXDEV;

	ra->addr.server = server_ip;
	ra->addr.flags = kind == TEREDO_LL_CONE ? TEREDO_FLAG_CONE : 0;
	ra->addr.mapped_ip = pkt.origin_ip;
	ra->addr.mapped_port = pkt.origin_port;
	ra->mtu = mtu;
	ra->cone = kind == TEREDO_LL_CONE;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(teredo_parse_ra);

/**
 * teredo_build_bubble() - write a bubble
 * @buf: output, the UDP payload
 * @len: room in @buf
 * @src: IPv6 source (ours)
 * @dst: IPv6 destination (the peer's)
 *
 * An IPv6 header with no payload and next header 59 (RFC 4380 section
 * 2.8), hop limit 0 like Miredo's. @src and @dst may point into @buf.
 *
 * Return: %TEREDO_BUBBLE_LEN, or -%EMSGSIZE.
 */
int teredo_build_bubble(u8 *buf, size_t len, const struct in6_addr *src,
			const struct in6_addr *dst)
{
	struct in6_addr s = *src, d = *dst;

	if (len < TEREDO_BUBBLE_LEN)
		return -EMSGSIZE;
	ip6_hdr_put(buf, 0, IPPROTO_NONE, BUBBLE_HOP_LIMIT, &s, &d);
	return TEREDO_BUBBLE_LEN;
}
EXPORT_SYMBOL_IF_KUNIT(teredo_build_bubble);

/**
 * teredo_is_bubble() - is this IPv6 packet a bubble?
 * @ip6: the IPv6 packet (after any Teredo headers)
 * @len: bytes in @ip6
 *
 * Return: true for a valid IPv6 header with payload length 0 and next
 * header 59; bytes after it are ignored.
 */
bool teredo_is_bubble(const u8 *ip6, size_t len)
{
	return ip6_check(ip6, len) == TEREDO_IPV6_HLEN &&
	       ip6[IP6_NEXTHDR] == IPPROTO_NONE;
}
EXPORT_SYMBOL_IF_KUNIT(teredo_is_bubble);

/**
 * teredo_build_echo() - write the ICMPv6 echo request of relay discovery
 * @buf: output, the IPv6 packet (send it through the server)
 * @len: room in @buf
 * @src: our Teredo address
 * @dst: the native IPv6 peer
 * @nonce: 8 bytes that the reply must carry back
 *
 * The nonce fills the identifier, sequence number and 4 data bytes, as in
 * Miredo's SendPing() (which puts its HMAC there); hop limit 128.
 *
 * Return: %TEREDO_ECHO_LEN, or -%EMSGSIZE.
 */
int teredo_build_echo(u8 *buf, size_t len, const struct in6_addr *src,
		      const struct in6_addr *dst, const u8 *nonce)
{
	struct in6_addr s = *src, d = *dst;
	u8 *icmp;

	if (len < TEREDO_ECHO_LEN)
		return -EMSGSIZE;
	icmp = buf + TEREDO_IPV6_HLEN;
	ip6_hdr_put(buf, TEREDO_ECHO_DATA_LEN, IPPROTO_ICMPV6, ECHO_HOP_LIMIT,
		    &s, &d);
	icmp[0] = ICMP6_ECHO_REQUEST;
	icmp[1] = 0;
	icmp[2] = 0;
	icmp[3] = 0;
	memcpy(icmp + 4, nonce, TEREDO_NONCE_LEN);
	put16(icmp + 2, csum_pseudo(buf + IP6_SADDR, buf + IP6_DADDR,
				    IPPROTO_ICMPV6, icmp,
				    TEREDO_ECHO_DATA_LEN));
	return TEREDO_ECHO_LEN;
}
EXPORT_SYMBOL_IF_KUNIT(teredo_build_echo);

/**
 * teredo_parse_echo_reply() - is this the reply to our echo request?
 * @ip6: the IPv6 packet (after any Teredo headers)
 * @len: bytes in @ip6
 * @nonce: the nonce teredo_build_echo() was given
 *
 * Checks, in order: -%ENODATA, -%EPROTONOSUPPORT, -%EOVERFLOW (IPv6
 * header), -%ENOMSG (not ICMPv6 echo reply with code 0), -%EUCLEAN (not
 * the length of our request), -%EBADMSG (checksum), -%EPERM (nonce).
 * The source address (the relay's peer) is the caller's to check.
 *
 * Return: 0, or a negative errno.
 */
int teredo_parse_echo_reply(const u8 *ip6, size_t len, const u8 *nonce)
{
	unsigned int plen;
	const u8 *icmp;
	int n;

	n = ip6_check(ip6, len);
	if (n < 0)
		return n;
	icmp = ip6 + TEREDO_IPV6_HLEN;
	plen = n - TEREDO_IPV6_HLEN;
	if (ip6[IP6_NEXTHDR] != IPPROTO_ICMPV6 ||
	    (plen >= 1 && icmp[0] != ICMP6_ECHO_REPLY) ||
	    (plen >= 2 && icmp[1] != 0))
		return -ENOMSG;
	if (plen != TEREDO_ECHO_DATA_LEN)
		return -EUCLEAN;
	if (!icmp6_csum_ok(ip6, plen))
		return -EBADMSG;
	if (!nonce_eq(icmp + 4, nonce))
		return -EPERM;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(teredo_parse_echo_reply);
