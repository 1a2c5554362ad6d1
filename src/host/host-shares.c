// SPDX-License-Identifier: GPL-2.0-or-later
/* Shared directories: NFS exports, SELinux labels, what the shares stage weighs. */
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>

#include "host/host.h"
#include "lib/fileio.h"
#include "lib/strutil.h"

#define ETAB "/var/lib/nfs/etab"
bool host_nfs_is_exported(const struct sysroot *root, const char *client, const char *path)
{
	/* etab: "PATH\tCLIENT(options)" */
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

int host_selinux_context(const char *path, char *buf, size_t size)
{
	ssize_t n = getxattr(path, SELINUX_XATTR, buf, size - 1);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	return 0;
}

static bool is_directory(const struct sysroot *root, const char *path)
{
	struct stat st;
	_cleanup_free_ char *full = sysroot_path(root, path);
	return full && stat(full, &st) == 0 && S_ISDIR(st.st_mode);
}

static int load_directories(struct host *h, char *const *paths)
{
	for (char *const *p = paths; p && *p; p++) {
		int r = is_directory(h->root, *p) ? strv_extend_unique(&h->share_dirs, *p) : 0;
		if (r < 0)
			return r;
	}
	return 0;
}

int host_load_nfs_shares(struct host *h, char *const *shares, char *const *clients)
{
	_cleanup_free_ char *exportfs = sysroot_path(h->root, HOST_EXPORTFS);
	if (!exportfs)
		return -ENOMEM;
	h->exportfs_installed = access(exportfs, X_OK) >= 0;
	int r = load_directories(h, shares);
	for (char *const *s = shares; r >= 0 && s && *s; s++)
		for (char *const *c = clients; r >= 0 && c && *c; c++) {
			_cleanup_free_ char *pair = NULL;
			if (!host_nfs_is_exported(h->root, *c, *s))
				continue;
			pair = strdup_printf("%s:%s", *c, *s);
			r = pair ? strv_extend(&h->nfs_exported, pair) : -ENOMEM;
		}
	return r;
}

int host_load_smb_shares(struct host *h, char *const *shares)
{
	h->selinux_enabled = exists_at(h->root->sys_fd, "fs/selinux/enforce");
	if (!h->selinux_enabled)
		return 0;
	int r = load_directories(h, shares);
	for (char *const *s = shares; r >= 0 && s && *s; s++) {
		char context[256];
		_cleanup_free_ char *full = sysroot_path(h->root, *s);
		if (!full)
			return -ENOMEM;
		if (!strv_contains(h->share_dirs, *s) ||
		    host_selinux_context(full, context, sizeof context) < 0)
			continue;
		_cleanup_free_ char *path = strdup(*s), *label = strdup(context);
		struct share_label *l = path && label ? realloc(h->share_labels,
								sizeof *l * (h->n_share_labels + 1)) :
							NULL;
		if (!l)
			return -ENOMEM;
		h->share_labels = l;
		struct share_label entry = { .path = TAKE_PTR(path), .context = TAKE_PTR(label) };
		l[h->n_share_labels++] = entry;
	}
	return r;
}

const char *host_find_share_label(const struct host *h, const char *path)
{
	for (size_t i = 0; i < h->n_share_labels; i++)
		if (streq(h->share_labels[i].path, path))
			return h->share_labels[i].context;
	return NULL;
}

void host_shares_free(struct host *h);
void host_shares_free(struct host *h)
{
	strv_free(h->share_dirs);
	strv_free(h->nfs_exported);
	for (size_t i = 0; i < h->n_share_labels; i++) {
		free(h->share_labels[i].path);
		free(h->share_labels[i].context);
	}
	free(h->share_labels);
	h->share_dirs = h->nfs_exported = NULL;
	h->share_labels = NULL;
	h->n_share_labels = 0;
	h->exportfs_installed = h->selinux_enabled = false;
}
