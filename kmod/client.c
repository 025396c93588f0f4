// SPDX-License-Identifier: GPL-2.0-only
/*
 * The Teredo client's state machine: qualification and maintenance (RFC
 * 4380 section 5.2.1 with the RFC 5991 updates, timers as in Miredo's
 * libteredo maintain.c), and what the fast paths read of its result.
 *
 * c->work (a delayed work on system_wq) sends the router solicitations,
 * consumes the advertisements the receive path validated
 * (teredo_client_rcv_ra()), times out, goes offline and rebinds. It
 * never takes RTNL, so ndo_stop (under RTNL) cancels it synchronously.
 * The address it qualifies goes on the device through addrconf.c.
 *
 * c->lock (a BH spinlock) guards what the receive path shares with the
 * state machine: running, the nonce and server of the outstanding RS, the
 * advertisement handed over, and the events. The fast paths read c->self
 * under a seqlock.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/inetdevice.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netdevice.h>
#include <linux/random.h>
#include <linux/seqlock.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/udp.h>
#include <linux/workqueue.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/net_namespace.h>
#include <net/route.h>
#include <net/sock.h>

#include "addrconf.h"
#include "client.h"
#include "counters.h"
#include "device.h"
#include "params.h"
#include "peer.h"
#include "port.h"
#include "send.h"
#include "socket.h"
#include "proto.h"

/* c->events */
#define TEREDO_EV_RECONF	BIT(0)	/* server or port changed */
#define TEREDO_EV_LOCAL		BIT(1)	/* an IPv4 address came or went */

struct teredo_client {
	struct teredo_dev *td;
	struct delayed_work work;
	struct teredo_addrconf ac;

	spinlock_t lock;		/* see the top of the file */
	bool running;
	bool rs_sent;			/* an RS waits for its RA */
	bool ra_ready;			/* ra and ra_local are for the work */
	u8 nonce[TEREDO_NONCE_LEN];
	__be32 server;			/* where the RS went */
	struct teredo_ra ra;
	__be32 ra_local;		/* our IPv4 address the RA came to */
	unsigned long events;

	seqlock_t self_lock;
	struct teredo_self self;

	/* The state machine's own (c->work only, or stopped) */
	enum teredo_state state;	/* QUALIFYING, QUALIFIED, OFFLINE */
	unsigned int tries;		/* unanswered RS in a row */
	struct teredo_addr_info info;
	struct in6_addr addr;
	__be32 local_ip;
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
EXPORT_SYMBOL_IF_KUNIT(teredo_client_derive_addr);

/* The server's secondary address: the primary plus one (RFC 4380 4). */
__be32 teredo_server_secondary(__be32 server)
{
	return htonl(ntohl(server) + 1);
}
EXPORT_SYMBOL_IF_KUNIT(teredo_server_secondary);

/* May this UDP source speak for @server (RS answers)? */
bool teredo_client_from_server(__be32 saddr, __be16 sport, __be32 server)
{
	return server && sport == htons(TEREDO_SERVER_PORT) &&
	       (saddr == server || saddr == teredo_server_secondary(server));
}
EXPORT_SYMBOL_IF_KUNIT(teredo_client_from_server);

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
		teredo_addrconf_set(&c->ac, NULL);
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
	teredo_addrconf_set(&c->ac, &addr);
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

/* The server's RA, from the receive path (softirq) */

/**
 * teredo_client_rcv_ra() - an RA from the receive path (receive.c)
 * @td: the device
 * @skb: the UDP payload, classified %TEREDO_PKT_RA and linear as far as
 *	teredo_classify() reads; consumed
 *
 * Softirq. Only the answer to our outstanding RS, from its server, is
 * handed to the state machine.
 */
void teredo_client_rcv_ra(struct teredo_dev *td, struct sk_buff *skb)
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
		teredo_consume(td, skb);
		return;
	}
bad:
	teredo_drop(td, skb, TEREDO_DROP_BAD_RA, true);
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
	if (teredo_addrconf_init(&c->ac, td)) {
		kfree(c);
		return -ENOMEM;
	}
	if (teredo_peers_init(td)) {
		teredo_addrconf_destroy(&c->ac);
		kfree(c);
		return -ENOMEM;
	}
	c->td = td;
	INIT_DELAYED_WORK(&c->work, teredo_client_work);
	spin_lock_init(&c->lock);
	seqlock_init(&c->self_lock);
	c->state = TEREDO_ST_QUALIFYING;
	td->client = c;
	return 0;
}

/**
 * teredo_client_destroy() - free the client (the device's priv_destructor)
 * @dev: the device, with no reference left: no addrconf run is queued,
 *	one may still be returning
 */
void teredo_client_destroy(struct net_device *dev)
{
	struct teredo_dev *td = netdev_priv(dev);
	struct teredo_client *c = td->client;

	if (!c)
		return;
	cancel_delayed_work_sync(&c->work);	/* stopped already */
	teredo_addrconf_destroy(&c->ac);
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
 * (addrconf flushes it on down); addrconf.c learns it through its
 * generation.
 */
void teredo_client_stop(struct teredo_dev *td)
{
	struct teredo_client *c = td->client;

	spin_lock_bh(&c->lock);
	c->running = false;
	c->rs_sent = false;
	c->ra_ready = false;
	c->events = 0;
	spin_unlock_bh(&c->lock);
	teredo_addrconf_down(&c->ac);
	cancel_delayed_work_sync(&c->work);
	teredo_client_set_self(c, false);
	/* the peers go once the socket is closed (ndo_stop) */
	c->state = TEREDO_ST_QUALIFYING;
	memset(&c->info, 0, sizeof(c->info));
	c->addr = in6addr_any;
	c->local_ip = 0;
	c->tries = 0;
	teredo_addrconf_set(&c->ac, NULL);
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

	teredo_addrconf_sync(&c->ac);
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
