// SPDX-License-Identifier: GPL-2.0-only
/*
 * teredoctl: set up, look at and poke the kteredo client.
 *
 *   teredoctl add DEV [SETTING VALUE]...   create a device (link.c)
 *   teredoctl set DEV SETTING VALUE...     change its settings (link.c)
 *   teredoctl del DEV                      delete it (link.c)
 *   teredoctl status [-j] [DEV]   state, port, addresses (-j: JSON)
 *   teredoctl watch [DEV]         one line per port or state change,
 *                                 until killed
 *   teredoctl rebind [DEV]        move the client to a new port
 *   teredoctl nft-sync -t TABLE -s SET [DEV]   keep an nft set equal to
 *                                 the port (nft_sync.c)
 *
 * DEV defaults to the first net device that has a teredo/ directory.
 * add, set and del speak rtnetlink; the rest comes from
 * /sys/class/net/DEV/teredo/ (SYSFS_NET overrides /sys/class/net, for
 * tests).
 */

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "teredoctl.h"

#ifndef TEREDOCTL_VERSION
#define TEREDOCTL_VERSION "unknown"
#endif

static const char *sysfs_net = "/sys/class/net";

static void usage(FILE *f)
{
	fprintf(f,
		"usage: teredoctl add DEV [SETTING VALUE]...\n"
		"       teredoctl set DEV SETTING VALUE...\n"
		"       teredoctl del DEV\n"
		"       teredoctl status [-j|--json] [DEV]\n"
		"       teredoctl watch [DEV]\n"
		"       teredoctl rebind [DEV]\n"
		"       teredoctl nft-sync [-f FAMILY] -t TABLE -s SET [-i SECONDS] [-1] [DEV]\n"
		"       teredoctl --help | --version\n"
		"nft-sync long options: --family, --table, --set, --interval, --once;\n"
		"-h, --help and -V, --version work after any command too.\n"
		"SETTING: server ADDRESS|NAME, port N, fwmark N, refresh SECONDS,\n"
		"         restart SECONDS, default-route on|off, max-peers N,\n"
		"         peer-queue BYTES, local-discovery on|off\n");
}

