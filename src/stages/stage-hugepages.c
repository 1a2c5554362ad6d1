// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Stage hugepages: a VM with <memoryBacking><hugepages> gets its huge pages reserved before
 * it starts (on the NUMA node of its pinned CPUs when they share one), memory compacted first;
 * release frees exactly what was added.
 */
#include <limits.h>

#include "host/hugepage-pool.h"
#include "lib/fileio.h"
#include "lib/strutil.h"
#include "stages/stages.h"

static int default_page_kib(int proc_fd, unsigned long long *ret)
{
	char buf[8192];
	int r = read_attr_at(proc_fd, "meminfo", buf, sizeof buf);
	if (r < 0)
		return r;
	const char *p = strstr(buf, "Hugepagesize:");
	if (!p || sscanf(p, "Hugepagesize: %llu kB", ret) != 1)
		return -ENOENT;
	return 0;
}

/* The NUMA node all pinned CPUs are on, or -1. */
static int pinned_node(int sys_fd, const struct cpuset *pins)
{
	int node = -1;
	for (unsigned c = 0; c < CPUSET_MAX; c++) {
		if (!cpuset_has(pins, c))
			continue;
		int found = -1;
		for (int n = 0; n < 64 && found < 0; n++) {
			char path[PATH_MAX];
			snprintf(path, sizeof path, "devices/system/cpu/cpu%u/node%d", c, n);
			if (exists_at(sys_fd, path))
				found = n;
		}
		if (found < 0 || (node >= 0 && node != found))
			return -1;
		node = found;
	}
	return node;
}

int hugepages_need(const struct host *h, const struct domain *d, struct hugepages_need *ret,
		   char **ret_problem)
{
	unsigned long long page_kib = d->hugepage_kib;
	int sys = h->root->sys_fd;
	struct hugepages_need n = { .node = -1 };

	if (page_kib == 0 && default_page_kib(h->root->proc_fd, &page_kib) < 0)
		return (*ret_problem = strdup("the domain wants huge pages but the kernel has none")) ?
			       -ENOENT : -ENOMEM;
	if (d->memory_kib == 0)
		return (*ret_problem = strdup("the domain wants huge pages but gives no <memory>")) ?
			       -ENOENT : -ENOMEM;
	n.page_kib = page_kib;
	n.pages = (d->memory_kib + page_kib - 1) / page_kib;

	struct cpuset pins = d->vcpupin;
	cpuset_union(&pins, &d->emulatorpin);
	n.node = cpuset_is_empty(&pins) ? -1 : pinned_node(sys, &pins);
	if (n.node >= 0)
		snprintf(n.pool, sizeof n.pool,
			 "devices/system/node/node%d/hugepages/hugepages-%llukB", n.node, page_kib);
	else
		snprintf(n.pool, sizeof n.pool, "kernel/mm/hugepages/hugepages-%llukB", page_kib);
	if (hugepage_pool_read(sys, n.pool, "nr_hugepages", &n.nr) < 0)
		return (*ret_problem = strdup_printf("no %llu kB huge pages on this kernel (%s)",
						     page_kib, n.pool)) ? -ENOENT : -ENOMEM;
	if (hugepage_pool_read(sys, n.pool, "free_hugepages", &n.free_pages) < 0)
		n.free_pages = 0;
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
