// SPDX-License-Identifier: GPL-2.0-only
/*
 * Validation of the addresses and ports a user configures, shared by the
 * module parameters and the rtnetlink attributes.
 */

#include <linux/errno.h>
#include <linux/inet.h>
#include <linux/in.h>
#include <linux/string.h>

#include "params.h"
#include "proto.h"

/**
 * teredo_parse_server() - parse and check a Teredo server IPv4 address
 * @str: dotted-quad string, optionally followed by one newline
 * @addr: where to store the address (network order) on success
 *
 * A Teredo server must be a global unicast IPv4 address, as Miredo's
 * is_ipv4_global_unicast() decides (teredo_ipv4_global_unicast()): it is
 * embedded in the client's Teredo address, and peers send their indirect
 * bubbles there, so RFC 4380 section 5.2.4 forbids it as any destination.
 * The documentation ranges are allowed.
 *
 * Return: 0, -EINVAL for syntax errors, -EADDRNOTAVAIL for a well-formed
 * address that cannot be a Teredo server.
 */
int teredo_parse_server(const char *str, __be32 *addr)
{
	const char *end;
	size_t len;
	__be32 a;

	if (!str || !addr)
		return -EINVAL;
	len = strlen(str);
	if (len && str[len - 1] == '\n')
		len--;
	if (!len || !in4_pton(str, len, (u8 *)&a, -1, &end) ||
	    end != str + len)
		return -EINVAL;
	if (teredo_check_server(a))
		return -EADDRNOTAVAIL;
	*addr = a;
	return 0;
}

/**
 * teredo_check_server() - check a Teredo server address given in binary
 * @a: IPv4 address, network order (the netlink attribute)
 *
 * Same rules as teredo_parse_server().
 *
 * Return: 0 or -EADDRNOTAVAIL.
 */
int teredo_check_server(__be32 a)
{
	return teredo_ipv4_global_unicast(a) ? 0 : -EADDRNOTAVAIL;
}

/**
 * teredo_check_port() - check a local UDP port setting
 * @port: 0 for an ephemeral port chosen at bind time, or 1..65535
 *
 * Return: 0 or -ERANGE.
 */
int teredo_check_port(int port)
{
	return port >= 0 && port <= 65535 ? 0 : -ERANGE;
}
