/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "host/host.h"

/* Block devices and what is mounted from them, for the drives stage. */

struct mount_entry {
	unsigned major, minor;
	char *target;     /* decoded mount point */
	char *root;       /* what of the filesystem is mounted there, as in mountinfo (octal
			   * escapes kept): "/" for all of it, a directory for a bind mount; NULL
			   * (hosts built by hand) is "/" */
	char *source;     /* as in mountinfo (octal escapes kept) */
	char *fstype;
	char *options;    /* per-mount options */
	char *super_opts; /* per-superblock options */
};

/* /dev/... (any symlink to it) → kernel name "sdb"; -ENOENT if no such block device. */
_must_check_ int block_resolve(const struct host *h, const char *dev_path, char **ret_kname);
/* The device, its partitions and everything stacked on them (dm, LUKS, LVM), as kernel names. */
_must_check_ int block_tree(const struct host *h, const char *kname, char ***names);
/* Whole disks behind a PCI function (an NVMe drive, a SATA/USB controller's disks). */
_must_check_ int block_disks_of_pci(const struct host *h, const char *bdf, char ***names);
_must_check_ int block_dev_number(const struct host *h, const char *kname, unsigned *major,
				  unsigned *minor);
_must_check_ int mounts_read(int proc_fd, struct mount_entry **ret, size_t *ret_n);
void mounts_free(struct mount_entry *m, size_t n);
/* What the drives stage weighs, into the host model: the block disks that are no block device
 * (h->missing_disks); every device the block disks and the passed functions' disks take, with
 * what is stacked on them (h->vm_block_devs), in that order; and, when there is any, the mount
 * table (h->mounts, or h->mounts_error), the devices the image files (paths in the host's
 * root) live on (h->image_devs), the active swap areas with the devices they are on (h->swaps,
 * or h->swaps_error) and the memory available to take what they hold. */
_must_check_ int host_load_vm_disks(struct host *h, char *const *block_disks,
				    struct pci_function *const *passed, size_t n_passed,
				    char *const *file_disks);
void host_vm_disks_free(struct host *h);
/* /proc/swaps's active areas (no file: none); major and minor are left for the caller. */
_must_check_ int swaps_read(int proc_fd, struct swap_area **ret, size_t *ret_n);
void swaps_free(struct swap_area *s, size_t n);
/* Whether path is an active swap area now: 1 yes, 0 no, <0 /proc/swaps unreadable. */
int swap_is_active(int proc_fd, const char *path);
/* What mounting m's source with its superblock options does not give and a bind mount of it
 * adds: the directory under that, octal escapes kept ("/games"); NULL for the whole
 * filesystem. A btrfs subvolume's root ("/@home" with subvol=/@home) is the mount's own. */
const char *mount_bind_root(const struct mount_entry *m);
/* mountinfo's octal escapes (\040 for a space) decoded. */
char *mount_unescape(const char *s);
