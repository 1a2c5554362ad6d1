// SPDX-License-Identifier: GPL-2.0-or-later
/* Stage vtconsole: fbcon pins the GPU's framebuffer; unbind it while host graphics are gone. */
#include <limits.h>

#include "lib/fileio.h"
#include "lib/log.h"
#include "lib/strutil.h"
#include "stages/stages.h"
#include "system/sysfs-bind.h"

int stage_vtconsole_plan(struct plan_ctx *ctx)
{
	if (!ctx->plan->host_graphics_go)
		return 0;
	for (size_t i = 0; i < ctx->host->n_vtcons; i++) {
		const struct vtcon *v = &ctx->host->vtcons[i];
		if (!v->is_framebuffer || v->bind != 1)
			continue;
		int r = plan_add(ctx->plan, STAGE_VTCONSOLE, ACTION_UNBIND_VTCON, v->name, "bound",
				 v->desc, 0);
		if (r < 0)
			return r;
	}
	return 0;
}

static int vtcon_set(struct exec_ctx *ctx, const char *name, unsigned want)
{
	char path[PATH_MAX];
	unsigned bind;
	if (!sysfs_name_is_safe(name) || !startswith(name, "vtcon"))
		return -EINVAL;
	snprintf(path, sizeof path, "class/vtconsole/%s/bind", name);
	int r = read_attr_uint_at(ctx->root->sys_fd, path, 10, &bind);
	if (r < 0)
		return r;
	if (bind == want)
		return ACTION_NOOP;
	/* Binding a console runs fbcon's takeover in the framebuffer's driver. */
	r = kernel_write_attr(exec_kernel(ctx), ctx->root->sys_fd, path, want ? "1" : "0");
	if (r < 0)
		return r;
	/* The kernel refuses silently while a console is in graphics mode: read it back. */
	if ((r = read_attr_uint_at(ctx->root->sys_fd, path, 10, &bind)) < 0)
		return r;
	return bind == want ? 0 : -EBUSY;
}

int vtcon_unbind_run(struct exec_ctx *ctx, struct action *a)
{
	int r = vtcon_set(ctx, a->target, 0);
	if (r == -ETIMEDOUT)
		return exec_log_stuck(ctx, "Unbinding %s", a->target);
	if (r < 0)
		return log_error_errno(r, "Cannot unbind %s: %m", a->target);
	if (r == 0)
		log_info("Unbound %s", a->target);
	return r;
}

int vtcon_unbind_undo(struct exec_ctx *ctx, struct action *a)
{
	int r = vtcon_set(ctx, a->target, 1);
	if (r == -ETIMEDOUT)
		return exec_log_stuck(ctx, "Binding %s", a->target);
	if (r < 0)
		return log_error_errno(r, "Cannot bind %s: %m", a->target);
	if (r == 0)
		log_info("Bound %s", a->target);
	return r;
}
