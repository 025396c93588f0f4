// SPDX-License-Identifier: GPL-2.0
/*
 * storm: hostile Teredo datagrams at a client's port, for the stress tests
 * (scripts/e2e/test-stress-storm.sh), in a netns of the VM only.
 *
 *   storm --to IP:PORT --count N --me IPV6 --server IP --relay IP
 *         [--seed S] [--corpus DIR] [--bubbles [--peers P]]
 *
 * Each datagram goes out through a raw socket with a source address and
 * port of its own: random in 198.51.100.0/24 and 203.0.113.0/24, or the
 * server's or the relay's (port 3544), or a private or reserved one. What
 * it carries, chosen at random:
 *  - a file of the fuzz corpus (RAs with origin and auth headers, bubbles
 *    direct and indirect, data, echo), often readdressed to --me, with up
 *    to four random mutations (bit flips, bytes, truncation, extension);
 *  - a valid packet from the Teredo address whose mapping is the source
 *    (echo request, UDP or a bubble), which the client may trust;
 *  - an indirect bubble from the server with an origin indication;
 *  - random bytes, up to the largest datagram the link carries.
 * UDP checksums are right but for one in a hundred wrong and one in a
 * hundred absent. Prints what it sent by kind. Deterministic per --seed.
 *
 * --bubbles: the peer flood instead, valid bubbles only, each from a
 * source address and port of its own (N distinct spoofed peers). --relay
 * is not needed then.
 *
 * --peers P (implies --bubbles; scripts/bench.sh): a fixed set of P peers,
 * the one flood6 --peers sends to: peer i is the client of --server mapped
 * at 203.0.113.(i % 256), port 1024 + i / 256, and datagram j is a valid
 * direct bubble from peer j % P's Teredo address (flags 0) through that
 * mapping, to --me. Each peer that sends one is trusted by the client
 * (RFC 4380 5.2.3), and sent to without probing for TEREDO_PEER_VALID_S
 * (kmod/peer.h: 30 s) after its last bubble. --count defaults to P: one
 * bubble per peer.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_PAYLOAD	1472	/* a 1500-byte link, no fragments */
#define MAX_SEEDS	256
#define BATCH		64
/* --peers: 256 addresses a port, ports 1024 to 65023, as flood6 */
#define PEER_NET	0xcb007100u	/* 203.0.113.0/24 */
#define PEER_PORT0	1024
#define MAX_PEERS	(256ULL * 64000)

enum kind { K_CORPUS, K_MATCHING, K_INDIRECT, K_RANDOM, K_MAX };
static const char * const kind_names[K_MAX] = {
	"corpus", "matching", "indirect", "random",
};

struct seed {
	unsigned char *data;
	size_t len;
};

static struct seed seeds[MAX_SEEDS];
static unsigned int nseeds;
static uint64_t rng_state;
static struct in6_addr me;
static uint32_t server, relay;	/* network order */
static int only_bubbles;
static unsigned long long peers;	/* --peers */

static uint64_t rnd(void)
{
	/* xorshift64*: reproducible from --seed, no libc state */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static unsigned int rnd_below(unsigned int n)
{
	return n ? rnd() % n : 0;
}

static void load_corpus(const char *dir)
{
	struct dirent *e;
	char path[4096];
	DIR *d = opendir(dir);

	if (!d) {
		perror(dir);
		exit(2);
	}
	while ((e = readdir(d)) && nseeds < MAX_SEEDS) {
		FILE *f;
		struct seed *s = &seeds[nseeds];

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		f = fopen(path, "rb");
		if (!f)
			continue;
		s->data = malloc(MAX_PAYLOAD);
		s->len = fread(s->data, 1, MAX_PAYLOAD, f);
		fclose(f);
		if (s->len)
			nseeds++;
		else
			free(s->data);
	}
	closedir(d);
}

static uint32_t csum_add(uint32_t sum, const void *p, size_t len)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)b[i] << 8 | b[i + 1];
	if (len & 1)
		sum += (uint32_t)b[len - 1] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Offset of the IPv6 header after any auth and origin headers, or -1. */
static int ip6_offset(const unsigned char *p, size_t len)
{
	size_t off = 0;

	if (len >= 13 && p[0] == 0 && p[1] == 1)
		off += 13 + p[2] + p[3];
	if (len >= off + 8 && p[off] == 0 && p[off + 1] == 0)
		off += 8;
	if (len < off + 40 || p[off] >> 4 != 6)
		return -1;
	return (int)off;
}

