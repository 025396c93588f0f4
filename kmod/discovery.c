// SPDX-License-Identifier: GPL-2.0-only
/*
 * Local client discovery (RFC 4380 section 5.2.8), as Miredo's libteredo
 * (discovery.c, and client cases 3 to 5 of relay.c).
 *
 * While qualified, the client listens on 224.0.0.253:3544 on the link
 * toward its server and, every 200 to 300 s, multicasts a discovery
 * bubble there from its own port (IPv6 source its Teredo address,
 * destination ff02::1). A bubble heard from a neighbour whose Teredo
 * address names our own mapped address (the same NAT) makes it a local
 * peer: its entry's mapping becomes the neighbour's link address and
 * port, untrusted until a unicast packet from there proves it, and a
 * unicast bubble goes back (within the probe budget) so that a neighbour
 * trying to reach us hears us. Probing a peer behind our NAT also
 * multicasts a discovery bubble, and a local peer is probed at its link
 * address. So two clients behind a NAT that does not hairpin talk over
 * their link.
 *
 * Only the link can speak here: the group socket is bound to the device,
 * a datagram must come from a neighbour on one of its subnets (not from
 * one of our addresses), and everything else is counted as not_onlink.
 * A host whose address toward the server is global unicast has no NAT to
 * share and stays silent.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/igmp.h>
#include <linux/in.h>
#include <linux/inetdevice.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/jiffies.h>
#include <linux/netdevice.h>
#include <linux/random.h>
#include <linux/rtnetlink.h>
#include <linux/skbuff.h>
#include <linux/udp.h>
#include <net/inet_sock.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/route.h>
#include <net/sock.h>
#include <net/udp.h>
#include <net/udp_tunnel.h>

#include "client.h"
#include "counters.h"
#include "device.h"
#include "discovery.h"
#include "peer.h"
#include "port.h"
#include "proto.h"
#include "send.h"
#include "trust.h"

static const struct in6_addr teredo_all_nodes = IN6ADDR_LINKLOCAL_ALLNODES_INIT;

/* Fast-path checks */

/**
 * teredo_disc_active() - is local discovery on and listening?
 * @td: the device
 */
bool teredo_disc_active(const struct teredo_dev *td)
{
	return READ_ONCE(td->cfg_discovery) && READ_ONCE(td->disc.ifindex);
}

/**
 * teredo_disc_from_link() - did @skb come from a neighbour on our link?
 * @td: the device
 * @skb: a received datagram
 * @saddr: its IPv4 source
 *
 * True if discovery is active, @skb came in on the link it listens on,
 * and @saddr is on one of that link's subnets without being one of its
 * own addresses or their broadcast address.
 */
bool teredo_disc_from_link(const struct teredo_dev *td,
			   const struct sk_buff *skb, __be32 saddr)
{
	const struct in_ifaddr *ifa;
	struct in_device *in_dev;
	bool ok = false;

	if (!teredo_disc_active(td) || !skb->dev ||
	    skb->dev->ifindex != READ_ONCE(td->disc.ifindex) ||
	    ipv4_is_multicast(saddr) || ipv4_is_lbcast(saddr) ||
	    ipv4_is_zeronet(saddr))
		return false;
	rcu_read_lock();
	in_dev = __in_dev_get_rcu(skb->dev);
	if (in_dev) {
		in_dev_for_each_ifa_rcu(ifa, in_dev) {
			if (saddr == ifa->ifa_local ||
			    saddr == ifa->ifa_broadcast) {
				ok = false;
				break;
			}
			if (inet_ifa_match(saddr, ifa))
				ok = true;
		}
	}
	rcu_read_unlock();
	return ok;
}

/**
 * teredo_disc_same_nat() - is @src a Teredo client behind our NAT?
 * @self: our qualified state
 * @src: an IPv6 source
 *
 * Its Teredo address names our mapped address (any port): the same NAT.
 */
bool teredo_disc_same_nat(const struct teredo_self *self,
			  const struct in6_addr *src)
{
	struct teredo_addr_info info;

	return !teredo_addr_parse(src, &info) &&
	       info.mapped_ip == self->info.mapped_ip &&
	       !ipv6_addr_equal(src, &self->addr);
}

/* Sending */

/**
 * teredo_disc_xmit() - multicast a discovery bubble on our link
 * @td: the device
 * @skb: the bubble (UDP payload), consumed
 *
 * From the Teredo socket, so that neighbours learn our port; TTL 1, as
 * nothing beyond the link may hear it. Any context that may run softirq
 * code.
 */
