/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _TEREDO_PARAMS_H
#define _TEREDO_PARAMS_H

#include <linux/types.h>

/* IANA-assigned Teredo server port (RFC 4380 section 4). */
#define TEREDO_SERVER_PORT	3544

/*
 * Per-device settings (IFLA_TEREDO_*, uapi/linux/teredo.h): their ranges,
 * and the defaults a new device starts from. The module parameters of
 * the same names set the defaults, at load time only.
 */
#define TEREDO_REFRESH_DEFAULT_S	30	/* NAT binding refresh */
#define TEREDO_REFRESH_MIN_S		5
#define TEREDO_REFRESH_MAX_S		3600
#define TEREDO_RESTART_DEFAULT_S	100	/* after giving up */
#define TEREDO_RESTART_MIN_S		1
#define TEREDO_RESTART_MAX_S		3600
#define TEREDO_MAX_PEERS_DEFAULT	1024	/* Miredo's MAX_PEERS */
/* clearing the cache runs with BH off: keep it short */
#define TEREDO_MAX_PEERS_LIMIT		16384
/* Queues count skb->truesize: the memory a sender makes us hold */
#define TEREDO_PEER_QUEUE_DEFAULT	8192	/* a few packets */
#define TEREDO_PEER_QUEUE_LIMIT		65536

/**
 * struct teredo_defaults - what a new device is configured with
 * @refresh: seconds between router solicitations while qualified
 * @restart: seconds before qualifying again once the server is lost
 * @max_peers: peer cache entries
 * @peer_queue: truesize queued per peer
 * @default_route: a default route through the device while qualified
 * @local_discovery: find clients behind the same NAT on the local link
 */
struct teredo_defaults {
	unsigned int refresh;
	unsigned int restart;
	unsigned int max_peers;
	unsigned int peer_queue;
	bool default_route;
	bool local_discovery;
};

extern struct teredo_defaults teredo_defaults;

int teredo_parse_server(const char *str, __be32 *addr);
int teredo_check_server(__be32 addr);
int teredo_check_port(int port);

#endif /* _TEREDO_PARAMS_H */
