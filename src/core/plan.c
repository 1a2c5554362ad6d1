// SPDX-License-Identifier: GPL-2.0-or-later
/* The plan and its actions: names (from the action types), construction. */
#include <stdarg.h>

#include "core/action-type.h"
#include "core/plan.h"
#include "lib/string-table.h"
#include "lib/strutil.h"

static const char *const action_state_table[_ACTION_STATE_MAX] = {
	[ACTION_PLANNED] = "planned", [ACTION_STARTED] = "started", [ACTION_DONE] = "done",
	[ACTION_SKIPPED] = "skipped", [ACTION_UNDONE] = "undone",   [ACTION_FAILED] = "failed",
};

DEFINE_STRING_TABLE_LOOKUP(action_state, enum action_state, _ACTION_STATE_MAX)

const char *action_kind_to_string(enum action_kind k)
{
	const struct action_type *t = action_type_of(k);
	return t ? t->name : NULL;
}

enum action_kind action_kind_from_string(const char *s)
{
	for (int k = 0; s && k < _ACTION_KIND_MAX; k++)
		if (streq(action_types[k]->name, s))
			return (enum action_kind)k;
	return _ACTION_KIND_INVALID;
}

const char *action_kind_verb(enum action_kind k)
{
	const struct action_type *t = action_type_of(k);
	return t ? t->verb : "?";
}

const char *action_kind_name_of_verb(const char *verb)
{
	for (int k = 0; verb && k < _ACTION_KIND_MAX; k++) {
		const struct action_type *t = action_type_of((enum action_kind)k);
		if (t && streq(t->verb, verb))
			return t->name;
	}
	return NULL;
}

char *action_undo_text(const struct action *a)
{
	const struct action_type *t = action_type_of(a->kind);
	return t && t->undo_text ? t->undo_text(a) : strdup("-");
}

struct plan *plan_new(enum plan_op op, const char *vm_name, const char *vm_uuid)
{
	struct plan *p = calloc(1, sizeof *p);
	if (!p)
		return NULL;
	p->op = op;
	p->vm_name = strdup(vm_name ?: "");
	p->vm_uuid = strdup(vm_uuid ?: "");
	if (!p->vm_name || !p->vm_uuid)
		return plan_free(p);
	return p;
}

struct plan *plan_free(struct plan *p)
{
	if (!p)
		return NULL;
	for (size_t i = 0; i < p->n_actions; i++) {
		free(p->actions[i].target);
		free(p->actions[i].prior);
		free(p->actions[i].result);
		free(p->actions[i].reason);
	}
	free(p->actions);
	free(p->vm_name);
	free(p->vm_uuid);
	strv_free(p->devices);
	strv_free(p->notes);
	strv_free(p->refusals);
	free(p->pinned_cpus);
	free(p);
	return NULL;
}

int plan_add(struct plan *p, enum stage_id stage, enum action_kind kind, const char *target,
	     const char *prior, const char *reason, uid_t uid)
{
	struct action *l = realloc(p->actions, sizeof *l * (p->n_actions + 1));
	if (!l)
		return -ENOMEM;
	p->actions = l;
	struct action *a = &p->actions[p->n_actions];
	*a = (struct action){
		.kind = kind,
		.stage = stage,
		.target = strdup(target),
		.prior = prior ? strdup(prior) : NULL,
		.reason = reason ? strdup(reason) : NULL,
		.uid = uid,
		.state = ACTION_PLANNED,
	};
	p->n_actions++;
	if (!a->target || (prior && !a->prior) || (reason && !a->reason))
		return -ENOMEM;
	return 0;
}

_printf_(3, 0) static int push_vprintf(char ***l, size_t *n, const char *fmt, va_list ap)
{
	char *s;
	if (vasprintf(&s, fmt, ap) < 0)
		return -ENOMEM;
	return strv_push_n(l, n, s);
}

int plan_note(struct plan *p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = push_vprintf(&p->notes, &p->n_notes, fmt, ap);
	va_end(ap);
	return r;
}

int plan_refuse(struct plan *p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = push_vprintf(&p->refusals, &p->n_refusals, fmt, ap);
	va_end(ap);
	return r;
}
