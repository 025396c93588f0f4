// SPDX-License-Identifier: GPL-2.0-only
/*
 * teredoctl add|set|del: the "teredo" link kind over rtnetlink (libmnl).
 *
 *   teredoctl add DEV [SETTING VALUE]...   create DEV and bring it up
 *   teredoctl set DEV SETTING VALUE...     change settings of DEV
 *   teredoctl del DEV                      delete DEV
 *
 * SETTING: server (an IPv4 address or a name, resolved here: the kernel
 * takes an address), port, fwmark, refresh, restart, default-route
 * (on|off), max-peers, peer-queue, local-discovery (on|off). The kernel
 * checks the values; its
 * extended ack message is printed with the error.
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <netdb.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/teredo.h>

#include "teredoctl.h"

enum setting_type { S_SERVER, S_U16, S_U32, S_BOOL };

static const struct setting {
	const char *name;
	int attr;
	enum setting_type type;
} settings[] = {
	{ "server", IFLA_TEREDO_SERVER, S_SERVER },
	{ "port", IFLA_TEREDO_PORT, S_U16 },
	{ "fwmark", IFLA_TEREDO_FWMARK, S_U32 },
	{ "refresh", IFLA_TEREDO_REFRESH, S_U32 },
	{ "restart", IFLA_TEREDO_RESTART, S_U32 },
	{ "default-route", IFLA_TEREDO_DEFAULT_ROUTE, S_BOOL },
	{ "max-peers", IFLA_TEREDO_MAX_PEERS, S_U32 },
	{ "peer-queue", IFLA_TEREDO_PEER_QUEUE, S_U32 },
	{ "local-discovery", IFLA_TEREDO_LOCAL_DISCOVERY, S_BOOL },
};

#define N_SETTINGS	(sizeof(settings) / sizeof(settings[0]))
#define NL_BUF		8192	/* a request, or an ack with its message */

/* A whole decimal or 0x number within [0, max]; nothing else. */
static int parse_uint(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return -EINVAL;
	errno = 0;
	*v = strtoul(s, &end, 0);
	if (errno || *end)
		return -EINVAL;
	return *v > max ? -ERANGE : 0;
}

/* An IPv4 address, or the first IPv4 address of a name. */
static int resolve_server(const char *s, struct in_addr *addr)
{
	struct addrinfo hints = {
		.ai_family = AF_INET,
		.ai_socktype = SOCK_DGRAM,
	};
	struct addrinfo *res;
	int err;

	if (inet_pton(AF_INET, s, addr) == 1)
		return 0;
	err = getaddrinfo(s, NULL, &hints, &res);
	if (err) {
		fprintf(stderr, "teredoctl: server %s: %s\n", s,
			gai_strerror(err));
		return -1;
	}
	*addr = ((struct sockaddr_in *)res->ai_addr)->sin_addr;
	freeaddrinfo(res);
	return 0;
}

/* The SETTING VALUE pairs of argv into IFLA_INFO_DATA. */
static int put_settings(struct nlmsghdr *nlh, int argc, char **argv)
{
	unsigned long v;
	int i;

	if (argc % 2) {
		fprintf(stderr, "teredoctl: %s: no value\n", argv[argc - 1]);
		return -1;
	}
	for (i = 0; i < argc; i += 2) {
		const struct setting *s = NULL;
		const char *val = argv[i + 1];
		struct in_addr addr;
		size_t k;
		int err = 0;

		for (k = 0; k < N_SETTINGS; k++)
			if (!strcmp(argv[i], settings[k].name))
				s = &settings[k];
		if (!s) {
			fprintf(stderr, "teredoctl: unknown setting '%s'\n",
				argv[i]);
			return -1;
		}
		switch (s->type) {
		case S_SERVER:
			if (resolve_server(val, &addr))
				return -1;
			mnl_attr_put(nlh, s->attr, sizeof(addr.s_addr),
				     &addr.s_addr);
			break;
		case S_U16:
			err = parse_uint(val, UINT16_MAX, &v);
			if (!err)
				mnl_attr_put_u16(nlh, s->attr, v);
			break;
		case S_U32:
			err = parse_uint(val, UINT32_MAX, &v);
			if (!err)
				mnl_attr_put_u32(nlh, s->attr, v);
			break;
		case S_BOOL:
			if (!strcmp(val, "on") || !strcmp(val, "1"))
				mnl_attr_put_u8(nlh, s->attr, 1);
			else if (!strcmp(val, "off") || !strcmp(val, "0"))
				mnl_attr_put_u8(nlh, s->attr, 0);
			else
				err = -EINVAL;
			break;
		}
		if (err) {
			fprintf(stderr, "teredoctl: %s '%s': %s\n", s->name,
				val, s->type == S_BOOL ? "not on or off" :
				err == -ERANGE ? "out of range" :
				"not a number");
			return -1;
		}
	}
	return 0;
}

