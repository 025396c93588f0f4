// SPDX-License-Identifier: GPL-2.0-only
/*
 * The rules that make the client safe to put on the Internet; see
 * trust.h. Behaves as Miredo's libteredo (v4global.c, relay.c), with the
 * RFC 5991 updates: the cone flag earns no trust, and nothing goes to an
 * IPv4 address that is not global unicast, whoever names it.
 */

#include <kunit/visibility.h>
#include <linux/in.h>
#include <linux/jiffies.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <net/ipv6.h>

#include "trust.h"

/**
 * teredo_addr_info_global() - may packets for this Teredo address go out?
 * @info: the fields of a Teredo address
 *
 * Both addresses it makes the client send to, its server (indirect
 * bubbles) and its mapping (bubbles and data), must be global unicast,
 * and the mapped port not 0.
 */
bool teredo_addr_info_global(const struct teredo_addr_info *info)
{
	return info->mapped_port &&
	       teredo_ipv4_global_unicast(info->mapped_ip) &&
	       teredo_ipv4_global_unicast(info->server);
}
EXPORT_SYMBOL_IF_KUNIT(teredo_addr_info_global);

/**
 * teredo_ipv6_src_bad() - can no node send from @src?
 * @src: the IPv6 source of a received packet
 * @self: our own Teredo address
 *
 * Unspecified, loopback, multicast, IPv4-mapped and IPv4-compatible
 * sources, and our own address: nobody may create a peer entry (and make
 * us send echo requests through our server) with one.
 */
bool teredo_ipv6_src_bad(const struct in6_addr *src,
			 const struct in6_addr *self)
{
	/* ::/96: unspecified, loopback and IPv4-compatible */
	bool v4compat = !(src->s6_addr32[0] | src->s6_addr32[1] |
			  src->s6_addr32[2]);

	return v4compat || ipv6_addr_v4mapped(src) ||
	       ipv6_addr_is_multicast(src) || ipv6_addr_equal(src, self);
}
EXPORT_SYMBOL_IF_KUNIT(teredo_ipv6_src_bad);

/**
 * teredo_rx_verdict() - the receive rules of RFC 4380 5.2.3 / Miredo
 * @f: what is known about the packet
 * @why: set to the drop reason when the verdict is %TEREDO_RX_UNTRUSTED
 */
enum teredo_rx_verdict teredo_rx_verdict(const struct teredo_rx_facts *f,
					 enum teredo_drop_reason *why)
{
	/* Never let link-local sources in (faked RAs), as Miredo; direct
	 * bubbles from them are hole punching and carry nothing.
	 */
	if (f->src_linklocal) {
		*why = TEREDO_DROP_LINKLOCAL_SRC;
		return f->bubble ? TEREDO_RX_IGNORE : TEREDO_RX_UNTRUSTED;
	}
	if (f->src_bad) {
		*why = TEREDO_DROP_BAD_SRC;
		return TEREDO_RX_UNTRUSTED;
	}
	/* Client case 1: trusted, through its known mapping or relay */
	if (f->have_peer && f->peer_trusted && f->peer_mapping)
		return TEREDO_RX_ACCEPT;
	/*
	 * Client case 5 (RFC 4380 5.2.8): a peer behind our NAT that local
	 * discovery found at this link address, or that our probes asked
	 * the link for, answers from the link. Not any neighbour: an entry
	 * must be waiting for it.
	 */
	if (f->have_peer && f->peer_local && f->src_teredo && f->outer_link)
		return TEREDO_RX_TRUST_LOCAL;
	/* Whatever follows may make us answer the outer source */
	if (!f->outer_global) {
		*why = TEREDO_DROP_NOT_GLOBAL;
		return TEREDO_RX_UNTRUSTED;
	}
	/* Client case 2: the answer to our echo request names the relay */
	if (f->have_peer && !f->src_teredo && f->echo_reply)
		return TEREDO_RX_TRUST_RELAY;
	/* Client case 3: a Teredo source must come from its own mapping */
	if (f->src_teredo) {
		if (f->src_matches)
			return TEREDO_RX_TRUST_TEREDO;
		/*
		 * RFC 6081 symmetric NAT support: behind a symmetric NAT, a
		 * peer's bubbles to us leave through a mapping of their own,
		 * on the address its Teredo address names but another port.
		 * Only a direct bubble, only from a peer we bubbled lately,
		 * never to move a peer trusted elsewhere.
		 */
		if (f->bubble && f->src_ip_matches && f->probed &&
		    !(f->have_peer && f->peer_trusted))
			return TEREDO_RX_TRUST_SYMMETRIC;
		*why = TEREDO_DROP_SPOOFED_SRC;
		return TEREDO_RX_UNTRUSTED;
	}
	/* Client case 6: a native source through a relay not (yet) ours */
	return TEREDO_RX_QUEUE_PROBE;
}
EXPORT_SYMBOL_IF_KUNIT(teredo_rx_verdict);

