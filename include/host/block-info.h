/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "host/block.h"
#include "host/host.h"

/*
 * A disk as lsblk shows it: its partitions and what is stacked on them (LUKS, LVM, md), with
 * sizes, filesystems and mount points. On the live host libudev gives the properties udev
 * probed (ID_FS_TYPE, ID_FS_LABEL, ID_MODEL); under a sysroot (a captured tree libudev cannot
 * read) only sysfs and mountinfo speak: the model from device/model, the filesystem type of
 * what is mounted, no labels.
 */

enum block_kind {
	BLOCK_DISK,
	BLOCK_PARTITION,
	BLOCK_CRYPT,   /* dm/uuid CRYPT-... */
	BLOCK_LVM,     /* dm/uuid LVM-... */
	BLOCK_DM,      /* any other device-mapper device */
	BLOCK_MD,
	BLOCK_OTHER,
	_BLOCK_KIND_MAX,
};
const char *block_kind_to_string(enum block_kind k);

struct block_info {
	char *kname;           /* "sda2", "dm-0" */
	enum block_kind kind;
	unsigned partno;       /* partitions: the number, else 0 */
	unsigned long long size; /* bytes, 0: unknown */
	char *model;           /* disks */
	char *fstype, *label;
	char *dm_name;         /* "cryptroot", "vg-home" */
	char **mountpoints;    /* decoded, NULL if none */
	bool ro, removable;
	struct block_info *children; /* partitions, then holders */
	size_t n_children;
};

_must_check_ int block_info_load(const struct host *h, const struct mount_entry *mounts,
				 size_t n_mounts, const char *kname, struct block_info **ret);
struct block_info *block_info_free(struct block_info *b);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct block_info *, block_info_free);
/* Every mount in the tree as "MOUNTPOINT (KNAME)", in tree order; *ret NULL when none. */
_must_check_ int block_info_mounts(const struct block_info *b, char ***ret);
