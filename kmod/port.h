/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Publication (port.c): every change of an instance's port, state and
 * mapping goes through these, which update struct teredo_pub (device.h)
 * and deliver the notifier event, sysfs_notify and uevent in order.
 */
#ifndef _TEREDO_PORT_H
#define _TEREDO_PORT_H

#include <linux/in6.h>
#include <linux/types.h>

#include "device.h"

struct net;
struct net_device;

void teredo_pub_init(struct teredo_pub *pub, struct net *net,
		     struct net_device *dev);
void teredo_pub_attach(struct teredo_pub *pub);
void teredo_pub_detach(struct teredo_pub *pub);
void teredo_pub_set_port(struct teredo_pub *pub, u16 port);
void teredo_pub_set_state(struct teredo_pub *pub, enum teredo_state state,
			  const struct in6_addr *addr);
void teredo_pub_set_discovery(struct teredo_pub *pub, u16 port);
void teredo_publish_state(struct teredo_dev *td, enum teredo_state state,
			  const struct in6_addr *addr);
void teredo_publish_mapping(struct teredo_dev *td, __be32 server,
			    __be32 mapped_addr, __be16 mapped_port,
			    enum teredo_nat nat, u32 nat_flags, u32 peers);
void teredo_pub_read(struct teredo_pub *pub, struct teredo_pub *copy);

#endif /* _TEREDO_PORT_H */
