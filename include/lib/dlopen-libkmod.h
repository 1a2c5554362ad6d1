/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <libkmod.h>

#include "lib/dlopen-lib.h"

/* libkmod, loaded when a module index is first opened. */
#define LIBKMOD_SYMBOLS(X)                                                                         \
	X(kmod_list_next)                                                                          \
	X(kmod_load_resources)                                                                     \
	X(kmod_module_get_module)                                                                  \
	X(kmod_module_get_name)                                                                    \
	X(kmod_module_new_from_lookup)                                                             \
	X(kmod_module_new_from_name)                                                               \
	X(kmod_module_probe_insert_module)                                                         \
	X(kmod_module_remove_module)                                                               \
	X(kmod_module_unref)                                                                       \
	X(kmod_module_unref_list)                                                                  \
	X(kmod_new)                                                                                \
	X(kmod_set_log_fn)                                                                         \
	X(kmod_unref)

LIBKMOD_SYMBOLS(DLSYM_DECLARE)

/* 0 once libkmod and every sym_ above are there; negative errno (logged once) if not. */
_must_check_ int dlopen_libkmod(void);

/* kmod_list_foreach() calls kmod_list_next() itself. */
#define sym_kmod_list_foreach(entry, first)                                                        \
	for ((entry) = (first); (entry); (entry) = sym_kmod_list_next((first), (entry)))

DEFINE_TRIVIAL_CLEANUP_FUNC(struct kmod_ctx *, sym_kmod_unref);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct kmod_module *, sym_kmod_module_unref);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct kmod_list *, sym_kmod_module_unref_list);
