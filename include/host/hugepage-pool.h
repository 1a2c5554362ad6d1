/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "lib/macro.h"

/* A huge page pool in sysfs, relative to /sys: kernel/mm/hugepages/hugepages-2048kB, or a NUMA
 * node's devices/system/node/node0/hugepages/hugepages-2048kB. */

/* One of its counts: "nr_hugepages", "free_hugepages". */
_must_check_ int hugepage_pool_read(int sys_fd, const char *pool, const char *count,
				    unsigned *ret);
