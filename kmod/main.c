// SPDX-License-Identifier: GPL-2.0-only
/*
 * kteredo: an in-kernel Teredo client (RFC 4380, RFC 5991).
 *
 * Module entry points and parameters.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <net/rtnetlink.h>

#include "params.h"

static char *server;
module_param(server, charp, 0444);
MODULE_PARM_DESC(server, "Teredo server IPv4 address; creates teredo0 in the initial netns");

static int port;
module_param(port, int, 0444);
MODULE_PARM_DESC(port, "Local UDP port of teredo0 (0 = ephemeral, the default)");

static int __init teredo_init(void)
{
	__be32 addr;
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
			       "not a unicast IPv4 address");
			return err;
		}
	}
	pr_info("loaded\n");
	return 0;
}

static void __exit teredo_exit(void)
{
	pr_info("unloaded\n");
}

module_init(teredo_init);
module_exit(teredo_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("The kteredo authors");
MODULE_DESCRIPTION("Teredo tunneling client (RFC 4380) with a published UDP port");
MODULE_ALIAS_RTNL_LINK("teredo");
