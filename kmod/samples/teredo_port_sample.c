// SPDX-License-Identifier: GPL-2.0-only
/*
 * A subscriber to the Teredo port notifier, for tests and as an example.
 *
 * It logs every event in a stable format that the e2e tests grep:
 *   teredo_port_sample: event=CHANGE net=4026531840 dev=teredo0 port=X old=Y
 * and after each event calls teredo_get_port() from a timer, which runs
 * in softirq context, to show that the getter works there:
 *   teredo_port_sample: get_port ctx=softirq net=4026531840 err=0 port=X
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/interrupt.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/spinlock.h>
#include <linux/teredo.h>
#include <linux/timer.h>
#include <net/net_namespace.h>

static bool initial;
module_param(initial, bool, 0444);
MODULE_PARM_DESC(initial, "Ask for the initial events at registration");

static const char * const sample_event_names[] = {
	[TEREDO_PORT_UP] = "UP",
	[TEREDO_PORT_DOWN] = "DOWN",
	[TEREDO_PORT_CHANGE] = "CHANGE",
	[TEREDO_PORT_INITIAL] = "INITIAL",
	[TEREDO_STATE_QUALIFIED] = "QUALIFIED",
	[TEREDO_STATE_OFFLINE] = "OFFLINE",
	[TEREDO_DISCOVERY_UP] = "DISCOVERY_UP",
	[TEREDO_DISCOVERY_DOWN] = "DISCOVERY_DOWN",
};

/* The namespace of the last event, for the timer; holds a reference. */
static DEFINE_SPINLOCK(sample_lock);
static struct net *sample_net;
static struct timer_list sample_timer;

static void sample_timer_fn(struct timer_list *t)
{
	struct net *net;
	u16 port = 0;
	int err;

	spin_lock(&sample_lock);
	net = sample_net;
	sample_net = NULL;
	spin_unlock(&sample_lock);
	if (!net)
		return;
	err = teredo_get_port(net, &port);
	pr_info("get_port ctx=%s net=%u err=%d port=%u\n",
		in_serving_softirq() ? "softirq" : "other", net->ns.inum, err,
		err ? 0 : port);
	put_net(net);	/* only queues the cleanup if last */
}

static int sample_event(struct notifier_block *nb, unsigned long action,
			void *data)
{
	struct teredo_port_info *info = data;
	const char *name = "?";
	const char *dev = info->dev ? netdev_name(info->dev) : "-";
	struct net *net, *old;

	if (action < ARRAY_SIZE(sample_event_names) &&
	    sample_event_names[action])
		name = sample_event_names[action];
	if (action == TEREDO_STATE_QUALIFIED || action == TEREDO_STATE_OFFLINE)
		pr_info("event=%s net=%u dev=%s port=%u addr=%pI6c\n", name,
			info->net->ns.inum, dev, info->port, &info->addr);
	else if (action == TEREDO_DISCOVERY_UP ||
		 action == TEREDO_DISCOVERY_DOWN)
		pr_info("event=%s net=%u dev=%s port=%u disc_port=%u\n", name,
			info->net->ns.inum, dev, info->port, info->disc_port);
	else
		pr_info("event=%s net=%u dev=%s port=%u old=%u\n", name,
			info->net->ns.inum, dev, info->port, info->old_port);

	/* A dying namespace gives no reference: skip the getter then. */
	net = maybe_get_net(info->net);
	spin_lock_bh(&sample_lock);
	old = sample_net;
	sample_net = net;
	spin_unlock_bh(&sample_lock);
	if (old)
		put_net(old);
	if (net)
		mod_timer(&sample_timer, jiffies + 1);
	return NOTIFY_OK;
}

static struct notifier_block sample_nb = {
	.notifier_call = sample_event,
};

static int __init sample_init(void)
{
	int err;

	timer_setup(&sample_timer, sample_timer_fn, 0);
	err = teredo_register_port_notifier(&sample_nb, initial);
	if (err) {
		pr_err("register failed: %d\n", err);
		return err;
	}
	pr_info("registered initial=%d\n", initial);
	return 0;
}

static void __exit sample_exit(void)
{
	/* No callback runs after this returns, so none re-arms the timer. */
	teredo_unregister_port_notifier(&sample_nb);
	del_timer_sync(&sample_timer);
	if (sample_net)
		put_net(sample_net);
	pr_info("unregistered\n");
}

module_init(sample_init);
module_exit(sample_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("The kteredo authors");
MODULE_DESCRIPTION("Sample subscriber of the Teredo port notifier");
