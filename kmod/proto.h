/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Teredo wire formats (RFC 4380, RFC 5991): pure codecs.
 *
 * Nothing here knows about sockets, skbs, timers or memory allocation:
 * every function works on a flat buffer the caller owns, never reads or
 * writes outside (buffer, length), and keeps no state. proto.c is also
 * compiled unchanged in userspace for fuzzing (kunit/fuzz/).
 *
 * Conventions:
 *  - IPv4 addresses are __be32 and UDP ports __be16 (network order, as
 *    the socket layer uses them); Teredo flags are host-order u16.
 *  - "Mapped" address and port are always returned de-obfuscated.
 *  - Parsers take (buffer, length) and return a length or 0 on success,
 *    or one negative errno per malformation reason (table below).
 *  - Builders take (buffer, size) and return the number of bytes written,
 *    or -EMSGSIZE if the buffer is too small (nothing useful written).
 *  - Results point into the buffer by offset, never by copy.
 *
 * Errors (each names one reason; parsers check in the order listed in
 * their kernel-doc, so a packet with several defects reports the first):
 *
 *  -EINVAL           caller error (bad argument), never a packet defect
 *  -EMSGSIZE         builder: output buffer too small
 *  -ENODATA          the buffer ends inside a fixed-size structure: an
 *                    authentication header's 13 bytes, an origin
 *                    indication's 8, an IPv6 header's 40
 *  -EOVERFLOW        a length field points past the end of the buffer:
 *                    authentication id-len + au-len, IPv6 payload length
 *  -EPROTO           unknown Teredo header type (0x00 then a type > 1)
 *  -ETOOMANYREFS     a Teredo header repeated or out of order (origin
 *                    indication before authentication)
 *  -EPROTONOSUPPORT  the IP version nibble is not 6
 *  -ENOMSG           not the message the parser was asked for (wrong
 *                    Teredo header type for teredo_auth_parse() or
 *                    teredo_origin_parse(), wrong next header, ICMPv6
 *                    type or code)
 *  -EUCLEAN          malformed ICMPv6 structure: message shorter than
 *                    its fixed part (or not the exact echo length), an
 *                    ND option of length 0, running past the message, or
 *                    shorter than its type requires
 *  -EBADMSG          wrong ICMPv6 checksum
 *  -EREMOTE          IPv6 hop limit is not 255 (RA: not from on-link)
 *  -EADDRNOTAVAIL    RA source is not link-local
 *  -EDESTADDRREQ     RA destination is not a Teredo RS source address
 *  -ENOKEY           RA without authentication header (RFC 5991)
 *  -EPERM            nonce does not match the one we sent
 *  -EACCES           authentication confirmation byte is not zero
 *  -ENXIO            RA without origin indication, or one giving 0.0.0.0
 *  -ENOENT           RA without prefix information option
 *  -ENOTUNIQ         RA with more than one prefix information option,
 *                    or more than one MTU option
 *  -EAFNOSUPPORT     not a Teredo address / prefix: not 2001:0::/32 (or
 *                    the obsolete 3ffe:831f::/32 some servers still
 *                    advertise, accepted as 2001:0::/32 like Miredo), or
 *                    a prefix length other than 64
 *  -EXDEV            the RA prefix names another server than ours
 *  -ERANGE           RA MTU option outside 1280..65535
 */
#ifndef _TEREDO_PROTO_H
#define _TEREDO_PROTO_H

#include <linux/types.h>
#include <linux/in6.h>

/* Teredo prefix 2001:0000::/32 (RFC 4380 section 2.6), and the obsolete
 * experimental one that some servers still advertise.
 */
#define TEREDO_PREFIX			0x20010000U
#define TEREDO_PREFIX_OBSOLETE		0x3ffe831fU

/* The Teredo IPv4 discovery address (RFC 4380 section 2); its port,
 * TEREDO_DISCOVERY_PORT, is in <linux/teredo.h>
 */
