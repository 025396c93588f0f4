// SPDX-License-Identifier: GPL-2.0-only
/*
 * kteredo: an in-kernel Teredo client (RFC 4380, RFC 5991).
 *
 * Module entry points and parameters.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/rtnetlink.h>

#include "device.h"
#include "params.h"
#include "socket.h"

static char *server;
module_param(server, charp, 0444);
MODULE_PARM_DESC(server, "Teredo server IPv4 address; creates teredo0 in the initial netns");

static int port;
module_param(port, int, 0444);
MODULE_PARM_DESC(port, "Local UDP port of teredo0 (0 = ephemeral, the default)");

unsigned int teredo_net_id __read_mostly;
EXPORT_SYMBOL_IF_KUNIT(teredo_net_id);

/*
 * Only the per-namespace slot of teredo_get_port(). The device of a dying
 * namespace is deleted by the core (default_device_exit_batch), which
 * clears the slot in ndo_uninit.
 */
static struct pernet_operations teredo_net_ops = {
	.id = &teredo_net_id,
	.size = sizeof(struct teredo_net),
};

static int __init teredo_init(void)
{
	__be32 addr = 0;
	int err;

	err = teredo_check_port(port);
	if (err) {
		pr_err("port=%d: must be 0..65535\n", port);
		return err;
	}
	if (server) {
		err = teredo_parse_server(server, &addr);
		if (err) {
			pr_err("server=%s: %s\n", server, err == -EINVAL ?
			       "not an IPv4 address" :
			       "not a global unicast IPv4 address");
			return err;
		}
	}

	err = teredo_socket_init();
	if (err)
		return err;
	err = register_pernet_device(&teredo_net_ops);
	if (err)
		goto err_socket;
	err = teredo_device_init();
	if (err)
		goto err_pernet;
	if (server) {
		err = teredo_create_initial(&init_net, addr, port);
		if (err) {
			pr_err("cannot create teredo0: %pe\n", ERR_PTR(err));
			goto err_device;
		}
	}
	pr_info("loaded\n");
	return 0;

err_device:
	teredo_device_exit();
err_pernet:
	unregister_pernet_device(&teredo_net_ops);
err_socket:
	teredo_socket_exit();
	return err;
}

static void __exit teredo_exit(void)
{
	teredo_device_exit();
	unregister_pernet_device(&teredo_net_ops);
	/* peers (and their route caches) are freed by call_rcu() */
	rcu_barrier();
	teredo_socket_exit();
	pr_info("unloaded\n");
}

module_init(teredo_init);
module_exit(teredo_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("The kteredo authors");
MODULE_DESCRIPTION("Teredo tunneling client (RFC 4380) with a published UDP port");
MODULE_ALIAS_RTNL_LINK("teredo");
MODULE_VERSION(KTEREDO_VERSION);
