/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What differs between the kernels kteredo is built for: Debian 12's 6.1
 * (6.1.192 and later, with Debian's backports) and the 6.12 Debian 12 also
 * ships. Each difference is one helper here, its guard saying which
 * kernel needs which side.
 *
 * Relied on without a version test, because none can tell them:
 * Debian's 6.1 has the per-CPU stats allocation by the core
 * (dev->pcpu_stat_type, upstream in 6.6) that device.c uses (a kernel
 * without the field fails to build there), and expectations timed by a
 * u32 stamp, not a timer (nf_conntrack_teredo.c checks the type at build
 * time).
 * The UDP tunnel's encap_err_rcv changed its arguments in 6.2 with no
 * macro to test: Kbuild reads the kernel's declaration
 * (TEREDO_ERR_RCV_PAYLOAD, icmp.h).
 */
#ifndef _TEREDO_COMPAT_H
#define _TEREDO_COMPAT_H

#include <linux/netdevice.h>
#include <net/inet_sock.h>

/*
 * Lockless transmit, and never moved to another namespace (the socket
 * lives in this one): features up to 6.11, net_device bits from 6.12
 * (netns_immutable as Debian's 6.12.107 and later name it; 6.12.0 to the
 * stable update that renamed it called it netns_local). Tested by the
 * feature macros, which 6.12 removed.
 */
static inline void teredo_compat_lltx_netns_local(struct net_device *dev)
{
#ifdef NETIF_F_LLTX
	dev->features |= NETIF_F_LLTX;
#else
	dev->lltx = true;
#endif
#ifdef NETIF_F_NETNS_LOCAL
	dev->features |= NETIF_F_NETNS_LOCAL;
#else
	dev->netns_immutable = true;
#endif
}

/*
 * IP_MULTICAST_LOOP off on a kernel socket: a bit field of inet_sock up
 * to 6.6, an inet flag (inet_clear_bit()) from 6.7.
 */
static inline void teredo_compat_mc_loop_off(struct sock *sk)
{
#ifdef inet_clear_bit
	inet_clear_bit(MC_LOOP, sk);
#else
	inet_sk(sk)->mc_loop = 0;
#endif
}

#endif /* _TEREDO_COMPAT_H */
