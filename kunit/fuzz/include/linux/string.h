/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace stand-in for the kernel's <linux/string.h>: memcpy, memcmp,
 * memset come from libc. (The uapi <linux/string.h> declares nothing.)
 */
#ifndef _TEREDO_FUZZ_LINUX_STRING_H
#define _TEREDO_FUZZ_LINUX_STRING_H

#include <string.h>

#endif /* _TEREDO_FUZZ_LINUX_STRING_H */
