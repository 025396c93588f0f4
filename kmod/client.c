// SPDX-License-Identifier: GPL-2.0-only
/*
 * The Teredo client: qualification and maintenance (RFC 4380 section
 * 5.2.1 with the RFC 5991 updates, timers as in Miredo's libteredo), the
 * receive dispatcher and the transmit entry point.
 *
 * Two works per device:
 *  - c->work, the state machine (delayed work on system_wq): sends the
 *    router solicitations, consumes the advertisements the receive path
 *    validated, times out, goes offline and rebinds. It never takes RTNL,
 *    so ndo_stop (under RTNL) cancels it synchronously.
 *  - c->cfg_work, on a per-device ordered workqueue: puts the Teredo
 *    address (/32, which gives the 2001::/32 route) and the optional
 *    default route on the device through rtnetlink, so it needs RTNL and
 *    is never waited for under RTNL. Each queued run holds a reference on
 *    the device; the workqueue is destroyed (drained) by the device's
 *    destructor, after the last reference is gone. Why rtnetlink and not
 *    an addrconf call: see "Address and routes" below and
 *    Documentation/teredo-addrconf.rst.
 *
 * c->lock (a BH spinlock) guards what the receive path shares with the
 * state machine: running, the nonce and server of the outstanding RS, the
 * advertisement handed over, the events, and cfg_want. The fast paths read
 * c->self under a seqlock.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/inetdevice.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/netdevice.h>
#include <linux/netlink.h>
#include <linux/random.h>
#include <linux/rtnetlink.h>
#include <linux/seqlock.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/udp.h>
#include <linux/workqueue.h>
#include <net/addrconf.h>
#include <net/gro_cells.h>
#include <net/ip.h>
#include <net/ip_tunnels.h>
#include <net/ipv6.h>
#include <net/net_namespace.h>
#include <net/route.h>
#include <net/sock.h>

#include "client.h"
#include "device.h"
#include "params.h"
#include "peer.h"
#include "proto.h"

#define TEREDO_DEFAULT_ROUTE_METRIC	1029	/* as Miredo's client hook */

/* c->events */
#define TEREDO_EV_RECONF	BIT(0)	/* server or port changed */
#define TEREDO_EV_LOCAL		BIT(1)	/* an IPv4 address came or went */

struct teredo_client {
	struct teredo_dev *td;
	struct delayed_work work;
	struct work_struct cfg_work;
	struct workqueue_struct *cfg_wq;

	spinlock_t lock;		/* see the top of the file */
	bool running;
	bool rs_sent;			/* an RS waits for its RA */
	bool ra_ready;			/* ra and ra_local are for the work */
	u8 nonce[TEREDO_NONCE_LEN];
	__be32 server;			/* where the RS went */
	struct teredo_ra ra;
	__be32 ra_local;		/* our IPv4 address the RA came to */
	unsigned long events;
	struct in6_addr cfg_want;	/* :: for none */
	u32 cfg_gen;			/* bumped when the device goes down */

	seqlock_t self_lock;
	struct teredo_self self;

	/* The state machine's own (c->work only, or stopped) */
	enum teredo_state state;	/* QUALIFYING, QUALIFIED, OFFLINE */
	unsigned int tries;		/* unanswered RS in a row */
	struct teredo_addr_info info;
	struct in6_addr addr;
	__be32 local_ip;

	/* cfg_work's own: what is on the device */
	struct in6_addr cfg_have;
	bool cfg_route;
	u32 cfg_have_gen;
};

/* Pure helpers */

/**
 * teredo_client_derive_addr() - our Teredo address from a valid RA
 * @ra: the advertisement (teredo_parse_ra())
 * @random: random bits for the RFC 5991 flags
 * @info: filled with the address fields
 * @addr: filled with the address
 */
void teredo_client_derive_addr(const struct teredo_ra *ra, u16 random,
			       struct teredo_addr_info *info,
			       struct in6_addr *addr)
{
	*info = ra->addr;
	info->flags = teredo_flags_random(ra->cone, random);
	teredo_addr_build(addr, info);
}

