/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "lib/dlopen-libsmartcols.h"

/* What every table and JSON document of the verbs shares (libsmartcols does the rest). */

/* *ret: a new table, for sym_scols_unref_tablep: one JSON document {"name": [...]}, or a text
 * table with its columns two spaces apart, printed to out (NULL: set later). libsmartcols is
 * loaded here, so no other sym_scols_ call comes first. -ENOMEM, or the error of loading
 * libsmartcols (logged). */
_must_check_ int table_new_json(const char *name, FILE *out, struct libscols_table **ret);
_must_check_ int table_new_text(FILE *out, struct libscols_table **ret);

/* Sets a cell to s with control characters escaped: names, labels and model strings come
 * from VM owners and from the hardware, and never reach a terminal raw. NULL leaves the cell
 * unset (null in JSON). -ENOMEM only. */
_must_check_ int table_set_escaped(struct libscols_line *ln, size_t col, const char *s);
