// SPDX-License-Identifier: GPL-2.0-or-later
/* What /proc/PID/stat says of a process. */
#include <stdio.h>
#include <string.h>

#include "lib/fileio.h"
#include "lib/proc-stat.h"

int proc_starttime(int proc_fd, const char *pid, unsigned long long *ret)
{
	char path[320], buf[1024];
	unsigned long long start;
	snprintf(path, sizeof path, "%s/stat", pid);
	int r = read_attr_at(proc_fd, path, buf, sizeof buf);
	if (r < 0)
		return r;
	/* Field 22, counted after the last ')' since comm may hold spaces. */
	const char *p = strrchr(buf, ')');
	if (!p || sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d "
				"%*d %*d %*d %llu", &start) != 1)
		return -EINVAL;
	*ret = start;
	return 0;
}
