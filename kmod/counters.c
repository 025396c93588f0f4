// SPDX-License-Identifier: GPL-2.0-only
/*
 * The counters: each drop reason's count per device (td->drops), the
 * device's rx_dropped/tx_dropped next to it, and their ethtool -S view.
 * Every file counts its own drops here; sysfs teredo/drops shows them too.
 */

#include <linux/atomic.h>
#include <linux/ethtool.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/string.h>

#include "counters.h"
#include "device.h"

const char * const teredo_drop_names[__TEREDO_DROP_MAX] = {
	[TEREDO_DROP_NOT_QUALIFIED]	= "not_qualified",
	[TEREDO_DROP_NOT_IPV6]		= "not_ipv6",
	[TEREDO_DROP_NO_SOCKET]		= "no_socket",
	[TEREDO_DROP_NO_ROUTE]		= "no_route",
	[TEREDO_DROP_NOMEM]		= "nomem",
	[TEREDO_DROP_MALFORMED]		= "malformed",
	[TEREDO_DROP_BAD_RA]		= "bad_ra",
	[TEREDO_DROP_UNTRUSTED]		= "untrusted",
	[TEREDO_DROP_BAD_DST]		= "bad_dst",
	[TEREDO_DROP_NO_RELAY]		= "no_relay",
	[TEREDO_DROP_QUEUE_FULL]	= "queue_full",
	[TEREDO_DROP_PEER_UNREACHABLE]	= "peer_unreachable",
	[TEREDO_DROP_PEER_EVICTED]	= "peer_evicted",
	[TEREDO_DROP_NOT_GLOBAL]	= "not_global",
	[TEREDO_DROP_SPOOFED_SRC]	= "spoofed_src",
	[TEREDO_DROP_LINKLOCAL_SRC]	= "linklocal_src",
	[TEREDO_DROP_BAD_SRC]		= "bad_src",
	[TEREDO_DROP_NOT_SERVER]	= "not_server",
	[TEREDO_DROP_NOT_HOST]		= "not_host",
	[TEREDO_DROP_QUEUE_BUDGET]	= "queue_budget",
	[TEREDO_DROP_BUBBLE_LIMIT]	= "bubble_limit",
	[TEREDO_DROP_PROBE_LIMIT]	= "probe_limit",
	[TEREDO_DROP_ECN]		= "ecn",
	[TEREDO_DROP_NOT_ONLINK]	= "not_onlink",
	[TEREDO_DROP_UNREACHABLE_SYMMETRIC] = "unreachable_symmetric",
};

/**
 * teredo_drop() - drop a packet, counting why
 * @td: the device
 * @skb: the packet, freed
 * @reason: counted in sysfs teredo/drops
 * @rx: also counted as rx_dropped (else tx_dropped) in the device stats
 */
void teredo_drop(struct teredo_dev *td, struct sk_buff *skb,
		 enum teredo_drop_reason reason, bool rx)
{
	atomic64_inc(&td->drops[reason]);
	if (rx)
		DEV_STATS_INC(td->dev, rx_dropped);
	else
		DEV_STATS_INC(td->dev, tx_dropped);
	kfree_skb(skb);
}

/**
 * teredo_count() - count something not sent, when there is no packet
 * @td: the device
 * @reason: counted in sysfs teredo/drops (a probe refused, for instance)
 */
void teredo_count(struct teredo_dev *td, enum teredo_drop_reason reason)
{
	atomic64_inc(&td->drops[reason]);
}

/**
 * teredo_consume() - free a received packet the client used itself
 * @td: the device
 * @skb: an RA, a bubble or a relay's echo reply, freed
 *
 * Counted in ethtool -S rx_consumed, so that what the socket received adds
 * up: delivered + dropped + consumed + queued.
 */
void teredo_consume(struct teredo_dev *td, struct sk_buff *skb)
{
	atomic64_inc(&td->rx_consumed);
	consume_skb(skb);
}

/**
 * teredo_drop_count() - how many times @reason was counted on @td
 * @td: the device
 * @reason: the drop reason
 *
 * Return: the count.
 */
u64 teredo_drop_count(struct teredo_dev *td, enum teredo_drop_reason reason)
{
	return atomic64_read(&td->drops[reason]);
}

/*
 * ethtool -S: the drop counters, one per reason, then rx_consumed, the
 * bytes (truesize) the peer queues hold now, the received GSO packets
 * (a GRO'd train, or a whole GSO packet from a virtual link) with the
 * datagrams they carried, the peers trusted at a mapping other than
 * their address's (RFC 6081 symmetric NAT support), the outer ICMP
 * errors received for the socket and the peers given up on for them
 * (icmp.c)
 */
#define TEREDO_ETHTOOL_EXTRA	7

static int teredo_get_sset_count(struct net_device *dev, int sset)
{
	return sset == ETH_SS_STATS ? __TEREDO_DROP_MAX + TEREDO_ETHTOOL_EXTRA :
				      -EOPNOTSUPP;
}

static void teredo_get_strings(struct net_device *dev, u32 sset, u8 *buf)
{
	int i;

	if (sset != ETH_SS_STATS)
		return;
	for (i = 0; i < __TEREDO_DROP_MAX; i++)
		ethtool_sprintf(&buf, "drop_%s", teredo_drop_names[i]);
	ethtool_sprintf(&buf, "rx_consumed");
	ethtool_sprintf(&buf, "peer_queue_bytes");
	ethtool_sprintf(&buf, "rx_gso_packets");
	ethtool_sprintf(&buf, "rx_gso_segments");
	ethtool_sprintf(&buf, "peer_symmetric");
	ethtool_sprintf(&buf, "icmp_errors");
	ethtool_sprintf(&buf, "icmp_peers_refused");
}

static void teredo_get_ethtool_stats(struct net_device *dev,
				     struct ethtool_stats *stats, u64 *data)
{
	struct teredo_dev *td = netdev_priv(dev);
	int i;

	for (i = 0; i < __TEREDO_DROP_MAX; i++)
		data[i] = teredo_drop_count(td, i);
	data[i++] = atomic64_read(&td->rx_consumed);
	data[i++] = READ_ONCE(td->queued_bytes);
	data[i++] = atomic64_read(&td->rx_gso);
	data[i++] = atomic64_read(&td->rx_gso_segs);
	data[i++] = atomic64_read(&td->peer_symmetric);
	data[i++] = atomic64_read(&td->icmp_errors);
	data[i++] = atomic64_read(&td->icmp_peers_refused);
}

/* ethtool -i: the driver and the version it was built from */
static void teredo_get_drvinfo(struct net_device *dev,
			       struct ethtool_drvinfo *info)
{
	strscpy(info->driver, KBUILD_MODNAME, sizeof(info->driver));
	strscpy(info->version, KTEREDO_VERSION, sizeof(info->version));
}

const struct ethtool_ops teredo_ethtool_ops = {
	.get_drvinfo		= teredo_get_drvinfo,
	.get_sset_count		= teredo_get_sset_count,
	.get_strings		= teredo_get_strings,
	.get_ethtool_stats	= teredo_get_ethtool_stats,
};
