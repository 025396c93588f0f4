/* SPDX-License-Identifier: GPL-2.0-only */
/* Outer ICMPv4 errors about the Teredo socket's datagrams (icmp.c). */
#ifndef _TEREDO_ICMP_H
#define _TEREDO_ICMP_H

#include <linux/skbuff.h>

struct sock;
struct teredo_dev;

/* hard errors acted on per second and device; the rest only counted */
#define TEREDO_ICMP_RATE	10

void teredo_icmp_init(struct teredo_dev *td);
/* the UDP tunnel hook's arguments changed in 6.2 (Kbuild, icmp.c) */
#ifdef TEREDO_ERR_RCV_PAYLOAD
void teredo_udp_err_rcv(struct sock *sk, struct sk_buff *skb, int err,
			__be16 port, u32 info, u8 *payload);
#else
void teredo_udp_err_rcv(struct sock *sk, struct sk_buff *skb,
			unsigned int udp_offset);
#endif

#endif /* _TEREDO_ICMP_H */
