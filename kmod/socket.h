/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The Teredo UDP socket (socket.c). The callers of the __ and open/close
 * forms hold td->lock; every one publishes the port it leaves bound.
 */
#ifndef _TEREDO_SOCKET_H
#define _TEREDO_SOCKET_H

#include <linux/types.h>

struct teredo_dev;

int teredo_socket_open(struct teredo_dev *td);
void teredo_socket_close(struct teredo_dev *td);
int __teredo_socket_rebind(struct teredo_dev *td, bool force);
int teredo_socket_rebind(struct teredo_dev *td);
int teredo_socket_init(void);
void teredo_socket_exit(void);

#endif /* _TEREDO_SOCKET_H */
