// SPDX-License-Identifier: GPL-2.0
/*
 * flood6: one UDP datagram to each of N distinct Teredo destinations, for
 * the peer flood (scripts/e2e/test-stress-flood.sh), in a netns of the VM
 * only: a local program making the client create, probe and evict entries.
 *
 *   flood6 --server IP --count N [--port P]
 *
 * Destination i is the Teredo address of a client of --server mapped at
 * 203.0.113.(i % 256), port 1024 + i / 256: global unicast, so that the
 * client probes each (within its budget) rather than refusing it.
 * Prints "sent N errors E".
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BATCH	64

static void usage(void)
{
	fprintf(stderr, "usage: flood6 --server IP --count N [--port P]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "server", required_argument, NULL, 's' },
		{ "count", required_argument, NULL, 'n' },
		{ "port", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	struct sockaddr_in6 to[BATCH];
	struct mmsghdr msg[BATCH];
	struct iovec iov = { .iov_base = "flood", .iov_len = 5 };
	unsigned long long count = 0, sent = 0, errors = 0, j;
	unsigned int port = 9;
	uint32_t server = 0;
	int o, fd, i, n, k, sndbuf = 64 << 20;

	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 's':
			if (inet_pton(AF_INET, optarg, &server) != 1)
				usage();
			break;
		case 'n':
			count = strtoull(optarg, NULL, 0);
			break;
		case 'p':
			port = atoi(optarg);
			break;
		default:
			usage();
		}
	}
	if (!server || !count || count > 256ULL * 64000)
		usage();
	fd = socket(AF_INET6, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("socket");
		return 2;
	}
	/*
	 * What the client queues for a peer not yet reached is charged to
	 * this socket until the peer answers or is given up: with the
	 * default buffer the flood would wait for give-ups, not send.
	 */
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf,
		       sizeof(sndbuf)))
		perror("SO_SNDBUFFORCE");
	memset(msg, 0, sizeof(msg));
	for (j = 0; j < count; j += n) {
		n = count - j < BATCH ? count - j : BATCH;
		for (i = 0; i < n; i++) {
			uint32_t ip = ~(0xcb007100u | ((j + i) & 255));
			uint16_t mport = ~(1024 + (j + i) / 256);
			uint8_t *a = to[i].sin6_addr.s6_addr;

			memset(&to[i], 0, sizeof(to[i]));
			to[i].sin6_family = AF_INET6;
			to[i].sin6_port = htons(port);
			a[0] = 0x20;
			a[1] = 0x01;
			memcpy(a + 4, &server, 4);
			a[10] = mport >> 8;
			a[11] = mport & 0xff;
			a[12] = ip >> 24;
			a[13] = ip >> 16;
			a[14] = ip >> 8;
			a[15] = ip;
			msg[i].msg_hdr.msg_name = &to[i];
			msg[i].msg_hdr.msg_namelen = sizeof(to[i]);
			msg[i].msg_hdr.msg_iov = &iov;
			msg[i].msg_hdr.msg_iovlen = 1;
		}
		for (i = 0; i < n; ) {
			k = sendmmsg(fd, msg + i, n - i, 0);
			if (k < 0) {
				/* refused by the local stack: count, skip */
				if (errno != ENOBUFS && errno != EPERM &&
				    errno != ENETUNREACH && errno != EAGAIN) {
					perror("sendmmsg");
					return 1;
				}
				errors++;
				i++;
				continue;
			}
			sent += k;
			i += k;
		}
	}
	printf("sent %llu errors %llu\n", sent, errors);
	return 0;
}
