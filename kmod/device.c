// SPDX-License-Identifier: GPL-2.0-only
/*
 * The teredo net device and its configuration: rtnl_link_ops kind
 * "teredo" with its IFLA_TEREDO_* attributes, one per namespace, an L3
 * tunnel with no link-layer header whose IPv6 link-local address is
 * fe80::ffff:ffff:ffff (RFC 4380 section 5.2.1, the non-cone RS source),
 * and the notifiers that tell the client about its namespace.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/if_arp.h>
#include <linux/inetdevice.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/udp.h>
#include <net/addrconf.h>
#include <net/if_inet6.h>
#include <net/ipv6.h>
#include <net/netns/generic.h>
#include <net/rtnetlink.h>
#include <uapi/linux/teredo.h>

#include "client.h"
#include "compat.h"
#include "counters.h"
#include "device.h"
#include "icmp.h"
#include "params.h"
#include "peer.h"
#include "port.h"
#include "send.h"
#include "socket.h"

#define TEREDO_MTU	1280	/* RFC 4380 section 5.2 */
#define TEREDO_OFFLOADS	(NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_GSO_SOFTWARE)
/* (1280 + 28) * 48 < 65535 */
#define TEREDO_GSO_MAX_SEGS	48

static const struct in6_addr teredo_linklocal = {
	.s6_addr = { 0xfe, 0x80, 0, 0, 0, 0, 0, 0,
		     0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
};

static struct rtnl_link_ops teredo_link_ops;

static int teredo_dev_init(struct net_device *dev)
{
	struct teredo_net *tn = net_generic(dev_net(dev), teredo_net_id);
	struct teredo_dev *td = netdev_priv(dev);
	int err;

	ASSERT_RTNL();
	/* newlink said why; this also covers the module parameter path */
	if (tn->owner)
		return -EEXIST;
	err = gro_cells_init(&td->gro_cells, dev);
	if (err)
		return err;
	/* Last: freed by the priv_destructor, which runs only if we succeed */
	err = teredo_client_init(td);
	if (err) {
		gro_cells_destroy(&td->gro_cells);
		return err;
	}
	teredo_pub_init(&td->pub, dev_net(dev), dev);
	/*
	 * Claim the namespace's slot, but publish nothing yet: if
	 * register_netdevice() fails after us, the device is freed at once,
	 * with no grace period for lock-free readers of tn->pub.
	 */
	tn->owner = td;
	return 0;
}

/*
 * Also the error path of register_netdevice(), for a device that was
 * never published: teredo_pub_detach() is then a no-op.
 */
static void teredo_dev_uninit(struct net_device *dev)
{
	struct teredo_net *tn = net_generic(dev_net(dev), teredo_net_id);
	struct teredo_dev *td = netdev_priv(dev);

	teredo_pub_detach(&td->pub);
	/* a kick while down may have queued the work */
	teredo_disc_stop(td);
	if (tn->owner == td)
		tn->owner = NULL;
	gro_cells_destroy(&td->gro_cells);
}

/*
 * Make a registered device visible to teredo_get_port() and the port
 * notifiers. From here on, it goes away through unregister_netdevice(),
 * whose ndo_uninit hides it and which waits for a grace period before
 * freeing it.
 */
static void teredo_dev_publish(struct teredo_dev *td)
{
	ASSERT_RTNL();
	teredo_pub_attach(&td->pub);
}

static int teredo_open(struct net_device *dev)
{
	struct teredo_dev *td = netdev_priv(dev);
	int err;

	mutex_lock(&td->lock);
	err = teredo_socket_open(td);
	td->open = !err;
	mutex_unlock(&td->lock);
	if (!err) {
		teredo_disc_start(td);
		teredo_client_start(td);
	}
	return err;
}

static int teredo_stop(struct net_device *dev)
{
	struct teredo_dev *td = netdev_priv(dev);

	/* Before td->lock: the client's work takes it to rebind. */
	teredo_client_stop(td);
	teredo_disc_stop(td);
	mutex_lock(&td->lock);
	td->open = false;
	teredo_socket_close(td);
	mutex_unlock(&td->lock);
	/* Closed: no receive runs any more (a grace period), none can
	 * queue behind the flush.
	 */
	teredo_peers_flush(td);
	return 0;
}

static const struct net_device_ops teredo_netdev_ops = {
	.ndo_init		= teredo_dev_init,
	.ndo_uninit		= teredo_dev_uninit,
	.ndo_open		= teredo_open,
	.ndo_stop		= teredo_stop,
	.ndo_start_xmit		= teredo_xmit,
	.ndo_get_stats64	= dev_get_tstats64,
};

/* DEVTYPE=teredo in the device's uevents, for udev and networkd */
static const struct device_type teredo_type = {
	.name = TEREDO_LINK_KIND,
};

static void teredo_setup(struct net_device *dev)
{
	struct teredo_dev *td = netdev_priv(dev);

	td->dev = dev;
	mutex_init(&td->lock);
	/* the module parameters' defaults, netlink attributes may change */
	td->cfg_refresh = teredo_defaults.refresh;
	td->cfg_restart = teredo_defaults.restart;
	td->cfg_max_peers = teredo_defaults.max_peers;
	td->cfg_peer_queue = teredo_defaults.peer_queue;
	td->cfg_default_route = teredo_defaults.default_route;
	td->cfg_discovery = teredo_defaults.local_discovery;
	teredo_disc_init(td);
	teredo_icmp_init(td);

	dev->netdev_ops = &teredo_netdev_ops;
	SET_NETDEV_DEVTYPE(dev, &teredo_type);
	dev->ethtool_ops = &teredo_ethtool_ops;
	dev->rtnl_link_ops = &teredo_link_ops;
	dev->sysfs_groups[0] = &teredo_sysfs_group;
	dev->needs_free_netdev = true;
	dev->priv_destructor = teredo_client_destroy;
	dev->pcpu_stat_type = NETDEV_PCPU_STAT_TSTATS;

	/* No link layer: addrconf accepts ARPHRD_NONE, see below for LL. */
	dev->type = ARPHRD_NONE;
	dev->flags = IFF_POINTOPOINT | IFF_NOARP;
	dev->priv_flags |= IFF_NO_QUEUE;
	dev->hard_header_len = 0;
	dev->addr_len = 0;
	dev->needed_headroom = LL_MAX_HEADER + sizeof(struct iphdr) +
			       sizeof(struct udphdr);
	dev->mtu = TEREDO_MTU;
	dev->min_mtu = TEREDO_MTU;
	dev->max_mtu = TEREDO_MTU;
	/* One per namespace, and the socket lives in it: never move. */
	teredo_compat_lltx_netns_local(dev);
	/*
	 * Offloads, on by default (ethtool -K teredo0 tso off ... to turn
	 * them off): TCP hands over large packets with the checksum left to
	 * do, and send.c sends each as one UDP tunnel GSO packet. One IPv4
	 * packet must hold it all, outer headers included:
	 * TEREDO_GSO_MAX_SEGS full segments of a 1280-byte MTU do.
	 */
	dev->features |= TEREDO_OFFLOADS;
	dev->hw_features |= TEREDO_OFFLOADS;
	netif_set_tso_max_segs(dev, TEREDO_GSO_MAX_SEGS);
}

/*
 * rtnetlink parses IFLA_INFO_DATA liberally and ignores types above
 * maxtype, so declare more types than we know and reject the extra ones:
 * an attribute from a newer teredo.h must not be silently dropped.
 */
#define TEREDO_NL_MAXTYPE	32

static struct netlink_range_validation teredo_queue_range = {
	.max = TEREDO_PEER_QUEUE_LIMIT,
};

static const struct nla_policy teredo_policy[TEREDO_NL_MAXTYPE + 1] = {
	[IFLA_TEREDO_UNSPEC]	= { .strict_start_type = IFLA_TEREDO_SERVER },
	[IFLA_TEREDO_SERVER]	= { .type = NLA_BE32 },
	[IFLA_TEREDO_PORT]	= { .type = NLA_U16 },
	[IFLA_TEREDO_FWMARK]	= { .type = NLA_U32 },
	[IFLA_TEREDO_REFRESH]	= NLA_POLICY_RANGE(NLA_U32, TEREDO_REFRESH_MIN_S,
						   TEREDO_REFRESH_MAX_S),
	[IFLA_TEREDO_RESTART]	= NLA_POLICY_RANGE(NLA_U32, TEREDO_RESTART_MIN_S,
						   TEREDO_RESTART_MAX_S),
	[IFLA_TEREDO_DEFAULT_ROUTE] = NLA_POLICY_MAX(NLA_U8, 1),
	[IFLA_TEREDO_MAX_PEERS]	= NLA_POLICY_RANGE(NLA_U32, 1,
						   TEREDO_MAX_PEERS_LIMIT),
	[IFLA_TEREDO_PEER_QUEUE] = NLA_POLICY_FULL_RANGE(NLA_U32,
							 &teredo_queue_range),
	[IFLA_TEREDO_LOCAL_DISCOVERY] = NLA_POLICY_MAX(NLA_U8, 1),
	[IFLA_TEREDO_MAX + 1 ... TEREDO_NL_MAXTYPE] = {
		.type = NLA_REJECT,
		.reject_message = "teredo: unknown attribute",
	},
};

static int teredo_validate(struct nlattr *tb[], struct nlattr *data[],
			   struct netlink_ext_ack *extack)
{
	if (tb[IFLA_ADDRESS] || tb[IFLA_BROADCAST]) {
		NL_SET_ERR_MSG(extack, "teredo: no link-layer address");
		return -EINVAL;
	}
	if (tb[IFLA_MTU] && nla_get_u32(tb[IFLA_MTU]) != TEREDO_MTU) {
		NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_MTU],
				    "teredo: the MTU is 1280");
		return -EINVAL;
	}
	if (!data)
		return 0;
	if (data[IFLA_TEREDO_SERVER] &&
	    teredo_check_server(nla_get_in_addr(data[IFLA_TEREDO_SERVER]))) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_TEREDO_SERVER],
				    "teredo: server must be a global unicast IPv4 address (RFC 4380 5.2.4)");
		return -EADDRNOTAVAIL;
	}
	return 0;
}

