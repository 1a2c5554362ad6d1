// SPDX-License-Identifier: GPL-2.0-or-later
/* A huge page pool's counts in sysfs, for the hugepages stage and its action. */
#include <limits.h>
#include <stdio.h>

#include "host/hugepage-pool.h"
#include "lib/fileio.h"

int hugepage_pool_read(int sys_fd, const char *pool, const char *count, unsigned *ret)
{
	char path[PATH_MAX + 32];
	snprintf(path, sizeof path, "%s/%s", pool, count);
	return read_attr_uint_at(sys_fd, path, 10, ret);
}
