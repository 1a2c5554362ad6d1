// SPDX-License-Identifier: GPL-2.0-or-later
/* CPU sets in libvirt's syntax. */
#include <ctype.h>

#include "input/cpuset.h"
#include "lib/strutil.h"

void cpuset_add(struct cpuset *s, unsigned cpu)
{
	if (cpu < CPUSET_MAX)
		s->bits[cpu / 64] |= UINT64_C(1) << (cpu % 64);
}

bool cpuset_has(const struct cpuset *s, unsigned cpu)
{
	return cpu < CPUSET_MAX && (s->bits[cpu / 64] >> (cpu % 64)) & 1;
}

void cpuset_union(struct cpuset *dst, const struct cpuset *src)
{
	for (size_t i = 0; i < ARRAY_SIZE(dst->bits); i++)
		dst->bits[i] |= src->bits[i];
}

void cpuset_subtract(struct cpuset *dst, const struct cpuset *src)
{
	for (size_t i = 0; i < ARRAY_SIZE(dst->bits); i++)
		dst->bits[i] &= ~src->bits[i];
}

bool cpuset_is_empty(const struct cpuset *s)
{
	for (size_t i = 0; i < ARRAY_SIZE(s->bits); i++)
		if (s->bits[i])
			return false;
	return true;
}

unsigned cpuset_count(const struct cpuset *s)
{
	unsigned n = 0;
	for (size_t i = 0; i < ARRAY_SIZE(s->bits); i++)
		n += (unsigned)__builtin_popcountll(s->bits[i]);
	return n;
}

static int parse_cpu(const char **p, unsigned *ret)
{
	unsigned long v = 0;
	if (!isdigit((unsigned char)**p))
		return -EINVAL;
	while (isdigit((unsigned char)**p)) {
		v = v * 10 + (unsigned long)(**p - '0');
		if (v >= CPUSET_MAX)
			return -ERANGE;
		(*p)++;
	}
	*ret = (unsigned)v;
	return 0;
}

int cpuset_parse(const char *s, struct cpuset *ret)
{
	struct cpuset set = { 0 }, neg = { 0 };
	const char *p = s;
	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		bool negate = *p == '^';
		if (negate)
			p++;
		unsigned a, b;
		int r = parse_cpu(&p, &a);
		if (r < 0)
			return r;
		b = a;
		if (*p == '-') {
			p++;
			if ((r = parse_cpu(&p, &b)) < 0)
				return r;
			if (b < a)
				return -EINVAL;
		}
		for (unsigned c = a; c <= b; c++)
			cpuset_add(negate ? &neg : &set, c);
		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		if (*p != ',')
			return -EINVAL;
		p++;
	}
	for (size_t i = 0; i < ARRAY_SIZE(set.bits); i++)
		set.bits[i] &= ~neg.bits[i];
	*ret = set;
	return 0;
}

char *cpuset_format(const struct cpuset *s)
{
	size_t cap = 64, len = 0;
	char *out = malloc(cap);
	if (!out)
		return NULL;
	out[0] = 0;
	for (unsigned c = 0; c < CPUSET_MAX; c++) {
		if (!s->bits[c / 64]) {
			c |= 63; /* skip an empty word whole */
			continue;
		}
		if (!cpuset_has(s, c))
			continue;
		unsigned e = c;
		while (e + 1 < CPUSET_MAX && cpuset_has(s, e + 1))
			e++;
		char part[32];
		int n = e == c ? snprintf(part, sizeof part, "%s%u", len ? "," : "", c) :
				 snprintf(part, sizeof part, "%s%u-%u", len ? "," : "", c, e);
		if (len + (size_t)n + 1 > cap) {
			cap = (len + (size_t)n + 1) * 2;
			char *o = realloc(out, cap);
			if (!o) {
				free(out);
				return NULL;
			}
			out = o;
		}
		memcpy(out + len, part, (size_t)n + 1);
		len += (size_t)n;
		c = e;
	}
	return out;
}
