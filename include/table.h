/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <libsmartcols.h>

#include "macro.h"

/* What every table and JSON document of the verbs shares (libsmartcols does the rest). */

DEFINE_TRIVIAL_CLEANUP_FUNC(struct libscols_table *, scols_unref_table);

/* Sets a cell to s with control characters escaped: names, labels and model strings come
 * from VM owners and from the hardware, and never reach a terminal raw. NULL leaves the cell
 * unset (null in JSON). -ENOMEM only. */
_must_check_ int table_set_escaped(struct libscols_line *ln, size_t col, const char *s);
