/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace stand-in for the kernel's <linux/export.h>: nothing is
 * exported from a fuzz binary. EXPORT_SYMBOL_GPL(sym); stays a valid
 * declaration (of sym, again) where the kernel sources put it.
 * (checkpatch's COMPLEX_MACRO and EXPORT_SYMBOL do not apply here.)
 */
#ifndef _TEREDO_FUZZ_LINUX_EXPORT_H
#define _TEREDO_FUZZ_LINUX_EXPORT_H

#define EXPORT_SYMBOL_GPL(sym)	extern __typeof__(sym) sym

#endif /* _TEREDO_FUZZ_LINUX_EXPORT_H */
