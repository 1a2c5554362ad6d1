/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdint.h>

#include "lib/sysroot.h"
#include "system/kernel-call.h"

/* Kernel modules through libkmod: loaded with dependencies, removed only when unused. Never
 * forced: a forced unload of a GPU driver can take the machine down. Every load and removal
 * runs with the deadline d (kernel-call.h). */
struct kmod_ctx;
/* Loads and unloads act on the machine's own modules: on a live root only. */
struct module_loader {
	const struct sysroot *root;
};

/* The call's one libkmod context, for the modules of root's kernel (the running one on a live
 * root; kernel_release's under a host tree, with its modprobe.d): opened on first use, owned
 * here, lent to callers; module_index_close() drops it at exit. */
_must_check_ int module_index(const struct sysroot *root, const char *kernel_release,
			      struct kmod_ctx **ret);
void module_index_close(void);

bool module_is_loaded(int sys_fd, const char *name);
_must_check_ int module_load(struct module_loader *l, struct kernel_deadline *d, const char *name);
/* Wait (up to timeout_s) for the module's users to go, then remove it. */
_must_check_ int module_unload(struct module_loader *l, struct kernel_deadline *d, const char *name,
			       unsigned timeout_s, uint64_t *ret_usec);
