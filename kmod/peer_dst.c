// SPDX-License-Identifier: GPL-2.0-only
/*
 * A trusted peer's route cache (struct teredo_dst, peer_dst.h).
 *
 * Made on the peer's first fast-path send, not when its entry is created:
 * a flood of spoofed sources never reaches the fast path (only a trusted
 * peer does), so it costs no per-CPU memory. Replaced, never changed in
 * place, when what it was looked up for changes: a reader that loaded the
 * old one under RCU keeps a consistent route and key until it is done.
 * The peer's entry frees the last one when it is freed itself (peer.c).
 */

#include <linux/atomic.h>
#include <linux/slab.h>

#include "peer_dst.h"

static void teredo_dst_free(struct teredo_dst *tdst)
{
	dst_cache_destroy(&tdst->cache);
	kfree(tdst);
}

static void teredo_dst_free_rcu(struct rcu_head *head)
{
	teredo_dst_free(container_of(head, struct teredo_dst, rcu));
}

/**
 * teredo_dst_get() - the route cache for a destination
 * @slot: the peer's pointer to it; the peer stays alive (RCU read side)
 * @daddr: IPv4 destination
 * @sport: the socket's port
 * @mark: the fwmark of the datagram
 *
 * Called under rcu_read_lock(), with BH disabled (the send path).
 *
 * Return: the cache for that key, or NULL if none could be made now (the
 * datagram is routed without one).
 */
struct teredo_dst *teredo_dst_get(struct teredo_dst __rcu **slot,
				  __be32 daddr, __be16 sport, u32 mark)
{
	struct teredo_dst *old, *new;

	old = rcu_dereference(*slot);
	if (likely(old && old->daddr == daddr && old->sport == sport &&
		   old->mark == mark))
		return old;

	new = kzalloc(sizeof(*new), GFP_ATOMIC);
	if (!new)
		return NULL;
	if (dst_cache_init(&new->cache, GFP_ATOMIC)) {
		kfree(new);
		return NULL;
	}
	new->daddr = daddr;
	new->sport = sport;
	new->mark = mark;
	/* fully ordered: @new is initialised before anyone can see it */
	if (cmpxchg((struct teredo_dst __force **)slot, old, new) != old) {
		/* another CPU replaced it first: route this one uncached */
		teredo_dst_free(new);
		return NULL;
	}
	if (old)
		call_rcu(&old->rcu, teredo_dst_free_rcu);
	return new;
}

/**
 * teredo_dst_release() - free a peer's route cache with the peer
 * @tdst: the last one it had, or NULL
 *
 * From the peer's RCU callback: no reader is left.
 */
void teredo_dst_release(struct teredo_dst *tdst)
{
	if (tdst)
		teredo_dst_free(tdst);
}
