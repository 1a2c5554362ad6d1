// SPDX-License-Identifier: GPL-2.0-or-later
/* String-vector helpers. */
#include "strutil.h"
#include "test.h"

TEST(push_n_keeps_the_count)
{
	_cleanup_strv_free_ char **l = NULL;
	size_t n = 0;
	for (unsigned i = 0; i < 100; i++) {
		char name[16];
		snprintf(name, sizeof name, "v%u", i);
		ASSERT_OK(strv_extend_n(&l, &n, name));
		ASSERT_EQ(n, i + 1);
		ASSERT_EQ(strv_length(l), n);
	}
	ASSERT_OK(strv_push_n(&l, &n, strdup("last")));
	ASSERT_EQ(n, 101);
	ASSERT_STREQ(l[0], "v0");
	ASSERT_STREQ(l[99], "v99");
	ASSERT_STREQ(l[100], "last");
	ASSERT_NULL(l[101]);
}

TEST(push_n_refuses_a_value_that_was_not_made)
{
	_cleanup_strv_free_ char **l = NULL;
	size_t n = 0;
	ASSERT_ERR(strv_push_n(&l, &n, NULL), ENOMEM);
	ASSERT_EQ(n, 0);
	ASSERT_NULL(l);
}

TEST_MAIN("strutil")
