// SPDX-License-Identifier: GPL-2.0-only
/*
 * teredoctl nft-sync: keep a named nft set equal to the Teredo port.
 *
 *   teredoctl nft-sync [-f FAMILY] -t TABLE -s SET [-i SECONDS] [-1] [DEV]
 *
 * The set (type inet_service) holds exactly the port the client is bound
 * to, or nothing while it is not bound. Woken by poll() on
 * /sys/class/net/DEV/teredo/port (POLLPRI|POLLERR, re-read from offset 0)
 * and by nftables ruleset changes (netlink group NFNLGRP_NFTABLES), so
 * that a ruleset reload that drops the element gets it back at once; a
 * periodic re-check (-i, default 30 s) covers anything missed. Missing
 * table or set: an error message, then it waits for them. -1: sync once
 * and exit (status 1 if the table or set is missing).
 *
 * Each change prints one line:
 *   nft-sync: inet teredo_fw teredo_port = 40000
 *
 * The names are pasted into nft commands, so only nft identifiers pass,
 * and the set is read as libnftables JSON: a set of another type than
 * inet_service is refused (with -1: status 1; else reported once and
 * left alone, as a missing one), never rewritten.
 */

#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <jansson.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <nftables/libnftables.h>

#include "teredoctl.h"

/* what nft-sync last said of the set */
enum set_state { SET_UNSEEN, SET_OK, SET_MISSING, SET_WRONG_TYPE };

struct nft_sync {
	struct nft_ctx *nft;
	const char *family, *table, *set;
	char dev[IFNAMSIZ_MAX];
	enum set_state state;
	long last;		/* last port written, -1 none, -2 unknown */
};

/* Run one nft command; its output in *out (owned by the context). */
static int nft_cmd(struct nft_sync *s, const char **out, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n, rc;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return -ENAMETOOLONG;
	rc = nft_run_cmd_from_buffer(s->nft, buf);
	if (out)
		*out = nft_ctx_get_output_buffer(s->nft);
	return rc ? -EIO : 0;
}

/*
 * The set's elements, from "list set" in JSON: -ENOENT if the set is
 * missing, -EPROTOTYPE (*type set) if its type is not inet_service, else
 * the number of elements (the first port in *port; a range or any other
 * element is counted, so that it is replaced).
 */
static int set_elements(struct nft_sync *s, long *port, char *type,
			size_t typelen)
{
	unsigned int flags = nft_ctx_output_get_flags(s->nft);
	json_t *root, *items, *item, *set, *elem, *e;
	const char *out, *t;
	size_t i, j;
	int n = -ENOENT, err;

	nft_ctx_output_set_flags(s->nft, flags | NFT_CTX_OUTPUT_JSON);
	err = nft_cmd(s, &out, "list set %s %s %s", s->family, s->table,
		      s->set);
	nft_ctx_output_set_flags(s->nft, flags);
	if (err)
		return -ENOENT;
	root = json_loads(out, 0, NULL);
	items = json_object_get(root, "nftables");
	json_array_foreach(items, i, item) {
		set = json_object_get(item, "set");
		if (!set)
			continue;
		t = json_string_value(json_object_get(set, "type"));
		if (!t || strcmp(t, "inet_service")) {
			snprintf(type, typelen, "%s", t ? t : "(concatenation)");
			n = -EPROTOTYPE;
			break;
		}
		n = 0;
		elem = json_object_get(set, "elem");
		json_array_foreach(elem, j, e) {
			if (n == 0)
				*port = json_is_integer(e) ?
					(long)json_integer_value(e) : -1;
			n++;
		}
		break;
	}
	json_decref(root);
	return n;
}