/* The probe budget */

void teredo_probe_key_mapping(struct teredo_probe_key *k, __be32 ip,
			      __be16 port)
{
	memset(k, 0, sizeof(*k));
	k->addr.s6_addr16[1] = port;
	k->addr.s6_addr16[5] = htons(0xffff);
	k->addr.s6_addr32[3] = ip;
}
EXPORT_SYMBOL_IF_KUNIT(teredo_probe_key_mapping);

void teredo_probe_key_native(struct teredo_probe_key *k,
			     const struct in6_addr *addr)
{
	k->addr = *addr;
}
EXPORT_SYMBOL_IF_KUNIT(teredo_probe_key_native);

/**
 * teredo_limits_alloc() - a fresh probe budget: a full bucket, no peer
 *	held back
 *
 * Return: the budget or NULL. Process context.
 */
struct teredo_limits *teredo_limits_alloc(void)
{
	struct teredo_limits *l = kvzalloc(sizeof(*l), GFP_KERNEL);

	if (!l)
		return NULL;
	spin_lock_init(&l->lock);
	get_random_bytes(&l->key, sizeof(l->key));
	l->stamp = jiffies;
	l->credit = TEREDO_PROBE_BURST * HZ;
	return l;
}
EXPORT_SYMBOL_IF_KUNIT(teredo_limits_alloc);

void teredo_limits_free(struct teredo_limits *l)
{
	kvfree(l);
}
EXPORT_SYMBOL_IF_KUNIT(teredo_limits_free);

VISIBLE_IF_KUNIT void teredo_probe_slots(const struct teredo_limits *l,
					 const struct teredo_probe_key *k,
					 unsigned int idx[2])
{
	u64 h = siphash(&k->addr, sizeof(k->addr), &l->key);

	idx[0] = (u32)h & (TEREDO_PROBE_SLOTS - 1);
	idx[1] = (u32)(h >> 32) & (TEREDO_PROBE_SLOTS - 1);
}
EXPORT_SYMBOL_IF_KUNIT(teredo_probe_slots);

/* Probes counted in @s that still hold its peers back at @now. */
static u32 teredo_probe_slot_count(const struct teredo_probe_slot *s,
				   u32 now)
{
	/* unsigned: a stamp from before a jiffies wrap is just old */
	if (now - s->last > TEREDO_PROBE_HOLDOFF_S * HZ)
		return 0;
	return s->count;
}

/**
 * teredo_probe_allow() - may @packets probe packets for @k go now?
 * @l: the device's budget
 * @k: whom they are for
 * @packets: how many packets this probe is (a bubble pair is two)
 * @now: jiffies
 *
 * At most %TEREDO_PROBES_UNANSWERED probes to one peer until it answers
 * (teredo_probe_answered()) or %TEREDO_PROBE_HOLDOFF_S seconds pass
 * without one, kept for the peer whether or not it has a cache entry;
 * and at most %TEREDO_PROBE_RATE packets a second, %TEREDO_PROBE_BURST
 * at once, for the whole device. A probe allowed is counted. Any context.
 *
 * Return: 0 to send; -EDQUOT if @k had its probes; -EBUSY if the device
 * is over its rate.
 */