static int attr_path(char *buf, size_t len, const char *dev, const char *attr)
{
	int n = snprintf(buf, len, "%s/%s/teredo/%s", sysfs_net, dev, attr);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* Reads from offset 0 of @fd, strips the newline. Returns 0 or -errno. */
static int read_fd(int fd, char *buf, size_t len)
{
	ssize_t n;

	n = pread(fd, buf, len - 1, 0);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static int read_attr(const char *dev, const char *attr, char *buf,
		     size_t len)
{
	char path[PATH_MAX];
	int fd, err;

	err = attr_path(path, sizeof(path), dev, attr);
	if (err)
		return err;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = read_fd(fd, buf, len);
	close(fd);
	return err;
}

static bool is_teredo(const char *dev)
{
	char path[PATH_MAX];

	if (attr_path(path, sizeof(path), dev, "port"))
		return false;
	return access(path, F_OK) == 0;
}

/* The named device, or the first teredo device found. */
static int find_dev(const char *want, char *dev, size_t len)
{
	struct dirent *de;
	DIR *d;

	if (want) {
		if (strchr(want, '/') || strlen(want) >= len) {
			fprintf(stderr, "teredoctl: bad device name %s\n", want);
			return -1;
		}
		if (!is_teredo(want)) {
			fprintf(stderr, "teredoctl: %s is not a teredo device\n",
				want);
			return -1;
		}
		strcpy(dev, want);
		return 0;
	}
	d = opendir(sysfs_net);
	if (!d) {
		fprintf(stderr, "teredoctl: %s: %s\n", sysfs_net,
			strerror(errno));
		return -1;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || strlen(de->d_name) >= len)
			continue;
		if (is_teredo(de->d_name)) {
			strcpy(dev, de->d_name);
			closedir(d);
			return 0;
		}
	}
	closedir(d);
	fprintf(stderr, "teredoctl: no teredo device (modprobe teredo?)\n");
	return -1;
}

/*
 * A JSON string whatever @s holds: quotes, backslashes, control bytes and
 * bytes outside ASCII (sysfs promises no encoding) are escaped, so the
 * output always parses.
 */
static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

/* A JSON number: a decimal integer without sign or leading zero. */
static bool json_is_uint(const char *s)
{
	size_t n = strspn(s, "0123456789");

	return n && n <= 19 && !s[n] && (s[0] != '0' || n == 1);
}

/*
 * Empty or unreadable values become null; @number prints them bare if
 * they are numbers, else null: what the kernel wrote is checked, not
 * trusted.
 */
static void json_field(const char *key, const char *val, int err, bool number)
{
	printf(",");
	json_string(key);
	printf(":");
	if (err || !*val || (number && !json_is_uint(val)))
		printf("null");
	else if (number)
		printf("%s", val);
	else
		json_string(val);
}

static const char * const status_attrs[] = {
	"state", "port", "address", "server", "mapped_address",
	"mapped_port", "nat", "nat_flags", "peers", "fwmark",
	"local_discovery",
};

static bool status_is_number(const char *attr)
{
	return !strcmp(attr, "port") || !strcmp(attr, "mapped_port") ||
	       !strcmp(attr, "peers") || !strcmp(attr, "local_discovery");
}

/* drops holds "reason count" lines; humans only see the non-zero ones. */
static void print_drops(const char *dev, bool json)
{
	char path[PATH_MAX], name[64];
	bool first = true;
	long long n;
	FILE *f;

	if (attr_path(path, sizeof(path), dev, "drops") ||
	    !(f = fopen(path, "re"))) {
		if (json)
			printf(",\"drops\":null");
		return;
	}
	if (json)
		printf(",\"drops\":{");
	else
		printf("  %-15s", "drops");
	while (fscanf(f, "%63s %lld", name, &n) == 2) {
		if (json) {
			printf("%s", first ? "" : ",");
			json_string(name);
			printf(":%lld", n);
			first = false;
		} else if (n) {
			printf(" %s=%lld", name, n);
			first = false;
		}
	}
	fclose(f);
	if (json)
		printf("}");
	else
		printf("%s\n", first ? " none" : "");
}

static int cmd_status(int argc, char **argv)
{
	char dev[NAME_MAX + 1], val[256];
	bool json = false;
	size_t i;
	int opt, err;

	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ }
	};

	while ((opt = getopt_long(argc, argv, "j", longopts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			json = true;
			break;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (argc - optind > 1) {
		usage(stderr);
		return 2;
	}
	if (find_dev(optind < argc ? argv[optind] : NULL, dev, sizeof(dev)))
		return 1;

	if (json) {
		printf("{\"dev\":");
		json_string(dev);
	} else {
		printf("%s:\n", dev);
	}
	for (i = 0; i < sizeof(status_attrs) / sizeof(status_attrs[0]); i++) {
		const char *a = status_attrs[i];

		err = read_attr(dev, a, val, sizeof(val));
		if (json)
			json_field(a, val, err, status_is_number(a));
		else if (err == -ENETDOWN)
			printf("  %-15s (not bound)\n", a);
		else if (err)
			printf("  %-15s (%s)\n", a, strerror(-err));
		else
			printf("  %-15s %s\n", a, *val ? val : "-");
	}
	print_drops(dev, json);
	if (json)
		printf("}\n");
	/* as systemctl is-active: 3 for "up but not in service" */
	if (read_attr(dev, "state", val, sizeof(val)) ||
	    strcmp(val, "qualified"))
		return 3;
	return 0;
}

static void print_port(const char *dev, int err, const char *val)
{
	if (!err)
		printf("%s port %s\n", dev, val);
	else if (err == -ENETDOWN)
		printf("%s port down\n", dev);
	else
		printf("%s port error %s\n", dev, strerror(-err));
}

/* One pollable sysfs file of watch, and what it said last. */
struct watched {
	const char *attr;
	int fd;
	int err;		/* of the last read, 1 before the first */
	char last[64];
};

/* Reads @w again; prints a line if it changed. Returns -ENODEV if gone. */
static int watch_read(const char *dev, struct watched *w)
{
	char val[64];
	int err;

	err = read_fd(w->fd, val, sizeof(val));
	if (err == -ENODEV || err == -ENOENT)
		return -ENODEV;
	if (err == w->err && (err || !strcmp(val, w->last)))
		return 0;
	if (!strcmp(w->attr, "port"))
		print_port(dev, err, val);
	else if (!err)
		printf("%s %s %s\n", dev, w->attr, val);
	else
		printf("%s %s error %s\n", dev, w->attr, strerror(-err));
	w->err = err;
	snprintf(w->last, sizeof(w->last), "%s", err ? "" : val);
	return 0;
}

/*
 * sysfs_notify() on "port" or "state" wakes poll() with POLLPRI|POLLERR;
 * the value is then read again from offset 0 (a sysfs attribute only
 * rearms on read). Changes closer together than one wake-up are reported
 * as the last one.
 */
static int cmd_watch(int argc, char **argv)
{
	struct watched w[] = {
		{ .attr = "port", .fd = -1, .err = 1 },
		{ .attr = "state", .fd = -1, .err = 1 },
	};
	char dev[NAME_MAX + 1], path[PATH_MAX];
	struct pollfd pfd[2];
	int i, rc = 1;

	if (argc > 2) {
		usage(stderr);
		return 2;
	}
	if (find_dev(argc == 2 ? argv[1] : NULL, dev, sizeof(dev)))
		return 1;
	for (i = 0; i < 2; i++) {
		if (attr_path(path, sizeof(path), dev, w[i].attr))
			goto out;
		w[i].fd = open(path, O_RDONLY | O_CLOEXEC);
		if (w[i].fd < 0) {
			fprintf(stderr, "teredoctl: %s: %s\n", path,
				strerror(errno));
			goto out;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (;;) {
		for (i = 0; i < 2; i++) {
			if (watch_read(dev, &w[i]) == -ENODEV) {
				printf("%s gone\n", dev);
				rc = 0;
				goto out;
			}
			pfd[i].fd = w[i].fd;
			pfd[i].events = POLLPRI | POLLERR;
			pfd[i].revents = 0;
		}
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "teredoctl: poll: %s\n",
				strerror(errno));
			goto out;
		}
		if ((pfd[0].revents | pfd[1].revents) & POLLNVAL) {
			rc = 0;
			break;
		}
	}
out:
	for (i = 0; i < 2; i++)
		if (w[i].fd >= 0)
			close(w[i].fd);
	return rc;
}

static int cmd_rebind(int argc, char **argv)
{
	char dev[NAME_MAX + 1], path[PATH_MAX];
	int fd;

	if (argc > 2) {
		usage(stderr);
		return 2;
	}
	if (find_dev(argc == 2 ? argv[1] : NULL, dev, sizeof(dev)))
		return 1;
	if (attr_path(path, sizeof(path), dev, "rebind"))
		return 1;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "1\n", 2) != 2) {
		fprintf(stderr, "teredoctl: rebind %s: %s\n", dev,
			strerror(errno));
		if (fd >= 0)
			close(fd);
		return 1;
	}
	close(fd);
	return 0;
}

