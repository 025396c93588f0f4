// SPDX-License-Identifier: GPL-2.0-only
/*
 * The peer cache's timer: one delayed work per device (pc->work) that
 * sends the probe retries our own queued packets earn (every 2 s, 4 in
 * all: Miredo's CountBubble()/CountPing()), gives up on peers that never
 * answered, and expires idle entries (peer.c). Probes are built by
 * send.c and sent once pc->lock is released.
 */

#include <linux/jiffies.h>
#include <linux/skbuff.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "client.h"
#include "peer.h"
#include "send.h"

/**
 * teredo_peers_work() - the cache's delayed work (pc->work)
 * @w: the work
 *
 * Due every %TEREDO_PEERS_PROBE_TICK while probes are outstanding, else
 * every %TEREDO_PEERS_GC_INTERVAL while the cache holds entries.
 */
void teredo_peers_work(struct work_struct *w)
{
	struct teredo_peers *pc = container_of(to_delayed_work(w),
					       struct teredo_peers, work);
	struct teredo_dev *td = pc->td;
	struct sk_buff_head out, drops;
	struct teredo_peer *p, *tmp;
	unsigned long now = jiffies;
	struct teredo_self self;
	bool up;
	int due;

	up = td && teredo_client_self(td, &self);
	__skb_queue_head_init(&out);
	__skb_queue_head_init(&drops);
	spin_lock_bh(&pc->lock);
	if (pc->closed) {
		spin_unlock_bh(&pc->lock);
		return;
	}
	list_for_each_entry_safe(p, tmp, &pc->pending, pend) {
		due = teredo_peer_probe_due(p, now);
		/*
		 * Only our own packets earn a retry: a received one had its
		 * probe, and a timer must not turn it into four.
		 */
		if (!due && !p->ntx)
			due = time_after(now, p->last_probe +
					 TEREDO_PEER_GIVEUP_S * HZ) ? -1 : 1;
		if (!due && up &&
		    teredo_peer_probe_locked(pc, p, &self, now, &out) == -EDQUOT)
			due = -1;
		if (due < 0)	/* no answer: give up */
			teredo_peer_give_up_locked(pc, p, now, &drops);
	}
	__teredo_peers_expire_locked(pc, now, &drops);
	if (!list_empty(&pc->pending))
		queue_delayed_work(system_wq, &pc->work,
				   TEREDO_PEERS_PROBE_TICK);
	else if (pc->count)
		queue_delayed_work(system_wq, &pc->work,
				   TEREDO_PEERS_GC_INTERVAL);
	spin_unlock_bh(&pc->lock);
	teredo_peers_drop_list(pc, &drops);
	if (td)
		teredo_xmit_list(td, &out);
	else
		__skb_queue_purge(&out);
}
