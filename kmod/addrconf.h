/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The qualified address on the device (addrconf.c), embedded in the
 * client. ac->lock (a BH spinlock) guards @want and @gen, which the state
 * machine sets; the rest is the work's own.
 */
#ifndef _TEREDO_ADDRCONF_H
#define _TEREDO_ADDRCONF_H

#include <linux/in6.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>

struct teredo_dev;

/**
 * struct teredo_addrconf - the address and route the device should have
 * @td: the device
 * @work: puts them there, on @wq
 * @wq: ordered, per device, drained by the destructor
 * @lock: guards @want and @gen
 * @want: the address wanted, :: for none
 * @gen: bumped when the device goes down (addrconf flushed both)
 * @have: on the device now (the work's own)
 * @route: the default route is on the device (the work's own)
 * @have_gen: the @gen @have belongs to (the work's own)
 */
struct teredo_addrconf {
	struct teredo_dev *td;
	struct work_struct work;
	struct workqueue_struct *wq;
	spinlock_t lock;		/* see above */
	struct in6_addr want;
	u32 gen;
	struct in6_addr have;
	bool route;
	u32 have_gen;
};

int teredo_addrconf_init(struct teredo_addrconf *ac, struct teredo_dev *td);
void teredo_addrconf_destroy(struct teredo_addrconf *ac);
void teredo_addrconf_set(struct teredo_addrconf *ac,
			 const struct in6_addr *addr);
void teredo_addrconf_down(struct teredo_addrconf *ac);
void teredo_addrconf_sync(struct teredo_addrconf *ac);

#endif /* _TEREDO_ADDRCONF_H */
