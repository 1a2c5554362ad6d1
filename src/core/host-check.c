// SPDX-License-Identifier: GPL-2.0-or-later
/* Checking a journaled action against the host as it is now, through its type's check; reads only. */
#include "core/action-type.h"
#include "core/host-check.h"
#include "lib/string-table.h"

static const char *const host_match_table[_HOST_MATCH_MAX] = {
	[HOST_MATCHES] = "matches",
	[HOST_DIFFERS] = "does not match",
	[HOST_NOT_CHECKED] = "not checked",
};

DEFINE_STRING_TABLE_LOOKUP_TO_STRING(host_match, enum host_match, _HOST_MATCH_MAX, )

enum host_match host_check_say(enum host_match m, char **ret_detail, char *detail)
{
	if (ret_detail)
		*ret_detail = detail;
	else
		free(detail);
	return m;
}

enum host_match host_check_action(const struct host *h, const struct action *a, char **ret_detail)
{
	const struct action_type *t = action_type_of(a->kind);
	/* Sessions, processes, cgroups, firewalld, exports, labels, scripts: more than one cheap
	 * read would say, or nothing to compare with. */
	if (!t || !t->check)
		return host_check_say(HOST_NOT_CHECKED, ret_detail, NULL);
	return t->check(h, a, ret_detail);
}
