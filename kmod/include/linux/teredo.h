/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kteredo: the Teredo client's UDP port, published to other kernel modules.
 *
 * The Linux counterpart of GetTeredoPort() and NotifyTeredoPortChange():
 * a lock-free getter and a notifier chain; a getter for the server the
 * client is qualified with (for nf_conntrack_teredo, which lets only that
 * server introduce peers); and, as Windows names next to the dynamic
 * port, the static port of local client discovery (UDP 3544 on
 * 224.0.0.253), with its own getter and events. Modules that call these depend
 * on teredo.ko through the symbols, which pins it while they are loaded.
 */
#ifndef _LINUX_TEREDO_H
#define _LINUX_TEREDO_H

#include <linux/in6.h>
#include <linux/notifier.h>
#include <linux/types.h>

struct net;
struct net_device;

/**
 * enum teredo_port_event - notifier events (the @action of the callback)
 * @TEREDO_PORT_UP: a socket was bound; @port is its port, @old_port is 0.
 * @TEREDO_PORT_DOWN: the socket was closed; @port is 0, @old_port the port
 *	it had.
 * @TEREDO_PORT_CHANGE: the client moved to another port; @port and
 *	@old_port are both set.
 * @TEREDO_PORT_INITIAL: sent only to a notifier registered with
 *	@initial set, once per bound instance, before registration returns.
 * @TEREDO_STATE_QUALIFIED: the client qualified; @addr is its Teredo
 *	address, @port the current port.
 * @TEREDO_STATE_OFFLINE: the client lost qualification; @addr is the
 *	address it had.
 * @TEREDO_DISCOVERY_UP: local discovery listens: @disc_port is its port
 *	(%TEREDO_DISCOVERY_PORT, on 224.0.0.253 only), @port the current port.
 * @TEREDO_DISCOVERY_DOWN: it stopped listening; @disc_port is 0.
 *
 * Subscribers must ignore events they do not know: more may be added.
 */
enum teredo_port_event {
	TEREDO_PORT_UP = 1,
	TEREDO_PORT_DOWN,
	TEREDO_PORT_CHANGE,
	TEREDO_PORT_INITIAL,
	TEREDO_STATE_QUALIFIED,
	TEREDO_STATE_OFFLINE,
	TEREDO_DISCOVERY_UP,
	TEREDO_DISCOVERY_DOWN,
};

/* The static UDP port of local client discovery (RFC 4380 5.2.8) */
#define TEREDO_DISCOVERY_PORT	3544

/**
 * struct teredo_port_info - the data of a notifier event
 * @net: network namespace of the instance
 * @dev: the teredo net device (NULL only in KUnit tests)
 * @port: local UDP port now bound, 0 if none
 * @old_port: port bound before the event, 0 if none
 * @addr: the Teredo address, for the state events (otherwise unspecified)
 * @disc_port: the local discovery port where it listens (multicast to
 *	224.0.0.253 only), 0 if it does not; set in every event
 */
struct teredo_port_info {
	struct net *net;
	struct net_device *dev;
	u16 port;
	u16 old_port;
	struct in6_addr addr;
	u16 disc_port;
};

/**
 * teredo_get_port() - the UDP port of the Teredo client in a namespace
 * @net: network namespace to ask about
 * @port: where to store the port (host byte order)
 *
 * Lock-free: callable from any context, softirq and hard irq included,
 * as long as @net stays alive during the call.
 *
 * Return: 0 and *@port set; -EINVAL if @net or @port is NULL;
 * -EAFNOSUPPORT if IPv6 is disabled in @net; -ENODEV if @net has no teredo
 * device; -ENETDOWN if it has one but no bound socket (down, or between a
 * failed rebind and the next).
 */
int teredo_get_port(struct net *net, u16 *port);

/**
 * teredo_get_server() - the Teredo server the client uses
 * @net: network namespace to ask about
 * @server: where to store the server's primary IPv4 address (network
 *	byte order); its secondary address is the next one (RFC 4380 4)
 *
 * The server the client is qualified with (the one named by its router
 * advertisement) or, while it is not, the server it is configured to ask:
 * the only host whose origin indications it honours. Lock-free like
 * teredo_get_port().
 *
 * Return: 0 and *@server set; -EINVAL if @net or @server is NULL;
 * -EAFNOSUPPORT if IPv6 is disabled in @net; -ENODEV if @net has no teredo
 * device; -ENETDOWN if it has one but no bound socket or no server.
 */
int teredo_get_server(struct net *net, __be32 *server);

/**
 * teredo_get_discovery_port() - the static port of local client discovery
 * @net: network namespace to ask about
 * @port: where to store it (host byte order): %TEREDO_DISCOVERY_PORT,
 *	for datagrams to 224.0.0.253 from the local link only
 *
 * Lock-free like teredo_get_port(). Discovery listens only while the
 * client is qualified, has it on, and has a NAT to share (its address
 * toward the server is not global); %TEREDO_DISCOVERY_UP and
 * %TEREDO_DISCOVERY_DOWN tell when that changes.
 *
 * Return: 0 and *@port set; -EINVAL, -EAFNOSUPPORT, -ENODEV as
 * teredo_get_port(); -ENETDOWN if the device is not listening there.
 */
int teredo_get_discovery_port(struct net *net, u16 *port);

/**
 * teredo_register_port_notifier() - subscribe to port and state events
 * @nb: notifier block; its callback gets an &enum teredo_port_event and a
 *	&struct teredo_port_info
 * @initial: also deliver %TEREDO_PORT_INITIAL for each bound instance
 *
 * Callbacks run in process context, one at a time for all subscribers,
 * possibly with RTNL held: they must not sleep for long, take RTNL, or
 * call the register/unregister functions. The initial events are
 * delivered before this returns, under the lock that serializes every
 * later event, so no change is missed or seen twice.
 *
 * Return: 0 or a negative errno.
 */
int teredo_register_port_notifier(struct notifier_block *nb, bool initial);

/**
 * teredo_unregister_port_notifier() - unsubscribe
 * @nb: a notifier block registered before
 *
 * Return: 0 or -ENOENT; once it returns no callback of @nb is running and
 * none will be called.
 */
int teredo_unregister_port_notifier(struct notifier_block *nb);

#endif /* _LINUX_TEREDO_H */
