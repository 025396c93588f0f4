// SPDX-License-Identifier: GPL-2.0-only
/*
 * Outer ICMPv4 errors about the Teredo socket's datagrams, from the UDP
 * tunnel's encap_err_rcv hook (the UDP layer has already applied what
 * concerns the socket itself: a "fragmentation needed" updates the route's
 * PMTU).
 *
 * A destination unreachable that a UDP socket takes as a hard error
 * (icmp_err_convert: port or protocol unreachable, administratively
 * prohibited, ...) and that comes from the very address our datagram went
 * to (the peer's host or NAT, not a router on the way) means nobody
 * listens there: every peer reached at that address and port is given up
 * on at once (peer.c), as Miredo would only after its bubbles went
 * unanswered, so its senders hear ICMPv6 unreachable now, not in 8 s.
 * The error is as hostile as any packet: it only ever names a mapping
 * we sent to, one that is public in the peer's Teredo address, so it can
 * do no more than the peer's own NAT could; and at most
 * TEREDO_ICMP_RATE errors a second are acted on, each a walk of the peer
 * list. The rest are only counted (ethtool -S: icmp_errors,
 * icmp_peers_refused).
 */

#include <linux/icmp.h>
#include <linux/ip.h>
#include <linux/ratelimit.h>
#include <linux/udp.h>
#include <net/icmp.h>
#include <net/sock.h>

#include "device.h"
#include "icmp.h"
#include "peer.h"

/**
 * teredo_icmp_init() - the rate of the ICMP errors acted on
 * @td: the device
 */
void teredo_icmp_init(struct teredo_dev *td)
{
	ratelimit_state_init(&td->icmp_rs, HZ, TEREDO_ICMP_RATE);
	/* never a "callbacks suppressed" message: the counter says it */
	ratelimit_set_flags(&td->icmp_rs, RATELIMIT_MSG_ON_RELEASE);
}

/* A hard error, from the host the datagram was for? */
static bool teredo_icmp_refused(const struct iphdr *outer, u8 type, u8 code,
				const struct iphdr *iph)
{
	if (type != ICMP_DEST_UNREACH || code > NR_ICMP_UNREACH ||
	    !icmp_err_convert[code].fatal)
		return false;
	return outer->saddr == iph->daddr;
}

/*
 * @skb: the ICMP error: network header the outer IPv4 header, transport
 * header the ICMP header, data the quoted IPv4 header, its UDP header
 * pulled in too (icmp_unreach()).
 */
static void teredo_icmp_err(struct sock *sk, struct sk_buff *skb)
{
	struct teredo_dev *td = rcu_dereference_sk_user_data(sk);
	const struct iphdr *iph = (const struct iphdr *)skb->data;
	const struct icmphdr *icmph = icmp_hdr(skb);
	const struct udphdr *uh;
	unsigned int n;

	if (!td)
		return;
	atomic64_inc(&td->icmp_errors);
	if (!teredo_icmp_refused(ip_hdr(skb), icmph->type, icmph->code, iph) ||
	    !__ratelimit(&td->icmp_rs))
		return;
	uh = (const struct udphdr *)(skb->data + iph->ihl * 4);
	n = teredo_peers_refused(td->peers, iph->daddr, uh->dest);
	if (n)
		atomic64_add(n, &td->icmp_peers_refused);
}

/*
 * The Teredo socket's encap_err_rcv. Its arguments changed in 6.2 (rxrpc
 * moved to the core's ICMP parsers); both kernels call it with @skb as
 * teredo_icmp_err() takes it, which is all it needs. Kbuild reads which
 * one the kernel declares.
 */
#ifdef TEREDO_ERR_RCV_PAYLOAD
void teredo_udp_err_rcv(struct sock *sk, struct sk_buff *skb, int err,
			__be16 port, u32 info, u8 *payload)
#else
void teredo_udp_err_rcv(struct sock *sk, struct sk_buff *skb,
			unsigned int udp_offset)
#endif
{
	teredo_icmp_err(sk, skb);
}