static int ack_attr_cb(const struct nlattr *attr, void *data)
{
	const char **msg = data;

	if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
	    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0)
		*msg = mnl_attr_get_str(attr);
	return MNL_CB_OK;
}

/*
 * Send one request, read its ack. Returns 0, or prints what the kernel
 * said (errno and extended ack message) and returns -1.
 */
static int talk(struct nlmsghdr *nlh, const char *what, const char *dev)
{
	char buf[NL_BUF];
	struct mnl_socket *nl;
	const char *msg = NULL;
	struct nlmsgerr *e;
	struct nlmsghdr *r;
	int one = 1, err = -1;
	ssize_t n;

	nl = mnl_socket_open(NETLINK_ROUTE);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		fprintf(stderr, "teredoctl: netlink: %s\n", strerror(errno));
		goto out;
	}
	/* extended acks, and without our request copied back */
	mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &one, sizeof(one));
	nlh->nlmsg_seq = time(NULL);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		fprintf(stderr, "teredoctl: netlink: %s\n", strerror(errno));
		goto out;
	}
	n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (n < 0) {
		fprintf(stderr, "teredoctl: netlink: %s\n", strerror(errno));
		goto out;
	}
	r = (struct nlmsghdr *)buf;
	if (!mnl_nlmsg_ok(r, n) || r->nlmsg_type != NLMSG_ERROR ||
	    r->nlmsg_seq != nlh->nlmsg_seq ||
	    mnl_nlmsg_get_payload_len(r) < sizeof(*e)) {
		fprintf(stderr, "teredoctl: netlink: unexpected answer\n");
		goto out;
	}
	e = mnl_nlmsg_get_payload(r);
	if (!e->error) {
		err = 0;
		goto out;
	}
	if (r->nlmsg_flags & NLM_F_ACK_TLVS) {
		/* after our request's header, or after all of it if not capped */
		size_t off = sizeof(*e);

		if (!(r->nlmsg_flags & NLM_F_CAPPED))
			off += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
		if (off <= mnl_nlmsg_get_payload_len(r))
			mnl_attr_parse(r, off, ack_attr_cb, &msg);
	}
	fprintf(stderr, "teredoctl: %s %s: %s%s%s\n", what, dev,
		strerror(-e->error), msg ? ": " : "", msg ? msg : "");
out:
	if (nl)
		mnl_socket_close(nl);
	return err;
}

static int check_dev(const char *dev)
{
	if (!*dev || strlen(dev) >= IFNAMSIZ || strchr(dev, '/') ||
	    strpbrk(dev, " \t\n:")) {
		fprintf(stderr, "teredoctl: '%s' is not a device name\n", dev);
		return -1;
	}
	return 0;
}

/* add and set: RTM_NEWLINK of kind teredo with the settings */
static int newlink(int argc, char **argv, bool create)
{
	char buf[NL_BUF];
	struct nlattr *info, *data;
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm;

	if (argc < 2 || (!create && argc < 4)) {
		teredoctl_usage(stderr);
		return 2;
	}
	if (check_dev(argv[1]))
		return 2;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	if (create)
		nlh->nlmsg_flags |= NLM_F_CREATE | NLM_F_EXCL;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	if (create) {
		/* up at once: the client starts qualifying */
		ifm->ifi_flags = IFF_UP;
		ifm->ifi_change = IFF_UP;
	}
	mnl_attr_put_strz(nlh, IFLA_IFNAME, argv[1]);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, TEREDO_LINK_KIND);
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	if (put_settings(nlh, argc - 2, argv + 2))
		return 2;
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return talk(nlh, create ? "add" : "set", argv[1]) ? 1 : 0;
}

int teredoctl_add(int argc, char **argv)
{
	return newlink(argc, argv, true);
}

int teredoctl_set(int argc, char **argv)
{
	return newlink(argc, argv, false);
}

int teredoctl_del(int argc, char **argv)
{
	char buf[NL_BUF], dev[IFNAMSIZ];
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm;

	if (argc != 2) {
		teredoctl_usage(stderr);
		return 2;
	}
	/* only a teredo device: del is not a general ip link del */
	if (teredoctl_find_dev(argv[1], dev, sizeof(dev)))
		return 1;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_DELLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, argv[1]);
	return talk(nlh, "del", argv[1]) ? 1 : 0;
}
