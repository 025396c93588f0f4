// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for kmod/port.c: the getter's error returns and the notifier
 * semantics, driven through a fake instance (no device, no socket) in the
 * initial namespace of the KUnit kernel, which has no teredo device.
 */

#include <kunit/test.h>
#include <linux/module.h>
#include <linux/delay.h>
#include <linux/errno.h>
#include <linux/kthread.h>
#include <linux/rtnetlink.h>
#include <linux/teredo.h>
#include <net/ipv6.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "device.h"
#include "port.h"

#define REC_MAX 4096

struct rec {
	unsigned long ev;
	u16 port, old, disc;
	struct in6_addr addr;
};

struct recorder {
	struct notifier_block nb;
	struct teredo_pub *pub;		/* only its events are recorded */
	struct rec *recs;
	int n;
	int overflow;
};

static int rec_cb(struct notifier_block *nb, unsigned long ev, void *data)
{
	struct recorder *r = container_of(nb, struct recorder, nb);
	struct teredo_port_info *info = data;

	/* the fake instance is the one with no device in init_net */
	if (info->dev || info->net != &init_net)
		return NOTIFY_DONE;
	if (r->n >= REC_MAX) {
		r->overflow++;
		return NOTIFY_DONE;
	}
	r->recs[r->n].ev = ev;
	r->recs[r->n].port = info->port;
	r->recs[r->n].old = info->old_port;
	r->recs[r->n].addr = info->addr;
	r->recs[r->n].disc = info->disc_port;
	r->n++;
	return NOTIFY_OK;
}

static struct recorder *recorder_new(struct kunit *test)
{
	struct recorder *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	r->recs = kunit_kcalloc(test, REC_MAX, sizeof(*r->recs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r->recs);
	r->nb.notifier_call = rec_cb;
	return r;
}

static bool init_net_has_instance(void)
{
	struct teredo_net *tn = net_generic(&init_net, teredo_net_id);

	return rcu_access_pointer(tn->pub);
}

static struct teredo_pub *fake_attach(struct kunit *test)
{
	struct teredo_pub *pub;