static void teredo_apply(struct teredo_dev *td, struct nlattr *data[])
{
	if (data[IFLA_TEREDO_SERVER])
		WRITE_ONCE(td->cfg_server,
			   nla_get_in_addr(data[IFLA_TEREDO_SERVER]));
	if (data[IFLA_TEREDO_FWMARK])
		WRITE_ONCE(td->cfg_fwmark,
			   nla_get_u32(data[IFLA_TEREDO_FWMARK]));
	if (data[IFLA_TEREDO_REFRESH])
		WRITE_ONCE(td->cfg_refresh,
			   nla_get_u32(data[IFLA_TEREDO_REFRESH]));
	if (data[IFLA_TEREDO_RESTART])
		WRITE_ONCE(td->cfg_restart,
			   nla_get_u32(data[IFLA_TEREDO_RESTART]));
	if (data[IFLA_TEREDO_DEFAULT_ROUTE])
		WRITE_ONCE(td->cfg_default_route,
			   nla_get_u8(data[IFLA_TEREDO_DEFAULT_ROUTE]));
	if (data[IFLA_TEREDO_MAX_PEERS])
		WRITE_ONCE(td->cfg_max_peers,
			   nla_get_u32(data[IFLA_TEREDO_MAX_PEERS]));
	if (data[IFLA_TEREDO_PEER_QUEUE])
		WRITE_ONCE(td->cfg_peer_queue,
			   nla_get_u32(data[IFLA_TEREDO_PEER_QUEUE]));
	if (data[IFLA_TEREDO_LOCAL_DISCOVERY])
		WRITE_ONCE(td->cfg_discovery,
			   nla_get_u8(data[IFLA_TEREDO_LOCAL_DISCOVERY]));
}

