// SPDX-License-Identifier: GPL-2.0-only
/*
 * nf_conntrack_teredo: the conntrack helper "teredo".
 *
 * Lets a firewall whose input (and output) policy is drop, with only
 * "ct state established,related accept", run the Teredo client, while
 * unsolicited UDP to the Teredo port stays dropped:
 *
 *  - a LOCAL_OUT hook just after conntrack attaches the helper to each new
 *    flow whose source port is the Teredo port of its namespace
 *    (teredo_get_port(), lock-free), so nobody has to know the port; an
 *    nft "ct helper" object of type "teredo" works as well;
 *  - help() reads the Teredo payload with proto.c (nf_teredo_parse()) and
 *    opens expectations only for: the server's answer from its secondary
 *    address after a router solicitation, and a peer that the server the
 *    client is qualified with (teredo_get_server(), lock-free) introduced
 *    (origin indication) or that our own indirect bubble names (both
 *    directions, so that direct bubbles pass an output-drop policy too);
 *    only global unicast endpoints;
 *  - local client discovery (RFC 4380 5.2.8), while the client listens on
 *    224.0.0.253:3544 (a LOCAL_IN hook attaches the helper to the flows
 *    to the group): our discovery bubble lets the clients on our subnet
 *    answer us (one permanent expectation, any address of the subnet to
 *    our port), and a neighbour's discovery bubble, from an address on
 *    the subnet of the interface it came in on, lets us answer that
 *    neighbour; for disc_timeout (15 s: answers come at once, and each
 *    bubble opens them again), only on a subnet with no global address.
 *    The ruleset lets the bubbles to the group in (the example ruleset:
 *    only bare bubbles);
 *  - other modules open exceptions for one peer
 *    (<linux/nf_conntrack_teredo.h>): expectations hung on a per-namespace
 *    anchor conntrack "0.0.0.0:PORT -> 0.0.0.0:0", which no real packet
 *    matches, removed when the port changes (the notifier), the namespace
 *    exits or this module is unloaded.
 *
 * Written for the netfilter of Debian's 6.1 and 6.12 (the guard below),
 * which differs from vanilla 6.1 here: an expectation's timeout is a u32
 * jiffies stamp, NF_CT_EXPECT_DEAD once it expired (no timer;
 * nf_ct_remove_expect() is not exported), nf_ct_expect_insert() adds the
 * policy timeout, and exp->assign_helper is split from exp->helper.
 * teredo.ko owns the port, this module depends on it and never the
 * reverse.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/inet.h>
#include <linux/inetdevice.h>
#include <linux/ip.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/net.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/nf_conntrack_teredo.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/teredo.h>
#include <linux/udp.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_core.h>
#include <net/netfilter/nf_conntrack_expect.h>
#include <net/netfilter/nf_conntrack_helper.h>
#include <net/netfilter/nf_conntrack_zones.h>
#include <net/route.h>

#include "nf_conntrack_teredo_parse.h"

#ifndef NF_CT_EXPECT_DEAD
#error "nf_conntrack_teredo needs jiffies32 expectation timeouts (Debian's 6.1.192+ or 6.12)"
#endif

#define HELPER_NAME	"teredo"

enum {
	NF_TEREDO_CLASS_SERVER2,
	NF_TEREDO_CLASS_PEER,
	NF_TEREDO_CLASS_EXCEPTION,
	NF_TEREDO_CLASS_DISCOVERY,
	NF_TEREDO_CLASS_MAX = NF_TEREDO_CLASS_DISCOVERY,
};

static unsigned int server2_timeout __read_mostly = 15;
module_param(server2_timeout, uint, 0444);
MODULE_PARM_DESC(server2_timeout,
		 "seconds to expect the server's secondary address after an RS (default 15)");
static unsigned int peer_timeout __read_mostly = 30;
module_param(peer_timeout, uint, 0444);
MODULE_PARM_DESC(peer_timeout,
		 "seconds to expect an introduced peer (default 30)");
static unsigned int disc_timeout __read_mostly = 15;
module_param(disc_timeout, uint, 0444);
MODULE_PARM_DESC(disc_timeout,
		 "seconds a local discovery bubble lets the link answer it (default 15)");
static unsigned int max_peers __read_mostly = 64;
module_param(max_peers, uint, 0444);
MODULE_PARM_DESC(max_peers,
		 "expectations for peers per server flow, oldest evicted (default 64, at most 254)");

static struct nf_conntrack_expect_policy teredo_exp_policy[NF_TEREDO_CLASS_MAX + 1] = {
	[NF_TEREDO_CLASS_SERVER2] = {
		.max_expected = 2,
		.name = "server2",
	},
	[NF_TEREDO_CLASS_PEER] = {
		.name = "peer",
	},
	[NF_TEREDO_CLASS_EXCEPTION] = {
		.max_expected = NF_TEREDO_EXCEPTION_MAX,
		/* the caller's timeout replaces it, see exception_open() */
		.timeout = 1,
		.name = "exception",
	},
	/* per flow: ours to the group (the link), or a neighbour's */
	[NF_TEREDO_CLASS_DISCOVERY] = {
		.max_expected = 1,
		.name = "discovery",
	},
};

