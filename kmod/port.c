// SPDX-License-Identifier: GPL-2.0-only
/*
 * Port publication: teredo_get_port(), teredo_get_server(), the notifier
 * chain, sysfs_notify on the sysfs group (sysfs.c) and the uevents.
 *
 * Every change of an instance's port or state goes through
 * teredo_pub_set_port() / teredo_pub_set_state(), which update the
 * published values and deliver the notifier event, the sysfs_notify and the
 * uevent under teredo_port_mutex. Registration takes the same mutex, so an
 * initial snapshot and the events that follow it cannot overlap.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/inet.h>
#include <linux/ipv6.h>
#include <linux/kobject.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/notifier.h>
#include <linux/rcupdate.h>
#include <linux/string.h>
#include <linux/teredo.h>
#include <uapi/linux/teredo.h>
#include <net/addrconf.h>
#include <net/ipv6.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "device.h"
#include "params.h"
#include "port.h"

const char * const teredo_state_names[__TEREDO_ST_MAX] = {
	[TEREDO_ST_OFF] = "off",
	[TEREDO_ST_QUALIFYING] = "qualifying",
	[TEREDO_ST_QUALIFIED] = "qualified",
	[TEREDO_ST_OFFLINE] = "offline",
};

static const char * const teredo_event_names[] = {
	[TEREDO_PORT_UP] = "UP",
	[TEREDO_PORT_DOWN] = "DOWN",
	[TEREDO_PORT_CHANGE] = "CHANGE",
	[TEREDO_PORT_INITIAL] = "INITIAL",
	[TEREDO_STATE_QUALIFIED] = "QUALIFIED",
	[TEREDO_STATE_OFFLINE] = "OFFLINE",
	[TEREDO_DISCOVERY_UP] = "DISCOVERY_UP",
	[TEREDO_DISCOVERY_DOWN] = "DISCOVERY_DOWN",
};

/* Serializes publication, event delivery and (un)registration. */
static DEFINE_MUTEX(teredo_port_mutex);
static RAW_NOTIFIER_HEAD(teredo_port_chain);
/* Every instance of every namespace, for the initial events. */
static LIST_HEAD(teredo_instances);

/*
 * The getters' common part, under rcu_read_lock(): the instance of @net,
 * or NULL and *@err = -EAFNOSUPPORT (no IPv6 there) or -ENODEV.
 */
static struct teredo_pub *teredo_pub_rcu(struct net *net, int *err)
{
	struct teredo_net *tn;
	struct teredo_pub *pub;

	if (!ipv6_mod_enabled() ||
	    READ_ONCE(net->ipv6.devconf_all->disable_ipv6)) {
		*err = -EAFNOSUPPORT;
		return NULL;
	}
	tn = net_generic(net, teredo_net_id);
	pub = rcu_dereference(tn->pub);
	*err = pub ? 0 : -ENODEV;
	return pub;
}

/* The two port getters: the dynamic port, or local discovery's (@disc). */
static int teredo_pub_get_port(struct net *net, u16 *port, bool disc)
{
	struct teredo_pub *pub;
	int err;
	u16 p;

	if (!net || !port)
		return -EINVAL;
	rcu_read_lock();
	pub = teredo_pub_rcu(net, &err);
	if (pub) {
		p = disc ? READ_ONCE(pub->disc_port) : READ_ONCE(pub->port);
		if (p)
			*port = p;
		else
			err = -ENETDOWN;
	}
	rcu_read_unlock();
	return err;
}

int teredo_get_port(struct net *net, u16 *port)
{
	return teredo_pub_get_port(net, port, false);
}
EXPORT_SYMBOL_GPL(teredo_get_port);

int teredo_get_server(struct net *net, __be32 *server)
{
	struct teredo_pub *pub;
	__be32 s;
	int err;

	if (!net || !server)
		return -EINVAL;
	rcu_read_lock();
	pub = teredo_pub_rcu(net, &err);
	if (pub) {
		s = READ_ONCE(pub->server);
		/* not qualified yet: the one it asks (fake instances: none) */
		if (!s && pub->dev)
			s = READ_ONCE(((struct teredo_dev *)
				       netdev_priv(pub->dev))->cfg_server);
		if (s && READ_ONCE(pub->port))
			*server = s;
		else
			err = -ENETDOWN;
	}
	rcu_read_unlock();
	return err;
}
EXPORT_SYMBOL_GPL(teredo_get_server);