/* The checksum of the upper layer (ICMPv6 or UDP) of an IPv6 packet. */
static void ip6_fix_csum(unsigned char *ip6, size_t len)
{
	unsigned char nh = ip6[6];
	size_t plen = len - 40, at;
	uint32_t sum;
	unsigned char ph[8] = { 0 };

	if (nh == 58 && plen >= 4)
		at = 2;
	else if (nh == 17 && plen >= 8)
		at = 6;
	else
		return;
	ip6[40 + at] = 0;
	ip6[40 + at + 1] = 0;
	ph[2] = plen >> 8;
	ph[3] = plen & 0xff;
	ph[7] = nh;
	sum = csum_add(0, ip6 + 8, 32);
	sum = csum_add(sum, ph, sizeof(ph));
	sum = csum_add(sum, ip6 + 40, plen);
	sum = csum_fold(sum);
	ip6[40 + at] = sum >> 8;
	ip6[40 + at + 1] = sum & 0xff;
}

/* The Teredo address of a client of @srv mapped as @ip:@port (RFC 4380). */
static void teredo_addr(unsigned char a[16], uint32_t srv, uint32_t ip,
			uint16_t port, uint16_t flags)
{
	uint32_t hip = ntohl(ip);

	a[0] = 0x20;
	a[1] = 0x01;
	a[2] = 0;
	a[3] = 0;
	memcpy(a + 4, &srv, 4);
	a[8] = flags >> 8;
	a[9] = flags & 0xff;
	a[10] = ~port >> 8;
	a[11] = ~port & 0xff;
	a[12] = ~hip >> 24;
	a[13] = ~hip >> 16;
	a[14] = ~hip >> 8;
	a[15] = ~hip;
}

static size_t ip6_header(unsigned char *p, unsigned int plen, unsigned char nh,
			 const unsigned char src[16], const struct in6_addr *dst)
{
	memset(p, 0, 40);
	p[0] = 0x60;
	p[4] = plen >> 8;
	p[5] = plen & 0xff;
	p[6] = nh;
	p[7] = 64;
	memcpy(p + 8, src, 16);
	memcpy(p + 24, dst, 16);
	return 40;
}

static void mutate(unsigned char *p, size_t *len)
{
	unsigned int n = rnd_below(5), i, at;

	for (i = 0; i < n; i++) {
		switch (rnd_below(5)) {
		case 0:	/* a bit */
			if (*len)
				p[rnd_below(*len)] ^= 1 << rnd_below(8);
			break;
		case 1:	/* a byte */
			if (*len)
				p[rnd_below(*len)] = rnd();
			break;
		case 2:	/* truncated */
			*len = rnd_below(*len + 1);
			break;
		case 3:	/* extended */
			at = *len;
			*len += rnd_below(MAX_PAYLOAD - *len + 1);
			for (; at < *len; at++)
				p[at] = rnd();
			break;
		default:	/* a length field: IPv6 payload or auth lengths */
			at = rnd_below(8);
			if (at < *len)
				p[at] = rnd_below(2) ? 0xff : 0;
			break;
		}
	}
}

static size_t build(unsigned char *p, uint32_t sip, uint16_t sport,
		    enum kind k)
{
	unsigned char src[16];
	size_t len = 0, n;
	int off;

	switch (k) {
	case K_CORPUS: {
		const struct seed *s = &seeds[rnd_below(nseeds)];

		memcpy(p, s->data, s->len);
		len = s->len;
		off = ip6_offset(p, len);
		if (off >= 0 && rnd_below(2)) {
			memcpy(p + off + 24, &me, 16);
			ip6_fix_csum(p + off, len - off);
		}
		mutate(p, &len);
		break;
	}
	case K_MATCHING:
		/* a peer whose address is its mapping: the client trusts it */
		teredo_addr(src, server, sip, sport, 0);
		switch (rnd_below(3)) {
		case 0:	/* echo request */
			n = 8 + rnd_below(64);
			len = ip6_header(p, n, 58, src, &me);
			memset(p + len, 0, n);
			p[len] = 128;
			p[len + 4] = rnd();
			p[len + 6] = rnd();
			len += n;
			break;
		case 1:	/* UDP to a port nobody listens on */
			n = 8 + rnd_below(512);
			len = ip6_header(p, n, 17, src, &me);
			memset(p + len, 0xa5, n);
			p[len] = 0x30;
			p[len + 2] = 0x30;
			p[len + 1] = 0x39;
			p[len + 3] = 0x39;
			p[len + 4] = n >> 8;
			p[len + 5] = n & 0xff;
			len += n;
			break;
		default:	/* bubble */
			len = ip6_header(p, 0, 59, src, &me);
			break;
		}
		if (only_bubbles) {
			len = ip6_header(p, 0, 59, src, &me);
			break;
		}
		ip6_fix_csum(p, len);
		break;
	case K_INDIRECT: {
		/* origin indication: port and address obfuscated */
		uint32_t origin = htonl(0xcb007100 | rnd_below(256));
		uint16_t oport = 1024 + rnd_below(60000);

		p[0] = 0;
		p[1] = 0;
		p[2] = ~oport >> 8;
		p[3] = ~oport & 0xff;
		memcpy(p + 4, &origin, 4);
		p[4] ^= 0xff;
		p[5] ^= 0xff;
		p[6] ^= 0xff;
		p[7] ^= 0xff;
		teredo_addr(src, server, origin, oport, 0);
		len = 8 + ip6_header(p + 8, 0, 59, src, &me);
		if (rnd_below(4) == 0)
			mutate(p, &len);
		break;
	}
	default:
		len = rnd_below(MAX_PAYLOAD + 1);
		for (n = 0; n < len; n++)
			p[n] = rnd();
		if (len && rnd_below(2))
			p[0] = 0x60;	/* looks like IPv6 at first */
		break;
	}
	return len;
}

