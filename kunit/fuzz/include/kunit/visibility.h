/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace stand-in for the kernel's <kunit/visibility.h>: as with
 * <linux/export.h>, EXPORT_SYMBOL_IF_KUNIT(sym); stays a valid
 * declaration of sym where the kernel sources put it.
 */
#ifndef _TEREDO_FUZZ_KUNIT_VISIBILITY_H
#define _TEREDO_FUZZ_KUNIT_VISIBILITY_H

#define VISIBLE_IF_KUNIT		static
#define EXPORT_SYMBOL_IF_KUNIT(sym)	extern __typeof__(sym) sym

#endif