#define TEREDO_DISCOVERY_IP		0xe00000fdU	/* 224.0.0.253 */

/* Flags (RFC 4380 section 4, RFC 5991 section 4): "CRAAAAUG AAAAAAAA" */
#define TEREDO_FLAG_CONE		0x8000
#define TEREDO_FLAG_RESERVED		0x4000
#define TEREDO_FLAG_UG			0x0300
#define TEREDO_FLAG_RANDOM_MASK		0x3cff

/* Teredo header types (the two bytes 0x00 <type> before the IPv6 packet) */
#define TEREDO_HDR_ORIGIN		0x00
#define TEREDO_HDR_AUTH			0x01

#define TEREDO_NONCE_LEN		8
#define TEREDO_AUTH_MIN_LEN		13	/* 4 + nonce + confirmation */
#define TEREDO_ORIGIN_LEN		8
#define TEREDO_IPV6_HLEN		40
#define TEREDO_MIN_MTU			1280

/*
 * teredo_classify() reads no byte at or past this offset, whatever @len
 * says: a receive path may make only min(len, TEREDO_CLASSIFY_MAX_READ)
 * bytes linear (pskb_may_pull()) and still pass the full length. It is
 * the largest authentication header, an origin indication, an IPv6
 * header and the ICMPv6 type byte.
 */
#define TEREDO_CLASSIFY_MAX_READ	(TEREDO_AUTH_MIN_LEN + 255 + 255 + \
					 TEREDO_ORIGIN_LEN + \
					 TEREDO_IPV6_HLEN + 1)

/* Bytes written by the builders */
#define TEREDO_RS_LEN		(TEREDO_AUTH_MIN_LEN + TEREDO_IPV6_HLEN + 8)
#define TEREDO_BUBBLE_LEN	TEREDO_IPV6_HLEN
#define TEREDO_ECHO_DATA_LEN	(4 + TEREDO_NONCE_LEN)	/* ICMPv6 length */
#define TEREDO_ECHO_LEN		(TEREDO_IPV6_HLEN + TEREDO_ECHO_DATA_LEN)

/**
 * struct teredo_addr_info - the fields of a Teredo address
 * @server: Teredo server IPv4 address
 * @flags: host-order flags (%TEREDO_FLAG_CONE, RFC 5991 random bits)
 * @mapped_ip: client's mapped (NAT external) IPv4 address, de-obfuscated
 * @mapped_port: client's mapped UDP port, de-obfuscated
 */
struct teredo_addr_info {
	__be32 server;
	u16 flags;
	__be32 mapped_ip;
	__be16 mapped_port;
};

/* Link-local kinds, as used by the RS source and the RA destination */
enum teredo_ll_kind {
	TEREDO_LL_NONE = 0,
	TEREDO_LL_RESTRICTED,	/* fe80::ffff:ffff:ffff, non-cone RS */
	TEREDO_LL_CONE,		/* fe80::8000:5445:5245:444f, cone RS */
};

extern const struct in6_addr teredo_ll_restricted;
extern const struct in6_addr teredo_ll_cone;
extern const struct in6_addr teredo_all_routers;

void teredo_addr_build(struct in6_addr *addr,
		       const struct teredo_addr_info *info);
int teredo_addr_parse(const struct in6_addr *addr,
		      struct teredo_addr_info *info);
bool teredo_ipv4_global_unicast(__be32 addr);
bool teredo_addr_is_teredo(const struct in6_addr *addr);
bool teredo_addr_is_cone(const struct in6_addr *addr);
bool teredo_addr_matches(const struct in6_addr *addr, __be32 ip,
			 __be16 port);
enum teredo_ll_kind teredo_addr_ll_kind(const struct in6_addr *addr);
u16 teredo_flags_random(bool cone, u16 random);

/**
 * struct teredo_auth - a parsed authentication header
 * @id_off: offset of the client identifier in the buffer parsed
 * @id_len: its length
 * @au_off: offset of the authentication value
 * @au_len: its length
 * @nonce_off: offset of the 8-byte nonce
 * @confirmation: the confirmation byte (non-zero: server refused us)
 */
