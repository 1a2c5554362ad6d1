/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "lib/macro.h"

/*
 * Libraries loaded with dlopen() on first use: a hook call with nothing to do (most of them)
 * never maps libxml2, libkmod, libsystemd, libpci, libudev or libsmartcols, nor what they pull
 * in (ICU, libstdc++, libcrypto, libgcrypt, zlib...). Each library lists its symbols once, as
 * X(name) entries of an X-macro; from that list come the sym_name pointers, of name's exact
 * type, and the table resolved here.
 */

/* sym_name points to name: a function, or (xmlFree) a variable. */
#define DLSYM_DECLARE(name) extern typeof(name) *sym_##name;
#define DLSYM_DEFINE(name) typeof(name) *sym_##name;
#define DLSYM_ENTRY(name) { (void *)&sym_##name, #name },

struct dlopen_sym {
	void *ptr;        /* &sym_name */
	const char *name;
};

struct dlopen_lib {
	const char *soname;
	const struct dlopen_sym *syms;
	size_t n_syms;
	bool optional;    /* callers do without it: its failure is logged at debug level */
	void *handle;     /* set once every symbol is resolved */
	int error;        /* <0: loading failed and is not tried again */
	bool reported;    /* the failure was logged */
	char why[256];    /* dlerror() of the failure */
};

/*
 * dlopen(RTLD_NOW | RTLD_LOCAL) and resolve every symbol, all or nothing, the first time;
 * afterwards 0, or the same negative errno (-ELIBACC: cannot be loaded, -ELIBBAD: a symbol is
 * missing). The failure is logged once, by the first call that is not quiet: as an error, or
 * at debug level for an optional library.
 */
_must_check_ int dlopen_lib_load(struct dlopen_lib *lib, bool quiet);
