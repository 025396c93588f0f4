// SPDX-License-Identifier: GPL-2.0-only
/*
 * The NAT kind, from what the server's two addresses saw (RFC 4380
 * section 5.2.1, RFC 6081 section 2). Pure; client.c sends the probes.
 *
 * A Teredo server cannot tell an address-restricted NAT from a
 * port-restricted one (it would have to answer from another port), so both
 * are "restricted", as Windows reports them.
 */

#include <kunit/visibility.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "nat.h"

const char * const teredo_nat_names[__TEREDO_NAT_MAX] = {
	[TEREDO_NAT_UNKNOWN] = "unknown",
	[TEREDO_NAT_CONE] = "cone",
	[TEREDO_NAT_RESTRICTED] = "restricted",
	[TEREDO_NAT_SYMMETRIC] = "symmetric",
	[TEREDO_NAT_NONE] = "none",
};

static const char * const teredo_nat_flag_names[__TEREDO_NAT_F_MAX] = {
	[TEREDO_NAT_F_PORT_PRESERVING_BIT] = "port-preserving",
};

static bool teredo_nat_same_mapping(const struct teredo_addr_info *a,
				    const struct teredo_addr_info *b)
{
	return a->mapped_ip == b->mapped_ip && a->mapped_port == b->mapped_port;
}

/**
 * teredo_nat_classify() - the NAT kind and behaviours from the probes
 * @p: the answers
 * @flags: set to the TEREDO_NAT_F_* behaviours seen
 *
 * In order: the mapping is our own address and port: none; the secondary
 * saw another mapping: symmetric; the cone RS was answered: cone; the
 * secondary answered the same mapping: restricted; else unknown.
 *
 * Return: the kind.
 */
enum teredo_nat teredo_nat_classify(const struct teredo_nat_probe *p,
				    u32 *flags)
{
	bool own_ip = p->primary.mapped_ip == p->local_ip;
	bool own_port = p->primary.mapped_port == p->local_port;

	*flags = 0;
	if (own_ip && own_port)
		return TEREDO_NAT_NONE;
	if (own_port)
		*flags |= TEREDO_NAT_F_PORT_PRESERVING;
	if (p->have_secondary &&
	    !teredo_nat_same_mapping(&p->primary, &p->secondary))
		return TEREDO_NAT_SYMMETRIC;
	if (p->cone)
		return TEREDO_NAT_CONE;
	if (p->have_secondary)
		return TEREDO_NAT_RESTRICTED;
	return TEREDO_NAT_UNKNOWN;
}
EXPORT_SYMBOL_IF_KUNIT(teredo_nat_classify);

/**
 * teredo_nat_flags_str() - the behaviours' names
 * @flags: TEREDO_NAT_F_* bits (unknown ones are left out)
 * @buf: output, "" or names separated by spaces
 * @len: room in @buf, TEREDO_NAT_FLAGS_LEN is always enough
 *
 * Return: the length written, or -%ENOSPC (@buf then holds "").
 */
int teredo_nat_flags_str(u32 flags, char *buf, size_t len)
{
	size_t n = 0, l;
	int i;

	if (!len)
		return -ENOSPC;
	buf[0] = '\0';
	for (i = 0; i < __TEREDO_NAT_F_MAX; i++) {
		if (!(flags & BIT(i)))
			continue;
		l = strlen(teredo_nat_flag_names[i]);
		if (n + !!n + l >= len) {
			buf[0] = '\0';
			return -ENOSPC;
		}
		if (n)
			buf[n++] = ' ';
		memcpy(buf + n, teredo_nat_flag_names[i], l + 1);
		n += l;
	}
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(teredo_nat_flags_str);
