/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * kteredo userspace interface: rtnetlink attributes of the "teredo" link
 * kind, sysfs names and uevent keys.
 */
#ifndef _UAPI_LINUX_TEREDO_H
#define _UAPI_LINUX_TEREDO_H

/* IFLA_INFO_DATA of kind "teredo" */
enum {
	IFLA_TEREDO_UNSPEC,
	IFLA_TEREDO_SERVER,	/* __be32: Teredo server IPv4 address */
	IFLA_TEREDO_PORT,	/* __u16: local UDP port, 0 = ephemeral */
	IFLA_TEREDO_FWMARK,	/* __u32: mark of the UDP packets sent */
	IFLA_TEREDO_REFRESH,	/* __u32: seconds between refreshes, 5..3600 */
	IFLA_TEREDO_RESTART,	/* __u32: seconds offline before qualifying
				 * again, 1..3600
				 */
	IFLA_TEREDO_DEFAULT_ROUTE, /* __u8: 1 = default route while qualified */
	IFLA_TEREDO_MAX_PEERS,	/* __u32: peer cache entries, 1..16384 */
	IFLA_TEREDO_PEER_QUEUE,	/* __u32: bytes of memory (skb truesize)
				 * queued per peer, 0..65536
				 */
	IFLA_TEREDO_LOCAL_DISCOVERY, /* __u8: 1 = find clients behind the
				      * same NAT on the local link
				      * (224.0.0.253:3544)
				      */
	__IFLA_TEREDO_MAX
};

#define IFLA_TEREDO_MAX (__IFLA_TEREDO_MAX - 1)

#define TEREDO_LINK_KIND	"teredo"

/* /sys/class/net/<dev>/teredo/<attribute> */
#define TEREDO_SYSFS_GROUP	"teredo"
#define TEREDO_SYSFS_PORT	"port"		/* pollable; ENETDOWN if unbound */
#define TEREDO_SYSFS_STATE	"state"		/* pollable */
#define TEREDO_SYSFS_REBIND	"rebind"	/* write "1" */
#define TEREDO_SYSFS_LOCAL_DISCOVERY "local_discovery" /* 0 or 1 */

/* KOBJ_CHANGE uevent keys of a teredo net device */
#define TEREDO_UEVENT_EVENT	"TEREDO_EVENT"	  /* UP DOWN CHANGE QUALIFIED OFFLINE */
#define TEREDO_UEVENT_PORT	"TEREDO_PORT"	  /* port events only */
#define TEREDO_UEVENT_OLD_PORT	"TEREDO_OLD_PORT" /* port events only */
#define TEREDO_UEVENT_STATE	"TEREDO_STATE"	  /* off qualifying qualified offline */
#define TEREDO_UEVENT_ADDRESS	"TEREDO_ADDRESS"  /* state events only */
/*
 * QUALIFIED only: the NAT kind (unknown cone restricted symmetric none) and
 * its special behaviours, space-separated, empty if none (port-preserving),
 * as in the sysfs attributes nat and nat_flags.
 */
#define TEREDO_UEVENT_NAT	"TEREDO_NAT"
#define TEREDO_UEVENT_NAT_FLAGS	"TEREDO_NAT_FLAGS"

#endif /* _UAPI_LINUX_TEREDO_H */
