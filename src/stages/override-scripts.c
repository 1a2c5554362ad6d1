// SPDX-License-Identifier: GPL-2.0-or-later
/* Running the admin's before-/after-<stage> executables, on prepare and (as undo) on release. */
#include <sys/wait.h>

#include "input/config.h"
#include "lib/log.h"
#include "lib/strutil.h"
#include "lib/subprocess.h"
#include "stages/stages.h"

static int run_script(struct exec_ctx *ctx, const struct action *a, const char *op)
{
	_cleanup_free_ char *problem = NULL, *full = sysroot_path(ctx->root, a->target);
	if (!full)
		return -ENOMEM;
	/* Checked again now: the file may have changed since the plan, or since prepare. */
	int r = path_is_trusted(ctx->root, a->target, true, &problem);
	if (r < 0)
		return log_error_errno(r, "Refusing to run %s: %s", a->target,
				       problem ?: strerror(-r));
	const char *stage = stage_to_string(a->stage), *when = strna(a->prior);
	_cleanup_free_ char *e_vm = strdup_printf("VFIO_HOOK_VM=%s", strna(ctx->vm_name)),
			    *e_uuid = strdup_printf("VFIO_HOOK_UUID=%s", strna(ctx->vm_uuid)),
			    *e_op = strdup_printf("VFIO_HOOK_OP=%s", op),
			    *e_stage = strdup_printf("VFIO_HOOK_STAGE=%s", stage),
			    *e_when = strdup_printf("VFIO_HOOK_WHEN=%s", when);
	if (!e_vm || !e_uuid || !e_op || !e_stage || !e_when)
		return -ENOMEM;
	char *envp[] = { (char *)"PATH=/usr/sbin:/usr/bin:/sbin:/bin", (char *)"LC_ALL=C", e_vm,
			 e_uuid, e_op, e_stage, e_when, NULL };
	char *argv[] = { full, (char *)strna(ctx->vm_name), (char *)op, (char *)stage,
			 (char *)when, NULL };
	int status = 0;
	r = spawn_and_wait(full, argv, envp, log_file_fd(), ctx->cfg->script_timeout_s, &status);
	if (r == -ETIMEDOUT)
		return log_error_errno(r, "%s did not finish within %u s and was killed", a->target,
				       ctx->cfg->script_timeout_s);
	if (r < 0)
		return log_error_errno(r, "Cannot run %s: %m", a->target);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return log_error_errno(-EIO, "%s (%s %s, %s) failed with %s %d", a->target, when,
				       stage, op, WIFEXITED(status) ? "status" : "signal",
				       WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	log_info("Ran %s (%s %s, %s)", a->target, when, stage, op);
	return 0;
}

int script_run(struct exec_ctx *ctx, struct action *a)
{
	return run_script(ctx, a, "prepare");
}

int script_undo(struct exec_ctx *ctx, struct action *a)
{
	return run_script(ctx, a, "release");
}
