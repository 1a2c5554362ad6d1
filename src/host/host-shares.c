// SPDX-License-Identifier: GPL-2.0-or-later
/* NFS exports and SELinux labels of the host, for the shares stage and its actions. */
#include <fcntl.h>
#include <sys/xattr.h>

#include "host/host-shares.h"
#include "lib/fileio.h"
#include "lib/strutil.h"

#define ETAB "/var/lib/nfs/etab"

bool nfs_is_exported(const struct sysroot *root, const char *client, const char *path)
{
	_cleanup_free_ char *file = sysroot_path(root, ETAB), *text = NULL;
	if (!file || read_attr_alloc_at(AT_FDCWD, file, 1u << 20, &text) < 0)
		return false;
	char *save = NULL;
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *tab = strchr(l, '\t');
		if (!tab)
			continue;
		*tab = 0;
		if (streq(l, path) && strneq(tab + 1, client, strlen(client)) &&
		    tab[1 + strlen(client)] == '(')
			return true;
	}
	return false;
}

int selinux_context_read(const char *path, char *buf, size_t size)
{
	ssize_t n = getxattr(path, SELINUX_XATTR, buf, size - 1);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	return 0;
}