/* The server's secondary address: the primary plus one (RFC 4380 4). */
__be32 teredo_server_secondary(__be32 server)
{
	return htonl(ntohl(server) + 1);
}

/* May this UDP source speak for @server (RS answers)? */
bool teredo_client_from_server(__be32 saddr, __be16 sport, __be32 server)
{
	return server && sport == htons(TEREDO_SERVER_PORT) &&
	       (saddr == server || saddr == teredo_server_secondary(server));
}

/* Fast-path view */

bool teredo_client_self(struct teredo_dev *td, struct teredo_self *self)
{
	struct teredo_client *c = td->client;
	unsigned int seq;

	do {
		seq = read_seqbegin(&c->self_lock);
		*self = c->self;
	} while (read_seqretry(&c->self_lock, seq));
	return self->up;
}

static void teredo_client_set_self(struct teredo_client *c, bool up)
{
	write_seqlock_bh(&c->self_lock);
	c->self.up = up;
	if (up) {
		c->self.addr = c->addr;
		c->self.info = c->info;
		c->self.server = c->info.server;
		c->self.server2 = teredo_server_secondary(c->info.server);
	}
	write_sequnlock_bh(&c->self_lock);
}

/*
 * Address and routes, through rtnetlink (cfg_work)
 *
 * 6.1 exports nothing that can do this in the kernel
 * (Documentation/teredo-addrconf.rst has the line numbers):
 *  - addrconf_prefix_rcv_add_addr(), SLAAC's back end: no prefix route,
 *    and no removal, because a refresh never shortens the valid lifetime
 *    below two hours (RFC 4862 5.5.3e). It also sets MANAGETEMPADDR, and
 *    privacy addresses built from a Teredo address are not valid ones;
 *  - addrconf_add_linklocal(): fixed /64, link scope;
 *  - ip6_route_add(), rt6_add_dflt_router(), fib6_add(), ipv6_del_addr(),
 *    inet6_addr_add/del(): not exported. inet6_ioctl() wants user memory.
 * Until addrconf knows Teredo devices (or userspace does it from the
 * state events), these requests go to rtnetlink, which runs them under
 * RTNL: hence cfg_wq.
 */

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
	const size_t rlen = 1024;
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

static void teredo_client_cfg_work(struct work_struct *w)
{
	struct teredo_client *c = container_of(w, struct teredo_client,
					       cfg_work);
	struct net_device *dev = c->td->dev;
	struct in6_addr want;
	bool route;
	int err;
	u32 gen;

	spin_lock_bh(&c->lock);
	want = c->cfg_want;
	gen = c->cfg_gen;
	spin_unlock_bh(&c->lock);
	route = READ_ONCE(c->td->cfg_default_route) && !ipv6_addr_any(&want);

	if (READ_ONCE(dev->reg_state) != NETREG_REGISTERED)
		goto out;
	/* The device went down since: the kernel flushed both. */
	if (gen != c->cfg_have_gen) {
		c->cfg_have = in6addr_any;
		c->cfg_route = false;
		c->cfg_have_gen = gen;
	}
	if (!ipv6_addr_equal(&want, &c->cfg_have)) {
		if (c->cfg_route)
			teredo_nl_default_route(dev, RTM_DELROUTE);
		c->cfg_route = false;
		if (!ipv6_addr_any(&c->cfg_have))
			teredo_nl_addr(dev, RTM_DELADDR, &c->cfg_have);
		c->cfg_have = in6addr_any;
		if (!ipv6_addr_any(&want)) {
			err = teredo_nl_addr(dev, RTM_NEWADDR, &want);
			if (err)
				netdev_warn(dev, "cannot add %pI6c: %pe\n",
					    &want, ERR_PTR(err));
			else
				c->cfg_have = want;
		}
	}
	if (route && !ipv6_addr_any(&c->cfg_have) && !c->cfg_route) {
		err = teredo_nl_default_route(dev, RTM_NEWROUTE);
		if (err && err != -EEXIST)
			netdev_warn(dev, "cannot add the default route: %pe\n",
				    ERR_PTR(err));
		else
			c->cfg_route = true;
	} else if (!route && c->cfg_route) {
		teredo_nl_default_route(dev, RTM_DELROUTE);
		c->cfg_route = false;
	}
out:
	dev_put(dev);	/* taken by teredo_client_want_cfg() */
}

