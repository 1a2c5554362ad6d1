// SPDX-License-Identifier: GPL-2.0-or-later
/* libsmartcols through dlopen(): only the verbs' tables and JSON need it. */
#include "lib/dlopen-libsmartcols.h"

#ifndef LIBSMARTCOLS_SONAME
#error "LIBSMARTCOLS_SONAME unset: the Makefile reads it from libsmartcols' development library"
#endif

LIBSMARTCOLS_SYMBOLS(DLSYM_DEFINE)

static const struct dlopen_sym syms[] = { LIBSMARTCOLS_SYMBOLS(DLSYM_ENTRY) };
static struct dlopen_lib lib = { .soname = LIBSMARTCOLS_SONAME,
				 .syms = syms,
				 .n_syms = ARRAY_SIZE(syms) };

int dlopen_libsmartcols(void)
{
	return dlopen_lib_load(&lib, false);
}
