// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer target: the journal reader, on records anyone might have tampered with. */
#include "core/journal.h"
#include "fuzz.h"
#include "input/domain.h"
#include "input/pci-addr.h"

static void check_journal(const struct journal *j)
{
	const struct plan *p = j->plan;
	CHECK(j->state >= 0 && j->state < _JOURNAL_STATE_MAX);
	CHECK(j->pid >= 0);
	CHECK(uuid_is_valid(p->vm_uuid));
	CHECK(p->n_actions <= JOURNAL_MAX_ACTIONS);
	for (char **d = p->devices; d && *d; d++) {
		struct pci_addr a;
		CHECK(pci_addr_parse(*d, &a) == 0);
	}
	for (size_t i = 0; i < p->n_actions; i++) {
		const struct action *a = &p->actions[i];
		CHECK(stage_to_string(a->stage) && action_kind_to_string(a->kind) &&
		      action_state_to_string(a->state));
		CHECK(!isempty(a->target));
		CHECK(!a->prior || *a->prior);
		CHECK(!a->result || *a->result);
	}
}

static bool same_value(const char *a, const char *b)
{
	return streq(a ?: "", b ?: ""); /* an empty value is written as "%" and read back as "" */
}

static bool journals_equal(const struct journal *a, const struct journal *b)
{
	const struct plan *p = a->plan, *q = b->plan;
	if (a->state != b->state || a->pid != b->pid || !same_value(a->boot_id, b->boot_id) ||
	    !streq(p->vm_uuid, q->vm_uuid) || !same_value(p->vm_name, q->vm_name) ||
	    p->host_graphics_go != q->host_graphics_go || !strv_equal(p->devices, q->devices) ||
	    !same_value(p->pinned_cpus, q->pinned_cpus) || p->n_actions != q->n_actions)
		return false;
	for (size_t i = 0; i < p->n_actions; i++) {
		const struct action *x = &p->actions[i], *y = &q->actions[i];
		if (x->state != y->state || x->stage != y->stage || x->kind != y->kind ||
		    x->uid != y->uid || !streq(x->target, y->target) ||
		    !same_value(x->prior, y->prior) || !same_value(x->result, y->result))
			return false;
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_(journal_freep) struct journal *j = NULL, *again = NULL;
	_cleanup_free_ char *why = NULL;
	int r = journal_parse((const char *)data, size, &j, &why);
	if (r < 0) {
		/* A refusal always says why, in one line. */
		CHECK(r == -EBADMSG || r == -EINVAL);
		CHECK(!j);
		CHECK(why && !strchr(why, '\n'));
		return 0;
	}
	check_journal(j);

	/* What release will read is what prepare wrote: a parsed journal, written again, parses
	 * to the same journal and the same text. */
	_cleanup_free_ char *text = NULL, *retext = NULL;
	CHECK(journal_format(j, &text) == 0);
	CHECK(journal_parse(text, strlen(text), &again, NULL) == 0);
	CHECK(journals_equal(j, again));
	CHECK(journal_format(again, &retext) == 0);
	CHECK(streq(text, retext));
	return 0;
}
