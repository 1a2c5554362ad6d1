// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libsystemd through dlopen(): it pulls in libgcrypt, lz4, zstd, lzma and libcap, which only
 * D-Bus calls and the journal need.
 */
#include "lib/dlopen-libsystemd.h"

#ifndef LIBSYSTEMD_SONAME
#error "LIBSYSTEMD_SONAME unset: the Makefile reads it from libsystemd's development library"
#endif

LIBSYSTEMD_SYMBOLS(DLSYM_DEFINE)

static const struct dlopen_sym syms[] = { LIBSYSTEMD_SYMBOLS(DLSYM_ENTRY) };
static struct dlopen_lib lib = { .soname = LIBSYSTEMD_SONAME,
				 .syms = syms,
				 .n_syms = ARRAY_SIZE(syms) };

int dlopen_libsystemd(void)
{
	return dlopen_lib_load(&lib, false);
}

int dlopen_libsystemd_quiet(void)
{
	return dlopen_lib_load(&lib, true);
}
