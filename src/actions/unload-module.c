// SPDX-License-Identifier: GPL-2.0-or-later
/* unload-module: a GPU driver's module (or one on top of it) unloaded, never forced. */
#include "core/action-type.h"
#include "lib/log.h"
#include "lib/strutil.h"
#include "system/modules.h"
#include "validate.h"

static int run(struct exec_ctx *ctx, struct action *a)
{
	uint64_t usec = 0;
	if (!module_is_loaded(ctx->root->sys_fd, a->target))
		return ACTION_NOOP;
	int r = module_unload(exec_modules(ctx), exec_kernel(ctx), a->target,
			      ctx->cfg->module_timeout_s, &usec);
	if (r == -ETIMEDOUT && ctx->kernel.stuck_pid)
		return exec_log_stuck(ctx, "Unloading %s", a->target);
	if (r < 0) {
		struct module_info m = { 0 };
		_cleanup_free_ char *holders = NULL;
		if (ctx->host && host_module_info(ctx->host, a->target, &m) >= 0)
			holders = m.holders ? strdup_printf(", used by %s", m.holders[0]) : NULL;
		if (r == -ETIMEDOUT || r == -EBUSY || r == -EAGAIN)
			log_error_errno(r, "Module %s is still in use after %u s (refcount %d%s): %m",
					a->target, ctx->cfg->module_timeout_s, m.refcnt,
					holders ?: "");
		else
			log_error_errno(r, "Cannot unload %s: %m", a->target);
		module_info_done(&m);
		return r;
	}
	log_info("Unloaded %s in %.2f s", a->target, usec_to_s(usec));
	return 0;
}

static int undo(struct exec_ctx *ctx, struct action *a)
{
	if (module_is_loaded(ctx->root->sys_fd, a->target))
		return ACTION_NOOP;
	int r = module_load(exec_modules(ctx), exec_kernel(ctx), a->target);
	if (r == -ETIMEDOUT)
		return exec_log_stuck(ctx, "Loading %s", a->target);
	if (r < 0)
		return log_error_errno(r, "Cannot load %s: %m", a->target);
	log_info("Loaded %s", a->target);
	return 0;
}

static char *undo_text(const struct action *a)
{
	return strdup_printf("load %s", a->target);
}

static enum host_match check(const struct host *h, const struct action *a, char **ret_detail)
{
	return module_is_loaded(h->root->sys_fd, a->target) ?
		       host_check_say(HOST_DIFFERS, ret_detail, strdup("loaded")) :
		       host_check_say(HOST_MATCHES, ret_detail, strdup("not loaded"));
}

const struct action_type action_unload_module = {
	.name = "unload-module",
	.verb = "unload module",
	.stage = STAGE_DRIVERS,
	.target_ok = is_module_name,
	.target_is = "a module name",
	.run = run,
	.undo = undo,
	.undo_text = undo_text,
	.check = check,
};