static void teredo_client_want_cfg(struct teredo_client *c,
				   const struct in6_addr *addr)
{
	struct net_device *dev = c->td->dev;

	spin_lock_bh(&c->lock);
	c->cfg_want = addr ? *addr : in6addr_any;
	spin_unlock_bh(&c->lock);
	dev_hold(dev);
	if (!queue_work(c->cfg_wq, &c->cfg_work))
		dev_put(dev);
}

/* The state machine (c->work) */

static void teredo_client_send_rs(struct teredo_client *c, __be32 server)
{
	const unsigned int hroom = LL_MAX_HEADER + sizeof(struct iphdr) +
				   sizeof(struct udphdr);
	struct teredo_dev *td = c->td;
	u8 nonce[TEREDO_NONCE_LEN];
	struct sk_buff *skb;
	int len;

	skb = alloc_skb(hroom + TEREDO_RS_LEN, GFP_KERNEL);
	if (!skb)
		return;		/* retried at the timeout */
	skb_reserve(skb, hroom);
	get_random_bytes(nonce, sizeof(nonce));
	len = teredo_build_rs(skb_put(skb, TEREDO_RS_LEN), TEREDO_RS_LEN,
			      false, nonce);
	if (WARN_ON_ONCE(len != TEREDO_RS_LEN)) {
		kfree_skb(skb);
		return;
	}
	spin_lock_bh(&c->lock);
	memcpy(c->nonce, nonce, sizeof(nonce));
	c->server = server;
	c->rs_sent = true;
	c->ra_ready = false;
	spin_unlock_bh(&c->lock);
	teredo_xmit_udp(td, skb, server, htons(TEREDO_SERVER_PORT), NULL);
}

/* Our IPv4 source toward @server now, 0 if there is no route. */
static __be32 teredo_client_route_saddr(struct teredo_client *c,
					__be32 server)
{
	struct net_device *dev = c->td->dev;
	struct flowi4 fl4 = {
		.daddr = server,
		.flowi4_mark = READ_ONCE(c->td->cfg_fwmark),
		.flowi4_proto = IPPROTO_UDP,
	};
	struct rtable *rt;
	__be32 saddr;

	rt = ip_route_output_key(dev_net(dev), &fl4);
	if (IS_ERR(rt))
		return 0;
	saddr = fl4.saddr;
	ip_rt_put(rt);
	return saddr;
}

static void teredo_client_rebind(struct teredo_dev *td)
{
	int err = 0;

	mutex_lock(&td->lock);
	if (rcu_access_pointer(td->sock))
		err = __teredo_socket_rebind(td, true);
	mutex_unlock(&td->lock);
	if (err)
		netdev_warn(td->dev, "rebind failed: %pe\n", ERR_PTR(err));
}

/*
 * Leave the qualified state (or give up qualifying): @offline when the
 * server stopped answering, else back to qualifying (new configuration,
 * new local address). @rebind to get a new port, hence a new mapping.
 */
static void teredo_client_lose(struct teredo_client *c, bool offline,
			       bool rebind)
{
	struct teredo_dev *td = c->td;
	bool was_up = c->state == TEREDO_ST_QUALIFIED;

	spin_lock_bh(&c->lock);
	c->rs_sent = false;
	c->ra_ready = false;
	spin_unlock_bh(&c->lock);
	if (was_up) {
		teredo_client_set_self(c, false);
		teredo_client_want_cfg(c, NULL);
		netdev_info(td->dev, "lost %pI6c%s\n", &c->addr,
			    offline ? ": no answer from the server" : "");
	}
	teredo_peers_flush(td);		/* they knew the old address */
	c->state = offline ? TEREDO_ST_OFFLINE : TEREDO_ST_QUALIFYING;
	teredo_publish_mapping(td, 0, 0, 0, TEREDO_NAT_UNKNOWN, 0);
	teredo_publish_state(td, c->state, offline && was_up ? &c->addr :
							       &in6addr_any);
	memset(&c->info, 0, sizeof(c->info));
	c->addr = in6addr_any;
	c->local_ip = 0;
	c->tries = 0;
	if (rebind)
		teredo_client_rebind(td);
}

