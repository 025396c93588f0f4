/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The rules that keep the client safe on the Internet (trust.c): which
 * IPv4 addresses it may ever send to (RFC 4380 section 5.2.4), which
 * received packets it believes (section 5.2.3, Miredo's client cases),
 * and how many bubbles and echo requests it sends (section 5.2.6: at
 * most 4 unanswered to one peer in 300 s, and a device-wide rate).
 *
 * Everything here is pure or keeps its own state (struct teredo_limits),
 * so that KUnit (kunit/trust_test.c) checks each rule on its own.
 */
#ifndef _TEREDO_TRUST_H
#define _TEREDO_TRUST_H

#include <linux/in6.h>
#include <linux/siphash.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include "counters.h"
#include "proto.h"

bool teredo_addr_info_global(const struct teredo_addr_info *info);
bool teredo_ipv6_src_bad(const struct in6_addr *src,
			 const struct in6_addr *self);

/* What the receive rules make of one packet */
enum teredo_rx_verdict {
	TEREDO_RX_ACCEPT,	/* trusted peer, its mapping: deliver */
	TEREDO_RX_TRUST_RELAY,	/* our echo answered: trust that relay */
	TEREDO_RX_TRUST_TEREDO,	/* source matches its address: trust */
	TEREDO_RX_TRUST_LOCAL,	/* a local peer, from the link: trust */
	TEREDO_RX_TRUST_SYMMETRIC, /* RFC 6081: its mapping for us: trust */
	TEREDO_RX_QUEUE_PROBE,	/* native source, unknown relay: verify */
	TEREDO_RX_IGNORE,	/* a bubble that proves nothing: consume */
	TEREDO_RX_UNTRUSTED,	/* drop, counted for the reason given */
};

/**
 * struct teredo_rx_facts - what the receive rules look at
 * @src_teredo: the IPv6 source is a Teredo address
 * @src_matches: ...whose mapping is the packet's outer source
 * @src_ip_matches: ...whose mapped address (not port) is the outer source
 * @probed: we bubbled that Teredo address's mapping lately
 *	(teredo_probe_pending())
 * @src_linklocal: the IPv6 source is link-local
 * @src_bad: the IPv6 source can be nobody's (teredo_ipv6_src_bad())
 * @outer_global: the outer IPv4 source is global unicast
 * @bubble: the packet is a bubble
 * @have_peer: the source is in the cache
 * @peer_trusted: ...trusted
 * @peer_mapping: ...with the outer source as its mapping
 * @echo_reply: the packet is the answer to the entry's echo request
 * @peer_local: ...found on our link through its mapping, or asked for
 *	there (local discovery: peer.h @local, @local_probe)
 * @outer_link: the outer source is a neighbour on the link local
 *	discovery listens on, and the IPv6 source a Teredo address behind
 *	our NAT (discovery.c)
 */
struct teredo_rx_facts {
	bool src_teredo;
	bool src_matches;
	bool src_ip_matches;
	bool probed;
	bool src_linklocal;
	bool src_bad;
	bool outer_global;
	bool bubble;
	bool have_peer;
	bool peer_trusted;
	bool peer_mapping;
	bool echo_reply;
	bool peer_local;
	bool outer_link;
};

enum teredo_rx_verdict teredo_rx_verdict(const struct teredo_rx_facts *f,
					 enum teredo_drop_reason *why);

/* RFC 4380 section 5.2.6 and Miredo's CountBubble()/CountPing() */
#define TEREDO_PROBES_UNANSWERED	4	/* to one peer, then ... */
#define TEREDO_PROBE_HOLDOFF_S		300	/* ... silence for this long */
/* Device-wide: bubbles, indirect bubbles and echo requests together */
#define TEREDO_PROBE_RATE		20	/* packets per second */
#define TEREDO_PROBE_BURST		50
#define TEREDO_PROBE_SLOTS		8192	/* a power of two */

/**
 * struct teredo_probe_key - whom a probe is for
 * @addr: the peer: its mapping as ::ffff:a.b.c.d plus the port in
 *	s6_addr16[1] (a Teredo peer, whatever its address's other bits), or
 *	its IPv6 address (a native peer, probed with echo requests)
 */
struct teredo_probe_key {
	struct in6_addr addr;
};

void teredo_probe_key_mapping(struct teredo_probe_key *k, __be32 ip,
			      __be16 port);
void teredo_probe_key_native(struct teredo_probe_key *k,
			     const struct in6_addr *addr);

struct teredo_probe_slot {
	u32 last;	/* jiffies (32 bits) of the last probe counted */
	u32 count;	/* probes since the last silence of HOLDOFF_S */
};

/**
 * struct teredo_limits - the probe budget of one device
 * @lock: guards the rest (a BH spinlock, innermost)
 * @key: secret, so that nobody can pick peers that share slots
 * @stamp: jiffies of the last refill of @credit
 * @credit: probe packets that may go now, in 1/HZ of a packet
 * @slot: unanswered probes per peer, a count-min sketch: each peer has
 *	two slots and is held at the smaller count, which is never below its
 *	own, so that peers sharing slots can only be held back sooner, never
 *	let through more often; a stranger holds a peer back only by
 *	sharing both its slots
 *
 * It outlives the peer cache's entries, so that neither eviction nor
 * expiry forgets a peer that did not answer.
 */
struct teredo_limits {
	spinlock_t lock;	/* see above */
	siphash_key_t key;
	unsigned long stamp;
	unsigned long credit;
	struct teredo_probe_slot slot[TEREDO_PROBE_SLOTS];
};

struct teredo_limits *teredo_limits_alloc(void);
void teredo_limits_free(struct teredo_limits *l);
int teredo_probe_allow(struct teredo_limits *l,
		       const struct teredo_probe_key *k,
		       unsigned int packets, unsigned long now);
bool teredo_probe_pending(struct teredo_limits *l,
			  const struct teredo_probe_key *k, unsigned long now);
void teredo_probe_answered(struct teredo_limits *l,
			   const struct teredo_probe_key *k);
#if IS_ENABLED(CONFIG_KUNIT)
void teredo_probe_slots(const struct teredo_limits *l,
			const struct teredo_probe_key *k, unsigned int idx[2]);
#endif

#endif /* _TEREDO_TRUST_H */
