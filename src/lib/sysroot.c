// SPDX-License-Identifier: GPL-2.0-or-later
/* Injectable roots: the directory fds every path is resolved against. */
#include <fcntl.h>

#include "lib/strutil.h"
#include "lib/sysroot.h"

static int open_dir(const char *prefix, const char *dir, bool required, int *ret)
{
	_cleanup_free_ char *p = strdup_printf("%s%s", prefix, dir);
	if (!p)
		return -ENOMEM;
	int fd = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 && (required || errno != ENOENT))
		return -errno;
	*ret = fd;
	return 0;
}

int sysroot_open(const char *prefix, struct sysroot **ret)
{
	_cleanup_(sysroot_freep) struct sysroot *r = calloc(1, sizeof *r);
	if (!r)
		return -ENOMEM;
	r->sys_fd = r->proc_fd = r->dev_fd = r->run_fd = r->etc_fd = -1;
	r->live = isempty(prefix);
	r->prefix = strdup(prefix ?: "");
	if (!r->prefix)
		return -ENOMEM;
	/* A trailing slash would produce "dir//sys": harmless, but ugly in messages. */
	size_t n = strlen(r->prefix);
	while (n > 1 && r->prefix[n - 1] == '/')
		r->prefix[--n] = 0;

	int k;
	if ((k = open_dir(r->prefix, "/sys", true, &r->sys_fd)) < 0 ||
	    (k = open_dir(r->prefix, "/proc", true, &r->proc_fd)) < 0 ||
	    (k = open_dir(r->prefix, "/dev", false, &r->dev_fd)) < 0 ||
	    (k = open_dir(r->prefix, "/run", false, &r->run_fd)) < 0 ||
	    (k = open_dir(r->prefix, "/etc", false, &r->etc_fd)) < 0)
		return k;
	*ret = TAKE_PTR(r);
	return 0;
}

struct sysroot *sysroot_free(struct sysroot *r)
{
	if (!r)
		return NULL;
	closep(&r->sys_fd);
	closep(&r->proc_fd);
	closep(&r->dev_fd);
	closep(&r->run_fd);
	closep(&r->etc_fd);
	free(r->prefix);
	free(r);
	return NULL;
}

char *sysroot_path(const struct sysroot *r, const char *abs_path)
{
	return strdup_printf("%s%s", r->prefix, abs_path);
}
