// SPDX-License-Identifier: GPL-2.0-only
/*
 * The qualified address on the device: the Teredo address (/32, which
 * gives the 2001::/32 route) and the optional default route, put there
 * and taken away through rtnetlink by a work on a per-device ordered
 * workqueue. The state machine (client.c) only says what it wants; the
 * work compares with what is on the device and makes it so.
 *
 * The work needs RTNL (rtnetlink runs the requests under it), so it is
 * never waited for under RTNL: each queued run holds a reference on the
 * device, and the workqueue is destroyed (drained) by the device's
 * destructor, after the last reference is gone.
 *
 * Why rtnetlink and not an addrconf call: 6.1 exports nothing that can
 * do this in the kernel (Documentation/teredo-addrconf.rst has the line
 * numbers):
 *  - addrconf_prefix_rcv_add_addr(), SLAAC's back end: no prefix route,
 *    and no removal, because a refresh never shortens the valid lifetime
 *    below two hours (RFC 4862 5.5.3e). It also sets MANAGETEMPADDR, and
 *    privacy addresses built from a Teredo address are not valid ones;
 *  - addrconf_add_linklocal(): fixed /64, link scope;
 *  - ip6_route_add(), rt6_add_dflt_router(), fib6_add(), ipv6_del_addr(),
 *    inet6_addr_add/del(): not exported. inet6_ioctl() wants user memory.
 * Until addrconf knows Teredo devices (or userspace does it from the
 * state events), these requests go to rtnetlink, which runs them under
 * RTNL: hence the workqueue.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/netdevice.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <net/ipv6.h>
#include <net/net_namespace.h>
#include <net/sock.h>

#include "addrconf.h"
#include "device.h"

#define TEREDO_DEFAULT_ROUTE_METRIC	1029	/* as Miredo's client hook */
#define TEREDO_NL_REPLY_LEN		1024	/* an ack with the request */

struct teredo_nlreq {
	struct nlmsghdr nh;
	union {
		struct ifaddrmsg ifa;
		struct rtmsg rtm;
	};
	u8 attrs[64];
};

static void teredo_nl_attr(struct nlmsghdr *nh, u16 type, const void *data,
			   int len)
{
	struct rtattr *rta = (void *)nh + NLMSG_ALIGN(nh->nlmsg_len);

	rta->rta_type = type;
	rta->rta_len = RTA_LENGTH(len);
	memcpy(RTA_DATA(rta), data, len);
	nh->nlmsg_len = NLMSG_ALIGN(nh->nlmsg_len) + RTA_ALIGN(rta->rta_len);
}

/*
 * Send one request to this namespace's rtnetlink and return its error.
 * The destination is given explicitly, so the request counts as sent to
 * the kernel and the capability check is the caller's (a kworker).
 */
static int teredo_nl_do(struct net *net, struct nlmsghdr *nh)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct msghdr msg = { .msg_name = &sa, .msg_namelen = sizeof(sa) };
	struct kvec iov = { .iov_base = nh, .iov_len = nh->nlmsg_len };
	const size_t rlen = TEREDO_NL_REPLY_LEN;
	struct nlmsghdr *rh;
	struct socket *sock;
	int err;

	rh = kmalloc(rlen, GFP_KERNEL);
	if (!rh)
		return -ENOMEM;
	err = sock_create_kern(net, AF_NETLINK, SOCK_RAW, NETLINK_ROUTE,
			       &sock);
	if (err)
		goto out_free;
	nh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	nh->nlmsg_seq = 1;
	err = kernel_sendmsg(sock, &msg, &iov, 1, iov.iov_len);
	if (err < 0)
		goto out;
	/* rtnetlink answered before sendmsg returned */
	memset(&msg, 0, sizeof(msg));
	iov.iov_base = rh;
	iov.iov_len = rlen;
	err = kernel_recvmsg(sock, &msg, &iov, 1, rlen, MSG_DONTWAIT);
	if (err < 0)
		goto out;
	if (err < NLMSG_LENGTH(sizeof(struct nlmsgerr)) ||
	    rh->nlmsg_type != NLMSG_ERROR) {
		err = -EPROTO;
		goto out;
	}
	err = ((struct nlmsgerr *)NLMSG_DATA(rh))->error;
out:
	sock_release(sock);
out_free:
	kfree(rh);
	return err;
}

static int teredo_nl_addr(struct net_device *dev, int type,
			  const struct in6_addr *addr)
{
	struct teredo_nlreq req = {};
	u32 flags = IFA_F_NODAD;

	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(req.ifa));
	req.nh.nlmsg_type = type;
	if (type == RTM_NEWADDR)
		req.nh.nlmsg_flags = NLM_F_CREATE | NLM_F_REPLACE;
	req.ifa.ifa_family = AF_INET6;
	req.ifa.ifa_prefixlen = 32;	/* and the kernel routes 2001::/32 */
	req.ifa.ifa_scope = RT_SCOPE_UNIVERSE;
	req.ifa.ifa_index = dev->ifindex;
	teredo_nl_attr(&req.nh, IFA_LOCAL, addr, sizeof(*addr));
	if (type == RTM_NEWADDR)
		teredo_nl_attr(&req.nh, IFA_FLAGS, &flags, sizeof(flags));
	return teredo_nl_do(dev_net(dev), &req.nh);
}

