// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for kmod/socket.c: real UDP sockets in the initial namespace
 * of the KUnit kernel, opened for a device that is allocated but never
 * registered, with a publication that is never attached (no event leaves
 * the test).
 */

#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/etherdevice.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <net/net_namespace.h>

#include "device.h"
#include "port.h"
#include "socket.h"

/* How long the reader below holds its read-side section at most. */
#define HOLD_MAX	(10 * HZ)

/* Each case's device (test->priv), made by the suite's init. */
static int fake_dev_init(struct kunit *test)
{
	struct net_device *dev;
	struct teredo_dev *td;

	td = kunit_kzalloc(test, sizeof(*td), GFP_KERNEL);
	if (!td)
		return -ENOMEM;
	dev = alloc_netdev(0, "tkunit%d", NET_NAME_UNKNOWN, ether_setup);
	if (!dev)
		return -ENOMEM;
	td->dev = dev;
	mutex_init(&td->lock);
	teredo_pub_init(&td->pub, &init_net, NULL);
	test->priv = td;
	return 0;
}

/* Also after a failed assertion: no socket is left bound to @td. */
static void fake_dev_exit(struct kunit *test)
{
	struct teredo_dev *td = test->priv;

	mutex_lock(&td->lock);
	td->open = false;
	teredo_socket_close(td);
	mutex_unlock(&td->lock);
	free_netdev(td->dev);
}

static void open_dev(struct kunit *test, struct teredo_dev *td)
{
	mutex_lock(&td->lock);
	KUNIT_ASSERT_EQ(test, teredo_socket_open(td), 0);
	td->open = true;
	mutex_unlock(&td->lock);
	KUNIT_ASSERT_NE(test, td->pub.port, 0);
}

static void close_dev(struct kunit *test, struct teredo_dev *td)
{
	mutex_lock(&td->lock);
	td->open = false;
	teredo_socket_close(td);
	mutex_unlock(&td->lock);
	/* every socket the device had is closed once close returns */
	KUNIT_EXPECT_EQ(test, atomic_read(&td->retiring), 0);
	KUNIT_EXPECT_EQ(test, td->pub.port, 0);
	KUNIT_EXPECT_NULL(test, rcu_access_pointer(td->sock));
}

static int rebind(struct teredo_dev *td, u16 port, bool force)
{
	int err;

	mutex_lock(&td->lock);
	td->cfg_port = port;
	err = __teredo_socket_rebind(td, force);
	mutex_unlock(&td->lock);
	return err;
}

/* A reader of the old socket pointer, in a read-side section, waiting. */
struct holder {
	struct completion in, out;
	atomic_t release;
	bool timed_out;
};

static int hold_rcu(void *data)
{
	struct holder *h = data;
	unsigned long end = jiffies + HOLD_MAX;

	rcu_read_lock();
	complete(&h->in);
	while (!atomic_read(&h->release) && time_before(jiffies, end))
		cpu_relax();
	h->timed_out = !atomic_read(&h->release);
	rcu_read_unlock();
	complete(&h->out);
	return 0;
}

/*
 * A rebind to a new port returns while a reader still holds a read-side
 * section: it must not wait a grace period with td->lock held. Waiting
 * would last until the reader gives up (HOLD_MAX).
 */
static void rebind_does_not_wait_for_readers(struct kunit *test)
{
	struct teredo_dev *td = test->priv;
	struct task_struct *t;
	struct holder h = {};
	u16 old;

	open_dev(test, td);
	old = td->pub.port;
	init_completion(&h.in);
	init_completion(&h.out);
	t = kthread_run(hold_rcu, &h, "teredo-kunit-rcu");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	wait_for_completion(&h.in);

	KUNIT_EXPECT_EQ(test, rebind(td, 0, true), 0);
	atomic_set(&h.release, 1);
	wait_for_completion(&h.out);
	KUNIT_EXPECT_FALSE_MSG(test, h.timed_out,
			       "the rebind waited for the reader");
	KUNIT_EXPECT_NE(test, td->pub.port, 0);
	KUNIT_EXPECT_NE(test, td->pub.port, old);
	close_dev(test, td);
}

/*
 * The port a rebind just left is still bound until its socket closes, a
 * grace period later: a rebind back to it as a fixed port waits for that
 * close rather than failing with -EADDRINUSE.
 */
static void rebind_back_to_retiring_port(struct kunit *test)
{
	struct teredo_dev *td = test->priv;
	int i;

	open_dev(test, td);
	for (i = 0; i < 20; i++) {
		u16 a = td->pub.port;

		KUNIT_ASSERT_EQ(test, rebind(td, 0, true), 0);
		KUNIT_ASSERT_NE(test, td->pub.port, a);
		KUNIT_ASSERT_EQ_MSG(test, rebind(td, a, false), 0,
				    "back to port %u, round %d", a, i);
		KUNIT_ASSERT_EQ(test, td->pub.port, a);
	}
	close_dev(test, td);
}

/* Closing with sockets still retiring waits for all of them. */
static void close_waits_for_retired(struct kunit *test)
{
	struct teredo_dev *td = test->priv;
	int i;

	open_dev(test, td);
	for (i = 0; i < 50; i++)
		KUNIT_ASSERT_EQ(test, rebind(td, 0, true), 0);
	close_dev(test, td);
}

/* A rebind of a device that is down binds nothing. */
static void rebind_down(struct kunit *test)
{
	struct teredo_dev *td = test->priv;

	KUNIT_EXPECT_EQ(test, rebind(td, 0, true), -ENETDOWN);
	KUNIT_EXPECT_NULL(test, rcu_access_pointer(td->sock));
	KUNIT_EXPECT_EQ(test, td->pub.port, 0);
}

static struct kunit_case teredo_socket_cases[] = {
	KUNIT_CASE(rebind_does_not_wait_for_readers),
	KUNIT_CASE(rebind_back_to_retiring_port),
	KUNIT_CASE(close_waits_for_retired),
	KUNIT_CASE(rebind_down),
	{}
};

static struct kunit_suite teredo_socket_suite = {
	.name = "teredo_socket",
	.init = fake_dev_init,
	.exit = fake_dev_exit,
	.test_cases = teredo_socket_cases,
};

kunit_test_suite(teredo_socket_suite);

MODULE_DESCRIPTION("KUnit tests for the Teredo UDP socket");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
