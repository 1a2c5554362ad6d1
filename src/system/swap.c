// SPDX-License-Identifier: GPL-2.0-or-later
/* Swapping an area off and on again (swap.h). */
#include <signal.h>
#include <sys/swap.h>

#include "lib/strutil.h"
#include "system/swap.h"

static bool path_is_safe(const char *path)
{
	return path && path[0] == '/' && !strstr(path, "/../") && !endswith(path, "/..") &&
	       !strstr(path, "/./") && str_is_printable_ascii(path);
}

static int call_swapoff(int fd, void *data)
{
	(void)fd;
	return swapoff(data) < 0 ? -errno : 0;
}

int swap_off(struct kernel_deadline *d, const char *path)
{
	if (!path_is_safe(path))
		return -EINVAL;
	int r = kernel_call(d, call_swapoff, -1, (void *)path);
	/* A fatal signal stops swapoff(2) where it is; the call then returns and is reaped by
	 * init, and the journaled pid tells the undo to wait for that. */
	if (r == -ETIMEDOUT && d->stuck_pid > 0)
		(void)kill(d->stuck_pid, SIGKILL);
	return r;
}

int swap_on(const char *path, int priority)
{
	if (!path_is_safe(path))
		return -EINVAL;
	int flags = 0;
	if (priority >= 0)
		flags = SWAP_FLAG_PREFER |
			((priority << SWAP_FLAG_PRIO_SHIFT) & SWAP_FLAG_PRIO_MASK);
	return swapon(path, flags) < 0 ? -errno : 0;
}
