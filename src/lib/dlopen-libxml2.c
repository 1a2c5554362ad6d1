// SPDX-License-Identifier: GPL-2.0-or-later
/* libxml2 through dlopen(): it pulls in ICU and libstdc++, which only XML parsing needs. */
#include "lib/dlopen-libxml2.h"

#ifndef LIBXML2_SONAME
#error "LIBXML2_SONAME unset: the Makefile reads it from libxml2's development library"
#endif

LIBXML2_SYMBOLS(DLSYM_DEFINE)

static const struct dlopen_sym syms[] = { LIBXML2_SYMBOLS(DLSYM_ENTRY) };
static struct dlopen_lib lib = { .soname = LIBXML2_SONAME,
				 .syms = syms,
				 .n_syms = ARRAY_SIZE(syms) };

int dlopen_libxml2(void)
{
	return dlopen_lib_load(&lib, false);
}
