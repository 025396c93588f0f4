/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Receive (receive.c): the Teredo socket's encap_rcv, where every
 * datagram to our port enters. Softirq.
 */
#ifndef _TEREDO_RECEIVE_H
#define _TEREDO_RECEIVE_H

struct sk_buff;
struct sock;

int teredo_udp_encap_rcv(struct sock *sk, struct sk_buff *skb);

#endif /* _TEREDO_RECEIVE_H */
