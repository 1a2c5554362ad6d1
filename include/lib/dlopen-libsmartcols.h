/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <libsmartcols.h>

#include "lib/dlopen-lib.h"

/* libsmartcols, loaded when a table or JSON document is first built (table_new()). */
#define LIBSMARTCOLS_SYMBOLS(X)                                                                    \
	X(scols_cell_set_color)                                                                    \
	X(scols_cell_set_data)                                                                     \
	X(scols_column_set_json_type)                                                              \
	X(scols_line_get_cell)                                                                     \
	X(scols_line_set_data)                                                                     \
	X(scols_new_table)                                                                         \
	X(scols_print_table)                                                                       \
	X(scols_table_enable_colors)                                                               \
	X(scols_table_enable_json)                                                                 \
	X(scols_table_enable_nowrap)                                                               \
	X(scols_table_get_title)                                                                   \
	X(scols_table_new_column)                                                                  \
	X(scols_table_new_line)                                                                    \
	X(scols_table_set_column_separator)                                                        \
	X(scols_table_set_name)                                                                    \
	X(scols_table_set_stream)                                                                  \
	X(scols_unref_table)

LIBSMARTCOLS_SYMBOLS(DLSYM_DECLARE)

/* 0 once libsmartcols and every sym_ above are there; negative errno (logged once) if not. */
_must_check_ int dlopen_libsmartcols(void);

DEFINE_TRIVIAL_CLEANUP_FUNC(struct libscols_table *, sym_scols_unref_table);
