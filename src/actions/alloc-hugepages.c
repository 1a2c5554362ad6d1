// SPDX-License-Identifier: GPL-2.0-or-later
/* alloc-hugepages: the huge pages a VM needs added to a pool; release frees exactly those. */
#include <limits.h>

#include "core/action-type.h"
#include "lib/fileio.h"
#include "lib/strutil.h"
#include "validate.h"

/* One of the two sysfs pool forms the hugepages stage writes, reprinted identically. */
static bool is_hugepage_pool(const char *s)
{
	unsigned node;
	unsigned long long kib;
	char canonical[PATH_MAX], tail[2];
	if (sscanf(s, "kernel/mm/hugepages/hugepages-%llukB%1s", &kib, tail) == 1)
		snprintf(canonical, sizeof canonical, "kernel/mm/hugepages/hugepages-%llukB", kib);
	else if (sscanf(s, "devices/system/node/node%u/hugepages/hugepages-%llukB%1s", &node, &kib,
			tail) == 2)
		snprintf(canonical, sizeof canonical,
			 "devices/system/node/node%u/hugepages/hugepages-%llukB", node, kib);
	else
		return false;
	return streq(s, canonical);
}

static bool is_count(const char *s)
{
	return is_numbered(s, "", UINT_MAX);
}

static char *undo_text(const struct action *a)
{
	return strdup("free what was reserved");
}

static enum host_match check(const struct host *h, const struct action *a, char **ret_detail)
{
	char path[PATH_MAX];
	unsigned nr, added;
	if (!a->result || safe_atou(a->result, 10, &added) < 0)
		return host_check_say(HOST_NOT_CHECKED, ret_detail, NULL);
	snprintf(path, sizeof path, "%s/nr_hugepages", a->target);
	if (read_attr_uint_at(h->root->sys_fd, path, 10, &nr) < 0)
		return host_check_say(HOST_NOT_CHECKED, ret_detail, NULL);
	return host_check_say(nr >= added ? HOST_MATCHES : HOST_DIFFERS, ret_detail,
			      strdup_printf("%u pages", nr));
}

const struct action_type action_alloc_hugepages = {
	.name = "alloc-hugepages",
	.verb = "reserve huge pages",
	.stage = STAGE_HUGEPAGES,
	.target_ok = is_hugepage_pool,
	.target_is = "a sysfs huge page pool",
	.prior_ok = is_count,
	.prior_is = "a page count",
	.result_ok = is_count,
	.result_is = "a count",
	.undo_text = undo_text,
	.check = check,
};
