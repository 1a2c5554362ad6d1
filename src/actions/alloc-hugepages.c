// SPDX-License-Identifier: GPL-2.0-or-later
/* alloc-hugepages: the huge pages a VM needs added to a pool; release frees exactly those. */
#include <limits.h>

#include "core/action-type.h"
#include "host/host.h"
#include "lib/fileio.h"
#include "lib/log.h"
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

static int pool_counts(int sys, const char *pool, unsigned *nr, unsigned *free_pages)
{
	int r = host_read_hugepage_count(sys, pool, "nr_hugepages", nr);
	return r < 0 ? r : host_read_hugepage_count(sys, pool, "free_hugepages", free_pages);
}

static int set_nr(int sys, const char *pool, unsigned nr)
{
	char path[PATH_MAX + 32], v[32];
	snprintf(path, sizeof path, "%s/nr_hugepages", pool);
	snprintf(v, sizeof v, "%u", nr);
	return write_attr_at(sys, path, v);
}

static int run(struct exec_ctx *ctx, struct action *a)
{
	int sys = ctx->root->sys_fd;
	unsigned want, nr, free_pages, got;
	if (!is_hugepage_pool(a->target) || safe_atou(strna(a->prior), 10, &want) < 0)
		return log_error_errno(-EINVAL, "Bad huge page action %s", a->target);
	int r = pool_counts(sys, a->target, &nr, &free_pages);
	if (r < 0)
		return log_error_errno(r, "Cannot read %s: %m", a->target);
	if (free_pages >= want)
		return ACTION_NOOP;
	/* Defragment first: a fresh 1 GiB page needs contiguous memory. */
	(void)!write_attr_at(ctx->root->proc_fd, "sys/vm/compact_memory", "1");
	unsigned add = want - free_pages;
	if ((r = set_nr(sys, a->target, nr + add)) < 0 && r != -ENOMEM)
		return log_error_errno(r, "Cannot reserve huge pages in %s: %m", a->target);
	if ((r = pool_counts(sys, a->target, &got, &free_pages)) < 0)
		return log_error_errno(r, "Cannot read %s: %m", a->target);
	if (got < nr + add) {
		(void)!set_nr(sys, a->target, nr);
		return log_error_errno(-ENOMEM, "Only %u of the %u huge pages the VM needs could be "
						"reserved: not enough free memory", got > nr ? got - nr : 0, add);
	}
	free(a->result);
	if (!(a->result = strdup_printf("%u", add)))
		return -ENOMEM;
	log_info("Reserved %u huge pages in %s", add, a->target);
	return 0;
}

static int undo(struct exec_ctx *ctx, struct action *a)
{
	int sys = ctx->root->sys_fd;
	unsigned added, nr, free_pages;
	/* Only what we added, and nothing when we do not know what that was. */
	if (!a->result || safe_atou(a->result, 10, &added) < 0 || !is_hugepage_pool(a->target))
		return ACTION_NOOP;
	int r = pool_counts(sys, a->target, &nr, &free_pages);
	if (r < 0)
		return log_error_errno(r, "Cannot read %s: %m", a->target);
	if ((r = set_nr(sys, a->target, nr > added ? nr - added : 0)) < 0)
		return log_error_errno(r, "Cannot free huge pages in %s: %m", a->target);
	log_info("Freed %u huge pages in %s", added, a->target);
	return 0;
}

static char *undo_text(const struct action *a)
{
	return strdup("free what was reserved");
}

static enum host_match check(const struct host *h, const struct action *a, char **ret_detail)
{
	unsigned nr, added;
	if (!a->result || safe_atou(a->result, 10, &added) < 0)
		return host_check_say(HOST_NOT_CHECKED, ret_detail, NULL);
	if (host_read_hugepage_count(h->root->sys_fd, a->target, "nr_hugepages", &nr) < 0)
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
	.run = run,
	.undo = undo,
	.undo_text = undo_text,
	.check = check,
};
