/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdarg.h>
#include <stddef.h>

#include "lib/macro.h"

/* NULL-terminated string vectors. */
typedef char **strv_t;
void strv_free(char **l);
DEFINE_TRIVIAL_CLEANUP_FUNC(char **, strv_free);
#define _cleanup_strv_free_ _cleanup_(strv_freep)
size_t strv_length(char *const *l);
bool strv_contains(char *const *l, const char *s);
_must_check_ int strv_push(char ***l, char *value);   /* takes value, even on failure */
_must_check_ int strv_extend(char ***l, const char *value);
/* The same for a list whose length the caller keeps in *n (0 for NULL), for lists that grow
 * with the input: strv_push measures the list at every call. */
_must_check_ int strv_push_n(char ***l, size_t *n, char *value); /* takes value, even on failure */
_must_check_ int strv_extend_n(char ***l, size_t *n, const char *value);
_must_check_ int strv_extend_unique(char ***l, const char *value);
void strv_sort(char **l);

/* A sorted view of strings for lookups in O(log n), where strv_contains reads the whole list.
 * It points at the strings, which must outlive it. */
struct strv_index {
	const char **sorted;
	size_t n;
};
/* Every string of l (NULL: none). */
_must_check_ int strv_index_build(struct strv_index *idx, char *const *l);
/* Adds s in its place: 0, or 1 (and nothing added) if the index has it already. */
_must_check_ int strv_index_add(struct strv_index *idx, const char *s);
bool strv_index_contains(const struct strv_index *idx, const char *s);
void strv_index_done(struct strv_index *idx);

char *strdup_printf(const char *fmt, ...) _printf_(1, 2);
char *strdup_vprintf(const char *fmt, va_list ap) _printf_(1, 0);
bool startswith(const char *s, const char *prefix);
bool endswith(const char *s, const char *suffix);
char *strstrip(char *s);
char *truncate_nl(char *s);
/* Copy s with control characters, backslash and non-ASCII escaped as \xNN: safe for logs and
 * terminals whatever a VM description or name contains. */
char *str_escape(const char *s, size_t max);
bool str_is_printable_ascii(const char *s);
/* Only ASCII letters, digits and the characters of extra. */
bool str_is_alnum_or(const char *s, const char *extra);
_must_check_ int safe_atou(const char *s, int base, unsigned *ret);