/* A source: mostly global strangers, sometimes the server or the relay. */
static void pick_source(uint32_t *ip, uint16_t *port)
{
	static const uint32_t odd[] = {
		0x0a000102, 0x0a090002, 0xa9fe0707, 0x64400001, 0xc0000201,
		0xe0000001, 0xffffffff, 0x00000000,
	};
	unsigned int r = rnd_below(100);

	*port = 1 + rnd_below(65535);
	if (r < 10) {
		*ip = server;
		*port = 3544;
	} else if (r < 15) {
		*ip = relay;
		*port = 3544;
	} else if (r < 20) {
		*ip = htonl(odd[rnd_below(sizeof(odd) / sizeof(odd[0]))]);
	} else {
		*ip = htonl((rnd_below(2) ? 0xc6336400 : 0xcb007100) |
			    rnd_below(256));
	}
}

static size_t udp4(unsigned char *pkt, uint32_t sip, uint16_t sport,
		   uint32_t dip, uint16_t dport, const unsigned char *pl,
		   size_t plen)
{
	struct iphdr *ip = (void *)pkt;
	unsigned char *udp = pkt + sizeof(*ip);
	unsigned char ph[12];
	size_t ulen = 8 + plen;
	uint32_t sum;
	uint16_t c;
	unsigned int r = only_bubbles ? 50 : rnd_below(100);

	memset(ip, 0, sizeof(*ip));
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	ip->saddr = sip;
	ip->daddr = dip;
	ip->tot_len = htons(sizeof(*ip) + ulen);
	udp[0] = sport >> 8;
	udp[1] = sport & 0xff;
	udp[2] = dport >> 8;
	udp[3] = dport & 0xff;
	udp[4] = ulen >> 8;
	udp[5] = ulen & 0xff;
	udp[6] = 0;
	udp[7] = 0;
	memcpy(udp + 8, pl, plen);
	if (r == 0)
		return sizeof(*ip) + ulen;	/* no checksum: valid in IPv4 */
	memcpy(ph, &sip, 4);
	memcpy(ph + 4, &dip, 4);
	ph[8] = 0;
	ph[9] = IPPROTO_UDP;
	ph[10] = ulen >> 8;
	ph[11] = ulen & 0xff;
	sum = csum_add(0, ph, sizeof(ph));
	sum = csum_add(sum, udp, ulen);
	c = csum_fold(sum);
	if (!c)
		c = 0xffff;
	if (r == 1)
		c ^= 0x5a5a;	/* wrong: the UDP layer drops it, not us */
	udp[6] = c >> 8;
	udp[7] = c & 0xff;
	return sizeof(*ip) + ulen;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: storm --to IP:PORT --count N --me IPV6 --server IP --relay IP [--seed S] [--corpus DIR]\n"
		"       storm --bubbles --to IP:PORT --count N [--first J] --me IPV6 --server IP [--seed S]\n"
		"       (either: [--rate R], at most R datagrams a second)\n"
		"       storm --bubbles --peers P --to IP:PORT [--count N] --me IPV6 --server IP\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "to", required_argument, NULL, 't' },
		{ "count", required_argument, NULL, 'n' },
		{ "me", required_argument, NULL, 'm' },
		{ "server", required_argument, NULL, 's' },
		{ "relay", required_argument, NULL, 'r' },
		{ "seed", required_argument, NULL, 'S' },
		{ "corpus", required_argument, NULL, 'c' },
		{ "bubbles", no_argument, NULL, 'b' },
		{ "peers", required_argument, NULL, 'P' },
		{ "first", required_argument, NULL, 'f' },
		{ "rate", required_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 },
	};
	static unsigned char buf[BATCH][20 + 8 + MAX_PAYLOAD];
	unsigned char pl[MAX_PAYLOAD + 64];
	unsigned long long count = 0, sent = 0, by_kind[K_MAX] = { 0 };
	unsigned long long seed = 1, errors = 0, first = 0, rate = 0;
	struct timespec t0, next;
	struct mmsghdr msg[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_in to = { .sin_family = AF_INET };
	char *colon;
	int o, fd, i, k;

	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 't':
			colon = strchr(optarg, ':');
			if (!colon)
				usage();
			*colon = 0;
			if (inet_pton(AF_INET, optarg, &to.sin_addr) != 1)
				usage();
			to.sin_port = htons(atoi(colon + 1));
			break;
		case 'n':
			count = strtoull(optarg, NULL, 0);
			break;
		case 'm':
			if (inet_pton(AF_INET6, optarg, &me) != 1)
				usage();
			break;
		case 's':
			if (inet_pton(AF_INET, optarg, &server) != 1)
				usage();
			break;
		case 'r':
			if (inet_pton(AF_INET, optarg, &relay) != 1)
				usage();
			break;
		case 'S':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'c':
			load_corpus(optarg);
			break;
		case 'b':
			only_bubbles = 1;
			break;
		case 'f':
			/* --bubbles: sources J to J + N - 1, for storms side by side */
			first = strtoull(optarg, NULL, 0);
			break;
		case 'R':
			rate = strtoull(optarg, NULL, 0);
			if (!rate)
				usage();
			break;
		case 'P':
			peers = strtoull(optarg, NULL, 0);
			if (!peers || peers > MAX_PEERS)
				usage();
			only_bubbles = 1;
			break;
		default:
			usage();
		}
	}
	if (peers && !count)
		count = peers;
	if (!to.sin_port || !count || !server || (!relay && !only_bubbles))
		usage();
	rng_state = seed * 0x9e3779b97f4a7c15ULL + 1;
	fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	if (fd < 0) {
		perror("raw socket");
		return 2;
	}
	memset(msg, 0, sizeof(msg));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (sent + errors < count) {
		unsigned long long left = count - sent - errors;
		int n = left < BATCH ? left : BATCH, done = 0;
		enum kind kinds[BATCH];

		for (i = 0; i < n; i++) {
			uint32_t sip;
			uint16_t sport;
			size_t len;

			pick_source(&sip, &sport);
			if (peers) {
				/* the fixed set, round-robin */
				unsigned long long p = sent + errors + i;

				p %= peers;
				sip = htonl(PEER_NET | (p & 255));
				sport = PEER_PORT0 + p / 256;
			} else if (only_bubbles) {
				/* distinct: 512 addresses, then the next port */
				unsigned long long j = first + sent + errors + i;

				sip = htonl((j & 256 ? 0xcb007100 : 0xc6336400) |
					    (j & 255));
				sport = 1 + j / 512;
			}
			k = rnd_below(100);
			k = k < 40 ? K_CORPUS : k < 70 ? K_MATCHING :
			    k < 85 ? K_INDIRECT : K_RANDOM;
			if (k == K_CORPUS && !nseeds)
				k = K_RANDOM;
			if (only_bubbles)
				k = K_MATCHING;
			kinds[i] = k;
			len = build(pl, sip, sport, k);
			iov[i].iov_base = buf[i];
			iov[i].iov_len = udp4(buf[i], sip, sport,
					      to.sin_addr.s_addr,
					      ntohs(to.sin_port), pl, len);
			msg[i].msg_hdr.msg_iov = &iov[i];
			msg[i].msg_hdr.msg_iovlen = 1;
			msg[i].msg_hdr.msg_name = &to;
			msg[i].msg_hdr.msg_namelen = sizeof(to);
		}
		while (done < n) {
			k = sendmmsg(fd, msg + done, n - done, 0);
			if (k < 0) {
				/* the local stack refused this one: skip it */
				if (errno != ENOBUFS && errno != EPERM &&
				    errno != EINVAL && errno != EMSGSIZE) {
					perror("sendmmsg");
					return 1;
				}
				errors++;
				done++;
				continue;
			}
			for (i = done; i < done + k; i++)
				by_kind[kinds[i]]++;
			sent += k;
			done += k;
		}
		if (rate) {
			/* the next batch leaves when the rate allows it */
			unsigned long long ns = (sent + errors) * 1000000000ULL /
						rate;

			next.tv_sec = t0.tv_sec + ns / 1000000000ULL;
			next.tv_nsec = t0.tv_nsec + ns % 1000000000ULL;
			if (next.tv_nsec >= 1000000000L) {
				next.tv_sec++;
				next.tv_nsec -= 1000000000L;
			}
			clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next,
					NULL);
		}
	}
	printf("sent %llu errors %llu seed %llu", sent, errors, seed);
	for (i = 0; i < K_MAX; i++)
		printf(" %s %llu", kind_names[i], by_kind[i]);
	if (peers)
		printf(" peers %llu", peers);
	printf("\n");
	return 0;
}
