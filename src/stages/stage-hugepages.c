// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Stage hugepages: a VM with <memoryBacking><hugepages> gets its huge pages reserved before
 * it starts (on the NUMA node of its pinned CPUs when they share one), memory compacted first;
 * release frees exactly what was added.
 */
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
