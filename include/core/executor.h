/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdint.h>
#include <systemd/sd-bus.h>

#include "core/journal.h"
#include "core/plan.h"
#include "host/host.h"
#include "input/config.h"
#include "system/kernel-call.h"
#include "system/modules.h"

/*
 * The executor runs a plan action by action. Before an action changes anything its state is
 * journaled as "started"; afterwards it is checked against the real condition and journaled
 * "done" (or "skipped" when there was nothing to do). A failed prepare undoes, in reverse,
 * everything started or done; release does the same from the journal.
 */

struct exec_ctx {
	struct sysroot *root;
	const struct config *cfg;
	const struct host *host;
	struct module_loader modules; /* libkmod, opened on first use */
	int journal_dir_fd;      /* other VMs' journals (CPU isolation composes with them) */
	const char *vm_name;     /* for override executables' environment */
	const char *vm_uuid;
	const char *vm_pinned;   /* the VM's pinned CPUs, from the plan or its journal */
	char *const *devices;    /* the PCI functions the VM takes (the plan's devices) */
	struct kernel_deadline kernel; /* calls into driver code; a stuck one is journaled */
	bool left_behind;        /* an undo failed: the journal keeps what did not come back */
	/* Unit files changed (masks): systemd reloads once, when the executor leaves the stage. */
	bool systemd_reload_pending;
	struct journal *journal; /* the one being run or released, for exec_record_result */
};

/* The deadline for a call into driver code: module_timeout. */
static inline struct kernel_deadline *exec_kernel(struct exec_ctx *ctx)
{
	ctx->kernel.timeout_ms = ctx->cfg->module_timeout_s * 1000u;
	return &ctx->kernel;
}
/* The module loader, for this host. */
static inline struct module_loader *exec_modules(struct exec_ctx *ctx)
{
	ctx->modules.root = ctx->root;
	return &ctx->modules;
}
/* The one line for a call left stuck in the kernel: names the call ("Unbinding %s from %s"), its
 * deadline and where to look; returns -ETIMEDOUT. */
int exec_log_stuck(const struct exec_ctx *ctx, const char *fmt, ...) _printf_(2, 3);

/* An action handler: 0 done, ACTION_NOOP nothing needed doing, <0 failed (logged once). */
#define ACTION_NOOP 1
typedef int (*action_fn)(struct exec_ctx *ctx, struct action *a);

/* An action's result (what its undo gives back), journaled before the change it describes, so
 * a hook killed in between still leaves it for release. NULL: none. <0 failed (logged). */
_must_check_ int exec_record_result(struct exec_ctx *ctx, struct action *a, const char *result);

_must_check_ int exec_system_bus(struct exec_ctx *ctx, sd_bus **ret);
/* Seconds with two decimals, for "took 0.83 s" log lines. */
static inline double usec_to_s(uint64_t usec)
{
	return (double)usec / 1e6;
}

/* Run a prepare plan under the lock; on failure roll back and return the first error. */
_must_check_ int executor_prepare(struct exec_ctx *ctx, int journal_dir_fd, struct plan *plan);
/* Undo what a journal records, best effort, and remove it when everything is given back. */
_must_check_ int executor_release(struct exec_ctx *ctx, int journal_dir_fd, struct journal *j);

/* The global lock (flock on /run/vfio-hook itself), with a deadline. */
_must_check_ int executor_lock(int journal_dir_fd, unsigned timeout_s, int *ret_fd);