/* A valid RA. Return: false if it showed our local address changed. */
static bool teredo_client_qualified(struct teredo_client *c,
				    const struct teredo_ra *ra, __be32 local)
{
	struct teredo_dev *td = c->td;
	struct teredo_addr_info info;
	struct in6_addr addr;
	enum teredo_nat nat;

	c->tries = 0;
	if (c->state == TEREDO_ST_QUALIFIED) {
		if (local != c->local_ip) {
			netdev_info(td->dev, "local address %pI4 -> %pI4\n",
				    &c->local_ip, &local);
			teredo_client_lose(c, false, true);
			return false;
		}
		if (ra->addr.server == c->info.server &&
		    ra->addr.mapped_ip == c->info.mapped_ip &&
		    ra->addr.mapped_port == c->info.mapped_port)
			return true;	/* refreshed, same mapping */
	}
	teredo_client_derive_addr(ra, get_random_u16(), &info, &addr);
	c->info = info;
	c->addr = addr;
	c->local_ip = local;
	c->state = TEREDO_ST_QUALIFIED;
	teredo_peers_flush(td);		/* a new address: trust starts over */
	teredo_client_set_self(c, true);
	teredo_client_want_cfg(c, &addr);
	nat = info.mapped_ip == local &&
	      ntohs(info.mapped_port) == READ_ONCE(td->pub.port) ?
	      TEREDO_NAT_CONE : TEREDO_NAT_UNKNOWN;
	teredo_publish_mapping(td, info.server, info.mapped_ip,
			       info.mapped_port, nat, 0);
	teredo_publish_state(td, TEREDO_ST_QUALIFIED, &addr);
	netdev_info(td->dev, "qualified: %pI6c (server %pI4, mapped %pI4:%u)\n",
		    &addr, &info.server, &info.mapped_ip,
		    ntohs(info.mapped_port));
	return true;
}

static void teredo_client_work(struct work_struct *w)
{
	struct teredo_client *c = container_of(to_delayed_work(w),
					       struct teredo_client, work);
	struct teredo_dev *td = c->td;
	unsigned long events, delay;
	bool have_ra, rs_sent;
	struct teredo_ra ra;
	__be32 server, local = 0, saddr;

	spin_lock_bh(&c->lock);
	if (!c->running) {
		spin_unlock_bh(&c->lock);
		return;
	}
	events = c->events;
	c->events = 0;
	have_ra = c->ra_ready;
	c->ra_ready = false;
	if (have_ra) {
		ra = c->ra;
		local = c->ra_local;
	}
	rs_sent = c->rs_sent;
	spin_unlock_bh(&c->lock);

	if (events & TEREDO_EV_RECONF) {
		teredo_client_lose(c, false, false);
	} else if (have_ra) {
		if (teredo_client_qualified(c, &ra, local)) {
			delay = READ_ONCE(td->cfg_refresh) * HZ;
			queue_delayed_work(system_wq, &c->work, delay);
			return;
		}
	} else if (events & TEREDO_EV_LOCAL) {
		/* checked below; an RS in flight is not a lost try */
	} else if (rs_sent &&
		   ++c->tries >= TEREDO_QUALIFICATION_RETRIES) {
		teredo_client_lose(c, true, c->state == TEREDO_ST_QUALIFIED);
		delay = READ_ONCE(td->cfg_restart) * HZ;
		queue_delayed_work(system_wq, &c->work, delay);
		return;
	}

	server = READ_ONCE(td->cfg_server);
	if (!server)
		return;		/* teredo_client_reconfigure() restarts us */
	/*
	 * Refresh time or an IPv4 address event: has our address toward the
	 * server changed? If not and an RS is out, keep waiting for its RA.
	 */
	if (c->state == TEREDO_ST_QUALIFIED &&
	    (!rs_sent || events & TEREDO_EV_LOCAL)) {
		saddr = teredo_client_route_saddr(c, server);
		if (saddr && saddr != c->local_ip) {
			netdev_info(td->dev, "local address %pI4 -> %pI4\n",
				    &c->local_ip, &saddr);
			teredo_client_lose(c, false, true);
		} else if (rs_sent) {
			delay = msecs_to_jiffies(TEREDO_QUALIFICATION_TIMEOUT_MS);
			queue_delayed_work(system_wq, &c->work, delay);
			return;
		}
	}
	teredo_client_send_rs(c, server);
	queue_delayed_work(system_wq, &c->work,
			   msecs_to_jiffies(TEREDO_QUALIFICATION_TIMEOUT_MS));
}

