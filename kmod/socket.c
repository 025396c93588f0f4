// SPDX-License-Identifier: GPL-2.0-only
/*
 * The Teredo UDP socket: a kernel UDP tunnel socket bound while the device
 * is up, its receive hook and the transmit helper.
 *
 * The socket pointer is published with RCU for the fast paths; opening,
 * closing and rebinding happen under td->lock and publish the resulting
 * port (port.c), so the port seen by everybody is always the one bound.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ip.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/udp.h>
#include <net/dst_cache.h>
#include <net/inet_sock.h>
#include <net/ip_tunnels.h>
#include <net/udp.h>
#include <net/udp_tunnel.h>

#include "device.h"

static int teredo_udp_encap_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct teredo_dev *td = rcu_dereference_sk_user_data(sk);

	if (unlikely(!td)) {
		kfree_skb(skb);
		return 0;
	}
	/*
	 * Teredo is unicast only: a broadcast or multicast datagram to our
	 * port (the UDP layer delivers those to every matching socket) is
	 * no server's, relay's or peer's.
	 */
	if (unlikely(skb->pkt_type != PACKET_HOST)) {
		teredo_drop(td, skb, TEREDO_DROP_NOT_HOST, true);
		return 0;
	}
	/* The UDP checksum was checked before we were called. */
	if (!pskb_may_pull(skb, sizeof(struct udphdr))) {
		teredo_drop(td, skb, TEREDO_DROP_NOMEM, true);
		return 0;
	}
	skb_pull_rcsum(skb, sizeof(struct udphdr));
	teredo_rcv(td, skb);
	return 0;
}

static struct socket *teredo_sock_create(struct teredo_dev *td, u16 port)
{
	struct udp_port_cfg cfg = {
		.family = AF_INET,
		.local_ip.s_addr = htonl(INADDR_ANY),
		.local_udp_port = htons(port),
	};
	struct udp_tunnel_sock_cfg tcfg = {
		.sk_user_data = td,
		.encap_type = 1,	/* any non-zero value, as vxlan */
		.encap_rcv = teredo_udp_encap_rcv,
	};
	struct net *net = dev_net(td->dev);
	struct socket *sock;
	int err;

	err = udp_sock_create4(net, &cfg, &sock);
	if (err)
		return ERR_PTR(err);
	setup_udp_tunnel_sock(net, sock, &tcfg);
	return sock;
}

static u16 teredo_sock_port(struct socket *sock)
{
	return ntohs(inet_sk(sock->sk)->inet_sport);
}

static void teredo_sock_release(struct teredo_dev *td, struct socket *sock)
{
	/* Let fast-path readers of the old pointer finish first. */
	synchronize_net();
	udp_tunnel_sock_release(sock);
}

/**
 * teredo_socket_open() - bind the socket and publish its port
 * @td: the device, td->lock held, not bound
 *
 * Return: 0 or the errno of the bind (e.g. -EADDRINUSE for a fixed port).
 */
int teredo_socket_open(struct teredo_dev *td)
{
	struct socket *sock;

	lockdep_assert_held(&td->lock);
	if (WARN_ON_ONCE(rcu_access_pointer(td->sock)))
		return -EBUSY;
	sock = teredo_sock_create(td, td->cfg_port);
	if (IS_ERR(sock)) {
		netdev_warn(td->dev, "cannot bind UDP port %u: %pe\n",
			    td->cfg_port, sock);
		return PTR_ERR(sock);
	}
	rcu_assign_pointer(td->sock, sock);
	teredo_pub_set_port(&td->pub, teredo_sock_port(sock));
	return 0;
}

/**
 * teredo_socket_close() - close the socket, then publish that it is gone
 * @td: the device, td->lock held
 */
void teredo_socket_close(struct teredo_dev *td)
{
	struct socket *sock;

	lockdep_assert_held(&td->lock);
	sock = rcu_dereference_protected(td->sock, lockdep_is_held(&td->lock));
	if (!sock)
		return;
	RCU_INIT_POINTER(td->sock, NULL);
	teredo_sock_release(td, sock);
	teredo_pub_set_port(&td->pub, 0);
}

/**
 * __teredo_socket_rebind() - move to a new socket
 * @td: the device, td->lock held
 * @force: rebind even if the configured port is the one bound
 *
 * The new socket is bound before the old one is closed, so an ephemeral
 * configuration always yields a new port and a failure leaves the old
 * socket in place. A fixed port equal to the bound one can only be
 * reopened after the close: the port does not change, so no event, unless
 * the reopen fails (then DOWN).
 *
 * Return: 0, -ENETDOWN if not bound, or the errno of the bind.
 */
