/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <sys/types.h>

#include "lib/macro.h"

/* Small attribute files (sysfs, procfs): read at most max-1 bytes, strip the trailing newline. */
_must_check_ int read_attr_at(int dir_fd, const char *path, char *buf, size_t size);
_must_check_ int read_attr_alloc_at(int dir_fd, const char *path, size_t max, char **ret);
_must_check_ int read_attr_uint_at(int dir_fd, const char *path, int base, unsigned *ret);
/* Basename of a symlink's target ("driver" -> "vfio-pci"); -ENOENT when there is no link. */
_must_check_ int read_link_basename_at(int dir_fd, const char *path, char *buf, size_t size);
_must_check_ int read_link_at(int dir_fd, const char *path, char *buf, size_t size);
bool exists_at(int dir_fd, const char *path);
/* Entry names of a directory (no dot-files), sorted; NULL for an empty directory. */
_must_check_ int dir_list_at(int dir_fd, const char *path, char ***ret);
bool is_dir_at(int dir_fd, const char *path);
/* Read a whole stream, refusing more than max bytes (-EFBIG after draining the rest). */
_must_check_ int read_stream_capped(int fd, size_t max, char **ret, size_t *ret_size);
/* One write() of the whole string, as sysfs expects; a short write is -EIO. */
_must_check_ int write_attr_at(int dir_fd, const char *path, const char *value);
/* Atomic replace: temp file .#NAME (O_EXCL|O_NOFOLLOW, 0600), fsync, renameat, fsync dir.
 * Callers serialize writers of one NAME. */
_must_check_ int write_file_atomic_at(int dir_fd, const char *name, const char *data, size_t size);
