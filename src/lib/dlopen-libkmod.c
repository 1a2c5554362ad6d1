// SPDX-License-Identifier: GPL-2.0-or-later
/* libkmod through dlopen(): it pulls in libcrypto, zstd and lzma, which only module work needs. */
#include "lib/dlopen-libkmod.h"

#ifndef LIBKMOD_SONAME
#error "LIBKMOD_SONAME unset: the Makefile reads it from libkmod's development library"
#endif

LIBKMOD_SYMBOLS(DLSYM_DEFINE)

static const struct dlopen_sym syms[] = { LIBKMOD_SYMBOLS(DLSYM_ENTRY) };
static struct dlopen_lib lib = { .soname = LIBKMOD_SONAME,
				 .syms = syms,
				 .n_syms = ARRAY_SIZE(syms) };

int dlopen_libkmod(void)
{
	return dlopen_lib_load(&lib, false);
}