static int teredo_help(struct sk_buff *skb, unsigned int protoff,
		       struct nf_conn *ct, enum ip_conntrack_info ctinfo);

static struct nf_conntrack_helper teredo_helper __read_mostly = {
	.name = HELPER_NAME,
	.me = THIS_MODULE,
	.tuple.src.l3num = NFPROTO_IPV4,
	.tuple.dst.protonum = IPPROTO_UDP,
	.expect_policy = teredo_exp_policy,
	.expect_class_max = NF_TEREDO_CLASS_MAX,
	.help = teredo_help,
};

/* Serializes exceptions: open, close, and cleanup by events. */
static DEFINE_MUTEX(teredo_exc_mutex);

struct teredo_nf_net {
	struct list_head excs;		/* struct nf_teredo_exception */
	unsigned int count;
	struct nf_conn *anchor;		/* master of the exceptions */
	u16 anchor_port;
	bool dead;			/* pernet exit ran */
};

struct nf_teredo_exception {
	struct list_head node;		/* on teredo_nf_net.excs if @net */
	struct net *net;		/* NULL once cleaned up */
	struct nf_conntrack_expect *exp;	/* our reference */
};

static unsigned int teredo_nf_net_id __read_mostly;

/* ---- the helper ---------------------------------------------------------- */

static DEFINE_SPINLOCK(teredo_buf_lock);
static u8 teredo_buf[TEREDO_CLASSIFY_MAX_READ];

static int teredo_expect(struct nf_conn *ct, unsigned int class, bool incoming,
			 __be32 lip, __be16 lport, __be32 rip, __be16 rport)
{
	union nf_inet_addr l = { .ip = lip }, r = { .ip = rip };
	struct nf_conntrack_expect *exp;
	int err;

	exp = nf_ct_expect_alloc(ct);
	if (!exp)
		return -ENOMEM;
	if (incoming)
		nf_ct_expect_init(exp, class, NFPROTO_IPV4, &r, &l,
				  IPPROTO_UDP, &rport, &lport);
	else
		nf_ct_expect_init(exp, class, NFPROTO_IPV4, &l, &r,
				  IPPROTO_UDP, &lport, &rport);
	err = nf_ct_expect_related(exp, 0);
	nf_ct_expect_put(exp);
	return err;
}

/* Our address on @dev in the subnet of @ip, or the ifa of @ip itself
 * (@own). RCU read side (netfilter hooks).
 */
static const struct in_ifaddr *teredo_ifa_find(const struct net_device *dev,
					       __be32 ip, bool own)
{
	const struct in_device *in_dev = dev ? __in_dev_get_rcu(dev) : NULL;
	const struct in_ifaddr *ifa;

	if (!in_dev)
		return NULL;
	in_dev_for_each_ifa_rcu(ifa, in_dev) {
		if (own ? ifa->ifa_local == ip : inet_ifa_match(ip, ifa))
			return ifa;
	}
	return NULL;
}

