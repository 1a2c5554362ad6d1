// SPDX-License-Identifier: GPL-2.0-or-later
/* libudev through dlopen(): only the live host's disks need it. */
#include "lib/dlopen-libudev.h"

#ifndef LIBUDEV_SONAME
#error "LIBUDEV_SONAME unset: the Makefile reads it from libudev's development library"
#endif

LIBUDEV_SYMBOLS(DLSYM_DEFINE)

static const struct dlopen_sym syms[] = { LIBUDEV_SYMBOLS(DLSYM_ENTRY) };
static struct dlopen_lib lib = { .soname = LIBUDEV_SONAME,
				 .syms = syms,
				 .n_syms = ARRAY_SIZE(syms) };

int dlopen_libudev(void)
{
	return dlopen_lib_load(&lib, false);
}
