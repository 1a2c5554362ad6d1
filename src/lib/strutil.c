// SPDX-License-Identifier: GPL-2.0-or-later
/* String and string-vector helpers. */
#include <ctype.h>
#include <limits.h>
#include <stdarg.h>

#include "lib/strutil.h"

void strv_free(char **l)
{
	if (!l)
		return;
	for (char **i = l; *i; i++)
		free(*i);
	free(l);
}

size_t strv_length(char *const *l)
{
	size_t n = 0;
	for (; l && l[n]; n++)
		;
	return n;
}

bool strv_contains(char *const *l, const char *s)
{
	for (; l && *l; l++)
		if (streq(*l, s))
			return true;
	return false;
}

int strv_push_n(char ***l, size_t *n, char *value)
{
	/* NULL is a value that could not be made (strdup_printf failed): it would end the list. */
	if (!value)
		return -ENOMEM;
	char **c = realloc(*l, sizeof(char *) * (*n + 2));
	if (!c) {
		free(value);
		return -ENOMEM;
	}
	c[*n] = value;
	c[++*n] = NULL;
	*l = c;
	return 0;
}

int strv_push(char ***l, char *value)
{
	size_t n = strv_length(*l);
	return strv_push_n(l, &n, value);
}

int strv_extend_n(char ***l, size_t *n, const char *value)
{
	char *v = strdup(value);
	if (!v)
		return -ENOMEM;
	return strv_push_n(l, n, v);
}

int strv_extend(char ***l, const char *value)
{
	char *v = strdup(value);
	if (!v)
		return -ENOMEM;
	return strv_push(l, v);
}

int strv_extend_unique(char ***l, const char *value)
{
	if (strv_contains(*l, value))
		return 0;
	return strv_extend(l, value);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void strv_sort(char **l)
{
	size_t n = strv_length(l);
	if (n > 1)
		qsort(l, n, sizeof(char *), cmp_str);
}

int strv_index_build(struct strv_index *idx, char *const *l)
{
	size_t n = strv_length(l);
	*idx = (struct strv_index){ 0 };
	if (n == 0)
		return 0;
	/* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers, so a pointer's size */
	idx->sorted = malloc(sizeof *idx->sorted * n);
	if (!idx->sorted)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		idx->sorted[i] = l[i];
	idx->n = n;
	qsort(idx->sorted, n, sizeof *idx->sorted, cmp_str);
	return 0;
}

/* Where s is, or would go: the first entry not below it. */
static size_t strv_index_place(const struct strv_index *idx, const char *s)
{
	size_t lo = 0, hi = idx->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(idx->sorted[mid], s) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

bool strv_index_contains(const struct strv_index *idx, const char *s)
{
	size_t i = strv_index_place(idx, s);
	return i < idx->n && streq(idx->sorted[i], s);
}

int strv_index_add(struct strv_index *idx, const char *s)
{
	size_t i = strv_index_place(idx, s);
	if (i < idx->n && streq(idx->sorted[i], s))
		return 1;
	/* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers, so a pointer's size */
	const char **l = realloc(idx->sorted, sizeof *l * (idx->n + 1));
	if (!l)
		return -ENOMEM;
	memmove(l + i + 1, l + i, sizeof *l * (idx->n - i));
	l[i] = s;
	idx->sorted = l;
	idx->n++;
	return 0;
}

void strv_index_done(struct strv_index *idx)
{
	free(idx->sorted);
	*idx = (struct strv_index){ 0 };
}

char *strdup_vprintf(const char *fmt, va_list ap)
{
	char *s;
	return vasprintf(&s, fmt, ap) < 0 ? NULL : s;
}

char *strdup_printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = strdup_vprintf(fmt, ap);
	va_end(ap);
	return s;
}

bool startswith(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool endswith(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && memcmp(s + a - b, suffix, b) == 0;
}

char *strstrip(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = 0;
	return s;
}

char *truncate_nl(char *s)
{
	s[strcspn(s, "\n")] = 0;
	return s;
}

char *str_escape(const char *s, size_t max)
{
	size_t n = strnlen(s, max);
	char *out = malloc(n * 4 + 1), *o = out;
	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c >= 0x7f || c == '\\') {
			static const char hex[] = "0123456789abcdef";
			*o++ = '\\';
			*o++ = 'x';
			*o++ = hex[c >> 4];
			*o++ = hex[c & 15];
		} else
			*o++ = (char)c;
	}
	*o = 0;
	return out;
}

bool str_is_alnum_or(const char *s, const char *extra)
{
	for (; *s; s++)
		if (!(isalnum((unsigned char)*s) || strchr(extra, *s)))
			return false;
	return true;
}

bool str_is_printable_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			return false;
	return true;
}

int safe_atou(const char *s, int base, unsigned *ret)
{
	char *end;
	if (isempty(s) || *s == '-' || *s == '+' || isspace((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	unsigned long v = strtoul(s, &end, base);
	if (errno > 0)
		return -errno;
	if (*end)
		return -EINVAL;
	if (v > UINT_MAX)
		return -ERANGE;
	*ret = (unsigned)v;
	return 0;
}