int teredo_probe_allow(struct teredo_limits *l,
		       const struct teredo_probe_key *k,
		       unsigned int packets, unsigned long now)
{
	unsigned long elapsed;
	unsigned int idx[2], i;
	int err = 0;

	teredo_probe_slots(l, k, idx);
	spin_lock_bh(&l->lock);
	/*
	 * The smaller count: each slot holds all of @k's probes plus those
	 * of whoever shares it, so either is an upper bound; the larger one
	 * would hold a peer back for a stranger's probes.
	 */
	if (min(teredo_probe_slot_count(&l->slot[idx[0]], now),
		teredo_probe_slot_count(&l->slot[idx[1]], now)) >=
	    TEREDO_PROBES_UNANSWERED) {
		err = -EDQUOT;
		goto out;
	}
	/*
	 * Credit in 1/HZ of a packet: a jiffy earns RATE, a packet costs HZ,
	 * so no rounding gives more than the rate (HZ=250 is 12.5 jiffies
	 * a packet).
	 */
	if (time_after(now, l->stamp)) {
		elapsed = min_t(unsigned long, now - l->stamp,
				TEREDO_PROBE_BURST * HZ);
		l->credit = min_t(unsigned long,
				  l->credit + elapsed * TEREDO_PROBE_RATE,
				  TEREDO_PROBE_BURST * HZ);
		l->stamp = now;
	}
	if (l->credit < packets * HZ) {
		err = -EBUSY;
		goto out;
	}
	l->credit -= packets * HZ;
	for (i = 0; i < 2; i++) {
		struct teredo_probe_slot *s = &l->slot[idx[i]];

		s->count = teredo_probe_slot_count(s, now) + 1;
		s->last = now;
		if (idx[1] == idx[0])
			break;
	}
out:
	spin_unlock_bh(&l->lock);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(teredo_probe_allow);

/**
 * teredo_probe_pending() - did we probe @k lately, with no answer yet?
 * @l: the device's budget
 * @k: whom
 * @now: jiffies
 *
 * True while a probe to @k counted by teredo_probe_allow() holds it
 * back: within %TEREDO_PROBE_HOLDOFF_S of the last one and not answered
 * since. Both slots must say so, as for the budget itself; a stranger
 * sharing both (1 in 2^26 without the key) could pass for @k. Any
 * context.
 */
bool teredo_probe_pending(struct teredo_limits *l,
			  const struct teredo_probe_key *k, unsigned long now)
{
	unsigned int idx[2];
	bool pending;

	teredo_probe_slots(l, k, idx);
	spin_lock_bh(&l->lock);
	pending = min(teredo_probe_slot_count(&l->slot[idx[0]], now),
		      teredo_probe_slot_count(&l->slot[idx[1]], now)) > 0;
	spin_unlock_bh(&l->lock);
	return pending;
}
EXPORT_SYMBOL_IF_KUNIT(teredo_probe_pending);

/**
 * teredo_probe_answered() - @k answered: its probes are no longer owed
 * @l: the device's budget
 * @k: the peer, which proved to be there (its own packet through its
 *	mapping, or our echo answered)
 *
 * Clears its two slots: peers that shared them (unknown to anybody
 * without the key) get their probes back early, never more than that.
 */
void teredo_probe_answered(struct teredo_limits *l,
			   const struct teredo_probe_key *k)
{
	unsigned int idx[2];

	teredo_probe_slots(l, k, idx);
	spin_lock_bh(&l->lock);
	l->slot[idx[0]].count = 0;
	l->slot[idx[1]].count = 0;
	spin_unlock_bh(&l->lock);
}
EXPORT_SYMBOL_IF_KUNIT(teredo_probe_answered);
