// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What a journal record may say. Release hands these values, as root, to sysfs paths,
 * libkmod, systemd, mount(2), exportfs, setxattr and override executables: each is held to
 * the form vfio-hook itself writes, so a tampered or corrupted journal is refused before
 * anything acts on it. Each kind's form is in its type (src/actions/NAME.c).
 */
#include "core/action-type.h"
#include "core/journal.h"
#include "lib/strutil.h"

/* Words the plan shows as what an action expects ("active", "not loaded"): never used. */
static bool is_label(const char *s)
{
	return strlen(s) <= 256 && str_is_printable_ascii(s);
}

static char *bad_value(const struct action *a, const char *field, const char *value,
		       const char *expected)
{
	_cleanup_free_ char *e = str_escape(value, 64);
	return strdup_printf("%s %s '%s' is not %s", action_kind_to_string(a->kind), field,
			     strna(e), expected);
}

char *journal_action_problem(const struct action *a, const struct strv_index *devices)
{
	const struct action_type *t = action_types[a->kind];
	if (!t->any_stage && a->stage != t->stage)
		return strdup_printf("%s in stage %s, which never does that", t->name,
				     stage_to_string(a->stage));
	if (!t->target_ok(a->target))
		return bad_value(a, "target", a->target, t->target_is);
	if (t->one_of_the_devices && !strv_index_contains(devices, a->target))
		return strdup_printf("%s of %s, which is not one of the VM's devices", t->name,
				     a->target);
	if (t->prior_ok && !a->prior)
		return strdup_printf("%s of %s lacks its expectation, %s", t->name, a->target,
				     t->prior_is);
	if (a->prior && !(t->prior_ok ? t->prior_ok(a->prior) : is_label(a->prior)))
		return bad_value(a, "expectation", a->prior, t->prior_ok ? t->prior_is : "a label");
	if (a->result && !(t->result_ok && t->result_ok(a->result)))
		return bad_value(a, "result", a->result, t->result_ok ? t->result_is : "empty");
	if (a->uid == (uid_t)-1)
		return strdup_printf("%s of %s for uid -1", t->name, a->target);
	return NULL;
}
