/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace stand-in for the kernel's <linux/types.h>, so that
 * kmod/proto.c builds unchanged for fuzzing: the uapi header (__u8,
 * __be16, __sum16, ...) plus the kernel-internal names proto.c uses.
 */
#ifndef _TEREDO_FUZZ_LINUX_TYPES_H
#define _TEREDO_FUZZ_LINUX_TYPES_H

#include_next <linux/types.h>
#include <stdbool.h>
#include <stddef.h>

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;

#ifndef __force
#define __force
#endif

#endif /* _TEREDO_FUZZ_LINUX_TYPES_H */