/* Receive: the server's RA (softirq) */

static void teredo_client_rcv_ra(struct teredo_dev *td, struct sk_buff *skb)
{
	struct teredo_client *c = td->client;
	__be32 saddr = ip_hdr(skb)->saddr, daddr = ip_hdr(skb)->daddr;
	__be16 sport = udp_hdr(skb)->source;
	struct teredo_pkt pkt;
	struct teredo_ra ra;
	unsigned int len;
	bool ok;

	/* The cheap checks first: an RS is out and this is its server. */
	spin_lock(&c->lock);
	ok = c->running && c->rs_sent &&
	     teredo_client_from_server(saddr, sport, c->server);
	spin_unlock(&c->lock);
	if (!ok)
		goto bad;
	/*
	 * teredo_rcv() made linear all teredo_classify() reads; of the rest,
	 * teredo_parse_ra() reads the IPv6 packet (its checksum covers the
	 * whole RA), never what may follow it in the datagram.
	 */
	if (teredo_classify(skb->data, skb->len, &pkt) != TEREDO_PKT_RA)
		goto bad;
	len = pkt.ip6_off + pkt.ip6_len;
	if (!pskb_may_pull(skb, len)) {
		teredo_drop(td, skb, TEREDO_DROP_NOMEM, true);
		return;
	}
	/* Again: the RS may have been answered or replaced meanwhile. */
	spin_lock(&c->lock);
	ok = c->running && c->rs_sent &&
	     teredo_client_from_server(saddr, sport, c->server) &&
	     !teredo_parse_ra(skb->data, len, c->nonce, c->server, &ra) &&
	     !ra.cone;
	if (ok) {
		c->ra = ra;
		c->ra_local = daddr;
		c->ra_ready = true;
		c->rs_sent = false;
		mod_delayed_work(system_wq, &c->work, 0);
	}
	spin_unlock(&c->lock);
	if (ok) {
		consume_skb(skb);
		return;
	}
bad:
	teredo_drop(td, skb, TEREDO_DROP_BAD_RA, true);
}

/*
 * How much of @skb teredo_classify() and the peer code read, to make
 * linear: all of it up to TEREDO_CLASSIFY_MAX_READ when a Teredo header
 * or ICMPv6 may be there, else (nearly all the traffic) the IPv6 header
 * alone. Pulling more would copy payload out of the pages it came in,
 * and GRO could no longer just add those pages to the packet it builds.
 */
static unsigned int teredo_rcv_headlen(const struct sk_buff *skb)
{
	u8 buf[offsetofend(struct ipv6hdr, nexthdr)];
	const u8 *h;

	if (skb->len >= TEREDO_IPV6_HLEN) {
		h = skb_header_pointer(skb, 0, sizeof(buf), buf);
		if (h && h[0] >> 4 == 6 &&
		    h[offsetof(struct ipv6hdr, nexthdr)] != IPPROTO_ICMPV6)
			return TEREDO_IPV6_HLEN;
	}
	return min_t(unsigned int, skb->len, TEREDO_CLASSIFY_MAX_READ);
}

