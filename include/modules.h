/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdint.h>

#include "executor.h"

/* Kernel modules through libkmod: loaded with dependencies, removed only when unused. Never
 * forced: a forced unload of a GPU driver can take the machine down. */
bool module_is_loaded(int sys_fd, const char *name);
_must_check_ int module_load(struct exec_ctx *ctx, const char *name);
/* Wait (up to timeout_s) for the module's users to go, then remove it. */
_must_check_ int module_unload(struct exec_ctx *ctx, const char *name, unsigned timeout_s,
			       uint64_t *ret_usec);