/*
 * nf_ct_refresh() without the skb argument that 6.1 has and 6.12 not
 * (no accounting): @ct lives @extra jiffies from now.
 */
static void teredo_ct_refresh(struct nf_conn *ct, u32 extra)
{
	if (test_bit(IPS_FIXED_TIMEOUT_BIT, &ct->status))
		return;
	/* an unconfirmed flow's timeout is relative until confirmed */
	if (nf_ct_is_confirmed(ct))
		extra += nfct_time_stamp;
	WRITE_ONCE(ct->timeout, extra);
}

/* A subnet with no global address: a LAN behind a NAT, never the world */
static bool teredo_ifa_private(const struct in_ifaddr *ifa)
{
	__be32 first = ifa->ifa_local & ifa->ifa_mask;

	return ifa->ifa_prefixlen >= 8 &&
	       !nf_teredo_endpoint_ok(first, htons(1)) &&
	       !nf_teredo_endpoint_ok(first | ~ifa->ifa_mask, htons(1));
}

/*
 * A flow to 224.0.0.253:3544, local discovery. Ours (from our address and
 * port): any address on our subnet may answer to our port. A neighbour's,
 * from its address on the subnet of the interface it came in on: we may
 * send to it. Either way the flow lives as long as its expectation.
 */
static void teredo_help_discovery(struct sk_buff *skb, unsigned int protoff,
				  struct nf_conn *ct, __be16 bport)
{
	const struct nf_conntrack_tuple *t = &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
	union nf_inet_addr src = {}, dst = {};
	struct nf_conntrack_expect *exp;
	const struct in_ifaddr *ifa;
	struct nf_teredo_expect e;
	unsigned int dataoff, n;
	__be16 sport, dport;
	const u8 *data;
	bool ok;
	int err;

	if (inet_addr_type(nf_ct_net(ct), t->src.u3.ip) == RTN_LOCAL) {
		/* ours, from the Teredo port */
		ifa = teredo_ifa_find(skb->dev, t->src.u3.ip, true);
		if (t->src.u.udp.port != bport)
			return;
	} else {
		ifa = teredo_ifa_find(skb->dev, t->src.u3.ip, false);
		if (ifa && t->src.u3.ip == ifa->ifa_broadcast)
			return;
	}
	/* the client is silent on a global address, as on a /0 */
	if (!ifa || !teredo_ifa_private(ifa))
		return;

	dataoff = protoff + sizeof(struct udphdr);
	if (skb->len <= dataoff)
		return;
	n = min_t(unsigned int, skb->len - dataoff, TEREDO_CLASSIFY_MAX_READ);
	spin_lock_bh(&teredo_buf_lock);
	data = skb_header_pointer(skb, dataoff, n, teredo_buf);
	if (t->src.u3.ip == ifa->ifa_local)
		ok = data && nf_teredo_parse(data, n, true, t->dst.u3.ip,
					     t->dst.u.udp.port, 0, &e);
	else
		ok = data && nf_teredo_parse_discovery(data, n, t->src.u3.ip,
						       t->src.u.udp.port, &e);
	spin_unlock_bh(&teredo_buf_lock);
	if (!ok)
		return;

	exp = nf_ct_expect_alloc(ct);
	if (!exp)
		return;
	if (e.kind == NF_TEREDO_EXPECT_LINK) {
		/* from the subnet, any port, to us, while answers come */
		src.ip = ifa->ifa_local & ifa->ifa_mask;
		dst.ip = ifa->ifa_local;
		dport = bport;
		nf_ct_expect_init(exp, NF_TEREDO_CLASS_DISCOVERY, NFPROTO_IPV4,
				  &src, &dst, IPPROTO_UDP, NULL, &dport);
		exp->mask.src.u3.ip = ifa->ifa_mask;
		exp->flags = NF_CT_EXPECT_PERMANENT;
	} else if (e.kind == NF_TEREDO_EXPECT_NEIGHBOUR) {
		/* from us to the neighbour */
		src.ip = ifa->ifa_local;
		dst.ip = e.ip;
		sport = bport;
		dport = e.port;
		nf_ct_expect_init(exp, NF_TEREDO_CLASS_DISCOVERY, NFPROTO_IPV4,
				  &src, &dst, IPPROTO_UDP, &sport, &dport);
	} else {
		nf_ct_expect_put(exp);
		return;
	}
	/* replaces the expectation of the flow's previous bubble */
	err = nf_ct_expect_related(exp, 0);
	nf_ct_expect_put(exp);
	if (err) {
		net_dbg_ratelimited("cannot add discovery expectation: %d\n",
				    err);
		return;
	}
	/* the flow outlives its expectation: no dead master */
	teredo_ct_refresh(ct, (disc_timeout + 1) * HZ);
}

