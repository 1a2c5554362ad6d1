/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "lib/sysroot.h"

/* What the shares stage and its actions read of the host: NFS exports, SELinux labels. */

#define EXPORTFS "/usr/sbin/exportfs"
#define SELINUX_XATTR "security.selinux"
#define SAMBA_TYPE "samba_share_t"

/* Is path exported to client right now? (/var/lib/nfs/etab: "PATH\tCLIENT(options)") */
bool nfs_is_exported(const struct sysroot *root, const char *client, const char *path);
/* A file's SELinux context (its security.selinux attribute), NUL-terminated. */
_must_check_ int selinux_context_read(const char *path, char *buf, size_t size);
