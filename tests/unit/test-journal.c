// SPDX-License-Identifier: GPL-2.0-or-later
#include "journal.h"
#include "strutil.h"
#include "test.h"

#define UUID "8f2b0c44-1c7e-4b1a-9d55-2f1b5c6a7e01"

static struct journal *sample(void)
{
	struct journal *j = calloc(1, sizeof *j);
	ASSERT_NOT_NULL(j);
	j->plan = plan_new(PLAN_PREPARE, "win 10 $(x)\n", UUID);
	j->boot_id = strdup("b3a1");
	j->pid = 1234;
	j->state = JOURNAL_PREPARING;
	j->plan->host_graphics_go = true;
	ASSERT_OK(strv_extend(&j->plan->devices, "0000:00:03.0"));
	ASSERT_OK(plan_add(j->plan, STAGE_DISPLAY_MANAGER, ACTION_STOP_UNIT, "nodm.service",
			   "active", "why", 0));
	ASSERT_OK(plan_add(j->plan, STAGE_AUDIO, ACTION_STOP_USER_UNIT, "pipewire.service", NULL,
			   NULL, 1000));
	j->plan->actions[0].state = ACTION_DONE;
	j->plan->actions[0].result = strdup("added=3");
	return j;
}

TEST(round_trip)
{
	_cleanup_(journal_freep) struct journal *j = sample(), *k = NULL;
	_cleanup_free_ char *text = NULL, *again = NULL;
	ASSERT_OK(journal_format(j, &text));
	ASSERT_TRUE(strstr(text, "name win%2010%20%24%28x%29%0a\n") != NULL);
	ASSERT_OK(journal_parse(text, strlen(text), &k));
	ASSERT_STREQ(k->plan->vm_name, "win 10 $(x)\n");
	ASSERT_EQ(k->plan->n_actions, 2);
	ASSERT_EQ(k->plan->actions[0].state, ACTION_DONE);
	ASSERT_STREQ(k->plan->actions[0].result, "added=3");
	ASSERT_NULL(k->plan->actions[1].result);
	ASSERT_EQ(k->plan->actions[1].uid, 1000);
	ASSERT_NULL(k->plan->actions[1].prior);
	ASSERT_TRUE(k->plan->host_graphics_go);
	ASSERT_OK(journal_format(k, &again));
	ASSERT_STREQ(again, text);
}

TEST(tampered_records_are_refused)
{
	static const char *const bad[] = {
		"",
		"vfio-hook-journal 2\nuuid " UUID "\nstate prepared\n",
		"vfio-hook-journal 1\nstate prepared\n",
		"vfio-hook-journal 1\nuuid ../../etc\nstate prepared\n",
		"vfio-hook-journal 1\nuuid " UUID "\nstate weird\n",
		"vfio-hook-journal 1\nuuid " UUID "\nstate prepared\ndevice ../../../x\n",
		"vfio-hook-journal 1\nuuid " UUID "\nstate prepared\naction done drivers rm-rf 0 x % %\n",
		"vfio-hook-journal 1\nuuid " UUID "\nstate prepared\naction done drivers unbind-pci 0 a/%00 % %\n",
		"vfio-hook-journal 1\nuuid " UUID "\nstate prepared\naction done drivers unbind-pci 0 a b c d\n",
		"vfio-hook-journal 1\nuuid " UUID "\nstate prepared\nshell rm -rf /\n",
		"vfio-hook-journal 1\nuuid " UUID "\nstate prepared\npinned ^0\n",
		"vfio-hook-journal 1\nuuid " UUID "\nstate prepared\naction done drivers unbind-pci x y % %\n",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		struct journal *j = NULL;
		if (journal_parse(bad[i], strlen(bad[i]), &j) >= 0)
			FAIL_AT("accepted record %zu", i);
	}
}

TEST_MAIN("journal")