static int teredo_help(struct sk_buff *skb, unsigned int protoff,
		       struct nf_conn *ct, enum ip_conntrack_info ctinfo)
{
	const struct nf_conntrack_tuple *out, *in;
	enum ip_conntrack_dir dir = CTINFO2DIR(ctinfo), our_dir;
	struct nf_teredo_expect e;
	unsigned int dataoff, n;
	__be32 rip, server;
	__be16 rport, bport;
	const u8 *data;
	bool outgoing, ok;
	int err = 0;
	u16 port;

	if (nf_ct_l3num(ct) != NFPROTO_IPV4 ||
	    nf_ct_protonum(ct) != IPPROTO_UDP ||
	    teredo_get_port(nf_ct_net(ct), &port))
		return NF_ACCEPT;
	bport = htons(port);

	/* Local discovery: flows to the group, while the client listens */
	if (ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple.dst.u3.ip ==
	    htonl(TEREDO_DISCOVERY_IP)) {
		if (dir == IP_CT_DIR_ORIGINAL &&
		    ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple.dst.u.udp.port ==
		    htons(TEREDO_DISCOVERY_PORT) &&
		    !teredo_get_discovery_port(nf_ct_net(ct), &port))
			teredo_help_discovery(skb, protoff, ct, bport);
		return NF_ACCEPT;
	}

	/* Which direction do the Teredo socket's packets go? */
	if (ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple.src.u.udp.port == bport)
		our_dir = IP_CT_DIR_ORIGINAL;
	else if (ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple.dst.u.udp.port == bport)
		our_dir = IP_CT_DIR_REPLY;
	else
		return NF_ACCEPT;
	outgoing = dir == our_dir;
	out = &ct->tuplehash[our_dir].tuple;	/* local -> remote */
	in = &ct->tuplehash[!our_dir].tuple;	/* remote -> local */
	rip = outgoing ? out->dst.u3.ip : in->src.u3.ip;
	rport = outgoing ? out->dst.u.udp.port : in->src.u.udp.port;
	if (rport != htons(TEREDO_SERVER_PORT))
		return NF_ACCEPT;

	dataoff = protoff + sizeof(struct udphdr);
	if (skb->len <= dataoff)
		return NF_ACCEPT;
	n = min_t(unsigned int, skb->len - dataoff, TEREDO_CLASSIFY_MAX_READ);
	/* no server: nobody introduces peers (see nf_teredo_parse()) */
	if (teredo_get_server(nf_ct_net(ct), &server))
		server = 0;

	spin_lock_bh(&teredo_buf_lock);
	data = skb_header_pointer(skb, dataoff, n, teredo_buf);
	ok = data && nf_teredo_parse(data, n, outgoing, rip, rport, server,
				     &e);
	spin_unlock_bh(&teredo_buf_lock);
	if (!ok)
		return NF_ACCEPT;

	switch (e.kind) {
	case NF_TEREDO_EXPECT_SERVER2:
		err = teredo_expect(ct, NF_TEREDO_CLASS_SERVER2, true,
				    in->dst.u3.ip, in->dst.u.udp.port,
				    e.ip, e.port);
		break;
	case NF_TEREDO_EXPECT_PEER:
		/* the peer's direct bubble or first packet ... */
		err = teredo_expect(ct, NF_TEREDO_CLASS_PEER, true,
				    in->dst.u3.ip, in->dst.u.udp.port,
				    e.ip, e.port);
		/* ... and ours to it, under an output-drop policy */
		if (!err)
			err = teredo_expect(ct, NF_TEREDO_CLASS_PEER, false,
					    out->src.u3.ip, out->src.u.udp.port,
					    e.ip, e.port);
		break;
	default:
		break;
	}
	/*
	 * A full expectation table must not break Teredo's own flow: the
	 * packet is accepted, so not nf_ct_helper_log() ("dropping packet").
	 */
	if (err)
		net_dbg_ratelimited("cannot add expectation for %pI4:%u: %d\n",
				    &e.ip, ntohs(e.port), err);
	return NF_ACCEPT;
}

