/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * A tiny test harness (after kmod's testsuite and systemd's tests.h): TEST(name) registers a
 * function in an ELF section; main forks each with a timeout and prints "PASS name" or
 * "FAIL name", then "N passed, N failed". $TESTFUNCS selects tests by name.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct test {
	const char *name;
	void (*fn)(void);
};

#define TEST(n)                                                                                    \
	static void test_##n(void);                                                                \
	static const struct test test_entry_##n __attribute__((used, section("vh_tests"),          \
								aligned(8))) = { #n, test_##n };   \
	static void test_##n(void)

extern const struct test __start_vh_tests[], __stop_vh_tests[];

#define FAIL_AT(...)                                                                               \
	do {                                                                                       \
		fprintf(stderr, "%s:%d: ", __FILE__, __LINE__);                                    \
		fprintf(stderr, __VA_ARGS__);                                                      \
		fputc('\n', stderr);                                                               \
		exit(1);                                                                           \
	} while (0)

#define ASSERT_TRUE(x)                                                                             \
	do {                                                                                       \
		if (!(x))                                                                          \
			FAIL_AT("expected true: %s", #x);                                          \
	} while (0)
#define ASSERT_FALSE(x) ASSERT_TRUE(!(x))
#define ASSERT_OK(expr)                                                                            \
	do {                                                                                       \
		long _r = (long)(expr);                                                            \
		if (_r < 0)                                                                        \
			FAIL_AT("%s failed: %s", #expr, strerror((int)-_r));                       \
	} while (0)
#define ASSERT_ERR(expr, err)                                                                      \
	do {                                                                                       \
		long _r = (long)(expr);                                                            \
		if (_r != -(err))                                                                  \
			FAIL_AT("%s returned %ld, expected -%s", #expr, _r, #err);                 \
	} while (0)
#define ASSERT_EQ(a, b)                                                                            \
	do {                                                                                       \
		long long _a = (long long)(a), _b = (long long)(b);                                \
		if (_a != _b)                                                                      \
			FAIL_AT("%s == %lld, expected %s == %lld", #a, _a, #b, _b);                \
	} while (0)
#define ASSERT_STREQ(a, b)                                                                         \
	do {                                                                                       \
		const char *_a = (a), *_b = (b);                                                   \
		if (!_a || !_b || strcmp(_a, _b) != 0)                                             \
			FAIL_AT("%s == \"%s\", expected \"%s\"", #a, _a ? _a : "(null)",           \
				_b ? _b : "(null)");                                               \
	} while (0)
#define ASSERT_NULL(a) ASSERT_TRUE((a) == NULL)
#define ASSERT_NOT_NULL(a) ASSERT_TRUE((a) != NULL)

static inline bool test_selected(const char *name)
{
	const char *sel = getenv("TESTFUNCS");
	if (!sel || !*sel)
		return true;
	size_t n = strlen(name);
	for (const char *p = strstr(sel, name); p; p = strstr(p + 1, name))
		if ((p == sel || p[-1] == ',') && (p[n] == 0 || p[n] == ','))
			return true;
	return false;
}

static inline int test_main(const char *suite)
{
	unsigned passed = 0, failed = 0;
	/* cppcheck-suppress comparePointers ; the linker's start and end of one section */
	for (const struct test *t = __start_vh_tests; t < __stop_vh_tests; t++) {
		if (!test_selected(t->name))
			continue;
		fflush(stdout);
		pid_t pid = fork();
		if (pid == 0) {
			alarm(20); /* a hang is a failure, not a stuck CI */
			t->fn();
			exit(0);
		}
		int status = 0;
		waitpid(pid, &status, 0);
		bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
		printf("%s %s.%s\n", ok ? "PASS" : "FAIL", suite, t->name);
		if (!ok && WIFSIGNALED(status))
			printf("  killed by signal %d\n", WTERMSIG(status));
		ok ? passed++ : failed++;
	}
	printf("%s: %u passed, %u failed\n", suite, passed, failed);
	return failed ? 1 : 0;
}

#define TEST_MAIN(suite)                                                                           \
	int main(void)                                                                             \
	{                                                                                          \
		return test_main(suite);                                                           \
	}