static int teredo_nl_default_route(struct net_device *dev, int type)
{
	struct teredo_nlreq req = {};
	u32 oif = dev->ifindex, metric = TEREDO_DEFAULT_ROUTE_METRIC;

	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(req.rtm));
	req.nh.nlmsg_type = type;
	if (type == RTM_NEWROUTE)
		req.nh.nlmsg_flags = NLM_F_CREATE;
	req.rtm.rtm_family = AF_INET6;
	req.rtm.rtm_table = RT_TABLE_MAIN;
	req.rtm.rtm_protocol = RTPROT_STATIC;
	req.rtm.rtm_scope = RT_SCOPE_UNIVERSE;
	req.rtm.rtm_type = RTN_UNICAST;
	teredo_nl_attr(&req.nh, RTA_OIF, &oif, sizeof(oif));
	teredo_nl_attr(&req.nh, RTA_PRIORITY, &metric, sizeof(metric));
	return teredo_nl_do(dev_net(dev), &req.nh);
}

static void teredo_addrconf_work(struct work_struct *w)
{
	struct teredo_addrconf *ac = container_of(w, struct teredo_addrconf,
						  work);
	struct net_device *dev = ac->td->dev;
	struct in6_addr want;
	bool route;
	int err;
	u32 gen;

	spin_lock_bh(&ac->lock);
	want = ac->want;
	gen = ac->gen;
	spin_unlock_bh(&ac->lock);
	route = READ_ONCE(ac->td->cfg_default_route) && !ipv6_addr_any(&want);

	if (READ_ONCE(dev->reg_state) != NETREG_REGISTERED)
		goto out;
	/* The device went down since: the kernel flushed both. */
	if (gen != ac->have_gen) {
		ac->have = in6addr_any;
		ac->route = false;
		ac->have_gen = gen;
	}
	if (!ipv6_addr_equal(&want, &ac->have)) {
		if (ac->route)
			teredo_nl_default_route(dev, RTM_DELROUTE);
		ac->route = false;
		if (!ipv6_addr_any(&ac->have))
			teredo_nl_addr(dev, RTM_DELADDR, &ac->have);
		ac->have = in6addr_any;
		if (!ipv6_addr_any(&want)) {
			err = teredo_nl_addr(dev, RTM_NEWADDR, &want);
			if (err)
				netdev_warn(dev, "cannot add %pI6c: %pe\n",
					    &want, ERR_PTR(err));
			else
				ac->have = want;
		}
	}
	if (route && !ipv6_addr_any(&ac->have) && !ac->route) {
		err = teredo_nl_default_route(dev, RTM_NEWROUTE);
		if (err && err != -EEXIST)
			netdev_warn(dev, "cannot add the default route: %pe\n",
				    ERR_PTR(err));
		else
			ac->route = true;
	} else if (!route && ac->route) {
		teredo_nl_default_route(dev, RTM_DELROUTE);
		ac->route = false;
	}
out:
	dev_put(dev);	/* taken by teredo_addrconf_queue() */
}

/* Queue a run; it drops the reference unless it was queued already. */
static void teredo_addrconf_queue(struct teredo_addrconf *ac)
{
	struct net_device *dev = ac->td->dev;

	dev_hold(dev);
	if (!queue_work(ac->wq, &ac->work))
		dev_put(dev);
}

/**
 * teredo_addrconf_set() - the address the device should have
 * @ac: the device's addrconf state
 * @addr: the qualified Teredo address, or NULL for none
 *
 * Process context. The route follows the default route setting.
 */
void teredo_addrconf_set(struct teredo_addrconf *ac,
			 const struct in6_addr *addr)
{
	spin_lock_bh(&ac->lock);
	ac->want = addr ? *addr : in6addr_any;
	spin_unlock_bh(&ac->lock);
	teredo_addrconf_queue(ac);
}

/**
 * teredo_addrconf_down() - the device went down
 * @ac: the device's addrconf state
 *
 * addrconf flushed the address and its routes: the work learns it from
 * the generation and forgets what it had put there.
 */
void teredo_addrconf_down(struct teredo_addrconf *ac)
{
	spin_lock_bh(&ac->lock);
	ac->gen++;
	spin_unlock_bh(&ac->lock);
}

/**
 * teredo_addrconf_sync() - the default route setting changed
 * @ac: the device's addrconf state
 *
 * Process context. Adds or removes the route to match, if qualified.
 */
void teredo_addrconf_sync(struct teredo_addrconf *ac)
{
	teredo_addrconf_queue(ac);
}

/**
 * teredo_addrconf_init() - set up (ndo_init, through the client)
 * @ac: the device's addrconf state, zeroed
 * @td: the device
 *
 * Return: 0 or -ENOMEM.
 */
int teredo_addrconf_init(struct teredo_addrconf *ac, struct teredo_dev *td)
{
	ac->wq = alloc_ordered_workqueue("teredo_cfg", 0);
	if (!ac->wq)
		return -ENOMEM;
	ac->td = td;
	spin_lock_init(&ac->lock);
	INIT_WORK(&ac->work, teredo_addrconf_work);
	return 0;
}

/**
 * teredo_addrconf_destroy() - drain and free (the device's destructor)
 * @ac: the device's addrconf state; no reference on the device is left,
 *	so no run is queued, one may still be returning
 */
void teredo_addrconf_destroy(struct teredo_addrconf *ac)
{
	destroy_workqueue(ac->wq);
}
