// SPDX-License-Identifier: GPL-2.0-or-later
/* A disk's tree (partitions, dm/md holders) with udev properties or what sysfs says. */
#include <limits.h>

#include "host/block-info.h"
#include "lib/dlopen-libudev.h"
#include "lib/fileio.h"
#include "lib/string-table.h"
#include "lib/strutil.h"

#define BLOCK_MAX_DEPTH 8

static const char *const block_kind_table[_BLOCK_KIND_MAX] = {
	[BLOCK_DISK] = "disk", [BLOCK_PARTITION] = "partition", [BLOCK_CRYPT] = "crypt",
	[BLOCK_LVM] = "lvm",   [BLOCK_DM] = "dm",               [BLOCK_MD] = "md",
	[BLOCK_OTHER] = "other",
};

DEFINE_STRING_TABLE_LOOKUP_TO_STRING(block_kind, enum block_kind, _BLOCK_KIND_MAX, )

static void block_info_done(struct block_info *b)
{
	free(b->kname);
	free(b->model);
	free(b->fstype);
	free(b->label);
	free(b->dm_name);
	strv_free(b->mountpoints);
	for (size_t i = 0; i < b->n_children; i++)
		block_info_done(&b->children[i]);
	free(b->children);
}

struct block_info *block_info_free(struct block_info *b)
{
	if (b) {
		block_info_done(b);
		free(b);
	}
	return NULL;
}

struct loader {
	const struct host *h;
	const struct mount_entry *mounts;
	size_t n_mounts;
	struct udev *udev;    /* NULL under a sysroot */
	char **seen;          /* dm devices can sit on several parents: each once */
};

static char *attr(const struct loader *l, const char *kname, const char *name)
{
	char path[PATH_MAX], buf[512];
	if (snprintf(path, sizeof path, "class/block/%s/%s", kname, name) >= (int)sizeof path ||
	    read_attr_at(l->h->root->sys_fd, path, buf, sizeof buf) <= 0 || isempty(strstrip(buf)))
		return NULL;
	return strdup(strstrip(buf));
}

static bool attr_true(const struct loader *l, const char *kname, const char *name)
{
	_cleanup_free_ char *v = attr(l, kname, name);
	return v && streq(v, "1");
}

static int dup_prop(struct udev_device *d, const char *key, char **ret)
{
	const char *v = sym_udev_device_get_property_value(d, key);
	if (isempty(v))
		return 0;
	free(*ret);
	*ret = strdup(v);
	return *ret ? 0 : -ENOMEM;
}

static int fill(struct loader *l, const char *kname, bool partition, struct block_info *b)
{
	int r;
	if (!(b->kname = strdup(kname)))
		return -ENOMEM;
	_cleanup_free_ char *size = attr(l, kname, "size"), *uuid = attr(l, kname, "dm/uuid");
	_cleanup_free_ char *partno = partition ? attr(l, kname, "partition") : NULL;
	unsigned long long sectors;
	if (size && sscanf(size, "%llu", &sectors) == 1)
		b->size = sectors * 512; /* sysfs counts 512-byte sectors whatever the disk's */
	if (partno && safe_atou(partno, 10, &b->partno) < 0)
		b->partno = 0;
	b->ro = attr_true(l, kname, "ro");
	b->removable = attr_true(l, kname, "removable");
	b->dm_name = attr(l, kname, "dm/name");

	char path[PATH_MAX];
	snprintf(path, sizeof path, "class/block/%s/md", kname);
	if (partition)
		b->kind = BLOCK_PARTITION;
	else if (uuid && startswith(uuid, "CRYPT-"))
		b->kind = BLOCK_CRYPT;
	else if (uuid && startswith(uuid, "LVM-"))
		b->kind = BLOCK_LVM;
	else if (uuid || b->dm_name)
		b->kind = BLOCK_DM;
	else if (exists_at(l->h->root->sys_fd, path))
		b->kind = BLOCK_MD;
	else
		b->kind = BLOCK_DISK;
	if (b->kind == BLOCK_DISK)
		b->model = attr(l, kname, "device/model");

	unsigned maj, min;
	if (block_dev_number(l->h, kname, &maj, &min) >= 0)
		for (size_t i = 0; i < l->n_mounts; i++) {
			const struct mount_entry *m = &l->mounts[i];
			if (m->major != maj || m->minor != min)
				continue;
			if ((r = strv_extend_unique(&b->mountpoints, m->target)) < 0)
				return r;
			if (!b->fstype && !(b->fstype = strdup(m->fstype)))
				return -ENOMEM;
		}

	if (l->udev) {
		_cleanup_(sym_udev_device_unrefp) struct udev_device *d =
			sym_udev_device_new_from_subsystem_sysname(l->udev, "block", kname);
		if (d && ((r = dup_prop(d, "ID_FS_TYPE", &b->fstype)) < 0 ||
			  (r = dup_prop(d, "ID_FS_LABEL", &b->label)) < 0 ||
			  (b->kind == BLOCK_DISK && (r = dup_prop(d, "ID_MODEL", &b->model)) < 0)))
			return r;
	}
	return 0;
}