/**
 * teredo_rcv() - the receive dispatcher (see device.h)
 * @td: the device
 * @skb: the UDP payload, consumed
 */
void teredo_rcv(struct teredo_dev *td, struct sk_buff *skb)
{
	struct teredo_self self;
	struct teredo_pkt pkt;

	if (!pskb_may_pull(skb, teredo_rcv_headlen(skb))) {
		teredo_drop(td, skb, TEREDO_DROP_NOMEM, true);
		return;
	}
	teredo_classify(skb->data, skb->len, &pkt);
	if (pkt.kind == TEREDO_PKT_MALFORMED) {
		teredo_drop(td, skb, TEREDO_DROP_MALFORMED, true);
		return;
	}
	if (pkt.kind == TEREDO_PKT_RA) {
		teredo_client_rcv_ra(td, skb);
		return;
	}
	if (!teredo_client_self(td, &self)) {
		teredo_drop(td, skb, TEREDO_DROP_NOT_QUALIFIED, true);
		return;
	}
	teredo_peer_rcv(td, skb, &pkt, &self);
}

/**
 * teredo_deliver() - hand a trusted IPv6 packet to the stack
 * @td: the device
 * @skb: the UDP payload, consumed
 * @pkt: its classification
 *
 * Softirq, or BH disabled (the transmit path).
 */
void teredo_deliver(struct teredo_dev *td, struct sk_buff *skb,
		    const struct teredo_pkt *pkt)
{
	/* gro_cells_receive() needs BH disabled */
	DEBUG_NET_WARN_ON_ONCE(!in_softirq());
	skb_pull_rcsum(skb, pkt->ip6_off);
	if (pskb_trim_rcsum(skb, pkt->ip6_len)) {
		teredo_drop(td, skb, TEREDO_DROP_NOMEM, true);
		return;
	}
	/*
	 * No __skb_decr_checksum_unnecessary() here: udp4_csum_init() used
	 * up the UDP level of a CHECKSUM_UNNECESSARY already, and what is
	 * left (csum_level) is the inner packet's, as for vxlan and geneve.
	 */
	/*
	 * A GSO packet from a kteredo peer over a virtual link (or a GRO'd
	 * one) arrives whole: what is left is the inner IPv6 GSO packet,
	 * without the UDP tunnel bits, as iptunnel_pull_header() does.
	 */
	if (iptunnel_pull_offloads(skb)) {
		teredo_drop(td, skb, TEREDO_DROP_NOMEM, true);
		return;
	}
	skb_scrub_packet(skb, false);
	skb_reset_network_header(skb);
	skb_reset_mac_header(skb);
	skb->protocol = htons(ETH_P_IPV6);
	skb->pkt_type = PACKET_HOST;
	skb->dev = td->dev;
	dev_sw_netstats_rx_add(td->dev, skb->len);
	gro_cells_receive(&td->gro_cells, skb);
}

/**
 * teredo_client_xmit() - an IPv6 packet from the stack (see device.h)
 * @td: the device
 * @skb: the packet, consumed
 *
 * Return: %NETDEV_TX_OK.
 */
netdev_tx_t teredo_client_xmit(struct teredo_dev *td, struct sk_buff *skb)
{
	struct teredo_self self;

	if (!teredo_client_self(td, &self)) {
		teredo_drop(td, skb, TEREDO_DROP_NOT_QUALIFIED, false);
		return NETDEV_TX_OK;
	}
	return teredo_peer_xmit(td, skb, &self);
}

/* Life cycle */

/**
 * teredo_client_init() - allocate the client (ndo_init)
 * @td: the device
 *
 * Return: 0 or -ENOMEM. Freed by teredo_client_destroy().
 */
int teredo_client_init(struct teredo_dev *td)
{
	struct teredo_client *c;

	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	c->cfg_wq = alloc_ordered_workqueue("teredo_cfg", 0);
	if (!c->cfg_wq) {
		kfree(c);
		return -ENOMEM;
	}
	if (teredo_peers_init(td)) {
		destroy_workqueue(c->cfg_wq);
		kfree(c);
		return -ENOMEM;
	}
	c->td = td;
	INIT_DELAYED_WORK(&c->work, teredo_client_work);
	INIT_WORK(&c->cfg_work, teredo_client_cfg_work);
	spin_lock_init(&c->lock);
	seqlock_init(&c->self_lock);
	c->state = TEREDO_ST_QUALIFYING;
	td->client = c;
	return 0;
}