int teredo_get_discovery_port(struct net *net, u16 *port)
{
	return teredo_pub_get_port(net, port, true);
}
EXPORT_SYMBOL_GPL(teredo_get_discovery_port);

int teredo_register_port_notifier(struct notifier_block *nb, bool initial)
{
	struct teredo_port_info info;
	struct teredo_pub *pub;
	int err;

	if (!nb || !nb->notifier_call)
		return -EINVAL;

	mutex_lock(&teredo_port_mutex);
	err = raw_notifier_chain_register(&teredo_port_chain, nb);
	if (!err && initial) {
		list_for_each_entry(pub, &teredo_instances, node) {
			if (!pub->port)
				continue;
			memset(&info, 0, sizeof(info));
			info.net = pub->net;
			info.dev = pub->dev;
			info.port = pub->port;
			info.addr = pub->addr;
			info.disc_port = pub->disc_port;
			nb->notifier_call(nb, TEREDO_PORT_INITIAL, &info);
		}
	}
	mutex_unlock(&teredo_port_mutex);
	return err;
}
EXPORT_SYMBOL_GPL(teredo_register_port_notifier);

int teredo_unregister_port_notifier(struct notifier_block *nb)
{
	int err;

	if (!nb)
		return -EINVAL;
	/* Delivery holds the mutex: once we have it, no callback runs. */
	mutex_lock(&teredo_port_mutex);
	err = raw_notifier_chain_unregister(&teredo_port_chain, nb);
	mutex_unlock(&teredo_port_mutex);
	return err;
}
EXPORT_SYMBOL_GPL(teredo_unregister_port_notifier);

void teredo_pub_init(struct teredo_pub *pub, struct net *net,
		     struct net_device *dev)
{
	memset(pub, 0, sizeof(*pub));
	INIT_LIST_HEAD(&pub->node);
	pub->net = net;
	pub->dev = dev;
}
EXPORT_SYMBOL_IF_KUNIT(teredo_pub_init);

/**
 * teredo_pub_attach() - make an instance visible
 * @pub: the instance; its namespace must have none (the caller checked)
 *
 * Called under RTNL, which serializes it against teredo_pub_detach() of
 * the same namespace, once nothing can free @pub without a grace period
 * (for a device: once register_netdevice() succeeded).
 */
void teredo_pub_attach(struct teredo_pub *pub)
{
	struct teredo_net *tn = net_generic(pub->net, teredo_net_id);

	mutex_lock(&teredo_port_mutex);
	list_add_tail(&pub->node, &teredo_instances);
	mutex_unlock(&teredo_port_mutex);
	rcu_assign_pointer(tn->pub, pub);
}
EXPORT_SYMBOL_IF_KUNIT(teredo_pub_attach);

/**
 * teredo_pub_detach() - hide an instance from the getter and the list
 * @pub: an instance, already unbound; one never attached (a failed
 *	registration) is left as it is
 *
 * Readers of the per-namespace pointer are RCU readers: the caller frees
 * @pub only after a grace period (unregister_netdevice does one).
 */
void teredo_pub_detach(struct teredo_pub *pub)
{
	struct teredo_net *tn = net_generic(pub->net, teredo_net_id);

	WARN_ON_ONCE(pub->port);
	if (rcu_access_pointer(tn->pub) == pub)
		RCU_INIT_POINTER(tn->pub, NULL);
	mutex_lock(&teredo_port_mutex);
	list_del_init(&pub->node);
	mutex_unlock(&teredo_port_mutex);
}
EXPORT_SYMBOL_IF_KUNIT(teredo_pub_detach);

static bool teredo_pub_visible(const struct teredo_pub *pub)
{
	return pub->dev && pub->dev->reg_state == NETREG_REGISTERED;
}