static int add_child(struct block_info *parent, struct block_info **ret)
{
	struct block_info *c = realloc(parent->children, sizeof *c * (parent->n_children + 1));
	if (!c)
		return -ENOMEM;
	parent->children = c;
	*ret = &c[parent->n_children++];
	memset(*ret, 0, sizeof **ret);
	return 0;
}

static int cmp_partno(const void *a, const void *b)
{
	const struct block_info *x = a, *y = b;
	return x->partno < y->partno ? -1 : x->partno > y->partno;
}

static int load(struct loader *l, const char *kname, bool partition, unsigned depth,
		struct block_info *b)
{
	char path[PATH_MAX];
	int r;
	if ((r = strv_extend(&l->seen, kname)) < 0 || (r = fill(l, kname, partition, b)) < 0)
		return r;
	if (depth >= BLOCK_MAX_DEPTH)
		return 0;
	_cleanup_strv_free_ char **ents = NULL, **holders = NULL;
	snprintf(path, sizeof path, "class/block/%s", kname);
	if (!partition && dir_list_at(l->h->root->sys_fd, path, &ents) >= 0)
		for (char **e = ents; e && *e; e++) {
			struct block_info *c;
			snprintf(path, sizeof path, "class/block/%s/%s/partition", kname, *e);
			if (!exists_at(l->h->root->sys_fd, path) || strv_contains(l->seen, *e))
				continue;
			if ((r = add_child(b, &c)) < 0 || (r = load(l, *e, true, depth + 1, c)) < 0)
				return r;
		}
	if (b->n_children > 1)
		qsort(b->children, b->n_children, sizeof *b->children, cmp_partno);
	snprintf(path, sizeof path, "class/block/%s/holders", kname);
	if (dir_list_at(l->h->root->sys_fd, path, &holders) >= 0)
		for (char **e = holders; e && *e; e++) {
			struct block_info *c;
			if (strv_contains(l->seen, *e) || !str_is_alnum_or(*e, "-_.:"))
				continue;
			if ((r = add_child(b, &c)) < 0 || (r = load(l, *e, false, depth + 1, c)) < 0)
				return r;
		}
	return 0;
}

int block_info_load(const struct host *h, const struct mount_entry *mounts, size_t n_mounts,
		    const char *kname, struct block_info **ret)
{
	/* The live host only: udev's database describes the running system, not a capture. Without
	 * libudev (logged once), what sysfs says, as under a sysroot. */
	_cleanup_(sym_udev_unrefp) struct udev *udev =
		h->root->live && dlopen_libudev() >= 0 ? sym_udev_new() : NULL;
	struct loader l = { .h = h, .mounts = mounts, .n_mounts = n_mounts, .udev = udev };
	_cleanup_(block_info_freep) struct block_info *b = calloc(1, sizeof *b);
	if (!b)
		return -ENOMEM;
	int r = load(&l, kname, false, 0, b);
	strv_free(l.seen);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(b);
	return 0;
}

static int collect(const struct block_info *b, char ***acc)
{
	for (char **m = b->mountpoints; m && *m; m++) {
		char *s = strdup_printf("%s (%s)", *m, b->kname);
		int r = s ? strv_push(acc, s) : -ENOMEM;
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < b->n_children; i++) {
		int r = collect(&b->children[i], acc);
		if (r < 0)
			return r;
	}
	return 0;
}

int block_info_mounts(const struct block_info *b, char ***ret)
{
	_cleanup_strv_free_ char **acc = NULL;
	int r = collect(b, &acc);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(acc);
	return 0;
}
