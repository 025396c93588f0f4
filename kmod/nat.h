/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the client learns of its NAT while qualifying (nat.c): the kind,
 * from the answers to the three router solicitations of RFC 4380 section
 * 5.2.1 and RFC 6081 section 2, and the special behaviours.
 */
#ifndef _TEREDO_NAT_H
#define _TEREDO_NAT_H

#include <linux/bits.h>
#include <linux/types.h>

#include "proto.h"

enum teredo_nat {
	TEREDO_NAT_UNKNOWN,	/* not qualified, or the probes were lost */
	TEREDO_NAT_CONE,	/* the cone RS was answered */
	TEREDO_NAT_RESTRICTED,	/* address or port restricted */
	TEREDO_NAT_SYMMETRIC,	/* a mapping per destination */
	TEREDO_NAT_NONE,	/* mapped address and port are our own */
	__TEREDO_NAT_MAX
};

/* Special behaviours (sysfs nat_flags, uevent TEREDO_NAT_FLAGS) */
enum {
	TEREDO_NAT_F_PORT_PRESERVING_BIT,	/* mapped port = local port */
	__TEREDO_NAT_F_MAX
};

#define TEREDO_NAT_F_PORT_PRESERVING	BIT(TEREDO_NAT_F_PORT_PRESERVING_BIT)

/* Room for every flag's name, a space after each, and the NUL */
#define TEREDO_NAT_FLAGS_LEN	32

extern const char * const teredo_nat_names[__TEREDO_NAT_MAX];

/**
 * struct teredo_nat_probe - the answers the kind is found from
 * @local_ip: our IPv4 address the primary's answer came to
 * @local_port: our UDP port
 * @primary: the mapping the server's primary address saw (the one we
 *	qualify with)
 * @secondary: the mapping its secondary address saw, if @have_secondary
 * @have_secondary: the secondary answered
 * @cone: the cone RS was answered, from the secondary address, before
 *	we sent anything to that address
 */
struct teredo_nat_probe {
	__be32 local_ip;
	__be16 local_port;
	struct teredo_addr_info primary;
	struct teredo_addr_info secondary;
	bool have_secondary;
	bool cone;
};

enum teredo_nat teredo_nat_classify(const struct teredo_nat_probe *p,
				    u32 *flags);
int teredo_nat_flags_str(u32 flags, char *buf, size_t len);

#endif /* _TEREDO_NAT_H */
