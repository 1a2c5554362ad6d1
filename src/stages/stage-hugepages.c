// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Stage hugepages: a VM with <memoryBacking><hugepages> gets its huge pages reserved before
 * it starts (on the NUMA node of its pinned CPUs when they share one), memory compacted first;
 * release frees exactly what was added.
 */
#include <limits.h>

#include "lib/fileio.h"
#include "lib/log.h"
#include "lib/strutil.h"
#include "stages/stages.h"

/* The NUMA node all pinned CPUs are on, or -1. */
static int pinned_node(const struct host *h, const struct cpuset *pins)
{
	int node = -1;
	for (unsigned c = 0; c < CPUSET_MAX; c++) {
		if (!cpuset_has(pins, c))
			continue;
		const struct host_cpu *hc = host_find_cpu(h, c);
		int found = hc ? hc->node : -1;
		if (found < 0 || (node >= 0 && node != found))
			return -1;
		node = found;
	}
	return node;
}

/* The pool the domain's pages of page_kib come from: its pinned CPUs' node's, when they share
 * one, else the host-wide one. */
static void pick_pool(const struct host *h, const struct domain *d, unsigned long long page_kib,
		      struct hugepages_need *n)
{
	struct cpuset pins = d->vcpupin;
	cpuset_union(&pins, &d->emulatorpin);
	n->node = cpuset_is_empty(&pins) ? -1 : pinned_node(h, &pins);
	if (n->node >= 0)
		snprintf(n->pool, sizeof n->pool,
			 "devices/system/node/node%d/hugepages/hugepages-%llukB", n->node, page_kib);
	else
		snprintf(n->pool, sizeof n->pool, "kernel/mm/hugepages/hugepages-%llukB", page_kib);
}

int hugepages_load(struct host *h, const struct domain *d)
{
	struct hugepages_need n = { .node = -1 };
	struct cpuset pins = d->vcpupin;
	int r;
	if (d->hugepage_kib == 0)
		host_load_hugepage_size(h);
	unsigned long long page_kib = d->hugepage_kib ?: h->hugepage_kib;
	if (page_kib == 0)
		return 0;
	cpuset_union(&pins, &d->emulatorpin);
	if ((r = host_load_cpu_nodes(h, &pins)) < 0)
		return r;
	pick_pool(h, d, page_kib, &n);
	return host_load_hugepage_pool(h, n.pool);
}

int stage_hugepages_load(const struct plan_ctx *ctx, struct host *host)
{
	return ctx->dom->hugepages ? hugepages_load(host, ctx->dom) : 0;
}

/* A pool path from the plan or a journal: one of the two sysfs forms, nothing else. */
static bool sysfs_pool_is_safe(const char *p)
{
	unsigned n;
	unsigned long long kib;
	char tail[8];
	if (strstr(p, "..") || !str_is_printable_ascii(p))
		return false;
	return sscanf(p, "kernel/mm/hugepages/hugepages-%llukB%1s", &kib, tail) == 1 ||
	       sscanf(p, "devices/system/node/node%u/hugepages/hugepages-%llukB%1s", &n, &kib,
		      tail) == 2;
}

int hugepages_need(const struct host *h, const struct domain *d, struct hugepages_need *ret,
		   char **ret_problem)
{
	unsigned long long page_kib = d->hugepage_kib ?: h->hugepage_kib;
	struct hugepages_need n = { .node = -1 };

	if (page_kib == 0)
		return (*ret_problem = strdup("the domain wants huge pages but the kernel has none")) ?
			       -ENOENT : -ENOMEM;
	if (d->memory_kib == 0)
		return (*ret_problem = strdup("the domain wants huge pages but gives no <memory>")) ?
			       -ENOENT : -ENOMEM;
	n.page_kib = page_kib;
	n.pages = (d->memory_kib + page_kib - 1) / page_kib;
	pick_pool(h, d, page_kib, &n);
	const struct hugepage_pool *pool = host_find_hugepage_pool(h, n.pool);
	if (!pool)
		return (*ret_problem = strdup_printf("no %llu kB huge pages on this kernel (%s)",
						     page_kib, n.pool)) ? -ENOENT : -ENOMEM;
	n.nr = pool->nr;
	n.free_pages = pool->free_pages;
	*ret = n;
	return 0;
}

int stage_hugepages_plan(struct plan_ctx *ctx)
{
	const struct domain *d = ctx->dom;
	struct hugepages_need n;
	char why[128], want[32];

	if (!d->hugepages)
		return 0;
	_cleanup_free_ char *problem = NULL;
	int r = hugepages_need(ctx->host, d, &n, &problem);
	if (r == -ENOENT)
		return plan_refuse(ctx->plan, "%s", problem);
	if (r < 0)
		return r;
	snprintf(want, sizeof want, "%llu", n.pages);
	snprintf(why, sizeof why, "%llu MiB in %llu kB pages%s (%u free now)",
		 d->memory_kib / 1024, n.page_kib, n.node >= 0 ? ", on the pinned CPUs' node" : "",
		 n.free_pages);
	return plan_add(ctx->plan, STAGE_HUGEPAGES, ACTION_ALLOC_HUGEPAGES, n.pool, want, why, 0);
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

int hugepages_run(struct exec_ctx *ctx, struct action *a)
{
	int sys = ctx->root->sys_fd;
	unsigned want, nr, free_pages, got;
	if (!sysfs_pool_is_safe(a->target) || safe_atou(strna(a->prior), 10, &want) < 0)
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

int hugepages_undo(struct exec_ctx *ctx, struct action *a)
{
	int sys = ctx->root->sys_fd;
	unsigned added, nr, free_pages;
	/* Only what we added, and nothing when we do not know what that was. */
	if (!a->result || safe_atou(a->result, 10, &added) < 0 || !sysfs_pool_is_safe(a->target))
		return ACTION_NOOP;
	int r = pool_counts(sys, a->target, &nr, &free_pages);
	if (r < 0)
		return log_error_errno(r, "Cannot read %s: %m", a->target);
	if ((r = set_nr(sys, a->target, nr > added ? nr - added : 0)) < 0)
		return log_error_errno(r, "Cannot free huge pages in %s: %m", a->target);
	log_info("Freed %u huge pages in %s", added, a->target);
	return 0;
}
