// SPDX-License-Identifier: GPL-2.0-only
/*
 * SCAFFOLDING, to be replaced by client.c: there is no Teredo client yet.
 *
 * The socket and device layers call these two hooks; until the client
 * lands every packet that reaches them is dropped and counted as
 * "no_client_yet", so tests can see that the plumbing delivered it.
 */

#include <linux/netdevice.h>
#include <linux/skbuff.h>

#include "device.h"

void teredo_rcv(struct teredo_dev *td, struct sk_buff *skb)
{
	teredo_drop(td, skb, TEREDO_DROP_NO_CLIENT_YET, true);
}

netdev_tx_t teredo_client_xmit(struct teredo_dev *td, struct sk_buff *skb)
{
	teredo_drop(td, skb, TEREDO_DROP_NO_CLIENT_YET, false);
	return NETDEV_TX_OK;
}