void teredo_disc_xmit(struct teredo_dev *td, struct sk_buff *skb)
{
	int ifindex = READ_ONCE(td->disc.ifindex);
	struct socket *sock;
	struct flowi4 fl4;
	struct rtable *rt;
	__be16 sport;

	rcu_read_lock_bh();
	sock = rcu_dereference_bh(td->sock);
	if (!sock || !ifindex || !READ_ONCE(td->cfg_discovery)) {
		teredo_drop(td, skb, TEREDO_DROP_NO_SOCKET, false);
		goto out;
	}
	sport = inet_sk(sock->sk)->inet_sport;
	memset(&fl4, 0, sizeof(fl4));
	fl4.flowi4_oif = ifindex;
	fl4.flowi4_proto = IPPROTO_UDP;
	fl4.flowi4_mark = READ_ONCE(td->cfg_fwmark);
	fl4.daddr = htonl(TEREDO_DISCOVERY_IP);
	fl4.saddr = READ_ONCE(td->disc.local_ip);
	fl4.fl4_sport = sport;
	fl4.fl4_dport = htons(TEREDO_DISCOVERY_PORT);
	rt = ip_route_output_key(dev_net(td->dev), &fl4);
	if (IS_ERR(rt)) {
		teredo_drop(td, skb, TEREDO_DROP_NO_ROUTE, false);
		goto out;
	}
	skb->mark = fl4.flowi4_mark;
	skb->dev = td->dev;	/* iptunnel_xmit() counts in its tstats */
	if (skb_cow_head(skb, LL_RESERVED_SPACE(rt->dst.dev) +
			 rt->dst.header_len + sizeof(struct iphdr) +
			 sizeof(struct udphdr)) ||
	    udp_tunnel_handle_offloads(skb, true)) {
		ip_rt_put(rt);
		teredo_drop(td, skb, TEREDO_DROP_NOMEM, false);
		goto out;
	}
	udp_tunnel_xmit_skb(rt, sock->sk, skb, fl4.saddr, fl4.daddr, 0, 1, 0,
			    sport, fl4.fl4_dport, false, false);
out:
	rcu_read_unlock_bh();
}

/**
 * teredo_disc_bubble() - add a discovery bubble to @out
 * @out: datagrams for teredo_xmit_list(), which multicasts this one
 * @self: our qualified state
 */
void teredo_disc_bubble(struct sk_buff_head *out,
			const struct teredo_self *self)
{
	teredo_peer_bubble(out, &self->addr, &teredo_all_nodes,
			   htonl(TEREDO_DISCOVERY_IP),
			   htons(TEREDO_DISCOVERY_PORT));
}

/* The periodic announcement: not charged to the probe budget. */
static void teredo_disc_announce(struct teredo_dev *td,
				 const struct teredo_self *self)
{
	struct sk_buff_head out;

	__skb_queue_head_init(&out);
	teredo_disc_bubble(&out, self);
	teredo_xmit_list(td, &out);
}

/* Receiving */

/*
 * A neighbour behind our NAT announced itself: its entry's mapping is
 * now its link address, to be proved by a unicast packet from there.
 * Return: 0, or -ENOMEM.
 */
static int teredo_disc_learn(struct teredo_dev *td, const struct in6_addr *src,
			     __be32 ip, __be16 port)
{
	struct teredo_peers *pc = td->peers;
	struct teredo_peer *p, *new = NULL;
	struct sk_buff_head drops;
	unsigned long now = jiffies;
	int err = 0;

	rcu_read_lock();
	p = teredo_peer_lookup(pc, src);
	rcu_read_unlock();
	if (!p) {
		new = teredo_peer_alloc(GFP_ATOMIC);
		if (!new)
			return -ENOMEM;
	}
	__skb_queue_head_init(&drops);
	spin_lock_bh(&pc->lock);
	p = teredo_peer_get_locked(pc, src, &new, now, &drops);
	if (!p || p->dead) {
		err = -ENOMEM;
		goto unlock;
	}
	if (!p->local || READ_ONCE(p->mapped_ip) != ip ||
	    READ_ONCE(p->mapped_port) != port) {
		/* another way to reach it: trusted once it answers there */
		WRITE_ONCE(p->trusted, false);
		WRITE_ONCE(p->mapped_ip, ip);
		WRITE_ONCE(p->mapped_port, port);
		WRITE_ONCE(p->local, true);
		p->unreachable = false;
	}
	WRITE_ONCE(p->last_use, now);
unlock:
	spin_unlock_bh(&pc->lock);
	kfree(new);
	teredo_peers_drop_list(pc, &drops);
	return err;
}