int __teredo_socket_rebind(struct teredo_dev *td, bool force)
{
	struct socket *old, *sock;
	u16 port = td->cfg_port;
	int err;

	lockdep_assert_held(&td->lock);
	old = rcu_dereference_protected(td->sock, lockdep_is_held(&td->lock));
	if (!old)
		return -ENETDOWN;

	if (port && port == teredo_sock_port(old)) {
		if (!force)
			return 0;
		RCU_INIT_POINTER(td->sock, NULL);
		teredo_sock_release(td, old);
		sock = teredo_sock_create(td, port);
		if (IS_ERR(sock)) {
			err = PTR_ERR(sock);
			netdev_warn(td->dev, "cannot rebind UDP port %u: %pe\n",
				    port, sock);
			teredo_pub_set_port(&td->pub, 0);
			return err;
		}
		rcu_assign_pointer(td->sock, sock);
		return 0;
	}

	sock = teredo_sock_create(td, port);
	if (IS_ERR(sock))
		return PTR_ERR(sock);
	rcu_assign_pointer(td->sock, sock);
	teredo_sock_release(td, old);
	teredo_pub_set_port(&td->pub, teredo_sock_port(sock));
	return 0;
}

/**
 * teredo_socket_rebind() - move to a new port (rebind attribute, client)
 * @td: the device; takes td->lock, so the caller must not hold it
 *
 * For the client when the server is lost or the IPv4 address changed.
 * Process context. Do not call it from work that ndo_stop waits for while
 * holding td->lock.
 *
 * Return: see __teredo_socket_rebind().
 */
int teredo_socket_rebind(struct teredo_dev *td)
{
	int err;

	mutex_lock(&td->lock);
	err = __teredo_socket_rebind(td, true);
	mutex_unlock(&td->lock);
	return err;
}

/**
 * teredo_xmit_headroom() - room for the outer headers (see device.h)
 * @rt: the route the datagram takes
 *
 * Return: what skb_cow_head() must leave in front of the UDP payload.
 */
unsigned int teredo_xmit_headroom(const struct rtable *rt)
{
	return LL_RESERVED_SPACE(rt->dst.dev) + rt->dst.header_len +
	       sizeof(struct iphdr) + sizeof(struct udphdr);
}

/**
 * teredo_xmit_one() - send one datagram (see device.h)
 * @td: the device
 * @sk: the Teredo socket
 * @rt: the route to @f->daddr, whose reference is consumed
 * @skb: the UDP payload, consumed
 * @f: the outer addresses and ports
 *
 * The inner checksum is finished here, not left to the outer device: over
 * veth nobody would, and a user-space receiver (Miredo) would pass the
 * packet on with it undone.
 */
void teredo_xmit_one(struct teredo_dev *td, struct sock *sk,
		     struct rtable *rt, struct sk_buff *skb,
		     const struct teredo_flow *f)
{
	int err;

	err = skb_cow_head(skb, teredo_xmit_headroom(rt));
	if (!err && skb->ip_summed == CHECKSUM_PARTIAL)
		err = skb_checksum_help(skb);
	if (!err)
		err = udp_tunnel_handle_offloads(skb, true);
	if (unlikely(err)) {
		ip_rt_put(rt);
		teredo_drop(td, skb, TEREDO_DROP_NOMEM, false);
		return;
	}
	skb_set_inner_protocol(skb, htons(ETH_P_IPV6));
	udp_tunnel_xmit_skb(rt, sk, skb, f->saddr, f->daddr, 0, f->ttl, 0,
			    f->sport, f->dport, false, false);
}

/**
 * teredo_xmit_udp() - send a UDP payload from the Teredo socket
 * @td: the device
 * @skb: the payload (an IPv6 packet, possibly with Teredo headers in
 *	front, or an IPv6 GSO packet from the stack); consumed in all cases
 * @daddr: IPv4 destination (server, peer mapping or relay)
 * @dport: UDP destination port, network order
 * @cache: a dst cache for that destination, or NULL
 *
 * Any context that may run softirq code (the ndo_start_xmit path, timers,
 * process context). Counted in the device's tstats on success and as a
 * drop reason otherwise.
 *
 * Return: 0 or a negative errno (the packet is dropped).
 */
int teredo_xmit_udp(struct teredo_dev *td, struct sk_buff *skb,
		    __be32 daddr, __be16 dport, struct dst_cache *cache)
{
	struct net_device *dev = td->dev;
	struct ip_tunnel_key key = {};
	struct teredo_flow f = {
		.daddr = daddr,
		.dport = dport,
	};
	struct socket *sock;
	struct rtable *rt;
	int err = 0;

	rcu_read_lock_bh();
	sock = rcu_dereference_bh(td->sock);
	if (unlikely(!sock)) {
		err = -ENETDOWN;
		teredo_drop(td, skb, TEREDO_DROP_NO_SOCKET, false);
		goto out;
	}
	f.sport = inet_sk(sock->sk)->inet_sport;
	skb->mark = READ_ONCE(td->cfg_fwmark);
	/* iptunnel_xmit() counts in skb->dev's tstats */
	skb->dev = dev;
	key.u.ipv4.dst = daddr;
	rt = udp_tunnel_dst_lookup(skb, dev, dev_net(dev), 0, &f.saddr, &key,
				   f.sport, dport, 0, cache);
	if (IS_ERR(rt)) {
		err = PTR_ERR(rt);
		teredo_drop(td, skb, TEREDO_DROP_NO_ROUTE, false);
		goto out;
	}
	f.ttl = ip4_dst_hoplimit(&rt->dst);
	if (skb_is_gso(skb))
		teredo_xmit_gso(td, sock->sk, rt, skb, &f);
	else
		teredo_xmit_one(td, sock->sk, rt, skb, &f);
out:
	rcu_read_unlock_bh();
	return err;
}