/* A new UDP flow with no helper yet, or NULL */
static struct nf_conn *teredo_new_udp_ct(struct sk_buff *skb)
{
	enum ip_conntrack_info ctinfo;
	struct nf_conn *ct = nf_ct_get(skb, &ctinfo);

	if (!ct || nf_ct_is_confirmed(ct) || nf_ct_is_template(ct) ||
	    test_bit(IPS_HELPER_BIT, &ct->status) || nfct_help(ct) ||
	    nf_ct_protonum(ct) != IPPROTO_UDP)
		return NULL;
	return ct;
}

/* As nft_ct's "ct helper set" would */
static void teredo_attach(struct nf_conn *ct)
{
	struct nf_conn_help *help = nf_ct_helper_ext_add(ct, GFP_ATOMIC);

	if (help) {
		rcu_assign_pointer(help->helper, &teredo_helper);
		set_bit(IPS_HELPER_BIT, &ct->status);
	}
}

/* LOCAL_OUT, just after conntrack: the helper for the Teredo socket's new
 * flows.
 */
static unsigned int teredo_out_hook(void *priv, struct sk_buff *skb,
				    const struct nf_hook_state *state)
{
	struct nf_conn *ct = teredo_new_udp_ct(skb);
	u16 port;

	if (ct && !teredo_get_port(state->net, &port) &&
	    ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple.src.u.udp.port == htons(port))
		teredo_attach(ct);
	return NF_ACCEPT;
}

/* LOCAL_IN: the helper for new flows to the local discovery group, while
 * the client listens there (before conntrack confirms them and calls it).
 */
static unsigned int teredo_in_hook(void *priv, struct sk_buff *skb,
				   const struct nf_hook_state *state)
{
	struct nf_conn *ct = teredo_new_udp_ct(skb);
	const struct nf_conntrack_tuple *t;
	u16 port;

	if (!ct)
		return NF_ACCEPT;
	t = &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
	if (t->dst.u3.ip == htonl(TEREDO_DISCOVERY_IP) &&
	    t->dst.u.udp.port == htons(TEREDO_DISCOVERY_PORT) &&
	    !teredo_get_discovery_port(state->net, &port))
		teredo_attach(ct);
	return NF_ACCEPT;
}

static const struct nf_hook_ops teredo_hook_ops[] = {
	{
		.hook = teredo_out_hook,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = NF_IP_PRI_CONNTRACK + 1,
	},
	{
		.hook = teredo_in_hook,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_IN,
		.priority = NF_IP_PRI_CONNTRACK_HELPER,
	},
};

/* ---- exceptions ---------------------------------------------------------- */

/* The anchor's own timeout: longer than any exception. */
#define ANCHOR_TIMEOUT	((NF_TEREDO_EXCEPTION_MAX_TIMEOUT + 60) * HZ)

static struct nf_conn *anchor_create(struct net *net, u16 port)
{
	struct nf_conntrack_tuple orig = {}, repl = {};
	struct nf_conn_help *help;
	struct nf_conn *ct;
	int err;

	orig.src.l3num = NFPROTO_IPV4;
	orig.src.u.udp.port = htons(port);
	orig.dst.protonum = IPPROTO_UDP;
	orig.dst.dir = IP_CT_DIR_ORIGINAL;
	repl.src.l3num = NFPROTO_IPV4;
	repl.dst.u.udp.port = htons(port);
	repl.dst.protonum = IPPROTO_UDP;
	repl.dst.dir = IP_CT_DIR_REPLY;