	if (init_net_has_instance())
		kunit_skip(test, "init_net already has a teredo instance");
	pub = kunit_kzalloc(test, sizeof(*pub), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pub);
	teredo_pub_init(pub, &init_net, NULL);
	rtnl_lock();
	teredo_pub_attach(pub);
	rtnl_unlock();
	return pub;
}

static void fake_detach(struct teredo_pub *pub)
{
	teredo_pub_set_port(pub, 0);
	rtnl_lock();
	teredo_pub_detach(pub);
	rtnl_unlock();
	synchronize_rcu();	/* pub is freed with the test */
}

static void expect_rec(struct kunit *test, struct recorder *r, int i,
		       unsigned long ev, u16 port, u16 old)
{
	KUNIT_ASSERT_LT(test, i, r->n);
	KUNIT_EXPECT_EQ_MSG(test, r->recs[i].ev, ev, "record %d", i);
	KUNIT_EXPECT_EQ_MSG(test, r->recs[i].port, port, "record %d", i);
	KUNIT_EXPECT_EQ_MSG(test, r->recs[i].old, old, "record %d", i);
}

static void get_port_einval(struct kunit *test)
{
	u16 port = 7;

	KUNIT_EXPECT_EQ(test, teredo_get_port(NULL, &port), -EINVAL);
	KUNIT_EXPECT_EQ(test, teredo_get_port(&init_net, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, port, 7);
}

static void get_port_enodev(struct kunit *test)
{
	u16 port = 7;

	if (init_net_has_instance())
		kunit_skip(test, "init_net already has a teredo instance");
	KUNIT_EXPECT_EQ(test, teredo_get_port(&init_net, &port), -ENODEV);
	KUNIT_EXPECT_EQ(test, port, 7);
}

static void get_port_lifecycle(struct kunit *test)
{
	struct teredo_pub *pub = fake_attach(test);
	u16 port = 0;

	KUNIT_EXPECT_EQ(test, teredo_get_port(&init_net, &port), -ENETDOWN);
	teredo_pub_set_port(pub, 4000);
	KUNIT_EXPECT_EQ(test, teredo_get_port(&init_net, &port), 0);
	KUNIT_EXPECT_EQ(test, port, 4000);
	teredo_pub_set_port(pub, 4001);
	KUNIT_EXPECT_EQ(test, teredo_get_port(&init_net, &port), 0);
	KUNIT_EXPECT_EQ(test, port, 4001);
	teredo_pub_set_port(pub, 0);
	port = 9;
	KUNIT_EXPECT_EQ(test, teredo_get_port(&init_net, &port), -ENETDOWN);
	KUNIT_EXPECT_EQ(test, port, 9);
	fake_detach(pub);
	KUNIT_EXPECT_EQ(test, teredo_get_port(&init_net, &port), -ENODEV);
}

static void get_port_eafnosupport(struct kunit *test)
{
	struct teredo_pub *pub = fake_attach(test);
	int *disable = &init_net.ipv6.devconf_all->disable_ipv6;
	int saved = READ_ONCE(*disable);
	u16 port = 0;

	teredo_pub_set_port(pub, 4000);
	/* the flag only; the sysctl would also take every device down */
	WRITE_ONCE(*disable, 1);
	KUNIT_EXPECT_EQ(test, teredo_get_port(&init_net, &port), -EAFNOSUPPORT);
	WRITE_ONCE(*disable, saved);
	KUNIT_EXPECT_EQ(test, teredo_get_port(&init_net, &port), 0);
	KUNIT_EXPECT_EQ(test, port, 4000);
	fake_detach(pub);
}

static void get_port_softirq(struct kunit *test)
{
	struct teredo_pub *pub = fake_attach(test);
	u16 port = 0;
	int err;

	teredo_pub_set_port(pub, 4321);
	local_bh_disable();
	err = teredo_get_port(&init_net, &port);
	local_bh_enable();
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, port, 4321);
	fake_detach(pub);
}

static void notifier_sequence(struct kunit *test)
{
	struct teredo_pub *pub = fake_attach(test);
	struct recorder *r = recorder_new(test);

	KUNIT_ASSERT_EQ(test, teredo_register_port_notifier(&r->nb, false), 0);
	KUNIT_EXPECT_EQ(test, r->n, 0);
	teredo_pub_set_port(pub, 4000);
	teredo_pub_set_port(pub, 5000);
	teredo_pub_set_port(pub, 5000);		/* no change, no event */
	teredo_pub_set_port(pub, 0);
	teredo_pub_set_port(pub, 0);
	KUNIT_EXPECT_EQ(test, r->n, 3);
	expect_rec(test, r, 0, TEREDO_PORT_UP, 4000, 0);
	expect_rec(test, r, 1, TEREDO_PORT_CHANGE, 5000, 4000);
	expect_rec(test, r, 2, TEREDO_PORT_DOWN, 0, 5000);

	KUNIT_EXPECT_EQ(test, teredo_unregister_port_notifier(&r->nb), 0);
	teredo_pub_set_port(pub, 6000);
	KUNIT_EXPECT_EQ(test, r->n, 3);
	KUNIT_EXPECT_EQ(test, teredo_unregister_port_notifier(&r->nb), -ENOENT);
	fake_detach(pub);
}

static void notifier_initial(struct kunit *test)
{
	struct teredo_pub *pub = fake_attach(test);
	struct recorder *a = recorder_new(test);
	struct recorder *b = recorder_new(test);
	struct recorder *c = recorder_new(test);

	/* unbound: nothing to report */
	KUNIT_ASSERT_EQ(test, teredo_register_port_notifier(&c->nb, true), 0);
	KUNIT_EXPECT_EQ(test, c->n, 0);

	teredo_pub_set_port(pub, 4000);
	KUNIT_ASSERT_EQ(test, teredo_register_port_notifier(&a->nb, true), 0);
	KUNIT_ASSERT_EQ(test, teredo_register_port_notifier(&b->nb, false), 0);
	/* delivered before register returned, to the new subscriber only */
	KUNIT_EXPECT_EQ(test, a->n, 1);
	expect_rec(test, a, 0, TEREDO_PORT_INITIAL, 4000, 0);
	KUNIT_EXPECT_EQ(test, b->n, 0);
	KUNIT_EXPECT_EQ(test, c->n, 1);		/* c saw the UP */

	teredo_pub_set_port(pub, 4001);
	KUNIT_EXPECT_EQ(test, a->n, 2);
	expect_rec(test, a, 1, TEREDO_PORT_CHANGE, 4001, 4000);
	KUNIT_EXPECT_EQ(test, b->n, 1);
	expect_rec(test, b, 0, TEREDO_PORT_CHANGE, 4001, 4000);

	teredo_unregister_port_notifier(&a->nb);
	teredo_unregister_port_notifier(&b->nb);
	teredo_unregister_port_notifier(&c->nb);
	fake_detach(pub);
}

static void notifier_state(struct kunit *test)
{
	static const struct in6_addr a1 = {
		.s6_addr = { 0x20, 0x01, 0, 0, 0xc0, 0, 0x02, 0x01,
			     0x80, 0, 0xcf, 0xc6, 0x3f, 0xff, 0xfd, 0x74 },
	};
	struct teredo_pub *pub = fake_attach(test);
	struct recorder *r = recorder_new(test);

	KUNIT_ASSERT_EQ(test, teredo_register_port_notifier(&r->nb, false), 0);
	/* unbound: the state stays off, no event */
	teredo_pub_set_state(pub, TEREDO_ST_QUALIFIED, &a1);
	KUNIT_EXPECT_EQ(test, r->n, 0);
	KUNIT_EXPECT_EQ(test, pub->state, TEREDO_ST_OFF);

	teredo_pub_set_port(pub, 12345);
	KUNIT_EXPECT_EQ(test, pub->state, TEREDO_ST_QUALIFYING);
	teredo_pub_set_state(pub, TEREDO_ST_QUALIFIED, &a1);
	teredo_pub_set_state(pub, TEREDO_ST_QUALIFIED, &a1); /* refresh */
	teredo_pub_set_state(pub, TEREDO_ST_OFFLINE, NULL);
	teredo_pub_set_state(pub, TEREDO_ST_OFFLINE, NULL);
	teredo_pub_set_state(pub, TEREDO_ST_QUALIFYING, NULL);
	KUNIT_ASSERT_EQ(test, r->n, 4);
	expect_rec(test, r, 0, TEREDO_PORT_UP, 12345, 0);
	expect_rec(test, r, 1, TEREDO_STATE_QUALIFIED, 12345, 12345);
	KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&r->recs[1].addr, &a1));
	expect_rec(test, r, 2, TEREDO_STATE_QUALIFIED, 12345, 12345);
	expect_rec(test, r, 3, TEREDO_STATE_OFFLINE, 12345, 12345);
	KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&r->recs[3].addr, &a1));
	KUNIT_EXPECT_EQ(test, pub->state, TEREDO_ST_QUALIFYING);

	/* unbinding forgets the address */
	teredo_pub_set_port(pub, 0);
	KUNIT_EXPECT_EQ(test, pub->state, TEREDO_ST_OFF);
	KUNIT_EXPECT_TRUE(test, ipv6_addr_any(&pub->addr));
	teredo_unregister_port_notifier(&r->nb);
	fake_detach(pub);
}

