/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The counters (counters.c): why the client dropped a packet or did not
 * send one, per device, shown in sysfs teredo/drops as "name count" and
 * by ethtool -S as drop_<name>; and what the client took for itself.
 * Each datagram the socket receives is delivered (rx_packets), dropped
 * (rx_dropped and one reason), consumed (rx_consumed), or still queued.
 * Low in the include graph: every file counts its own drops, and this
 * header needs none of the others.
 * Add a reason here and its name in teredo_drop_names[] (counters.c).
 */
#ifndef _TEREDO_COUNTERS_H
#define _TEREDO_COUNTERS_H

#include <linux/ethtool.h>
#include <linux/types.h>

struct sk_buff;
struct teredo_dev;

enum teredo_drop_reason {
	TEREDO_DROP_NOT_QUALIFIED,	/* tx before qualification */
	TEREDO_DROP_NOT_IPV6,		/* tx of something else */
	TEREDO_DROP_NO_SOCKET,		/* tx while unbound */
	TEREDO_DROP_NO_ROUTE,		/* no IPv4 route to the destination */
	TEREDO_DROP_NOMEM,		/* headroom, pull or offload setup */
	TEREDO_DROP_MALFORMED,		/* rx: teredo_classify() refused it */
	TEREDO_DROP_BAD_RA,		/* rx: RA not from the server, or invalid */
	TEREDO_DROP_UNTRUSTED,		/* rx: relay nobody vouched for */
	TEREDO_DROP_BAD_DST,		/* not our address / not a usable mapping */
	TEREDO_DROP_NO_RELAY,		/* tx to a non-Teredo address, no relay */
	TEREDO_DROP_QUEUE_FULL,		/* over the peer's queue bytes */
	TEREDO_DROP_PEER_UNREACHABLE,	/* no answer to the probes */
	TEREDO_DROP_PEER_EVICTED,	/* queued, entry removed */
	TEREDO_DROP_NOT_GLOBAL,		/* an IPv4 address not global unicast */
	TEREDO_DROP_SPOOFED_SRC,	/* rx: Teredo source, not its mapping */
	TEREDO_DROP_LINKLOCAL_SRC,	/* rx: link-local IPv6 source */
	TEREDO_DROP_BAD_SRC,		/* unspecified, loopback, multicast, ... */
	TEREDO_DROP_NOT_SERVER,		/* rx: origin indication not from it */
	TEREDO_DROP_NOT_HOST,		/* rx: broadcast or multicast UDP */
	TEREDO_DROP_QUEUE_BUDGET,	/* over the device's queue budget */
	TEREDO_DROP_BUBBLE_LIMIT,	/* not sent: 4 per 300 s to that peer */
	TEREDO_DROP_PROBE_LIMIT,	/* not sent: the device's probe rate */
	TEREDO_DROP_ECN,		/* rx: CE outside, not-ECT inside (RFC 6040) */
	TEREDO_DROP_NOT_ONLINK,		/* rx: discovery, not from a neighbour */
	TEREDO_DROP_UNREACHABLE_SYMMETRIC, /* no answer, our NAT symmetric */
	__TEREDO_DROP_MAX
};

extern const char * const teredo_drop_names[__TEREDO_DROP_MAX];
extern const struct ethtool_ops teredo_ethtool_ops;

void teredo_drop(struct teredo_dev *td, struct sk_buff *skb,
		 enum teredo_drop_reason reason, bool rx);
void teredo_count(struct teredo_dev *td, enum teredo_drop_reason reason);
void teredo_consume(struct teredo_dev *td, struct sk_buff *skb);
u64 teredo_drop_count(struct teredo_dev *td, enum teredo_drop_reason reason);

#endif /* _TEREDO_COUNTERS_H */
