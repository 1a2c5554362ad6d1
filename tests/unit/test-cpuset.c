// SPDX-License-Identifier: GPL-2.0-or-later
#include "input/cpuset.h"
#include "test.h"

TEST(parse_and_format)
{
	struct cpuset s;
	ASSERT_OK(cpuset_parse("0-3,^2,8", &s));
	_cleanup_free_ char *f = cpuset_format(&s);
	ASSERT_STREQ(f, "0-1,3,8");
	ASSERT_EQ(cpuset_count(&s), 4);
	ASSERT_OK(cpuset_parse(" 5 ", &s));
	ASSERT_TRUE(cpuset_has(&s, 5));
}

TEST(rejects)
{
	struct cpuset s;
	static const char *const bad[] = { "", "a", "1-", "3-1", "1,,2", "99999", "1 2", "-1" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		if (cpuset_parse(bad[i], &s) >= 0)
			FAIL_AT("accepted '%s'", bad[i]);
}

TEST_MAIN("cpuset")
