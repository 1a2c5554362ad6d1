/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "lib/strutil.h"

/*
 * An enum and its strings, from one table, as systemd's DEFINE_STRING_TABLE_LOOKUP: the table
 * NAME_table[MAX], indexed by the enum, gives NAME_to_string (NULL outside the enum) and
 * NAME_from_string (the enum's invalid value, -EINVAL, for a string not in the table).
 * SCOPE is empty for functions a header declares, or static.
 */
#define DEFINE_STRING_TABLE_LOOKUP_TO_STRING(name, type, max, scope)                               \
	scope const char *name##_to_string(type v)                                                 \
	{                                                                                          \
		return (int)v >= 0 && (int)v < (max) ? name##_table[v] : NULL;                     \
	}

#define DEFINE_STRING_TABLE_LOOKUP_FROM_STRING(name, type, max, scope)                             \
	scope type name##_from_string(const char *s)                                               \
	{                                                                                          \
		for (int i = 0; s && i < (max); i++)                                               \
			if (name##_table[i] && streq(name##_table[i], s))                          \
				return (type)i;                                                    \
		return (type)-EINVAL;                                                              \
	}

#define DEFINE_STRING_TABLE_LOOKUP(name, type, max)                                                \
	DEFINE_STRING_TABLE_LOOKUP_TO_STRING(name, type, max, )                                    \
	DEFINE_STRING_TABLE_LOOKUP_FROM_STRING(name, type, max, )
