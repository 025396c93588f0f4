// SPDX-License-Identifier: GPL-2.0-only
/*
 * Validation of the addresses and ports a user configures, shared by the
 * module parameters and the rtnetlink attributes; and the defaults of the
 * per-device settings, which the module parameters give (read-only once
 * loaded: each device has its own, IFLA_TEREDO_*).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/errno.h>
#include <linux/inet.h>
#include <linux/in.h>
#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>
#include <linux/string.h>

#include "params.h"
#include "proto.h"

/**
 * teredo_parse_server() - parse and check a Teredo server IPv4 address
 * @str: dotted-quad string, optionally followed by one newline
 * @addr: where to store the address (network order) on success
 *
 * A Teredo server must be a global unicast IPv4 address, as Miredo's
 * is_ipv4_global_unicast() decides (teredo_ipv4_global_unicast()): it is
 * embedded in the client's Teredo address, and peers send their indirect
 * bubbles there, so RFC 4380 section 5.2.4 forbids it as any destination.
 * The documentation ranges are allowed.
 *
 * Return: 0, -EINVAL for syntax errors, -EADDRNOTAVAIL for a well-formed
 * address that cannot be a Teredo server.
 */
int teredo_parse_server(const char *str, __be32 *addr)
{
	const char *end;
	size_t len;
	__be32 a;

	if (!str || !addr)
		return -EINVAL;
	len = strlen(str);
	if (len && str[len - 1] == '\n')
		len--;
	if (!len || !in4_pton(str, len, (u8 *)&a, -1, &end) ||
	    end != str + len)
		return -EINVAL;
	if (teredo_check_server(a))
		return -EADDRNOTAVAIL;
	*addr = a;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(teredo_parse_server);

/**
 * teredo_check_server() - check a Teredo server address given in binary
 * @a: IPv4 address, network order (the netlink attribute)
 *
 * Same rules as teredo_parse_server().
 *
 * Return: 0 or -EADDRNOTAVAIL.
 */
int teredo_check_server(__be32 a)
{
	return teredo_ipv4_global_unicast(a) ? 0 : -EADDRNOTAVAIL;
}

/**
 * teredo_check_port() - check a local UDP port setting
 * @port: 0 for an ephemeral port chosen at bind time, or 1..65535
 *
 * Return: 0 or -ERANGE.
 */
int teredo_check_port(int port)
{
	return port >= 0 && port <= 65535 ? 0 : -ERANGE;
}
EXPORT_SYMBOL_IF_KUNIT(teredo_check_port);

struct teredo_defaults teredo_defaults = {
	.refresh = TEREDO_REFRESH_DEFAULT_S,
	.restart = TEREDO_RESTART_DEFAULT_S,
	.max_peers = TEREDO_MAX_PEERS_DEFAULT,
	.peer_queue = TEREDO_PEER_QUEUE_DEFAULT,
	.local_discovery = true,
};

/* Out of range: the load fails, saying why. */
static int teredo_param_set_range(const char *val,
				  const struct kernel_param *kp,
				  unsigned int lo, unsigned int hi)
{
	int err = param_set_uint_minmax(val, kp, lo, hi);

	if (err)
		pr_err("%s=%s: not in %u..%u\n", kp->name, val, lo, hi);
	return err;
}

static int teredo_refresh_set(const char *val, const struct kernel_param *kp)
{
	return teredo_param_set_range(val, kp, TEREDO_REFRESH_MIN_S,
				      TEREDO_REFRESH_MAX_S);
}

static int teredo_restart_set(const char *val, const struct kernel_param *kp)
{
	return teredo_param_set_range(val, kp, TEREDO_RESTART_MIN_S,
				      TEREDO_RESTART_MAX_S);
}

static int teredo_max_peers_set(const char *val,
				const struct kernel_param *kp)
{
	return teredo_param_set_range(val, kp, 1, TEREDO_MAX_PEERS_LIMIT);
}

static int teredo_peer_queue_set(const char *val,
				 const struct kernel_param *kp)
{
	return teredo_param_set_range(val, kp, 0, TEREDO_PEER_QUEUE_LIMIT);
}

static const struct kernel_param_ops teredo_refresh_ops = {
	.set = teredo_refresh_set,
	.get = param_get_uint,
};

static const struct kernel_param_ops teredo_restart_ops = {
	.set = teredo_restart_set,
	.get = param_get_uint,
};

static const struct kernel_param_ops teredo_max_peers_ops = {
	.set = teredo_max_peers_set,
	.get = param_get_uint,
};

static const struct kernel_param_ops teredo_peer_queue_ops = {
	.set = teredo_peer_queue_set,
	.get = param_get_uint,
};

module_param_cb(refresh_interval, &teredo_refresh_ops,
		&teredo_defaults.refresh, 0444);
MODULE_PARM_DESC(refresh_interval,
		 "Default seconds between router solicitations while qualified (30, 5..3600)");
module_param_cb(restart_delay, &teredo_restart_ops, &teredo_defaults.restart,
		0444);
MODULE_PARM_DESC(restart_delay,
		 "Default seconds before qualifying again after the server stopped answering (100, 1..3600)");
module_param_cb(max_peers, &teredo_max_peers_ops, &teredo_defaults.max_peers,
		0444);
MODULE_PARM_DESC(max_peers,
		 "Default peer cache entries per device, least recently used evicted (1024, 1..16384)");
module_param_cb(peer_queue_bytes, &teredo_peer_queue_ops,
		&teredo_defaults.peer_queue, 0444);
MODULE_PARM_DESC(peer_queue_bytes,
		 "Default memory (skb truesize) queued per peer while it is being reached (8192, 0..65536)");

module_param_named(default_route, teredo_defaults.default_route, bool, 0444);
MODULE_PARM_DESC(default_route,
		 "Default for new devices: a default IPv6 route (metric 1029) through the device when qualified");

module_param_named(local_discovery, teredo_defaults.local_discovery, bool, 0444);
MODULE_PARM_DESC(local_discovery,
		 "Default for new devices: find Teredo clients behind the same NAT with bubbles to 224.0.0.253:3544 on the local link (on)");
