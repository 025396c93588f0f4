// SPDX-License-Identifier: GPL-2.0-only
/*
 * The sysfs group /sys/class/net/<dev>/teredo/: what port.c publishes
 * (port, state, address, mapping, NAT, peers), the counters, and the
 * writable conveniences (port, server, fwmark, local_discovery, rebind),
 * each checked for CAP_NET_ADMIN at write time. The netlink attributes (device.c) are the
 * configuration interface; these write the same fields.
 */

#include <linux/capability.h>
#include <linux/device.h>
#include <linux/kernel.h>
#include <linux/netdevice.h>
#include <linux/sysfs.h>
#include <uapi/linux/teredo.h>
#include <net/ipv6.h>
#include <net/net_namespace.h>

#include "client.h"
#include "counters.h"
#include "device.h"
#include "params.h"
#include "port.h"
#include "socket.h"

static struct teredo_dev *to_teredo(struct device *d)
{
	return netdev_priv(to_net_dev(d));
}

/*
 * Writers that reconfigure need CAP_NET_ADMIN over the device's namespace
 * at write time, as net-sysfs's netdev_store(): the file mode is checked
 * at open only.
 */
static bool teredo_sysfs_capable(struct device *d)
{
	return ns_capable(dev_net(to_net_dev(d))->user_ns, CAP_NET_ADMIN);
}

static ssize_t port_show(struct device *d, struct device_attribute *attr,
			 char *buf)
{
	u16 port = READ_ONCE(to_teredo(d)->pub.port);

	if (!port)
		return -ENETDOWN;
	return sysfs_emit(buf, "%u\n", port);
}

/* Writing sets the configured port (0 = ephemeral) and rebinds if up. */
static ssize_t port_store(struct device *d, struct device_attribute *attr,
			  const char *buf, size_t len)
{
	struct teredo_dev *td = to_teredo(d);
	int val, err;
	u16 old;

	if (!teredo_sysfs_capable(d))
		return -EPERM;
	err = kstrtoint(buf, 10, &val);
	if (err)
		return err;
	err = teredo_check_port(val);
	if (err)
		return err;

	mutex_lock(&td->lock);
	old = td->cfg_port;
	td->cfg_port = val;
	if (td->open && val != td->pub.port) {
		err = __teredo_socket_rebind(td, false);
		if (err)
			td->cfg_port = old;
		else
			teredo_client_reconfigure(td);
	}
	mutex_unlock(&td->lock);
	return err ? err : len;
}
static DEVICE_ATTR_RW(port);

static ssize_t state_show(struct device *d, struct device_attribute *attr,
			  char *buf)
{
	u8 state = READ_ONCE(to_teredo(d)->pub.state);

	return sysfs_emit(buf, "%s\n", teredo_state_names[state]);
}
static DEVICE_ATTR_RO(state);

static ssize_t address_show(struct device *d, struct device_attribute *attr,
			    char *buf)
{
	struct teredo_pub p;

	teredo_pub_read(&to_teredo(d)->pub, &p);
	if (ipv6_addr_any(&p.addr))
		return sysfs_emit(buf, "\n");
	return sysfs_emit(buf, "%pI6c\n", &p.addr);
}
static DEVICE_ATTR_RO(address);

static ssize_t mapped_address_show(struct device *d,
				   struct device_attribute *attr, char *buf)
{
	struct teredo_pub p;

	teredo_pub_read(&to_teredo(d)->pub, &p);
	if (!p.mapped_addr)
		return sysfs_emit(buf, "\n");
	return sysfs_emit(buf, "%pI4\n", &p.mapped_addr);
}
static DEVICE_ATTR_RO(mapped_address);

static ssize_t mapped_port_show(struct device *d,
				struct device_attribute *attr, char *buf)
{
	struct teredo_pub p;

	teredo_pub_read(&to_teredo(d)->pub, &p);
	if (!p.mapped_port)
		return sysfs_emit(buf, "\n");
	return sysfs_emit(buf, "%u\n", ntohs(p.mapped_port));
}
static DEVICE_ATTR_RO(mapped_port);

static ssize_t nat_show(struct device *d, struct device_attribute *attr,
			char *buf)
{
	struct teredo_pub p;

	teredo_pub_read(&to_teredo(d)->pub, &p);
	return sysfs_emit(buf, "%s\n", teredo_nat_names[p.nat]);
}
static DEVICE_ATTR_RO(nat);

static ssize_t nat_flags_show(struct device *d,
			      struct device_attribute *attr, char *buf)
{
	char flags[TEREDO_NAT_FLAGS_LEN];
	struct teredo_pub p;

