// SPDX-License-Identifier: GPL-2.0-or-later
/* String-vector helpers. */
#include "lib/strutil.h"
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

TEST(index_finds_what_the_list_has)
{
	static const char *const names[] = { "0000:03:00.0", "0000:01:00.1", "0000:02:00.0",
					     "0000:01:00.0" };
	_cleanup_strv_free_ char **list = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		ASSERT_OK(strv_extend(&list, names[i]));
	_cleanup_(strv_index_done) struct strv_index idx = { 0 };
	ASSERT_OK(strv_index_build(&idx, list));
	ASSERT_EQ(idx.n, 4);
	for (size_t i = 1; i < idx.n; i++)
		ASSERT_TRUE(strcmp(idx.sorted[i - 1], idx.sorted[i]) < 0);
	for (char **s = list; *s; s++) {
		ASSERT_TRUE(strv_index_contains(&idx, *s));
		/* Equal text, not the same pointer. */
		_cleanup_free_ char *copy = strdup(*s);
		ASSERT_TRUE(strv_index_contains(&idx, copy));
	}
	static const char *const absent[] = { "", "0000:00:00.0", "0000:01:00", "0000:01:00.00",
					      "0000:02:00.1", "0000:04:00.0" };
	for (size_t i = 0; i < ARRAY_SIZE(absent); i++)
		ASSERT_FALSE(strv_index_contains(&idx, absent[i]));
}

TEST(index_of_nothing)
{
	_cleanup_(strv_index_done) struct strv_index idx = { 0 };
	ASSERT_FALSE(strv_index_contains(&idx, "x"));
	ASSERT_OK(strv_index_build(&idx, NULL));
	ASSERT_EQ(idx.n, 0);
	ASSERT_FALSE(strv_index_contains(&idx, ""));
}

TEST(index_add_keeps_order_and_refuses_twice)
{
	_cleanup_strv_free_ char **words = NULL;
	_cleanup_(strv_index_done) struct strv_index idx = { 0 };
	size_t n = 0;
	/* Out of order: 37 is prime to 100, so i * 37 % 100 visits each of 0..99 once. */
	for (unsigned i = 0; i < 100; i++) {
		char w[16];
		snprintf(w, sizeof w, "w%02u", i * 37 % 100);
		ASSERT_OK(strv_extend_n(&words, &n, w));
		ASSERT_EQ(strv_index_add(&idx, words[n - 1]), 0);
		ASSERT_EQ(strv_index_add(&idx, w), 1);
	}
	ASSERT_EQ(idx.n, 100);
	for (size_t i = 0; i < idx.n; i++) {
		char w[32];
		snprintf(w, sizeof w, "w%02zu", i);
		ASSERT_STREQ(idx.sorted[i], w);
	}
	ASSERT_FALSE(strv_index_contains(&idx, "w100"));
}

TEST_MAIN("strutil")