/* for nft_sync.c and link.c */
void teredoctl_usage(FILE *f)
{
	usage(f);
}

int teredoctl_attr_path(char *buf, size_t len, const char *dev,
			const char *attr)
{
	return attr_path(buf, len, dev, attr);
}

int teredoctl_read_fd(int fd, char *buf, size_t len)
{
	return read_fd(fd, buf, len);
}

int teredoctl_find_dev(const char *want, char *dev, size_t len)
{
	return find_dev(want, dev, len);
}

/*
 * -h/--help and -V/--version anywhere before "--", as ip and wg take
 * them: a user who asks for help after a command gets it, not an error.
 */
static int global_option(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		}
		if (!strcmp(argv[i], "-V") || !strcmp(argv[i], "--version")) {
			printf("teredoctl %s\n", TEREDOCTL_VERSION);
			return 0;
		}
	}
	return -1;
}

int main(int argc, char **argv)
{
	const char *env = getenv("SYSFS_NET");
	int rc;

	if (env && *env)
		sysfs_net = env;
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	rc = global_option(argc, argv);
	if (rc >= 0)
		return rc;
	if (!strcmp(argv[1], "add"))
		return teredoctl_add(argc - 1, argv + 1);
	if (!strcmp(argv[1], "set"))
		return teredoctl_set(argc - 1, argv + 1);
	if (!strcmp(argv[1], "del"))
		return teredoctl_del(argc - 1, argv + 1);
	if (!strcmp(argv[1], "status"))
		return cmd_status(argc - 1, argv + 1);
	if (!strcmp(argv[1], "watch"))
		return cmd_watch(argc - 1, argv + 1);
	if (!strcmp(argv[1], "rebind"))
		return cmd_rebind(argc - 1, argv + 1);
	if (!strcmp(argv[1], "nft-sync"))
		return teredoctl_nft_sync(argc - 1, argv + 1);
	fprintf(stderr, "teredoctl: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
