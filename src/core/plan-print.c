// SPDX-License-Identifier: GPL-2.0-or-later
/* Showing a plan: a numbered table for people, or JSON (libsmartcols does both). */
#include "core/plan.h"
#include "lib/strutil.h"
#include "lib/table.h"


enum {
	COL_N,
	COL_STAGE,
	COL_ACTION,
	COL_TARGET,
	COL_EXPECTS,
	COL_UNDO,
	COL_WHY,
	_COL_MAX,
};

static const struct {
	const char *name;
	double width;
	int flags;
} columns[_COL_MAX] = {
	[COL_N] = { "#", 2, SCOLS_FL_RIGHT },
	[COL_STAGE] = { "STAGE", 0.1, 0 },
	[COL_ACTION] = { "ACTION", 0.1, 0 },
	[COL_TARGET] = { "TARGET", 0.1, 0 },
	[COL_EXPECTS] = { "EXPECTS", 0.1, 0 },
	[COL_UNDO] = { "UNDO", 0.1, 0 },
	[COL_WHY] = { "WHY", 0.3, SCOLS_FL_TRUNC },
};

static const char *op_name(const struct plan *p)
{
	return p->op == PLAN_PREPARE ? "prepare/begin" : "release/end";
}

/* "-" for what a plan leaves empty, in the table and in JSON alike. */
static int set_data(struct libscols_line *ln, size_t col, const char *s)
{
	return table_set_escaped(ln, col, s ?: "-");
}

static int add_row(struct libscols_table *tb, unsigned n, const struct action *a, bool release)
{
	struct libscols_line *ln = sym_scols_table_new_line(tb, NULL);
	if (!ln)
		return -ENOMEM;
	char num[32];
	snprintf(num, sizeof num, "%u", n);
	_cleanup_free_ char *undo = action_undo_text(a);
	if (!undo)
		return -ENOMEM;
	int r;
	if ((r = set_data(ln, COL_N, num)) < 0 ||
	    (r = set_data(ln, COL_STAGE, stage_to_string(a->stage))) < 0 ||
	    (r = set_data(ln, COL_ACTION, release ? undo : action_kind_verb(a->kind))) < 0 ||
	    (r = set_data(ln, COL_TARGET, a->target)) < 0 ||
	    (r = set_data(ln, COL_EXPECTS, release ? action_state_to_string(a->state) : a->prior)) <
		    0 ||
	    (r = set_data(ln, COL_UNDO, release ? "-" : undo)) < 0 ||
	    (r = set_data(ln, COL_WHY, a->reason)) < 0)
		return r;
	return 0;
}

static int print_json(const struct plan *p, FILE *out)
{
	/* One object, stable keys: documented in docs/plan.md. */
	_cleanup_(sym_scols_unref_tablep) struct libscols_table *tb = NULL;
	int r = table_new_json("plan", out, &tb);
	if (r < 0)
		return r;
	static const char *const keys[] = { "type", "n", "stage", "action", "target",
					    "expects", "undo", "text" };
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		struct libscols_column *c = sym_scols_table_new_column(tb, keys[i], 0, 0);
		if (!c)
			return -ENOMEM;
		if (i == 1)
			sym_scols_column_set_json_type(c, SCOLS_JSON_NUMBER);
	}
	struct libscols_line *ln;
#define ROW(type, text)                                                                            \
	do {                                                                                       \
		if (!(ln = sym_scols_table_new_line(tb, NULL)) || set_data(ln, 0, type) < 0 ||     \
		    set_data(ln, 7, text) < 0)                                                     \
			return -ENOMEM;                                                            \
	} while (0)
	ROW("vm", p->vm_name);
	ROW("uuid", p->vm_uuid);
	ROW("op", op_name(p));
	for (char **d = p->devices; d && *d; d++)
		ROW("device", *d);
	for (char **n = p->notes; n && *n; n++)
		ROW("note", *n);
	for (char **f = p->refusals; f && *f; f++)
		ROW("refusal", *f);
#undef ROW
	for (size_t i = 0; i < p->n_actions; i++) {
		size_t k = p->op == PLAN_RELEASE ? p->n_actions - 1 - i : i;
		const struct action *a = &p->actions[k];
		char num[32];
		_cleanup_free_ char *undo = action_undo_text(a);
		snprintf(num, sizeof num, "%zu", i + 1);
		if (!undo || !(ln = sym_scols_table_new_line(tb, NULL)) ||
		    set_data(ln, 0, "action") < 0 || set_data(ln, 1, num) < 0 ||
		    set_data(ln, 2, stage_to_string(a->stage)) < 0 ||
		    set_data(ln, 3, action_kind_to_string(a->kind)) < 0 ||
		    set_data(ln, 4, a->target) < 0 || set_data(ln, 5, a->prior) < 0 ||
		    set_data(ln, 6, undo) < 0 || set_data(ln, 7, a->reason) < 0)
			return -ENOMEM;
	}
	return sym_scols_print_table(tb) < 0 ? -EIO : 0;
}

int plan_print(const struct plan *p, FILE *out, bool json)
{
	if (json)
		return print_json(p, out);

	_cleanup_free_ char *name = str_escape(p->vm_name, 256);
	if (!name)
		return -ENOMEM;
	fprintf(out, "Plan for VM '%s' (%s): ", name, op_name(p));
	if (plan_refused(p))
		fprintf(out, "refused\n");
	else
		fprintf(out, "%zu action%s\n", p->n_actions, p->n_actions == 1 ? "" : "s");
	for (char **n = p->notes; n && *n; n++) {
		_cleanup_free_ char *e = str_escape(*n, 4096);
		fprintf(out, "  %s\n", strna(e));
	}
	for (char **r = p->refusals; r && *r; r++) {
		_cleanup_free_ char *e = str_escape(*r, 4096);
		fprintf(out, "  refused: %s\n", strna(e));
	}
	if (p->n_actions == 0 || plan_refused(p))
		return ferror(out) ? -EIO : 0;
	fputc('\n', out);

	_cleanup_(sym_scols_unref_tablep) struct libscols_table *tb = NULL;
	int r = table_new_text(out, &tb);
	if (r < 0)
		return r;
	for (size_t i = 0; i < _COL_MAX; i++)
		if (!sym_scols_table_new_column(tb, columns[i].name, columns[i].width,
						columns[i].flags))
			return -ENOMEM;
	bool release = p->op == PLAN_RELEASE;
	for (size_t i = 0; i < p->n_actions; i++) {
		r = add_row(tb, (unsigned)(i + 1), &p->actions[release ? p->n_actions - 1 - i : i],
			    release);
		if (r < 0)
			return r;
	}
	return sym_scols_print_table(tb) < 0 ? -EIO : 0;
}