/* The answer to a discovery bubble, within the probe budget. */
static void teredo_disc_answer(struct teredo_dev *td,
			       const struct teredo_self *self,
			       const struct in6_addr *src, __be32 ip,
			       __be16 port)
{
	struct teredo_probe_key key;
	struct sk_buff_head out;
	int err;

	teredo_probe_key_mapping(&key, ip, port);
	err = teredo_probe_allow(td->peers->limits, &key, 1, jiffies);
	if (err) {
		teredo_count(td, err == -EDQUOT ? TEREDO_DROP_BUBBLE_LIMIT :
						  TEREDO_DROP_PROBE_LIMIT);
		return;
	}
	__skb_queue_head_init(&out);
	teredo_peer_bubble(&out, &self->addr, src, ip, port);
	teredo_xmit_list(td, &out);
}

static void teredo_disc_rcv(struct teredo_dev *td, struct sk_buff *skb)
{
	__be32 saddr = ip_hdr(skb)->saddr;
	const struct ipv6hdr *ip6;
	struct teredo_self self;
	struct teredo_pkt pkt;
	struct in6_addr src;
	__be16 sport;

	if (ip_hdr(skb)->daddr != htonl(TEREDO_DISCOVERY_IP) ||
	    !teredo_disc_from_link(td, skb, saddr)) {
		teredo_drop(td, skb, TEREDO_DROP_NOT_ONLINK, true);
		return;
	}
	if (!pskb_may_pull(skb, sizeof(struct udphdr))) {
		teredo_drop(td, skb, TEREDO_DROP_NOMEM, true);
		return;
	}
	sport = udp_hdr(skb)->source;
	skb_pull_rcsum(skb, sizeof(struct udphdr));
	if (!pskb_may_pull(skb, min_t(unsigned int, skb->len,
				      TEREDO_CLASSIFY_MAX_READ))) {
		teredo_drop(td, skb, TEREDO_DROP_NOMEM, true);
		return;
	}
	teredo_classify(skb->data, skb->len, &pkt);
	if (pkt.kind == TEREDO_PKT_MALFORMED || !sport) {
		teredo_drop(td, skb, TEREDO_DROP_MALFORMED, true);
		return;
	}
	ip6 = (const void *)(skb->data + pkt.ip6_off);
	/* discovery bubbles only: no data, no origin, no authentication */
	if (pkt.kind != TEREDO_PKT_BUBBLE || pkt.has_auth ||
	    !ipv6_addr_equal(&ip6->daddr, &teredo_all_nodes)) {
		teredo_drop(td, skb, TEREDO_DROP_BAD_DST, true);
		return;
	}
	if (!teredo_client_self(td, &self)) {
		teredo_drop(td, skb, TEREDO_DROP_NOT_QUALIFIED, true);
		return;
	}
	src = ip6->saddr;
	if (teredo_ipv6_src_bad(&src, &self.addr)) {
		teredo_drop(td, skb, TEREDO_DROP_BAD_SRC, true);
		return;
	}
	/* a neighbour claiming an address behind another NAT */
	if (!teredo_disc_same_nat(&self, &src)) {
		teredo_drop(td, skb, TEREDO_DROP_SPOOFED_SRC, true);
		return;
	}
	if (teredo_disc_learn(td, &src, saddr, sport)) {
		teredo_drop(td, skb, TEREDO_DROP_NOMEM, true);
		return;
	}
	teredo_consume(td, skb);
	teredo_disc_answer(td, &self, &src, saddr, sport);
}

static int teredo_disc_encap_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct teredo_dev *td = rcu_dereference_sk_user_data(sk);

	if (unlikely(!td)) {
		kfree_skb(skb);
		return 0;
	}
	teredo_disc_rcv(td, skb);
	return 0;
}

/* The group socket (RTNL) */

static void teredo_disc_close(struct teredo_dev *td)
{
	struct teredo_disc *d = &td->disc;
	struct ip_mreqn mreq = {
		.imr_multiaddr.s_addr = htonl(TEREDO_DISCOVERY_IP),
		.imr_ifindex = d->ifindex,
	};
	struct socket *sock = d->sock;

	ASSERT_RTNL();
	if (!sock)
		return;
	WRITE_ONCE(d->ifindex, 0);
	WRITE_ONCE(d->local_ip, 0);
	d->sock = NULL;
	teredo_pub_set_discovery(&td->pub, 0);
	/* Left here, under RTNL: the close would take RTNL to leave it. */
	lock_sock(sock->sk);
	ip_mc_leave_group(sock->sk, &mreq);
	release_sock(sock->sk);
	/* As socket.c: closed with @td attached, what comes in is counted. */
	kernel_sock_shutdown(sock, SHUT_RDWR);
	sock_release(sock);
}

