// SPDX-License-Identifier: GPL-2.0-or-later
/* run-script: the admin's before-/after-<stage> executable, run on prepare and again on release. */
#include <sys/wait.h>

#include "core/action-type.h"
#include "input/config.h"
#include "input/domain.h"
#include "lib/log.h"
#include "lib/strutil.h"
#include "lib/subprocess.h"
#include "validate.h"

static bool is_before_or_after(const char *s)
{
	return streq(s, "before") || streq(s, "after");
}

/* OVERRIDE_DIR/{default,<vm>,<uuid>}/{before,after}-<stage>...: an executable we may run. */
static bool is_override_path(const char *s)
{
	if (!startswith(s, OVERRIDE_DIR "/") || !is_clean_abs_path(s) || !str_is_printable_ascii(s))
		return false;
	const char *sub = s + strlen(OVERRIDE_DIR "/"), *slash = strchr(sub, '/');
	if (!slash || strchr(slash + 1, '/') || strchr(slash + 1, ' ') ||
	    !(startswith(slash + 1, "before-") || startswith(slash + 1, "after-")))
		return false;
	_cleanup_free_ char *dir = strndup(sub, (size_t)(slash - sub));
	return dir && (streq(dir, "default") || vm_name_is_valid(dir) || uuid_is_valid(dir));
}

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

static int run(struct exec_ctx *ctx, struct action *a)
{
	return run_script(ctx, a, "prepare");
}

static int undo(struct exec_ctx *ctx, struct action *a)
{
	return run_script(ctx, a, "release");
}

static char *undo_text(const struct action *a)
{
	return strdup("run it for release");
}

/* What an executable did is its own: nothing to compare with. */
const struct action_type action_run_script = {
	.name = "run-script",
	.verb = "run override",
	.any_stage = true,
	.target_ok = is_override_path,
	.target_is = "an executable in " OVERRIDE_DIR,
	.prior_ok = is_before_or_after,
	.prior_is = "before or after",
	.run = run,
	.undo = undo,
	.undo_text = undo_text,
};
