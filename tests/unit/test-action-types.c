// SPDX-License-Identifier: GPL-2.0-or-later
/* The action kinds' table: every kind has a whole type, found again by its journal name. */
#include "core/action-type.h"
#include "lib/strutil.h"
#include "test.h"

TEST(every_kind_has_a_type)
{
	for (int k = 0; k < _ACTION_KIND_MAX; k++) {
		const struct action_type *t = action_types[k];
		ASSERT_NOT_NULL(t);
		ASSERT_TRUE(t->name && t->verb && t->run && t->target_ok && t->target_is);
		ASSERT_TRUE(t->any_stage || (t->stage >= 0 && t->stage < _STAGE_MAX));
		ASSERT_TRUE(!t->prior_ok == !t->prior_is);
		ASSERT_TRUE(!t->result_ok == !t->result_is);
		ASSERT_EQ(action_kind_from_string(t->name), k);
		ASSERT_STREQ(action_kind_to_string((enum action_kind)k), t->name);
	}
}

/* The journal's VFIO_HOOK_ACTION finds the kind again by the verb the executor times it with. */
TEST(each_verb_names_one_kind)
{
	for (int k = 0; k < _ACTION_KIND_MAX; k++) {
		for (int o = 0; o < k; o++)
			if (streq(action_types[o]->verb, action_types[k]->verb))
				FAIL_AT("%s and %s share the verb '%s'", action_types[o]->name,
					action_types[k]->name, action_types[k]->verb);
		ASSERT_STREQ(action_kind_name_of_verb(action_types[k]->verb), action_types[k]->name);
	}
	ASSERT_STREQ(action_kind_name_of_verb("unbind driver"), "unbind-pci");
	ASSERT_NULL(action_kind_name_of_verb("unbind"));
	ASSERT_NULL(action_kind_name_of_verb(NULL));
}

TEST(outside_the_enum)
{
	ASSERT_NULL(action_type_of(_ACTION_KIND_MAX));
	ASSERT_NULL(action_type_of(_ACTION_KIND_INVALID));
	ASSERT_EQ(action_kind_from_string("unbind"), _ACTION_KIND_INVALID);
	ASSERT_EQ(action_kind_from_string(NULL), _ACTION_KIND_INVALID);
	ASSERT_STREQ(action_kind_verb(_ACTION_KIND_MAX), "?");
}

TEST_MAIN("action-types")
