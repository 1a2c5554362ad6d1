// SPDX-License-Identifier: GPL-2.0-or-later
/* libpci through dlopen(): it pulls in zlib and libudev, which only device names need. */
#include "lib/dlopen-libpci.h"

#ifndef LIBPCI_SONAME
#error "LIBPCI_SONAME unset: the Makefile reads it from libpci's development library"
#endif

LIBPCI_SYMBOLS(DLSYM_DEFINE)

static const struct dlopen_sym syms[] = { LIBPCI_SYMBOLS(DLSYM_ENTRY) };
static struct dlopen_lib lib = { .soname = LIBPCI_SONAME,
				 .syms = syms,
				 .n_syms = ARRAY_SIZE(syms),
				 .optional = true };

int dlopen_libpci(void)
{
	return dlopen_lib_load(&lib, false);
}