/* The static port of local discovery: its getter, events and INITIAL. */
static void discovery_port(struct kunit *test)
{
	struct teredo_pub *pub = fake_attach(test);
	struct recorder *r = recorder_new(test);
	struct recorder *late = recorder_new(test);
	u16 port = 7;

	KUNIT_EXPECT_EQ(test, teredo_get_discovery_port(NULL, &port), -EINVAL);
	KUNIT_EXPECT_EQ(test, teredo_get_discovery_port(&init_net, NULL),
			-EINVAL);
	KUNIT_ASSERT_EQ(test, teredo_register_port_notifier(&r->nb, false), 0);
	teredo_pub_set_port(pub, 4000);
	KUNIT_EXPECT_EQ(test, teredo_get_discovery_port(&init_net, &port),
			-ENETDOWN);
	KUNIT_EXPECT_EQ(test, port, 7);
	teredo_pub_set_discovery(pub, TEREDO_DISCOVERY_PORT);
	teredo_pub_set_discovery(pub, TEREDO_DISCOVERY_PORT);	/* no event */
	KUNIT_EXPECT_EQ(test, teredo_get_discovery_port(&init_net, &port), 0);
	KUNIT_EXPECT_EQ(test, port, TEREDO_DISCOVERY_PORT);
	/* the dynamic port is unchanged, and its events carry both */
	KUNIT_EXPECT_EQ(test, teredo_get_port(&init_net, &port), 0);
	KUNIT_EXPECT_EQ(test, port, 4000);
	KUNIT_ASSERT_EQ(test, teredo_register_port_notifier(&late->nb, true),
			0);
	teredo_pub_set_port(pub, 4001);
	teredo_pub_set_discovery(pub, 0);
	KUNIT_EXPECT_EQ(test, teredo_get_discovery_port(&init_net, &port),
			-ENETDOWN);
	KUNIT_ASSERT_EQ(test, r->n, 4);
	expect_rec(test, r, 0, TEREDO_PORT_UP, 4000, 0);
	KUNIT_EXPECT_EQ(test, r->recs[0].disc, 0);
	expect_rec(test, r, 1, TEREDO_DISCOVERY_UP, 4000, 4000);
	KUNIT_EXPECT_EQ(test, r->recs[1].disc, TEREDO_DISCOVERY_PORT);
	expect_rec(test, r, 2, TEREDO_PORT_CHANGE, 4001, 4000);
	KUNIT_EXPECT_EQ(test, r->recs[2].disc, TEREDO_DISCOVERY_PORT);
	expect_rec(test, r, 3, TEREDO_DISCOVERY_DOWN, 4001, 4001);
	KUNIT_EXPECT_EQ(test, r->recs[3].disc, 0);
	KUNIT_ASSERT_GE(test, late->n, 1);
	expect_rec(test, late, 0, TEREDO_PORT_INITIAL, 4000, 0);
	KUNIT_EXPECT_EQ(test, late->recs[0].disc, TEREDO_DISCOVERY_PORT);
	teredo_unregister_port_notifier(&r->nb);
	teredo_unregister_port_notifier(&late->nb);
	fake_detach(pub);
}