/* sysfs_notify and uevent for an event; under teredo_port_mutex. */
static void teredo_pub_announce(struct teredo_pub *pub, unsigned long event,
				const struct teredo_port_info *info)
{
	char ev[32], port[32], old[32], state[40], addr[64], nat[32];
	char nat_flags[32 + TEREDO_NAT_FLAGS_LEN];
	char *envp[6] = { ev, state };
	struct kobject *kobj;

	if (!teredo_pub_visible(pub))
		return;
	kobj = &pub->dev->dev.kobj;
	snprintf(ev, sizeof(ev), TEREDO_UEVENT_EVENT "=%s",
		 teredo_event_names[event]);
	snprintf(state, sizeof(state), TEREDO_UEVENT_STATE "=%s",
		 teredo_state_names[pub->state]);
	if (event == TEREDO_STATE_QUALIFIED || event == TEREDO_STATE_OFFLINE) {
		snprintf(addr, sizeof(addr), TEREDO_UEVENT_ADDRESS "=%pI6c",
			 &info->addr);
		envp[2] = addr;
		envp[3] = NULL;
		if (event == TEREDO_STATE_QUALIFIED) {
			snprintf(nat, sizeof(nat), TEREDO_UEVENT_NAT "=%s",
				 teredo_nat_names[pub->nat]);
			snprintf(nat_flags, sizeof(nat_flags),
				 TEREDO_UEVENT_NAT_FLAGS "=");
			teredo_nat_flags_str(pub->nat_flags,
					     nat_flags + strlen(nat_flags),
					     TEREDO_NAT_FLAGS_LEN);
			envp[3] = nat;
			envp[4] = nat_flags;
			envp[5] = NULL;
		}
		sysfs_notify(kobj, TEREDO_SYSFS_GROUP, TEREDO_SYSFS_STATE);
	} else {
		snprintf(port, sizeof(port), TEREDO_UEVENT_PORT "=%u",
			 info->port);
		snprintf(old, sizeof(old), TEREDO_UEVENT_OLD_PORT "=%u",
			 info->old_port);
		envp[2] = port;
		envp[3] = old;
		envp[4] = NULL;
		sysfs_notify(kobj, TEREDO_SYSFS_GROUP, TEREDO_SYSFS_PORT);
		sysfs_notify(kobj, TEREDO_SYSFS_GROUP, TEREDO_SYSFS_STATE);
	}
	kobject_uevent_env(kobj, KOBJ_CHANGE, envp);
}

/**
 * teredo_pub_set_port() - publish a port change
 * @pub: the instance
 * @port: the port now bound, 0 once the socket is closed
 *
 * One change, one event: UP from 0, DOWN to 0, CHANGE otherwise, nothing
 * when the port stays. Binding resets the state to qualifying, unbinding
 * to off (the client starts over on a new port).
 */
void teredo_pub_set_port(struct teredo_pub *pub, u16 port)
{
	struct teredo_port_info info = {};
	unsigned long event;

	mutex_lock(&teredo_port_mutex);
	if (pub->port == port) {
		mutex_unlock(&teredo_port_mutex);
		return;
	}
	info.net = pub->net;
	info.dev = pub->dev;
	info.port = port;
	info.old_port = pub->port;
	info.disc_port = pub->disc_port;
	if (!info.old_port)
		event = TEREDO_PORT_UP;
	else if (!port)
		event = TEREDO_PORT_DOWN;
	else
		event = TEREDO_PORT_CHANGE;

	WRITE_ONCE(pub->port, port);
	if (event == TEREDO_PORT_UP || event == TEREDO_PORT_DOWN) {
		WRITE_ONCE(pub->state, port ? TEREDO_ST_QUALIFYING :
					      TEREDO_ST_OFF);
		pub->addr = in6addr_any;
		pub->mapped_addr = 0;
		pub->mapped_port = 0;
		WRITE_ONCE(pub->server, 0);
		pub->nat = TEREDO_NAT_UNKNOWN;
		pub->nat_flags = 0;
		pub->peers = 0;
	}
	raw_notifier_call_chain(&teredo_port_chain, event, &info);
	teredo_pub_announce(pub, event, &info);
	mutex_unlock(&teredo_port_mutex);
}
EXPORT_SYMBOL_IF_KUNIT(teredo_pub_set_port);

/**
 * teredo_pub_set_state() - publish a client state change
 * @pub: the instance
 * @state: the new state
 * @addr: the Teredo address (qualified) or the one just lost (offline);
 *	NULL keeps the current one
 *
 * QUALIFIED is raised on every qualification (the address may change),
 * OFFLINE only when entering that state.
 */