	ct = nf_conntrack_alloc(net, &nf_ct_zone_dflt, &orig, &repl,
				GFP_KERNEL);
	if (IS_ERR(ct))
		return ct;
	help = nf_ct_helper_ext_add(ct, GFP_KERNEL);
	if (!help) {
		nf_conntrack_free(ct);
		return ERR_PTR(-ENOMEM);
	}
	RCU_INIT_POINTER(help->helper, &teredo_helper);
	ct->status |= IPS_HELPER | IPS_CONFIRMED;
	__nf_ct_set_timeout(ct, ANCHOR_TIMEOUT);

	err = nf_conntrack_hash_check_insert(ct);
	if (err) {
		nf_conntrack_free(ct);
		return ERR_PTR(err);
	}
	return ct;	/* one reference for the hash, one for us */
}

/* Under teredo_exc_mutex: close every exception of @tn, drop the anchor. */
static void teredo_nf_net_flush(struct teredo_nf_net *tn)
{
	struct nf_teredo_exception *exc, *tmp;
	struct nf_conn_help *help;
	struct nf_conn *ct;

	lockdep_assert_held(&teredo_exc_mutex);
	list_for_each_entry_safe(exc, tmp, &tn->excs, node) {
		list_del_init(&exc->node);
		exc->net = NULL;
		nf_ct_unexpect_related(exc->exp);
		nf_ct_expect_put(exc->exp);
		exc->exp = NULL;
	}
	tn->count = 0;

	ct = tn->anchor;
	if (!ct)
		return;
	tn->anchor = NULL;
	tn->anchor_port = 0;
	/* Flows it let in hold it; it must not point at us after unload. */
	help = nfct_help(ct);
	nf_ct_delete(ct, 0, 0);		/* removes its expectations */
	if (help)
		RCU_INIT_POINTER(help->helper, NULL);
	nf_ct_put(ct);
}

static bool exc_expired(const struct nf_teredo_exception *exc)
{
	return !exc->exp || nf_ct_exp_is_expired(exc->exp) ||
	       nf_ct_is_dying(exc->exp->master);
}

