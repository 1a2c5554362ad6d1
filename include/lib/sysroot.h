/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "lib/macro.h"

/*
 * Every path the program touches hangs off one of these directory fds, so tests can point the
 * whole program at a captured host (`--sysroot DIR`). In production prefix is "" and the fds are
 * /sys, /proc, /dev, /run, /etc and /var/log.
 */
struct sysroot {
	char *prefix; /* "" in production */
	int sys_fd;
	int proc_fd;
	int dev_fd;   /* -1 when the root has no /dev (fixtures) */
	int run_fd;   /* -1 when missing */
	int etc_fd;   /* -1 when missing */
	bool live;    /* the real host: sd-bus and /proc magic links may be used */
};

_must_check_ int sysroot_open(const char *prefix, struct sysroot **ret);
struct sysroot *sysroot_free(struct sysroot *r);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct sysroot *, sysroot_free);
/* prefix + absolute path, for libraries that take paths (libpci, libkmod). */
char *sysroot_path(const struct sysroot *r, const char *abs_path);
