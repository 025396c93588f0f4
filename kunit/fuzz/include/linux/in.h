/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace stand-in for the kernel's <linux/in.h>: the uapi header
 * (IPPROTO_*, struct in_addr) plus the byte order helpers the kernel's
 * brings in (htonl, ntohl, htons, ntohs), as in
 * <linux/byteorder/generic.h>. Not <arpa/inet.h>: glibc's <netinet/in.h>
 * clashes with the uapi one.
 */
#ifndef _TEREDO_FUZZ_LINUX_IN_H
#define _TEREDO_FUZZ_LINUX_IN_H

#include <linux/types.h>
#include_next <linux/in.h>
#include <asm/byteorder.h>

#ifndef htonl
#define htonl(x)	__cpu_to_be32(x)
#define ntohl(x)	__be32_to_cpu(x)
#define htons(x)	__cpu_to_be16(x)
#define ntohs(x)	__be16_to_cpu(x)
#endif

#endif /* _TEREDO_FUZZ_LINUX_IN_H */