/**
 * teredo_client_destroy() - free the client (the device's priv_destructor)
 * @dev: the device, with no reference left: no cfg_work is queued, one
 *	may still be returning
 */
void teredo_client_destroy(struct net_device *dev)
{
	struct teredo_dev *td = netdev_priv(dev);
	struct teredo_client *c = td->client;

	if (!c)
		return;
	cancel_delayed_work_sync(&c->work);	/* stopped already */
	destroy_workqueue(c->cfg_wq);
	teredo_peers_destroy(td);
	td->client = NULL;
	kfree(c);
}

/**
 * teredo_client_start() - start qualifying (ndo_open, socket bound)
 * @td: the device
 */
void teredo_client_start(struct teredo_dev *td)
{
	struct teredo_client *c = td->client;

	spin_lock_bh(&c->lock);
	/* The work's own state, set before running lets it run */
	c->state = TEREDO_ST_QUALIFYING;
	c->tries = 0;
	c->events = 0;
	c->running = true;
	mod_delayed_work(system_wq, &c->work, 0);
	spin_unlock_bh(&c->lock);
}

/**
 * teredo_client_stop() - stop and forget the qualification (ndo_stop)
 * @td: the device; RTNL held, td->lock not held (the work takes it)
 *
 * Returns with the state machine idle. The address goes with the device
 * (addrconf flushes it on down); cfg_work learns it through cfg_gen.
 */
void teredo_client_stop(struct teredo_dev *td)
{
	struct teredo_client *c = td->client;

	spin_lock_bh(&c->lock);
	c->running = false;
	c->rs_sent = false;
	c->ra_ready = false;
	c->events = 0;
	c->cfg_gen++;
	spin_unlock_bh(&c->lock);
	cancel_delayed_work_sync(&c->work);
	teredo_client_set_self(c, false);
	/* the peers go once the socket is closed (ndo_stop) */
	c->state = TEREDO_ST_QUALIFYING;
	memset(&c->info, 0, sizeof(c->info));
	c->addr = in6addr_any;
	c->local_ip = 0;
	c->tries = 0;
	teredo_client_want_cfg(c, NULL);
}

/**
 * teredo_client_reconfigure() - the server or the port changed
 * @td: the device
 *
 * Process context. Qualifies again at once, if running.
 */
void teredo_client_reconfigure(struct teredo_dev *td)
{
	struct teredo_client *c = td->client;

	spin_lock_bh(&c->lock);
	if (c->running) {
		c->events |= TEREDO_EV_RECONF;
		mod_delayed_work(system_wq, &c->work, 0);
	}
	spin_unlock_bh(&c->lock);
}

/**
 * teredo_client_route_changed() - the default route setting changed
 * @td: the device
 *
 * Process context. Adds or removes the route to match, if qualified.
 */
void teredo_client_route_changed(struct teredo_dev *td)
{
	struct teredo_client *c = td->client;
	struct net_device *dev = td->dev;

	dev_hold(dev);
	if (!queue_work(c->cfg_wq, &c->cfg_work))
		dev_put(dev);
}

/**
 * teredo_client_local_changed() - an IPv4 address came or went
 * @td: the device
 *
 * Any context. A qualified client checks its source address toward the
 * server now (and qualifies again from a new port if it changed); one
 * still qualifying or offline sends its next RS now.
 */
void teredo_client_local_changed(struct teredo_dev *td)
{
	struct teredo_client *c = td->client;

	spin_lock_bh(&c->lock);
	if (c->running) {
		c->events |= TEREDO_EV_LOCAL;
		mod_delayed_work(system_wq, &c->work, 0);
	}
	spin_unlock_bh(&c->lock);
}
