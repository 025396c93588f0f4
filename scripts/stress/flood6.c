// SPDX-License-Identifier: GPL-2.0
/*
 * flood6: one UDP datagram to each of N distinct Teredo destinations, for
 * the peer flood (scripts/e2e/test-stress-flood.sh), in a netns of the VM
 * only: a local program making the client create, probe and evict entries.
 *
 *   flood6 --server IP --count N [--port P] [--len L]
 *   flood6 --server IP --peers P (--seconds S | --count N) [--port P]
 *          [--len L]
 *
 * Destination i is the Teredo address (flags 0) of a client of --server
 * mapped at 203.0.113.(i % 256), port 1024 + i / 256: global unicast, so
 * that the client probes each (within its budget) rather than refusing it.
 * Prints "sent N errors E".
 *
 * --peers P: round-robin over destinations 0 to P - 1 instead, the peers
 * storm --peers makes the client trust (scripts/bench.sh), for S seconds
 * or N datagrams, whichever ends first. Prints "sent N errors E seconds T
 * pps R", T the time spent sending.
 *
 * --len L: L bytes of UDP payload a datagram (5 by default).
 *
 * --prefix ADDR instead of --server: destination i is ADDR plus i (in its
 * last 32 bits), any IPv6 prefix (make bench: sit's on-link prefix).
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
#include <time.h>
#include <unistd.h>

#define BATCH		64
#define MAX_DESTS	(256ULL * 64000)	/* ports 1024 to 65023 */
#define MAX_LEN		65507			/* an IPv6 UDP payload */

static void usage(void)
{
	fprintf(stderr,
		"usage: flood6 --server IP --count N [--first J] [--port P] [--len L]\n"
		"       flood6 --server IP --peers P (--seconds S | --count N) [--port P] [--len L]\n"
		"       (--prefix ADDR in place of --server IP: destinations ADDR + i)\n");
	exit(2);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Destination @i: the Teredo address of a client of @server (see above),
 * or @prefix plus @i
 */
static void dest(struct sockaddr_in6 *to, uint32_t server,
		 const struct in6_addr *prefix, unsigned int port,
		 unsigned long long i)
{
	uint32_t ip = ~(0xcb007100u | (i & 255));
	uint16_t mport = ~(1024 + i / 256);
	uint8_t *a = to->sin6_addr.s6_addr;
	uint32_t low;

	memset(to, 0, sizeof(*to));
	to->sin6_family = AF_INET6;
	to->sin6_port = htons(port);
	if (prefix) {
		to->sin6_addr = *prefix;
		memcpy(&low, a + 12, 4);
		low = htonl(ntohl(low) + (uint32_t)i);
		memcpy(a + 12, &low, 4);
		return;
	}
	a[0] = 0x20;
	a[1] = 0x01;
	memcpy(a + 4, &server, 4);
	a[10] = mport >> 8;
	a[11] = mport & 0xff;
	a[12] = ip >> 24;
	a[13] = ip >> 16;
	a[14] = ip >> 8;
	a[15] = ip;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "server", required_argument, NULL, 's' },
		{ "count", required_argument, NULL, 'n' },
		{ "port", required_argument, NULL, 'p' },
		{ "peers", required_argument, NULL, 'P' },
		{ "seconds", required_argument, NULL, 'S' },
		{ "len", required_argument, NULL, 'l' },
		{ "first", required_argument, NULL, 'f' },
		{ "prefix", required_argument, NULL, 'x' },
		{ NULL, 0, NULL, 0 },
	};
	static unsigned char payload[MAX_LEN];
	struct sockaddr_in6 to[BATCH];
	struct mmsghdr msg[BATCH];
	struct iovec iov = { .iov_base = payload, .iov_len = 5 };
	unsigned long long count = 0, peers = 0, sent = 0, errors = 0, j;
	unsigned long long first = 0;
	unsigned int port = 9;
	uint32_t server = 0;
	struct in6_addr prefix, *pfx = NULL;
	double seconds = 0, t0, t = 0;
	int o, fd, i, n, k, sndbuf = 64 << 20;
	char *end;

	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 's':
			if (inet_pton(AF_INET, optarg, &server) != 1)
				usage();
			break;
		case 'x':
			if (inet_pton(AF_INET6, optarg, &prefix) != 1)
				usage();
			pfx = &prefix;
			break;
		case 'n':
			count = strtoull(optarg, NULL, 0);
			break;
		case 'p':
			port = atoi(optarg);
			break;
		case 'P':
			peers = strtoull(optarg, NULL, 0);
			if (!peers || peers > MAX_DESTS)
				usage();
			break;
		case 'S':
			seconds = strtod(optarg, &end);
			if (*end || !(seconds > 0))
				usage();
			break;
		case 'f':
			/* destinations J to J + N - 1: flood6s side by side */
			first = strtoull(optarg, &end, 0);
			if (*end)
				usage();
			break;
		case 'l':
			iov.iov_len = strtoul(optarg, &end, 0);
			if (*end || iov.iov_len > MAX_LEN)
				usage();
			break;
		default:
			usage();
		}
	}
	if (!server == !pfx)
		usage();
	/* --peers: a bound in time or count; else N distinct destinations */
	if (peers ? (!count && !seconds) :
		    (!count || first > MAX_DESTS || count > MAX_DESTS - first ||
		     seconds))
		usage();
	memcpy(payload, "flood", 5);
	memset(payload + 5, 0xa5, sizeof(payload) - 5);
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
	t0 = now_s();
	for (j = 0; !count || j < count; j += n) {
		if (seconds) {
			t = now_s() - t0;
			if (t >= seconds)
				break;
		}
		n = count && count - j < BATCH ? count - j : BATCH;
		for (i = 0; i < n; i++) {
			dest(&to[i], server, pfx, port,
			     peers ? (j + i) % peers : first + j + i);
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
	if (!peers) {
		printf("sent %llu errors %llu\n", sent, errors);
		return 0;
	}
	t = now_s() - t0;
	printf("sent %llu errors %llu seconds %.3f pps %.0f\n", sent, errors,
	       t, t > 0 ? sent / t : 0);
	return 0;
}
