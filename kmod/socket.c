// SPDX-License-Identifier: GPL-2.0-only
/*
 * The Teredo UDP socket: a kernel UDP tunnel socket bound while the device
 * is up; its encap_rcv is receive.c's, its sends are send.c's.
 *
 * The socket pointer is published with RCU for the fast paths; opening,
 * closing and rebinding happen under td->lock and publish the resulting
 * port (port.c), so the port seen by everybody is always the one bound.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/netdevice.h>
#include <net/inet_sock.h>
#include <net/udp.h>
#include <net/udp_tunnel.h>

#include "device.h"
#include "gro.h"
#include "port.h"
#include "receive.h"
#include "socket.h"

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
		.gro_receive = teredo_gro_receive,
		.gro_complete = teredo_gro_complete,
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

/*
 * Not udp_tunnel_sock_release(): it clears sk_user_data a grace period
 * before the close, and a datagram that reached the socket in between
 * would be freed uncounted (receive.c). Closed with @td still attached,
 * the socket counts each one; @td outlives it (teredo_socket_close()).
 */
static void teredo_sock_release(struct teredo_dev *td, struct socket *sock)
{
	/* Let fast-path readers of the old pointer finish first. */
	synchronize_net();
	kernel_sock_shutdown(sock, SHUT_RDWR);
	sock_release(sock);
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
	/* A reader that found the socket before it was unhashed has @td. */
	synchronize_net();
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
 * the reopen fails (then DOWN, and the device stays up without a socket
 * until a rebind binds one again: UP).
 *
 * Return: 0, -ENETDOWN if the device is down, or the errno of the bind.
 */
int __teredo_socket_rebind(struct teredo_dev *td, bool force)
{
	struct socket *old, *sock;
	u16 port = td->cfg_port;
	int err;

	lockdep_assert_held(&td->lock);
	if (!td->open)
		return -ENETDOWN;
	old = rcu_dereference_protected(td->sock, lockdep_is_held(&td->lock));
	if (!old)
		return teredo_socket_open(td);

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
