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
 * Qualifying also finds the NAT kind (nat.c): the RS to the primary
 * address goes with a cone RS, answered from the secondary address; once
 * the primary answered and the cone RS had TEREDO_CONE_WAIT_MS more, an
 * RS goes to the secondary address (never before: its answer would open
 * the NAT to the cone answer) and the two mappings are compared. Only
 * then is the address taken. Refreshes ask the primary alone; a refresh
 * that shows a new mapping starts over.
 *
 * c->lock (a BH spinlock) guards what the receive path shares with the
 * state machine: running, the nonce and server of the outstanding RS, the
 * advertisement handed over, the NAT probes' answers, and the events. The fast paths read c->self
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
#include "nat.h"
#include "params.h"
#include "peer.h"
#include "port.h"
#include "send.h"
#include "socket.h"
#include "proto.h"

/* c->events */
#define TEREDO_EV_RECONF	BIT(0)	/* server or port changed */
#define TEREDO_EV_LOCAL		BIT(1)	/* an IPv4 address came or went */

/* How long the cone RS's answer may trail the primary's */
#define TEREDO_CONE_WAIT_MS	1000

/* c->phase: where the NAT probes are, once the primary answered */
enum teredo_probe_phase {
	TEREDO_PROBE_IDLE,
	TEREDO_PROBE_CONE,	/* waiting for the cone RS's answer */
	TEREDO_PROBE_SECONDARY,	/* waiting for the secondary's answer */
};

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
	bool cone_sent;			/* a cone RS is out, its answer counts */
	bool cone_seen;			/* it was answered */
	bool sec_sent;			/* an RS to the secondary is out */
	bool sec_ready;			/* sec_map holds its answer */
	bool probe_wait;		/* the work waits for those answers */
	u8 sec_nonce[TEREDO_NONCE_LEN];
	struct teredo_addr_info sec_map;

	seqlock_t self_lock;
	struct teredo_self self;

	/* The state machine's own (c->work only, or stopped) */
	enum teredo_state state;	/* QUALIFYING, QUALIFIED, OFFLINE */
	unsigned int tries;		/* unanswered RS in a row */
	bool silence_logged;		/* this outage of the server's */
	struct teredo_addr_info info;
	struct in6_addr addr;
	__be32 local_ip;
	enum teredo_probe_phase phase;
	unsigned long probe_end;	/* jiffies: the phase's deadline */
	struct teredo_ra pending;	/* the primary's answer, probing */
	__be32 pending_local;
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

static struct sk_buff *teredo_client_rs_skb(bool cone, const u8 *nonce)
{
	const unsigned int hroom = LL_MAX_HEADER + sizeof(struct iphdr) +
				   sizeof(struct udphdr);
	struct sk_buff *skb;
	int len;

	skb = alloc_skb(hroom + TEREDO_RS_LEN, GFP_KERNEL);
	if (!skb)
		return NULL;	/* retried at the timeout */
	skb_reserve(skb, hroom);
	len = teredo_build_rs(skb_put(skb, TEREDO_RS_LEN), TEREDO_RS_LEN,
			      cone, nonce);
	if (WARN_ON_ONCE(len != TEREDO_RS_LEN)) {
		kfree_skb(skb);
		return NULL;
	}
	return skb;
}

/*
 * The RS to the primary address; while qualifying, with the cone RS
 * (which asks the server to answer from its secondary address).
 */
static void teredo_client_send_rs(struct teredo_client *c, __be32 server)
{
	bool probe = c->state != TEREDO_ST_QUALIFIED;
	struct sk_buff *skb, *cone_skb = NULL;
	u8 nonce[TEREDO_NONCE_LEN];

	get_random_bytes(nonce, sizeof(nonce));
	skb = teredo_client_rs_skb(false, nonce);
	if (!skb)
		return;
	if (probe)
		cone_skb = teredo_client_rs_skb(true, nonce);
	spin_lock_bh(&c->lock);
	memcpy(c->nonce, nonce, sizeof(nonce));
	c->server = server;
	c->rs_sent = true;
	c->ra_ready = false;
	if (cone_skb)
		c->cone_sent = true;
	spin_unlock_bh(&c->lock);
	teredo_xmit_udp(c->td, skb, server, htons(TEREDO_SERVER_PORT), NULL);
	if (cone_skb)
		teredo_xmit_udp(c->td, cone_skb, server,
				htons(TEREDO_SERVER_PORT), NULL);
}

/*
 * The RS to the secondary address, with a nonce of its own: a cone answer
 * that comes later (the NAT now lets the secondary in) fails it.
 */
static void teredo_client_send_rs_secondary(struct teredo_client *c)
{
	u8 nonce[TEREDO_NONCE_LEN];
	struct sk_buff *skb;
	__be32 server;

	get_random_bytes(nonce, sizeof(nonce));
	skb = teredo_client_rs_skb(false, nonce);
	spin_lock_bh(&c->lock);
	c->cone_sent = false;
	server = c->server;
	if (skb) {
		memcpy(c->sec_nonce, nonce, sizeof(nonce));
		c->sec_sent = true;
		c->sec_ready = false;
	}
	spin_unlock_bh(&c->lock);
	if (skb)
		teredo_xmit_udp(c->td, skb, teredo_server_secondary(server),
				htons(TEREDO_SERVER_PORT), NULL);
}

