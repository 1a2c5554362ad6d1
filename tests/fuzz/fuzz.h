/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * What the libFuzzer targets share. A broken invariant aborts like a crash, so libFuzzer keeps
 * the input: a target finds parsers that accept what they should refuse, or lose what they read,
 * not only memory errors.
 */
#include <stdint.h>

#include "lib/macro.h"
#include "lib/strutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__,       \
				#cond);                                                            \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* The input as a C string, or NULL if it holds a NUL: text from a file or a description
 * never reaches these parsers with one. */
static inline char *fuzz_text(const uint8_t *data, size_t size)
{
	if (memchr(data, 0, size))
		return NULL;
	char *s = strndup((const char *)data, size);
	CHECK(s);
	return s;
}

/* NULL and the empty vector mean the same. */
static inline bool strv_equal(char *const *a, char *const *b)
{
	size_t n = strv_length(a);
	if (n != strv_length(b))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!streq(a[i], b[i]))
			return false;
	return true;
}

static inline bool strv_has_duplicates(char *const *l)
{
	for (size_t i = 0; l && l[i]; i++)
		for (size_t k = i + 1; l[k]; k++)
			if (streq(l[i], l[k]))
				return true;
	return false;
}