static int teredo_newlink(struct net *src_net, struct net_device *dev,
			  struct nlattr *tb[], struct nlattr *data[],
			  struct netlink_ext_ack *extack)
{
	struct teredo_net *tn = net_generic(dev_net(dev), teredo_net_id);
	struct teredo_dev *td = netdev_priv(dev);
	int err;

	if (tn->owner) {
		NL_SET_ERR_MSG(extack,
			       "teredo: this network namespace already has a teredo device");
		return -EEXIST;
	}
	/*
	 * Internet-facing code, young: not for whoever owns a user
	 * namespace (unprivileged users on most distributions) until it has
	 * had wider review.
	 */
	if (!capable(CAP_NET_ADMIN)) {
		NL_SET_ERR_MSG(extack,
			       "teredo: creating a device needs CAP_NET_ADMIN in the initial user namespace");
		return -EPERM;
	}
	if (data) {
		teredo_apply(td, data);
		if (data[IFLA_TEREDO_PORT])
			td->cfg_port = nla_get_u16(data[IFLA_TEREDO_PORT]);
	}
	err = register_netdevice(dev);
	if (err)
		return err;	/* freed by the caller, never published */
	teredo_dev_publish(td);
	return 0;
}

static int teredo_changelink(struct net_device *dev, struct nlattr *tb[],
			     struct nlattr *data[],
			     struct netlink_ext_ack *extack)
{
	struct teredo_dev *td = netdev_priv(dev);
	int err = 0;
	u16 old;