/* Forget the NAT probes; c->lock held, from c->work or with it stopped */
static void teredo_client_probe_reset_locked(struct teredo_client *c)
{
	c->cone_sent = false;
	c->cone_seen = false;
	c->sec_sent = false;
	c->sec_ready = false;
	c->probe_wait = false;
	c->phase = TEREDO_PROBE_IDLE;
}

static void teredo_client_probe_reset(struct teredo_client *c)
{
	spin_lock_bh(&c->lock);
	teredo_client_probe_reset_locked(c);
	spin_unlock_bh(&c->lock);
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
	if (td->open)
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
	teredo_client_probe_reset_locked(c);
	spin_unlock_bh(&c->lock);
	if (was_up) {
		teredo_client_set_self(c, false);
		teredo_disc_kick(td);	/* stop listening */
		teredo_addrconf_set(&c->ac, NULL);
		netdev_info(td->dev, "lost %pI6c%s\n", &c->addr,
			    offline ? ": no answer from the server" : "");
	} else if (offline && !c->silence_logged) {
		/* once an outage, as Miredo: the retries say nothing */
		netdev_info(td->dev, "no answer from the server %pI4\n",
			    &c->server);
	}
	if (offline)
		c->silence_logged = true;
	teredo_peers_flush(td);		/* they knew the old address */
	c->state = offline ? TEREDO_ST_OFFLINE : TEREDO_ST_QUALIFYING;
	teredo_publish_mapping(td, 0, 0, 0, TEREDO_NAT_UNKNOWN, 0, 0);
	teredo_publish_state(td, c->state, offline && was_up ? &c->addr :
							       &in6addr_any);
	memset(&c->info, 0, sizeof(c->info));
	c->addr = in6addr_any;
	c->local_ip = 0;
	c->tries = 0;
	if (rebind)
		teredo_client_rebind(td);
}

/*
 * A refresh's RA. Return: false if it showed that our local address or
 * the mapping changed: qualifying starts over (from a new port if the
 * local address changed).
 */
static bool teredo_client_refreshed(struct teredo_client *c,
				    const struct teredo_ra *ra, __be32 local)
{
	struct teredo_dev *td = c->td;

	c->tries = 0;
	if (local != c->local_ip) {
		netdev_info(td->dev, "local address %pI4 -> %pI4\n",
			    &c->local_ip, &local);
		teredo_client_lose(c, false, true);
		return false;
	}
	if (ra->addr.server == c->info.server &&
	    ra->addr.mapped_ip == c->info.mapped_ip &&
	    ra->addr.mapped_port == c->info.mapped_port)
		return true;
	netdev_info(td->dev, "mapping %pI4:%u -> %pI4:%u\n",
		    &c->info.mapped_ip, ntohs(c->info.mapped_port),
		    &ra->addr.mapped_ip, ntohs(ra->addr.mapped_port));
	teredo_client_lose(c, false, false);
	return false;
}

/* The probes are done: take the primary's mapping. */
static void teredo_client_qualify(struct teredo_client *c,
				  enum teredo_nat nat, u32 nat_flags)
{
	struct teredo_dev *td = c->td;
	struct teredo_addr_info info;
	struct in6_addr addr;

	teredo_client_derive_addr(&c->pending, get_random_u16(), &info, &addr);
	c->info = info;
	c->addr = addr;
	c->local_ip = c->pending_local;
	c->tries = 0;
	c->silence_logged = false;
	c->state = TEREDO_ST_QUALIFIED;
	teredo_peers_flush(td);		/* a new address: trust starts over */
	teredo_client_set_self(c, true);
	teredo_addrconf_set(&c->ac, &addr);
	teredo_publish_mapping(td, info.server, info.mapped_ip,
			       info.mapped_port, nat, nat_flags, 0);
	teredo_publish_state(td, TEREDO_ST_QUALIFIED, &addr);
	teredo_disc_kick(td);		/* listen and announce */
	netdev_info(td->dev,
		    "qualified: %pI6c (server %pI4, mapped %pI4:%u, NAT %s)\n",
		    &addr, &info.server, &info.mapped_ip,
		    ntohs(info.mapped_port), teredo_nat_names[nat]);
}

/*
 * The primary answered while qualifying, or a probe's answer or deadline
 * came: on to the next phase, or qualify. Queues the work again.
 */