static void notifier_bad_args(struct kunit *test)
{
	struct notifier_block nb = {};

	KUNIT_EXPECT_EQ(test, teredo_register_port_notifier(NULL, true),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, teredo_register_port_notifier(&nb, true),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, teredo_unregister_port_notifier(NULL), -EINVAL);
}

/*
 * Registration with initial=true racing a stream of port changes: whatever
 * the interleaving, the subscriber must see INITIAL with the port of that
 * moment and then every later change exactly once, each starting from the
 * port the previous one ended on.
 */
#define RACE_CHANGES	2000

static int race_thread(void *data)
{
	struct teredo_pub *pub = data;
	int i;

	for (i = 0; i < RACE_CHANGES; i++) {
		teredo_pub_set_port(pub, 1000 + i % 997);
		if (!(i % 64))
			cond_resched();
	}
	return 0;
}

static void notifier_initial_race(struct kunit *test)
{
	struct teredo_pub *pub = fake_attach(test);
	struct recorder *r;
	struct task_struct *t;
	u16 cur;
	int i, round;

	for (round = 0; round < 4; round++) {
		r = recorder_new(test);
		teredo_pub_set_port(pub, 999);
		t = kthread_run(race_thread, pub, "teredo-race");
		KUNIT_ASSERT_FALSE(test, IS_ERR(t));
		get_task_struct(t);
		udelay(50 * round);
		KUNIT_ASSERT_EQ(test,
				teredo_register_port_notifier(&r->nb, true), 0);
		kthread_stop(t);
		put_task_struct(t);
		teredo_unregister_port_notifier(&r->nb);

		KUNIT_ASSERT_EQ(test, r->overflow, 0);
		KUNIT_ASSERT_GE(test, r->n, 1);
		KUNIT_EXPECT_EQ(test, r->recs[0].ev, TEREDO_PORT_INITIAL);
		cur = r->recs[0].port;
		for (i = 1; i < r->n; i++) {
			KUNIT_EXPECT_EQ_MSG(test, r->recs[i].ev,
					    TEREDO_PORT_CHANGE, "event %d", i);
			KUNIT_EXPECT_EQ_MSG(test, r->recs[i].old, cur,
					    "event %d", i);
			cur = r->recs[i].port;
		}
		/* the last event left the subscriber where the instance is */
		KUNIT_EXPECT_EQ(test, cur, READ_ONCE(pub->port));
	}
	fake_detach(pub);
}

static struct kunit_case teredo_port_cases[] = {
	KUNIT_CASE(get_port_einval),
	KUNIT_CASE(get_port_enodev),
	KUNIT_CASE(get_port_lifecycle),
	KUNIT_CASE(get_port_eafnosupport),
	KUNIT_CASE(get_port_softirq),
	KUNIT_CASE(notifier_sequence),
	KUNIT_CASE(notifier_initial),
	KUNIT_CASE(notifier_state),
	KUNIT_CASE(discovery_port),
	KUNIT_CASE(notifier_bad_args),
	KUNIT_CASE(notifier_initial_race),
	{}
};

static struct kunit_suite teredo_port_suite = {
	.name = "teredo_port",
	.test_cases = teredo_port_cases,
};

kunit_test_suite(teredo_port_suite);

MODULE_DESCRIPTION("KUnit tests for Teredo port publication");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