static int teredo_disc_open(struct teredo_dev *td, int ifindex, __be32 local)
{
	struct teredo_disc *d = &td->disc;
	struct udp_port_cfg cfg = {
		.family = AF_INET,
		.local_ip.s_addr = htonl(TEREDO_DISCOVERY_IP),
		.local_udp_port = htons(TEREDO_DISCOVERY_PORT),
		.bind_ifindex = ifindex,
	};
	struct udp_tunnel_sock_cfg tcfg = {
		.sk_user_data = td,
		.encap_type = 1,
		.encap_rcv = teredo_disc_encap_rcv,
	};
	struct ip_mreqn mreq = {
		.imr_multiaddr.s_addr = htonl(TEREDO_DISCOVERY_IP),
		.imr_ifindex = ifindex,
	};
	struct net *net = dev_net(td->dev);
	struct socket *sock;
	int err;

	ASSERT_RTNL();
	err = udp_sock_create4(net, &cfg, &sock);
	if (err)
		goto warn;
	lock_sock(sock->sk);
	err = ip_mc_join_group(sock->sk, &mreq);
	release_sock(sock->sk);
	if (err) {
		sock_release(sock);
		goto warn;
	}
	setup_udp_tunnel_sock(net, sock, &tcfg);
	d->sock = sock;
	WRITE_ONCE(d->local_ip, local);
	WRITE_ONCE(d->ifindex, ifindex);
	teredo_pub_set_discovery(&td->pub, TEREDO_DISCOVERY_PORT);
	return 0;
warn:
	if (!d->warned)
		netdev_warn(td->dev,
			    "local discovery off: cannot listen on 224.0.0.253:3544: %pe\n",
			    ERR_PTR(err));
	d->warned = true;
	return err;
}

/*
 * Listen on the link toward the server, from our address there: open,
 * move or close the group socket to match. RTNL held.
 */
static void teredo_disc_sync(struct teredo_dev *td,
			     const struct teredo_self *self)
{
	struct teredo_disc *d = &td->disc;
	struct flowi4 fl4 = {
		.daddr = self->server,
		.flowi4_mark = READ_ONCE(td->cfg_fwmark),
		.flowi4_proto = IPPROTO_UDP,
	};
	unsigned int flags;
	struct rtable *rt;
	int ifindex;

	rt = ip_route_output_key(dev_net(td->dev), &fl4);
	if (IS_ERR(rt)) {
		teredo_disc_close(td);
		return;
	}
	ifindex = rt->dst.dev->ifindex;
	flags = rt->dst.dev->flags;
	ip_rt_put(rt);
	if (!(flags & IFF_MULTICAST) || flags & IFF_LOOPBACK ||
	    teredo_ipv4_global_unicast(fl4.saddr)) {
		teredo_disc_close(td);
		return;
	}
	if (d->sock && d->ifindex == ifindex && d->local_ip == fl4.saddr)
		return;
	teredo_disc_close(td);
	teredo_disc_open(td, ifindex, fl4.saddr);
}

static void teredo_disc_work(struct work_struct *w)
{
	struct teredo_disc *d = container_of(to_delayed_work(w),
					     struct teredo_disc, work);
	struct teredo_dev *td = container_of(d, struct teredo_dev, disc);
	struct teredo_self self;
	bool up;

	/* ndo_stop holds RTNL while it cancels us: never wait for it */
	if (!rtnl_trylock()) {
		queue_delayed_work(system_wq, &d->work, HZ / 10);
		return;
	}
	up = d->running && READ_ONCE(td->cfg_discovery) &&
	     teredo_client_self(td, &self);
	if (up)
		teredo_disc_sync(td, &self);
	else
		teredo_disc_close(td);
	up = up && d->sock;
	rtnl_unlock();
	if (!up)
		return;
	teredo_disc_announce(td, &self);
	queue_delayed_work(system_wq, &d->work,
			   (TEREDO_DISCOVERY_MIN_S +
			    get_random_u32() % TEREDO_DISCOVERY_JITTER_S) * HZ);
}

/* Life cycle */

/* From the device's setup */
void teredo_disc_init(struct teredo_dev *td)
{
	INIT_DELAYED_WORK(&td->disc.work, teredo_disc_work);
}

/**
 * teredo_disc_start() - the device came up (ndo_open, RTNL held)
 * @td: the device
 *
 * Nothing is opened before the client qualifies (teredo_disc_kick()).
 */
void teredo_disc_start(struct teredo_dev *td)
{
	ASSERT_RTNL();
	td->disc.running = true;
	td->disc.warned = false;
}

/**
 * teredo_disc_stop() - close everything (ndo_stop, ndo_uninit; RTNL held)
 * @td: the device
 */
void teredo_disc_stop(struct teredo_dev *td)
{
	ASSERT_RTNL();
	td->disc.running = false;
	cancel_delayed_work_sync(&td->disc.work);
	teredo_disc_close(td);
}

/**
 * teredo_disc_kick() - qualified, lost, or reconfigured: catch up now
 * @td: the device
 *
 * Any context.
 */
void teredo_disc_kick(struct teredo_dev *td)
{
	mod_delayed_work(system_wq, &td->disc.work, 0);
}
