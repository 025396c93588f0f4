// SPDX-License-Identifier: GPL-2.0-only
/*
 * A user of nf_conntrack_teredo's exceptions, for tests and as an example:
 * opens one exception at load, closes it at unload.
 *
 *   modprobe teredo_exception_sample peer=198.51.100.30 port=5000 timeout=60
 *
 * It works in the namespace of the process that loads it, and logs
 *   teredo_exception_sample: open peer=A.B.C.D port=N timeout=S err=E
 *   teredo_exception_sample: close active=0|1
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/inet.h>
#include <linux/module.h>
#include <linux/nf_conntrack_teredo.h>
#include <linux/nsproxy.h>
#include <linux/sched.h>
#include <net/net_namespace.h>

static char *peer;
module_param(peer, charp, 0444);
MODULE_PARM_DESC(peer, "IPv4 address of the peer to let in");
static ushort port;
module_param(port, ushort, 0444);
MODULE_PARM_DESC(port, "its UDP port");
static uint timeout = 60;
module_param(timeout, uint, 0444);
MODULE_PARM_DESC(timeout, "seconds (default 60)");

static struct nf_teredo_exception *sample_exc;

static int __init teredo_exception_sample_init(void)
{
	struct net *net = current->nsproxy->net_ns;
	__be32 addr;

	if (!peer || !in4_pton(peer, -1, (u8 *)&addr, '\0', NULL) || !port) {
		pr_err("usage: peer=A.B.C.D port=N [timeout=S]\n");
		return -EINVAL;
	}
	sample_exc = nf_teredo_exception_open(net, addr, htons(port), timeout);
	pr_info("open peer=%pI4 port=%u timeout=%u err=%d\n", &addr, port,
		timeout, PTR_ERR_OR_ZERO(sample_exc));
	return PTR_ERR_OR_ZERO(sample_exc);
}

static void __exit teredo_exception_sample_exit(void)
{
	pr_info("close active=%d\n", nf_teredo_exception_active(sample_exc));
	nf_teredo_exception_close(sample_exc);
}

module_init(teredo_exception_sample_init);
module_exit(teredo_exception_sample_exit);

MODULE_DESCRIPTION("Sample user of the Teredo firewall exceptions");
MODULE_LICENSE("GPL");