/* Make the set hold @port (or nothing if @port < 0). */
static int sync_set(struct nft_sync *s, long port)
{
	char type[64];
	long cur = -1;
	int n, err;

	n = set_elements(s, &cur, type, sizeof(type));
	if (n == -EPROTOTYPE) {
		if (s->state != SET_WRONG_TYPE)
			fprintf(stderr,
				"nft-sync: %s %s %s has type %s, not inet_service: "
				"left alone\n", s->family, s->table, s->set,
				type);
		s->state = SET_WRONG_TYPE;
		s->last = -2;
		return n;
	}
	if (n < 0) {
		if (s->state != SET_MISSING)
			fprintf(stderr,
				"nft-sync: table %s %s or its set %s is missing: %s"
				"waiting for it\n", s->family, s->table, s->set,
				nft_ctx_get_error_buffer(s->nft));
		s->state = SET_MISSING;
		s->last = -2;
		return -ENOENT;
	}
	if (s->state == SET_MISSING || s->state == SET_WRONG_TYPE)
		fprintf(stderr, "nft-sync: %s %s %s is there\n", s->family,
			s->table, s->set);
	s->state = SET_OK;

	if ((port < 0 && n == 0) || (port >= 0 && n == 1 && cur == port)) {
		s->last = port;
		return 0;
	}
	/* one transaction: never an empty set between two ports */
	if (port >= 0)
		err = nft_cmd(s, NULL,
			      "flush set %s %s %s\nadd element %s %s %s { %ld }",
			      s->family, s->table, s->set, s->family,
			      s->table, s->set, port);
	else
		err = nft_cmd(s, NULL, "flush set %s %s %s", s->family,
			      s->table, s->set);
	if (err) {
		fprintf(stderr, "nft-sync: cannot update %s %s %s: %s",
			s->family, s->table, s->set,
			nft_ctx_get_error_buffer(s->nft));
		s->last = -2;
		return err;
	}
	if (port >= 0)
		printf("nft-sync: %s %s %s = %ld\n", s->family, s->table,
		       s->set, port);
	else
		printf("nft-sync: %s %s %s = (none)\n", s->family, s->table,
		       s->set);
	fflush(stdout);
	s->last = port;
	return 0;
}

/* An nft identifier: a letter, then letters, digits, '/', '\\', '_', '.' */
static bool nft_identifier(const char *name)
{
	const char *p = name;

	if (!isalpha((unsigned char)*p) || strlen(name) > 255)
		return false;
	while (*++p)
		if (!isalnum((unsigned char)*p) && !strchr("/\\_.", *p))
			return false;
	return true;
}

static bool nft_family(const char *name)
{
	static const char *const families[] = {
		"ip", "ip6", "inet", "arp", "bridge", "netdev",
	};
	size_t i;

	for (i = 0; i < sizeof(families) / sizeof(families[0]); i++)
		if (!strcmp(name, families[i]))
			return true;
	return false;
}

/* The port from the sysfs attribute @fd, -1 if not bound. */
static long read_port(int fd)
{
	char buf[32], *end;
	long v;

	if (teredoctl_read_fd(fd, buf, sizeof(buf)) < 0)
		return -1;
	v = strtol(buf, &end, 10);
	if (end == buf || v <= 0 || v > 65535)
		return -1;
	return v;
}

static int open_port(const char *dev)
{
	char path[PATH_MAX];

	if (teredoctl_attr_path(path, sizeof(path), dev, "port"))
		return -1;
	return open(path, O_RDONLY | O_CLOEXEC);
}

/* Drain the nftables notifications: we only need to know there were any. */
static void drain(struct mnl_socket *nl)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	int i;

	for (i = 0; i < 1024; i++)
		if (recv(mnl_socket_get_fd(nl), buf, sizeof(buf),
			 MSG_DONTWAIT) < 0 && errno != ENOBUFS)
			break;
}

static struct mnl_socket *monitor_open(void)
{
	int group = NFNLGRP_NFTABLES;
	struct mnl_socket *nl;

	nl = mnl_socket_open(NETLINK_NETFILTER);
	if (!nl)
		return NULL;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0 ||
	    mnl_socket_setsockopt(nl, NETLINK_ADD_MEMBERSHIP, &group,
				  sizeof(group)) < 0) {
		mnl_socket_close(nl);
		return NULL;
	}
	return nl;
}

