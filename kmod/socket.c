// SPDX-License-Identifier: GPL-2.0-only
/*
 * The Teredo UDP socket: a kernel UDP tunnel socket bound while the device
 * is up; its encap_rcv is receive.c's, its sends are send.c's.
 *
 * The socket pointer is published with RCU for the fast paths; opening,
 * closing and rebinding happen under td->lock and publish the resulting
 * port (port.c), so the port seen by everybody is always the one bound.
 *
 * A socket a rebind replaced is closed a grace period later by a work
 * item, not by the rebind: the rebind holds td->lock (and the client's
 * work waits for it), and a grace period takes minutes on a debug kernel
 * under a packet storm. teredo_socket_close() waits for those, so @td
 * outlives all its sockets.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/netdevice.h>
#include <linux/slab.h>
#include <linux/wait_bit.h>
#include <linux/workqueue.h>
#include <net/inet_sock.h>
#include <net/udp.h>
#include <net/udp_tunnel.h>

#include "compat.h"
#include "device.h"
#include "gro.h"
#include "icmp.h"
#include "port.h"
#include "receive.h"
#include "socket.h"

static struct workqueue_struct *teredo_retire_wq;

struct teredo_retired {
	struct rcu_work rwork;
	struct teredo_dev *td;
	struct socket *sock;
};

static void teredo_sock_wait_retired(struct teredo_dev *td)
{
	wait_var_event(&td->retiring, !atomic_read(&td->retiring));
}

static struct socket *__teredo_sock_create(struct teredo_dev *td, u16 port)
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
		.encap_err_rcv = teredo_udp_err_rcv,
	};
	struct net *net = dev_net(td->dev);
	struct socket *sock;
	int err;

	err = udp_sock_create4(net, &cfg, &sock);
	if (err)
		return ERR_PTR(err);
	/* our own discovery bubbles (discovery.c) are not for us */
	teredo_compat_mc_loop_off(sock->sk);
	setup_udp_tunnel_sock(net, sock, &tcfg);
	return sock;
}

static struct socket *teredo_sock_create(struct teredo_dev *td, u16 port)
{
	struct socket *sock = __teredo_sock_create(td, port);

	/* A fixed port may be held by one of our own sockets, retiring. */
	if (sock == ERR_PTR(-EADDRINUSE) && atomic_read(&td->retiring)) {
		teredo_sock_wait_retired(td);
		sock = __teredo_sock_create(td, port);
	}
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

static void teredo_retire_work(struct work_struct *work)
{
	struct teredo_retired *r = container_of(to_rcu_work(work),
						struct teredo_retired, rwork);
	struct teredo_dev *td = r->td;

	/* A grace period has passed: no fast path still sees the socket. */
	kernel_sock_shutdown(r->sock, SHUT_RDWR);
	sock_release(r->sock);
	kfree(r);
	if (atomic_dec_and_test(&td->retiring))
		wake_up_var(&td->retiring);
}

/* Close a socket no longer published, a grace period from now. */
static void teredo_sock_retire(struct teredo_dev *td, struct socket *sock)
{
	struct teredo_retired *r = kmalloc(sizeof(*r), GFP_KERNEL);

	if (!r) {
		teredo_sock_release(td, sock);
		return;
	}
	r->td = td;
	r->sock = sock;
	INIT_RCU_WORK(&r->rwork, teredo_retire_work);
	atomic_inc(&td->retiring);
	queue_rcu_work(teredo_retire_wq, &r->rwork);
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
EXPORT_SYMBOL_IF_KUNIT(teredo_socket_open);

/**
 * teredo_socket_close() - close the socket, then publish that it is gone
 * @td: the device, td->lock held
 *
 * Also waits for the sockets rebinds replaced: none is left open on @td.
 */
void teredo_socket_close(struct teredo_dev *td)
{
	struct socket *sock;

	lockdep_assert_held(&td->lock);
	sock = rcu_dereference_protected(td->sock, lockdep_is_held(&td->lock));
	if (sock) {
		RCU_INIT_POINTER(td->sock, NULL);
		teredo_sock_release(td, sock);
	}
	/* even with no socket: a fixed-port rebind may have lost the port */
	teredo_sock_wait_retired(td);
	if (!sock)
		return;
	/* A reader that found the socket before it was unhashed has @td. */
	synchronize_net();
	teredo_pub_set_port(&td->pub, 0);
}
EXPORT_SYMBOL_IF_KUNIT(teredo_socket_close);

/**
 * __teredo_socket_rebind() - move to a new socket
 * @td: the device, td->lock held
 * @force: rebind even if the configured port is the one bound
 *
 * The new socket is bound before the old one is closed (a grace period
 * later, without waiting for it), so an ephemeral configuration always
 * yields a new port and a failure leaves the old socket in place. A fixed
 * port equal to the bound one can only be reopened after the close: the
 * port does not change, so no event, unless the reopen fails (then DOWN,
 * and the device stays up without a socket until a rebind binds one
 * again: UP).
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
	teredo_sock_retire(td, old);
	teredo_pub_set_port(&td->pub, teredo_sock_port(sock));
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(__teredo_socket_rebind);

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

int __init teredo_socket_init(void)
{
	teredo_retire_wq = alloc_workqueue("teredo_retire", 0, 0);
	return teredo_retire_wq ? 0 : -ENOMEM;
}

/* After the last device: their sockets are closed, the work may still
 * be returning.
 */
void teredo_socket_exit(void)
{
	destroy_workqueue(teredo_retire_wq);
}