	if (!data)
		return 0;
	mutex_lock(&td->lock);
	/* The port first: it is the only change that can fail. */
	if (data[IFLA_TEREDO_PORT]) {
		old = td->cfg_port;
		td->cfg_port = nla_get_u16(data[IFLA_TEREDO_PORT]);
		if (td->open && td->cfg_port != td->pub.port) {
			err = __teredo_socket_rebind(td, false);
			if (err) {
				td->cfg_port = old;
				NL_SET_ERR_MSG_ATTR(extack,
						    data[IFLA_TEREDO_PORT],
						    "teredo: cannot bind that port");
			}
		}
	}
	if (!err)
		teredo_apply(td, data);
	mutex_unlock(&td->lock);
	if (!err && (data[IFLA_TEREDO_PORT] || data[IFLA_TEREDO_SERVER]))
		teredo_client_reconfigure(td);
	/* another mark may route from another address, as in sysfs.c */
	else if (!err && data[IFLA_TEREDO_FWMARK])
		teredo_client_local_changed(td);
	if (!err && data[IFLA_TEREDO_DEFAULT_ROUTE])
		teredo_client_route_changed(td);
	if (!err && data[IFLA_TEREDO_LOCAL_DISCOVERY])
		teredo_disc_kick(td);
	return err;
}

static size_t teredo_get_size(const struct net_device *dev)
{
	return nla_total_size(sizeof(__be32)) +	/* IFLA_TEREDO_SERVER */
	       nla_total_size(sizeof(u16)) +	/* IFLA_TEREDO_PORT */
	       nla_total_size(sizeof(u32)) +	/* IFLA_TEREDO_FWMARK */
	       nla_total_size(sizeof(u32)) +	/* IFLA_TEREDO_REFRESH */
	       nla_total_size(sizeof(u32)) +	/* IFLA_TEREDO_RESTART */
	       nla_total_size(sizeof(u8)) +	/* IFLA_TEREDO_DEFAULT_ROUTE */
	       nla_total_size(sizeof(u32)) +	/* IFLA_TEREDO_MAX_PEERS */
	       nla_total_size(sizeof(u32)) +	/* IFLA_TEREDO_PEER_QUEUE */
	       nla_total_size(sizeof(u8));	/* IFLA_TEREDO_LOCAL_DISCOVERY */
}

static int teredo_fill_info(struct sk_buff *skb, const struct net_device *dev)
{
	const struct teredo_dev *td = netdev_priv(dev);

	if (nla_put_in_addr(skb, IFLA_TEREDO_SERVER,
			    READ_ONCE(td->cfg_server)) ||
	    nla_put_u16(skb, IFLA_TEREDO_PORT, READ_ONCE(td->cfg_port)) ||
	    nla_put_u32(skb, IFLA_TEREDO_FWMARK, READ_ONCE(td->cfg_fwmark)) ||
	    nla_put_u32(skb, IFLA_TEREDO_REFRESH, READ_ONCE(td->cfg_refresh)) ||
	    nla_put_u32(skb, IFLA_TEREDO_RESTART, READ_ONCE(td->cfg_restart)) ||
	    nla_put_u8(skb, IFLA_TEREDO_DEFAULT_ROUTE,
		       READ_ONCE(td->cfg_default_route)) ||
	    nla_put_u32(skb, IFLA_TEREDO_MAX_PEERS,
			READ_ONCE(td->cfg_max_peers)) ||
	    nla_put_u32(skb, IFLA_TEREDO_PEER_QUEUE,
			READ_ONCE(td->cfg_peer_queue)) ||
	    nla_put_u8(skb, IFLA_TEREDO_LOCAL_DISCOVERY,
		       READ_ONCE(td->cfg_discovery)))
		return -EMSGSIZE;
	return 0;
}

static struct rtnl_link_ops teredo_link_ops __read_mostly = {
	.kind		= TEREDO_LINK_KIND,
	.priv_size	= sizeof(struct teredo_dev),
	.maxtype	= TEREDO_NL_MAXTYPE,
	.policy		= teredo_policy,
	.setup		= teredo_setup,
	.validate	= teredo_validate,
	.newlink	= teredo_newlink,
	.changelink	= teredo_changelink,
	.get_size	= teredo_get_size,
	.fill_info	= teredo_fill_info,
};