	teredo_pub_read(&to_teredo(d)->pub, &p);
	teredo_nat_flags_str(p.nat_flags, flags, sizeof(flags));
	return sysfs_emit(buf, "%s\n", flags);
}
static DEVICE_ATTR_RO(nat_flags);

static ssize_t peers_show(struct device *d, struct device_attribute *attr,
			  char *buf)
{
	struct teredo_pub p;

	teredo_pub_read(&to_teredo(d)->pub, &p);
	return sysfs_emit(buf, "%u\n", p.peers);
}
static DEVICE_ATTR_RO(peers);

static ssize_t server_show(struct device *d, struct device_attribute *attr,
			   char *buf)
{
	__be32 server = READ_ONCE(to_teredo(d)->cfg_server);

	if (!server)
		return sysfs_emit(buf, "\n");
	return sysfs_emit(buf, "%pI4\n", &server);
}

/* The client reads cfg_server at each qualification attempt. */
static ssize_t server_store(struct device *d, struct device_attribute *attr,
			    const char *buf, size_t len)
{
	struct teredo_dev *td = to_teredo(d);
	__be32 server;
	int err;

	if (!teredo_sysfs_capable(d))
		return -EPERM;
	err = teredo_parse_server(buf, &server);
	if (err)
		return err;
	mutex_lock(&td->lock);
	WRITE_ONCE(td->cfg_server, server);
	mutex_unlock(&td->lock);
	teredo_client_reconfigure(td);
	return len;
}
static DEVICE_ATTR_RW(server);

static ssize_t fwmark_show(struct device *d, struct device_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "0x%x\n", READ_ONCE(to_teredo(d)->cfg_fwmark));
}

/*
 * The mark may change the route toward the server, hence our source
 * address: the client checks it now, as for an IPv4 address change.
 */
static ssize_t fwmark_store(struct device *d, struct device_attribute *attr,
			    const char *buf, size_t len)
{
	struct teredo_dev *td = to_teredo(d);
	u32 mark;
	int err;

	if (!teredo_sysfs_capable(d))
		return -EPERM;
	err = kstrtou32(buf, 0, &mark);
	if (err)
		return err;
	WRITE_ONCE(td->cfg_fwmark, mark);
	teredo_client_local_changed(td);
	return len;
}
static DEVICE_ATTR_RW(fwmark);

static ssize_t local_discovery_show(struct device *d,
				    struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(to_teredo(d)->cfg_discovery));
}

static ssize_t local_discovery_store(struct device *d,
				     struct device_attribute *attr,
				     const char *buf, size_t len)
{
	struct teredo_dev *td = to_teredo(d);
	bool on;
	int err;

	if (!teredo_sysfs_capable(d))
		return -EPERM;
	err = kstrtobool(buf, &on);
	if (err)
		return err;
	WRITE_ONCE(td->cfg_discovery, on);
	teredo_disc_kick(td);
	return len;
}
static DEVICE_ATTR_RW(local_discovery);

/* Only "1" (with an optional newline): a typo must not silently rebind. */
static ssize_t rebind_store(struct device *d, struct device_attribute *attr,
			    const char *buf, size_t len)
{
	int err;

	if (!teredo_sysfs_capable(d))
		return -EPERM;
	if (!sysfs_streq(buf, "1"))
		return -EINVAL;
	err = teredo_socket_rebind(to_teredo(d));
	if (!err)
		teredo_client_reconfigure(to_teredo(d));
	return err ? err : len;
}
static DEVICE_ATTR_WO(rebind);

static ssize_t drops_show(struct device *d, struct device_attribute *attr,
			  char *buf)
{
	struct teredo_dev *td = to_teredo(d);
	int i, n = 0;

	for (i = 0; i < __TEREDO_DROP_MAX; i++)
		n += sysfs_emit_at(buf, n, "%s %llu\n", teredo_drop_names[i],
				   teredo_drop_count(td, i));
	return n;
}
static DEVICE_ATTR_RO(drops);

static struct attribute *teredo_sysfs_attrs[] = {
	&dev_attr_port.attr,
	&dev_attr_state.attr,
	&dev_attr_address.attr,
	&dev_attr_mapped_address.attr,
	&dev_attr_mapped_port.attr,
	&dev_attr_server.attr,
	&dev_attr_nat.attr,
	&dev_attr_nat_flags.attr,
	&dev_attr_peers.attr,
	&dev_attr_fwmark.attr,
	&dev_attr_local_discovery.attr,
	&dev_attr_rebind.attr,
	&dev_attr_drops.attr,
	NULL
};

const struct attribute_group teredo_sysfs_group = {
	.name = TEREDO_SYSFS_GROUP,
	.attrs = teredo_sysfs_attrs,
};