struct teredo_auth {
	unsigned int id_off;
	u8 id_len;
	unsigned int au_off;
	u8 au_len;
	unsigned int nonce_off;
	u8 confirmation;
};

int teredo_auth_parse(const u8 *buf, size_t len, struct teredo_auth *auth);
int teredo_auth_build(u8 *buf, size_t len, const u8 *nonce, u8 confirmation);
int teredo_origin_parse(const u8 *buf, size_t len, __be32 *ip,
			__be16 *port);
int teredo_origin_build(u8 *buf, size_t len, __be32 ip, __be16 port);

__sum16 teredo_csum_ipv6(const struct in6_addr *saddr,
			 const struct in6_addr *daddr, u8 proto,
			 const void *data, size_t len);

/* What teredo_classify() found in one UDP payload */
enum teredo_pkt_kind {
	TEREDO_PKT_DATA = 0,		/* an IPv6 packet for the stack */
	TEREDO_PKT_BUBBLE,		/* a bubble, no origin indication */
	TEREDO_PKT_INDIRECT_BUBBLE,	/* a bubble with origin indication */
	TEREDO_PKT_RA,			/* ICMPv6 type 134: teredo_parse_ra() */
	TEREDO_PKT_MALFORMED,		/* see @err */
};

/**
 * struct teredo_pkt - classification of one received UDP payload
 * @kind: what it is (%TEREDO_PKT_MALFORMED on error)
 * @err: the negative errno when malformed, else 0
 * @has_auth: an authentication header is present (@auth valid)
 * @auth: that header, offsets relative to the UDP payload
 * @has_origin: an origin indication is present (@origin_* valid)
 * @origin_ip: its IPv4 address, de-obfuscated
 * @origin_port: its UDP port, de-obfuscated
 * @ip6_off: offset of the IPv6 header in the UDP payload
 * @ip6_len: IPv6 header plus payload length (bytes after it are excess)
 * @nexthdr: IPv6 next header
 * @icmp6_type: ICMPv6 type if @nexthdr is ICMPv6 and one byte is there
 *	(0 otherwise; 0 is a reserved type)
 */
struct teredo_pkt {
	enum teredo_pkt_kind kind;
	int err;
	bool has_auth;
	struct teredo_auth auth;
	bool has_origin;
	__be32 origin_ip;
	__be16 origin_port;
	unsigned int ip6_off;
	unsigned int ip6_len;
	u8 nexthdr;
	u8 icmp6_type;
};

int teredo_classify(const u8 *buf, size_t len, struct teredo_pkt *pkt);

int teredo_build_rs(u8 *buf, size_t len, bool cone, const u8 *nonce);

/**
 * struct teredo_ra - what a valid router advertisement tells the client
 * @addr: server (from the prefix), flags (%TEREDO_FLAG_CONE if the RA
 *	answered a cone RS, random bits left 0 for the caller), mapped
 *	address and port (from the origin indication)
 * @mtu: the MTU option's value, 0 if the RA had none
 * @cone: the RA was sent to the cone link-local address
 */
struct teredo_ra {
	struct teredo_addr_info addr;
	u32 mtu;
	bool cone;
};

int teredo_parse_ra(const u8 *buf, size_t len, const u8 *nonce,
		    __be32 server_ip, struct teredo_ra *ra);

int teredo_build_bubble(u8 *buf, size_t len, const struct in6_addr *src,
			const struct in6_addr *dst);
bool teredo_is_bubble(const u8 *ip6, size_t len);

int teredo_build_echo(u8 *buf, size_t len, const struct in6_addr *src,
		      const struct in6_addr *dst, const u8 *nonce);
int teredo_parse_echo_reply(const u8 *ip6, size_t len, const u8 *nonce);

#endif /* _TEREDO_PROTO_H */