/*
 * The link-local address. addrconf would give an ARPHRD_NONE device a
 * random one; we turn generation off when the device registers and add
 * fe80::ffff:ffff:ffff ourselves each time it comes up (addrconf drops
 * link-locals on down). Runs after addrconf's notifier.
 */
static int teredo_netdev_event(struct notifier_block *nb,
			       unsigned long event, void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct inet6_dev *idev;

	if (dev->netdev_ops != &teredo_netdev_ops)
		return NOTIFY_DONE;
	idev = __in6_dev_get(dev);
	if (!idev)
		return NOTIFY_DONE;
	switch (event) {
	case NETDEV_REGISTER:
		idev->cnf.addr_gen_mode = IN6_ADDR_GEN_MODE_NONE;
		/*
		 * The client answers the server's RAs itself and never hands
		 * one to the stack; this is the second line against a forged
		 * one behind extension headers (proto.c), and no RS of the
		 * stack's goes out only to be dropped.
		 */
		idev->cnf.accept_ra = 0;
		idev->cnf.rtr_solicits = 0;
		break;
	case NETDEV_UP:
		addrconf_add_linklocal(idev, &teredo_linklocal, 0);
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block teredo_netdev_notifier = {
	.notifier_call = teredo_netdev_event,
	.priority = ADDRCONF_NOTIFY_PRIORITY - 1,
};

/*
 * An IPv4 address came or went in a namespace with a teredo device: our
 * source toward the server (hence the NAT mapping) may have changed, so
 * the client checks now rather than at its next refresh.
 */
static int teredo_inetaddr_event(struct notifier_block *nb,
				 unsigned long event, void *ptr)
{
	struct in_ifaddr *ifa = ptr;
	struct net *net = dev_net(ifa->ifa_dev->dev);
	struct teredo_net *tn = net_generic(net, teredo_net_id);
	struct teredo_pub *pub;

	if (event != NETDEV_UP && event != NETDEV_DOWN)
		return NOTIFY_DONE;
	pub = rtnl_dereference(tn->pub);
	if (pub)
		teredo_client_local_changed(container_of(pub, struct teredo_dev,
							 pub));
	return NOTIFY_DONE;
}

static struct notifier_block teredo_inetaddr_notifier = {
	.notifier_call = teredo_inetaddr_event,
};

/**
 * teredo_create_initial() - create and start teredo0 (module parameters)
 * @net: the namespace, the initial one
 * @server: the server address, checked
 * @port: the local port, 0 for ephemeral
 *
 * Return: 0, or an errno with nothing left behind.
 */
int teredo_create_initial(struct net *net, __be32 server, u16 port)
{
	struct net_device *dev;
	struct teredo_dev *td;
	int err;

	dev = alloc_netdev(sizeof(*td), "teredo0", NET_NAME_PREDICTABLE,
			   teredo_setup);
	if (!dev)
		return -ENOMEM;
	dev_net_set(dev, net);
	td = netdev_priv(dev);
	td->cfg_server = server;
	td->cfg_port = port;

	rtnl_lock();
	err = register_netdevice(dev);
	if (err) {
		rtnl_unlock();
		free_netdev(dev);
		return err;
	}
	teredo_dev_publish(td);
	err = dev_open(dev, NULL);
	if (err)
		unregister_netdevice(dev);	/* freed by needs_free_netdev */
	rtnl_unlock();
	return err;
}

int teredo_device_init(void)
{
	int err;

	err = register_netdevice_notifier(&teredo_netdev_notifier);
	if (err)
		return err;
	err = register_inetaddr_notifier(&teredo_inetaddr_notifier);
	if (err)
		goto err_inetaddr;
	err = rtnl_link_register(&teredo_link_ops);
	if (err)
		goto err_link;
	return 0;

err_link:
	unregister_inetaddr_notifier(&teredo_inetaddr_notifier);
err_inetaddr:
	unregister_netdevice_notifier(&teredo_netdev_notifier);
	return err;
}

/* Deletes every teredo device, in every namespace. */
void teredo_device_exit(void)
{
	rtnl_link_unregister(&teredo_link_ops);
	unregister_inetaddr_notifier(&teredo_inetaddr_notifier);
	unregister_netdevice_notifier(&teredo_netdev_notifier);
}
