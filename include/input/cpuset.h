/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdint.h>

#include "lib/macro.h"

/* A set of CPU numbers, as libvirt writes them ("0-3,^2,8"). */
#define CPUSET_MAX 8192
struct cpuset {
	uint64_t bits[CPUSET_MAX / 64];
};

_must_check_ int cpuset_parse(const char *s, struct cpuset *ret);
void cpuset_add(struct cpuset *s, unsigned cpu);
bool cpuset_has(const struct cpuset *s, unsigned cpu);
void cpuset_union(struct cpuset *dst, const struct cpuset *src);
void cpuset_subtract(struct cpuset *dst, const struct cpuset *src);
bool cpuset_is_empty(const struct cpuset *s);
unsigned cpuset_count(const struct cpuset *s);
/* Canonical "0-3,8" form; NULL on OOM. */
char *cpuset_format(const struct cpuset *s);
