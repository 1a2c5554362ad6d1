/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdint.h>

#include "lib/sysroot.h"
#include "system/kernel-call.h"

/* Kernel modules through libkmod: loaded with dependencies, removed only when unused. Never
 * forced: a forced unload of a GPU driver can take the machine down. Every load and removal
 * runs with the deadline d (kernel-call.h). */
struct kmod_ctx;
/* The libkmod context, opened on first use (live hosts only) and kept for the call. */
struct module_loader {
	const struct sysroot *root;
	struct kmod_ctx *kmod;
};
void module_loader_done(struct module_loader *l);

bool module_is_loaded(int sys_fd, const char *name);
_must_check_ int module_load(struct module_loader *l, struct kernel_deadline *d, const char *name);
/* Wait (up to timeout_s) for the module's users to go, then remove it. */
_must_check_ int module_unload(struct module_loader *l, struct kernel_deadline *d, const char *name,
			       unsigned timeout_s, uint64_t *ret_usec);
