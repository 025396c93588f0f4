/* SPDX-License-Identifier: GPL-2.0-only */
/* GRO for the Teredo socket (gro.c): set in its udp_tunnel_sock_cfg. */
#ifndef _TEREDO_GRO_H
#define _TEREDO_GRO_H

#include <linux/list.h>

struct sk_buff;
struct sock;

struct sk_buff *teredo_gro_receive(struct sock *sk, struct list_head *head,
				   struct sk_buff *skb);
int teredo_gro_complete(struct sock *sk, struct sk_buff *skb, int nhoff);

#endif /* _TEREDO_GRO_H */
