// SPDX-License-Identifier: GPL-2.0-or-later
/* Cells of the verbs' tables, escaped once here. */
#include "strutil.h"
#include "table.h"

int table_set_escaped(struct libscols_line *ln, size_t col, const char *s)
{
	if (!s)
		return 0;
	_cleanup_free_ char *e = str_escape(s, 4096);
	if (!e)
		return -ENOMEM;
	return scols_line_set_data(ln, col, e) < 0 ? -ENOMEM : 0;
}
