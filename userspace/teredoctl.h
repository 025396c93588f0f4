/* SPDX-License-Identifier: GPL-2.0-only */
/* What teredoctl.c shares with its other commands (nft_sync.c, link.c). */
#ifndef TEREDOCTL_H
#define TEREDOCTL_H

#include <stddef.h>
#include <stdio.h>

#define IFNAMSIZ_MAX	16

int teredoctl_attr_path(char *buf, size_t len, const char *dev,
			const char *attr);
int teredoctl_read_fd(int fd, char *buf, size_t len);
int teredoctl_find_dev(const char *want, char *dev, size_t len);
void teredoctl_usage(FILE *f);
int teredoctl_nft_sync(int argc, char **argv);
int teredoctl_add(int argc, char **argv);
int teredoctl_set(int argc, char **argv);
int teredoctl_del(int argc, char **argv);

#endif
