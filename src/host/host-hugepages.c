// SPDX-License-Identifier: GPL-2.0-or-later
/* Huge pages: the kernel's default page size and the pools a VM's pages would come from. */
#include <limits.h>

#include "host/host.h"
#include "lib/fileio.h"
#include "lib/strutil.h"

void host_load_hugepage_size(struct host *h)
{
	char buf[8192];
	h->hugepage_kib = 0;
	if (read_attr_at(h->root->proc_fd, "meminfo", buf, sizeof buf) < 0)
		return;
	const char *p = strstr(buf, "Hugepagesize:");
	if (!p || sscanf(p, "Hugepagesize: %llu kB", &h->hugepage_kib) != 1)
		h->hugepage_kib = 0;
}

const struct hugepage_pool *host_find_hugepage_pool(const struct host *h, const char *pool)
{
	for (size_t i = 0; i < h->n_hugepage_pools; i++)
		if (streq(h->hugepage_pools[i].path, pool))
			return &h->hugepage_pools[i];
	return NULL;
}

int host_read_hugepage_count(int sys_fd, const char *pool, const char *attr, unsigned *ret)
{
	char path[PATH_MAX + 32];
	snprintf(path, sizeof path, "%s/%s", pool, attr);
	return read_attr_uint_at(sys_fd, path, 10, ret);
}

int host_load_hugepage_pool(struct host *h, const char *pool)
{
	struct hugepage_pool p = { 0 };
	if (host_find_hugepage_pool(h, pool) ||
	    host_read_hugepage_count(h->root->sys_fd, pool, "nr_hugepages", &p.nr) < 0)
		return 0;
	if (host_read_hugepage_count(h->root->sys_fd, pool, "free_hugepages", &p.free_pages) < 0)
		p.free_pages = 0;
	_cleanup_free_ char *path = strdup(pool);
	struct hugepage_pool *l = path ? realloc(h->hugepage_pools,
						 sizeof *l * (h->n_hugepage_pools + 1)) :
					 NULL;
	if (!l)
		return -ENOMEM;
	h->hugepage_pools = l;
	p.path = TAKE_PTR(path);
	l[h->n_hugepage_pools++] = p;
	return 0;
}

void host_hugepages_free(struct host *h);
void host_hugepages_free(struct host *h)
{
	for (size_t i = 0; i < h->n_hugepage_pools; i++)
		free(h->hugepage_pools[i].path);
	free(h->hugepage_pools);
	h->hugepage_pools = NULL;
	h->n_hugepage_pools = 0;
	h->hugepage_kib = 0;
}