int teredoctl_nft_sync(int argc, char **argv)
{
	struct nft_sync s = { .family = "inet", .last = -2 };
	struct mnl_socket *nl = NULL;
	int opt, fd = -1, rc = 0;
	long interval = 30;
	bool once = false;

	static const struct option longopts[] = {
		{ "family", required_argument, NULL, 'f' },
		{ "table", required_argument, NULL, 't' },
		{ "set", required_argument, NULL, 's' },
		{ "interval", required_argument, NULL, 'i' },
		{ "once", no_argument, NULL, '1' },
		{ }
	};

	optind = 1;
	while ((opt = getopt_long(argc, argv, "f:t:s:i:1", longopts,
				  NULL)) != -1) {
		switch (opt) {
		case 'f':
			s.family = optarg;
			break;
		case 't':
			s.table = optarg;
			break;
		case 's':
			s.set = optarg;
			break;
		case 'i': {
			char *end;

			errno = 0;
			interval = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end)
				goto usage;
			break;
		}
		case '1':
			once = true;
			break;
		default:
			goto usage;
		}
	}
	if (!s.table || !s.set || interval < 1 || interval > 86400 ||
	    argc - optind > 1)
		goto usage;
	if (!nft_family(s.family)) {
		fprintf(stderr, "nft-sync: unknown nft family '%s'\n",
			s.family);
		goto usage;
	}
	if (!nft_identifier(s.table) || !nft_identifier(s.set)) {
		fprintf(stderr, "nft-sync: '%s' is not an nft identifier\n",
			nft_identifier(s.table) ? s.set : s.table);
		goto usage;
	}
	if (teredoctl_find_dev(argc > optind ? argv[optind] : NULL, s.dev,
			       sizeof(s.dev)))
		return 1;

	s.nft = nft_ctx_new(NFT_CTX_DEFAULT);
	if (!s.nft) {
		fprintf(stderr, "nft-sync: cannot create an nft context\n");
		return 1;
	}
	nft_ctx_buffer_output(s.nft);
	nft_ctx_buffer_error(s.nft);

	if (once) {
		fd = open_port(s.dev);
		rc = sync_set(&s, fd < 0 ? -1 : read_port(fd)) ? 1 : 0;
		goto out;
	}

	nl = monitor_open();
	if (!nl)
		fprintf(stderr,
			"nft-sync: no nftables monitor (%m), re-checking every %ld s\n",
			interval);
	for (;;) {
		struct pollfd pfd[2];
		int n = 0, r;

		if (fd < 0)
			fd = open_port(s.dev);
		sync_set(&s, fd < 0 ? -1 : read_port(fd));

		if (fd >= 0) {
			pfd[n].fd = fd;
			pfd[n].events = POLLPRI | POLLERR;
			n++;
		}
		if (nl) {
			pfd[n].fd = mnl_socket_get_fd(nl);
			pfd[n].events = POLLIN;
			n++;
		}
		r = poll(pfd, n, (int)interval * 1000);
		if (r < 0 && errno != EINTR) {
			fprintf(stderr, "nft-sync: poll: %m\n");
			rc = 1;
			break;
		}
		if (nl && n && (pfd[n - 1].revents & POLLIN))
			drain(nl);
		/*
		 * Unreadable after a notification: the port went down or the
		 * device went away (a stale attribute polls as an error
		 * forever). Reopen at the next round.
		 */
		if (fd >= 0 && (pfd[0].revents & (POLLERR | POLLNVAL)) &&
		    read_port(fd) < 0) {
			close(fd);
			fd = -1;
		}
	}
out:
	if (nl)
		mnl_socket_close(nl);
	if (fd >= 0)
		close(fd);
	nft_ctx_free(s.nft);
	return rc;
usage:
	fprintf(stderr,
		"usage: teredoctl nft-sync [-f FAMILY] -t TABLE -s SET [-i SECONDS] [-1] [DEV]\n");
	return 2;
}
