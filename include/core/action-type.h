/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "core/executor.h"
#include "core/host-check.h"
#include "core/plan.h"

/*
 * Everything one action kind is, in one place: its names, the form its journaled values take,
 * how it runs and is undone, what undoing it says and what status compares it with on the host. One file per kind in
 * src/actions/ (src/actions/NAME.c); the executor, the journal's checks, status and the plan's
 * printer go through the table.
 */
struct action_type {
	const char *name;  /* in the journal and JSON: unbind-pci */
	const char *verb;  /* the plan's ACTION column: unbind driver */

	/* What a journal record of it may say (src/core/journal-check.c). */
	enum stage_id stage;               /* the stage that plans it */
	bool any_stage;                    /* or any (override executables run around each) */
	bool (*target_ok)(const char *s);
	const char *target_is;             /* what target_ok wants, for the message */
	bool (*prior_ok)(const char *s);   /* NULL: a label, or nothing */
	const char *prior_is;
	bool one_of_the_devices;           /* the target is a PCI function the VM took */
	bool (*result_ok)(const char *s);  /* NULL: it records no result */
	const char *result_is;
	/* One host-wide thing other running VMs may hold too (a firewalld service, a governor): a
	 * VM that finds another holding it joins it (its run records "done" though nothing needed
	 * doing, and its prior is the first holder's), and only the last holder's undo gives it
	 * back. */
	bool shared;

	/* Each checks the real state before and after: 0 done, ACTION_NOOP, <0 failed (logged). */
	action_fn run;
	action_fn undo;                             /* NULL: nothing to give back */
	char *(*undo_text)(const struct action *a); /* what undoing it says; NULL: "-" */
	/* Whether the host still looks the way it left it; NULL: not checked. */
	enum host_match (*check)(const struct host *h, const struct action *a, char **ret_detail);
};

/* Indexed by enum action_kind; defined in src/actions/action-types.c. */
extern const struct action_type *const action_types[_ACTION_KIND_MAX];

/* The kind's type, NULL for a value outside the enum. */
static inline const struct action_type *action_type_of(enum action_kind k)
{
	return (int)k >= 0 && (int)k < _ACTION_KIND_MAX ? action_types[k] : NULL;
}
