/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A trusted peer's route (peer_dst.c): the dst_cache its fast-path
 * datagrams use, so a steady flow costs one FIB lookup per CPU, not one
 * per packet.
 */
#ifndef _TEREDO_PEER_DST_H
#define _TEREDO_PEER_DST_H

#include <linux/rcupdate.h>
#include <linux/types.h>
#include <net/dst_cache.h>

/**
 * struct teredo_dst - a route cache and what it was looked up for
 * @cache: per-CPU cached route and source address
 * @rcu: freed after a grace period (the fast path reads it under RCU)
 * @daddr: IPv4 destination (the peer's mapping or relay)
 * @sport: the Teredo socket's port
 * @mark: the device's fwmark
 *
 * The key never changes: when the peer's mapping, the socket's port or the
 * fwmark does, teredo_dst_get() puts a new one in its place.
 */
struct teredo_dst {
	struct dst_cache cache;
	struct rcu_head rcu;
	__be32 daddr;
	__be16 sport;
	u32 mark;
};

struct teredo_dst *teredo_dst_get(struct teredo_dst __rcu **slot,
				  __be32 daddr, __be16 sport, u32 mark);
void teredo_dst_release(struct teredo_dst *tdst);

#endif /* _TEREDO_PEER_DST_H */
