/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _TEREDO_PARAMS_H
#define _TEREDO_PARAMS_H

#include <linux/types.h>

/* IANA-assigned Teredo server port (RFC 4380 section 4). */
#define TEREDO_SERVER_PORT	3544

int teredo_parse_server(const char *str, __be32 *addr);
int teredo_check_server(__be32 addr);
int teredo_check_port(int port);

#endif /* _TEREDO_PARAMS_H */