static void teredo_client_probe(struct teredo_client *c)
{
	struct teredo_nat_probe p = {};
	enum teredo_nat nat;
	bool sec_ready;
	u32 flags;

	spin_lock_bh(&c->lock);
	c->probe_wait = true;
	p.cone = c->cone_seen;
	sec_ready = c->sec_ready;
	p.secondary = c->sec_map;
	spin_unlock_bh(&c->lock);

	if (c->phase == TEREDO_PROBE_IDLE) {
		c->phase = TEREDO_PROBE_CONE;
		c->probe_end = jiffies + msecs_to_jiffies(TEREDO_CONE_WAIT_MS);
	}
	if (c->phase == TEREDO_PROBE_CONE) {
		if (!p.cone && time_before(jiffies, c->probe_end)) {
			queue_delayed_work(system_wq, &c->work,
					   c->probe_end - jiffies);
			return;
		}
		c->phase = TEREDO_PROBE_SECONDARY;
		c->probe_end = jiffies +
			msecs_to_jiffies(TEREDO_QUALIFICATION_TIMEOUT_MS);
		teredo_client_send_rs_secondary(c);
		queue_delayed_work(system_wq, &c->work,
				   c->probe_end - jiffies);
		return;
	}
	if (!sec_ready && time_before(jiffies, c->probe_end)) {
		queue_delayed_work(system_wq, &c->work, c->probe_end - jiffies);
		return;
	}
	p.local_ip = c->pending_local;
	p.local_port = htons(READ_ONCE(c->td->pub.port));
	p.primary = c->pending.addr;
	p.have_secondary = sec_ready;
	nat = teredo_nat_classify(&p, &flags);
	teredo_client_probe_reset(c);
	teredo_client_qualify(c, nat, flags);
	queue_delayed_work(system_wq, &c->work,
			   READ_ONCE(c->td->cfg_refresh) * HZ);
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
		/* another server, or another port: a new outage if silent */
		c->silence_logged = false;
		teredo_client_lose(c, false, false);
	} else if (c->phase != TEREDO_PROBE_IDLE) {
		teredo_client_probe(c);
		return;
	} else if (have_ra && c->state != TEREDO_ST_QUALIFIED) {
		c->pending = ra;
		c->pending_local = local;
		teredo_client_probe(c);
		return;
	} else if (have_ra) {
		if (teredo_client_refreshed(c, &ra, local)) {
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

/*
 * Which of our solicitations does an RA from @saddr answer? Under c->lock.
 * Return: the nonce it must carry, NULL if none is out.
 */
static const u8 *teredo_client_ra_nonce(struct teredo_client *c,
					__be32 saddr)
{
	if (!c->running ||
	    !teredo_client_from_server(saddr, htons(TEREDO_SERVER_PORT),
				       c->server))
		return NULL;
	if (saddr != c->server && c->sec_sent)
		return c->sec_nonce;
	if (c->rs_sent || c->cone_sent)
		return c->nonce;
	return NULL;
}

/* Hand a valid RA to the state machine; under c->lock. Return: taken. */
static bool teredo_client_take_ra(struct teredo_client *c,
				  const struct teredo_ra *ra, __be32 saddr,
				  __be32 daddr)
{
	bool secondary = saddr != c->server;

	if (ra->cone) {
		/* answered from the secondary, as asked: a cone NAT */
		if (!c->cone_sent || !secondary)
			return false;
		c->cone_sent = false;
		c->cone_seen = true;
	} else if (secondary && c->sec_sent) {
		c->sec_sent = false;
		c->sec_map = ra->addr;
		c->sec_ready = true;
	} else if (c->rs_sent) {
		c->ra = *ra;
		c->ra_local = daddr;
		c->ra_ready = true;
		c->rs_sent = false;
		mod_delayed_work(system_wq, &c->work, 0);
		return true;
	} else {
		return false;
	}
	if (c->probe_wait)
		mod_delayed_work(system_wq, &c->work, 0);
	return true;
}

/**
 * teredo_client_rcv_ra() - an RA from the receive path (receive.c)
 * @td: the device
 * @skb: the UDP payload, classified %TEREDO_PKT_RA and linear as far as
 *	teredo_classify() reads; consumed
 *
 * Softirq. Only the answer to a solicitation of ours that is out, from the
 * address it went to (the secondary for the cone RS), with its nonce, is
 * handed to the state machine.
 */
void teredo_client_rcv_ra(struct teredo_dev *td, struct sk_buff *skb)
{
	struct teredo_client *c = td->client;
	__be32 saddr = ip_hdr(skb)->saddr, daddr = ip_hdr(skb)->daddr;
	struct teredo_pkt pkt;
	struct teredo_ra ra;
	const u8 *nonce;
	unsigned int len;
	bool ok;

	if (udp_hdr(skb)->source != htons(TEREDO_SERVER_PORT))
		goto bad;
	/* The cheap checks first: something is out to this address. */
	spin_lock(&c->lock);
	ok = teredo_client_ra_nonce(c, saddr);
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
	nonce = teredo_client_ra_nonce(c, saddr);
	ok = nonce && !teredo_parse_ra(skb->data, len, nonce, c->server, &ra) &&
	     teredo_client_take_ra(c, &ra, saddr, daddr);
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
	c->silence_logged = false;
	c->events = 0;
	teredo_client_probe_reset_locked(c);
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
	teredo_client_probe_reset(c);
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