struct nf_teredo_exception *nf_teredo_exception_open(struct net *net,
						     __be32 peer, __be16 port,
						     unsigned int timeout)
{
	struct nf_teredo_exception *exc, *old, *tmp;
	struct nf_conntrack_expect *exp;
	union nf_inet_addr src, dst;
	struct teredo_nf_net *tn;
	struct flowi4 fl4 = {};
	struct rtable *rt;
	__be16 lport;
	u16 tport;
	int err;

	if (!net || !nf_teredo_endpoint_ok(peer, port) || !timeout ||
	    timeout > NF_TEREDO_EXCEPTION_MAX_TIMEOUT)
		return ERR_PTR(-EINVAL);
	might_sleep();

	exc = kzalloc(sizeof(*exc), GFP_KERNEL);
	if (!exc)
		return ERR_PTR(-ENOMEM);
	INIT_LIST_HEAD(&exc->node);

	mutex_lock(&teredo_exc_mutex);
	tn = net_generic(net, teredo_nf_net_id);
	err = -ENODEV;
	if (tn->dead)
		goto out;
	/* The notifier cleans up under this mutex: a port read here stays
	 * current until we unlock, or the cleanup comes after us.
	 */
	err = teredo_get_port(net, &tport);
	if (err)
		goto out;
	lport = htons(tport);

	/* The local address the client uses toward the peer */
	fl4.daddr = peer;
	fl4.flowi4_proto = IPPROTO_UDP;
	fl4.fl4_sport = lport;
	fl4.fl4_dport = port;
	rt = ip_route_output_key(net, &fl4);
	if (IS_ERR(rt)) {
		err = -EHOSTUNREACH;
		goto out;
	}
	ip_rt_put(rt);

	/* Forget exceptions that timed out, or that conntrack -F flushed */
	list_for_each_entry_safe(old, tmp, &tn->excs, node) {
		if (!exc_expired(old))
			continue;
		list_del_init(&old->node);
		old->net = NULL;
		nf_ct_unexpect_related(old->exp);
		nf_ct_expect_put(old->exp);
		old->exp = NULL;
		tn->count--;
	}
	if (tn->anchor && (tn->anchor_port != tport ||
			   nf_ct_is_dying(tn->anchor)))
		teredo_nf_net_flush(tn);
	err = -ENOSPC;
	if (tn->count >= NF_TEREDO_EXCEPTION_MAX)
		goto out;
	if (!tn->anchor) {
		struct nf_conn *ct = anchor_create(net, tport);

		if (IS_ERR(ct)) {
			err = PTR_ERR(ct);
			goto out;
		}
		tn->anchor = ct;
		tn->anchor_port = tport;
	}
	WRITE_ONCE(tn->anchor->timeout, nfct_time_stamp + ANCHOR_TIMEOUT);

	err = -ENOMEM;
	exp = nf_ct_expect_alloc(tn->anchor);
	if (!exp)
		goto out;
	src.ip = peer;
	dst.ip = fl4.saddr;
	rcu_read_lock();
	nf_ct_expect_init(exp, NF_TEREDO_CLASS_EXCEPTION, NFPROTO_IPV4, &src,
			  &dst, IPPROTO_UDP, &port, &lport);
	rcu_read_unlock();
	exp->flags = NF_CT_EXPECT_PERMANENT;
	/*
	 * A u32 time stamp in both supported kernels (Debian's 6.1 has it
	 * as a backport); a kernel whose expectations still carry a timer
	 * stops the build here. nf_ct_expect_insert() adds the class's
	 * timeout (1 s).
	 */
	BUILD_BUG_ON(!__same_type(exp->timeout, u32));
	exp->timeout = nfct_time_stamp + (timeout - 1) * HZ;
	err = nf_ct_expect_related(exp, 0);
	if (err) {
		nf_ct_expect_put(exp);
		goto out;
	}
	exc->exp = exp;		/* keep the allocation reference */
	exc->net = net;
	list_add(&exc->node, &tn->excs);
	tn->count++;
	mutex_unlock(&teredo_exc_mutex);
	return exc;
out:
	mutex_unlock(&teredo_exc_mutex);
	kfree(exc);
	return ERR_PTR(err);
}
EXPORT_SYMBOL_GPL(nf_teredo_exception_open);

void nf_teredo_exception_close(struct nf_teredo_exception *exc)
{
	struct teredo_nf_net *tn;

	if (IS_ERR_OR_NULL(exc))
		return;
	mutex_lock(&teredo_exc_mutex);
	if (exc->net) {
		tn = net_generic(exc->net, teredo_nf_net_id);
		list_del(&exc->node);
		tn->count--;
		nf_ct_unexpect_related(exc->exp);
		nf_ct_expect_put(exc->exp);
		if (!tn->count)
			teredo_nf_net_flush(tn);
	}
	mutex_unlock(&teredo_exc_mutex);
	kfree(exc);
}
EXPORT_SYMBOL_GPL(nf_teredo_exception_close);

bool nf_teredo_exception_active(struct nf_teredo_exception *exc)
{
	bool active;

	if (IS_ERR_OR_NULL(exc))
		return false;
	mutex_lock(&teredo_exc_mutex);
	active = exc->net && !exc_expired(exc);
	mutex_unlock(&teredo_exc_mutex);
	return active;
}
EXPORT_SYMBOL_GPL(nf_teredo_exception_active);

/* ---- port events, namespaces, module ------------------------------------- */

static int teredo_port_event(struct notifier_block *nb, unsigned long action,
			     void *data)
{
	struct teredo_port_info *info = data;
	struct teredo_nf_net *tn;

	if (action != TEREDO_PORT_CHANGE && action != TEREDO_PORT_DOWN &&
	    action != TEREDO_PORT_UP)
		return NOTIFY_DONE;
	if (!info || !info->net)
		return NOTIFY_DONE;

	mutex_lock(&teredo_exc_mutex);
	tn = net_generic(info->net, teredo_nf_net_id);
	if (!tn->dead && (tn->anchor || tn->count)) {
		pr_debug("port %u -> %u: closing %u exceptions\n",
			 info->old_port, info->port, tn->count);
		teredo_nf_net_flush(tn);
	}
	mutex_unlock(&teredo_exc_mutex);
	return NOTIFY_OK;
}

