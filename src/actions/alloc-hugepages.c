// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * alloc-hugepages: the huge pages a VM needs added to a pool; release frees exactly those. Each
 * VM reserves and frees only its own count: pages another VM's journal records reserving are
 * not free for this one, even before that VM's QEMU has taken them.
 */
#include <limits.h>

#include "core/action-type.h"
#include "core/journal.h"
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

/* The result: "ADDED:BASE", the pages added and the pool's size before, journaled before the
 * write; "ADDED" in journals of earlier versions. */
static int parse_reservation(const char *s, unsigned *ret_added, unsigned *ret_base, bool *ret_has_base)
{
	char added[16];
	const char *colon = s ? strchr(s, ':') : NULL;
	if (!s)
		return -EINVAL;
	*ret_has_base = colon;
	if (!colon)
		return safe_atou(s, 10, ret_added);
	if ((size_t)(colon - s) >= sizeof added)
		return -EINVAL;
	memcpy(added, s, (size_t)(colon - s));
	added[colon - s] = 0;
	int r = safe_atou(added, 10, ret_added);
	return r < 0 ? r : safe_atou(colon + 1, 10, ret_base);
}

static bool is_reservation(const char *s)
{
	unsigned added, base = 0;
	bool has_base;
	char canonical[32];
	if (parse_reservation(s, &added, &base, &has_base) < 0)
		return false;
	if (has_base)
		snprintf(canonical, sizeof canonical, "%u:%u", added, base);
	else
		snprintf(canonical, sizeof canonical, "%u", added);
	return streq(s, canonical);
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
	unsigned long long others = journal_others_hugepages(ctx->journal_dir_fd, ctx->vm_uuid,
							     a->target);
	unsigned spare = free_pages > others ? free_pages - (unsigned)others : 0;
	if (spare >= want)
		return ACTION_NOOP;
	unsigned add = want - spare;
	if (nr > UINT_MAX - add)
		return log_error_errno(-EOVERFLOW, "Cannot reserve %u more huge pages in %s", add,
				       a->target);
	/* Recorded before the write: an undo after a crash knows what to take back. */
	char reservation[32];
	snprintf(reservation, sizeof reservation, "%u:%u", add, nr);
	if ((r = exec_record_result(ctx, a, reservation)) < 0)
		return r;
	/* Defragment first: a fresh 1 GiB page needs contiguous memory. */
	(void)!write_attr_at(ctx->root->proc_fd, "sys/vm/compact_memory", "1");
	if ((r = set_nr(sys, a->target, nr + add)) < 0 && r != -ENOMEM)
		return log_error_errno(r, "Cannot reserve huge pages in %s: %m", a->target);
	if ((r = pool_counts(sys, a->target, &got, &free_pages)) < 0)
		return log_error_errno(r, "Cannot read %s: %m", a->target);
	if (got < nr + add) {
		(void)!set_nr(sys, a->target, nr);
		return log_error_errno(-ENOMEM, "Only %u of the %u huge pages the VM needs could be "
						"reserved: not enough free memory", got > nr ? got - nr : 0, add);
	}
	log_info("Reserved %u huge pages in %s", add, a->target);
	return 0;
}

static int undo(struct exec_ctx *ctx, struct action *a)
{
	int sys = ctx->root->sys_fd;
	unsigned added, base = 0, nr, free_pages;
	bool has_base;
	/* Only what we added, and nothing when we do not know what that was. */
	if (parse_reservation(a->result, &added, &base, &has_base) < 0 ||
	    !is_hugepage_pool(a->target))
		return ACTION_NOOP;
	int r = pool_counts(sys, a->target, &nr, &free_pages);
	if (r < 0)
		return log_error_errno(r, "Cannot read %s: %m", a->target);
	/* Started but not recorded done: the write may not have happened, or only in part. */
	if (a->state != ACTION_DONE && has_base)
		added = nr > base ? MIN(added, nr - base) : 0;
	if (added == 0)
		return ACTION_NOOP;
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
	unsigned nr, added, base;
	bool has_base;
	if (parse_reservation(a->result, &added, &base, &has_base) < 0)
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
	.result_ok = is_reservation,
	.result_is = "pages added:pool size before",
	.run = run,
	.undo = undo,
	.undo_text = undo_text,
	.check = check,
};
