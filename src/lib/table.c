// SPDX-License-Identifier: GPL-2.0-or-later
/* The verbs' tables: made here, libsmartcols loaded first; cells escaped once here. */
#include "lib/strutil.h"
#include "lib/table.h"

static int table_new(struct libscols_table **ret)
{
	int r = dlopen_libsmartcols();
	if (r < 0)
		return r;
	struct libscols_table *t = sym_scols_new_table();
	if (!t)
		return -ENOMEM;
	*ret = t;
	return 0;
}

int table_new_json(const char *name, FILE *out, struct libscols_table **ret)
{
	struct libscols_table *t;
	int r = table_new(&t);
	if (r < 0)
		return r;
	if (sym_scols_table_enable_json(t, 1) < 0 || sym_scols_table_set_name(t, name) < 0 ||
	    (out && sym_scols_table_set_stream(t, out) < 0)) {
		sym_scols_unref_table(t);
		return -ENOMEM;
	}
	*ret = t;
	return 0;
}

int table_new_text(FILE *out, struct libscols_table **ret)
{
	struct libscols_table *t;
	int r = table_new(&t);
	if (r < 0)
		return r;
	if (sym_scols_table_set_stream(t, out) < 0 ||
	    sym_scols_table_set_column_separator(t, "  ") < 0) {
		sym_scols_unref_table(t);
		return -ENOMEM;
	}
	*ret = t;
	return 0;
}

int table_set_escaped(struct libscols_line *ln, size_t col, const char *s)
{
	if (!s)
		return 0;
	_cleanup_free_ char *e = str_escape(s, 4096);
	if (!e)
		return -ENOMEM;
	return sym_scols_line_set_data(ln, col, e) < 0 ? -ENOMEM : 0;
}