static struct notifier_block teredo_port_nb = {
	.notifier_call = teredo_port_event,
};

static int __net_init teredo_nf_net_init(struct net *net)
{
	struct teredo_nf_net *tn = net_generic(net, teredo_nf_net_id);

	INIT_LIST_HEAD(&tn->excs);
	tn->count = 0;
	tn->anchor = NULL;
	tn->dead = false;
	return nf_register_net_hooks(net, teredo_hook_ops,
				     ARRAY_SIZE(teredo_hook_ops));
}

static void __net_exit teredo_nf_net_exit(struct net *net)
{
	struct teredo_nf_net *tn = net_generic(net, teredo_nf_net_id);

	nf_unregister_net_hooks(net, teredo_hook_ops,
				ARRAY_SIZE(teredo_hook_ops));
	mutex_lock(&teredo_exc_mutex);
	teredo_nf_net_flush(tn);
	tn->dead = true;
	mutex_unlock(&teredo_exc_mutex);
}

static struct pernet_operations teredo_nf_net_ops = {
	.init = teredo_nf_net_init,
	.exit = teredo_nf_net_exit,
	.id = &teredo_nf_net_id,
	.size = sizeof(struct teredo_nf_net),
};

static int __init nf_conntrack_teredo_init(void)
{
	int err;

	BUILD_BUG_ON(NF_TEREDO_CLASS_MAX >= NF_CT_MAX_EXPECT_CLASSES);
	BUILD_BUG_ON(NF_TEREDO_EXCEPTION_MAX > NF_CT_EXPECT_MAX_CNT);
	if (!server2_timeout || !peer_timeout || !disc_timeout ||
	    disc_timeout >= INT_MAX / HZ || !max_peers ||
	    max_peers > NF_CT_EXPECT_MAX_CNT - 1) {
		pr_err("server2_timeout and peer_timeout must be > 0, disc_timeout 1..%u, max_peers 1..%u\n",
		       INT_MAX / HZ - 1, NF_CT_EXPECT_MAX_CNT - 1);
		return -EINVAL;
	}
	teredo_exp_policy[NF_TEREDO_CLASS_SERVER2].timeout = server2_timeout;
	teredo_exp_policy[NF_TEREDO_CLASS_PEER].timeout = peer_timeout;
	teredo_exp_policy[NF_TEREDO_CLASS_DISCOVERY].timeout = disc_timeout;
	/* each peer takes two: toward us and from us */
	teredo_exp_policy[NF_TEREDO_CLASS_PEER].max_expected = 2 * max_peers;

	err = nf_conntrack_helper_register(&teredo_helper);
	if (err) {
		pr_err("cannot register the helper: %d\n", err);
		return err;
	}
	err = register_pernet_subsys(&teredo_nf_net_ops);
	if (err)
		goto err_helper;
	err = teredo_register_port_notifier(&teredo_port_nb, false);
	if (err)
		goto err_pernet;
	return 0;

err_pernet:
	unregister_pernet_subsys(&teredo_nf_net_ops);
err_helper:
	nf_conntrack_helper_unregister(&teredo_helper);
	return err;
}

static void __exit nf_conntrack_teredo_exit(void)
{
	teredo_unregister_port_notifier(&teredo_port_nb);
	unregister_pernet_subsys(&teredo_nf_net_ops);
	nf_conntrack_helper_unregister(&teredo_helper);
}

#ifdef MODULE
module_init(nf_conntrack_teredo_init);
#else
/* built in (the KUnit kernel): after nf_conntrack, which net/ links later */
late_initcall(nf_conntrack_teredo_init);
#endif
module_exit(nf_conntrack_teredo_exit);

MODULE_DESCRIPTION("Teredo (RFC 4380) conntrack helper and firewall exceptions");
MODULE_LICENSE("GPL");
MODULE_VERSION(KTEREDO_VERSION);
MODULE_ALIAS_NFCT_HELPER(HELPER_NAME);
MODULE_SOFTDEP("pre: teredo");