void teredo_pub_set_state(struct teredo_pub *pub, enum teredo_state state,
			  const struct in6_addr *addr)
{
	struct teredo_port_info info = {};
	unsigned long event = 0;

	if (WARN_ON_ONCE(state >= __TEREDO_ST_MAX))
		return;
	mutex_lock(&teredo_port_mutex);
	/* Unbound means off: the socket layer owns that state. */
	if (!pub->port || state == TEREDO_ST_OFF) {
		mutex_unlock(&teredo_port_mutex);
		return;
	}
	if (state == TEREDO_ST_QUALIFIED)
		event = TEREDO_STATE_QUALIFIED;
	else if (state == TEREDO_ST_OFFLINE && pub->state != state)
		event = TEREDO_STATE_OFFLINE;
	if (addr)
		pub->addr = *addr;
	if (pub->state != state) {
		WRITE_ONCE(pub->state, state);
		if (!event && teredo_pub_visible(pub))
			sysfs_notify(&pub->dev->dev.kobj, TEREDO_SYSFS_GROUP,
				     TEREDO_SYSFS_STATE);
	}
	if (event) {
		info.net = pub->net;
		info.dev = pub->dev;
		info.port = pub->port;
		info.old_port = pub->port;
		info.addr = pub->addr;
		info.disc_port = pub->disc_port;
		raw_notifier_call_chain(&teredo_port_chain, event, &info);
		teredo_pub_announce(pub, event, &info);
	}
	mutex_unlock(&teredo_port_mutex);
}
EXPORT_SYMBOL_IF_KUNIT(teredo_pub_set_state);

/**
 * teredo_pub_set_discovery() - local discovery started or stopped listening
 * @pub: the instance
 * @port: %TEREDO_DISCOVERY_PORT, or 0
 *
 * One change, one notifier event (DISCOVERY_UP or DISCOVERY_DOWN); no
 * uevent: the sysfs file local_discovery is the setting, not this.
 */
void teredo_pub_set_discovery(struct teredo_pub *pub, u16 port)
{
	struct teredo_port_info info = {};

	mutex_lock(&teredo_port_mutex);
	if (pub->disc_port != port) {
		WRITE_ONCE(pub->disc_port, port);
		info.net = pub->net;
		info.dev = pub->dev;
		info.port = pub->port;
		info.old_port = pub->port;
		info.disc_port = port;
		raw_notifier_call_chain(&teredo_port_chain,
					port ? TEREDO_DISCOVERY_UP :
					       TEREDO_DISCOVERY_DOWN, &info);
	}
	mutex_unlock(&teredo_port_mutex);
}
EXPORT_SYMBOL_IF_KUNIT(teredo_pub_set_discovery);

/**
 * teredo_publish_state() - the client reports a state change
 * @td: the device
 * @state: %TEREDO_ST_QUALIFYING, %TEREDO_ST_QUALIFIED or %TEREDO_ST_OFFLINE
 * @addr: see teredo_pub_set_state()
 *
 * Process context. Ignored while unbound.
 */
void teredo_publish_state(struct teredo_dev *td, enum teredo_state state,
			  const struct in6_addr *addr)
{
	teredo_pub_set_state(&td->pub, state, addr);
}

/**
 * teredo_publish_mapping() - the client reports what the server saw
 * @td: the device
 * @server: the server it qualified with (its primary address), 0 when
 *	the qualification is lost
 * @mapped_addr: the client's public IPv4 address
 * @mapped_port: its public UDP port
 * @nat: the NAT kind found
 * @nat_flags: its special behaviours, TEREDO_NAT_F_*
 * @peers: entries in the peer cache
 *
 * Shown in sysfs and in the next QUALIFIED uevent; @server also through
 * teredo_get_server(). No event of its own.
 */
void teredo_publish_mapping(struct teredo_dev *td, __be32 server,
			    __be32 mapped_addr, __be16 mapped_port,
			    enum teredo_nat nat, u32 nat_flags, u32 peers)
{
	mutex_lock(&teredo_port_mutex);
	WRITE_ONCE(td->pub.server, server);
	td->pub.mapped_addr = mapped_addr;
	td->pub.mapped_port = mapped_port;
	td->pub.nat = nat < __TEREDO_NAT_MAX ? nat : TEREDO_NAT_UNKNOWN;
	td->pub.nat_flags = nat_flags;
	td->pub.peers = peers;
	mutex_unlock(&teredo_port_mutex);
}

/* A consistent copy of the published values, for sysfs. */
void teredo_pub_read(struct teredo_pub *pub, struct teredo_pub *copy)
{
	mutex_lock(&teredo_port_mutex);
	*copy = *pub;
	mutex_unlock(&teredo_port_mutex);
}
