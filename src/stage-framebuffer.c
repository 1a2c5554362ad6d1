// SPDX-License-Identifier: GPL-2.0-or-later
/* Stage framebuffer: the firmware's boot framebuffer (efifb, simplefb, vesafb, efidrm...). */
#include "log.h"
#include "stages.h"
#include "sysfs-bind.h"
#include "strutil.h"

int stage_framebuffer_plan(struct plan_ctx *ctx)
{
	for (size_t i = 0; i < ctx->host->n_fbs; i++) {
		const struct platform_fb *f = &ctx->host->fbs[i];
		bool on_passed = f->parent && plan_ctx_is_passed(ctx, f->parent);
		if (!f->driver || !(ctx->plan->host_graphics_go || on_passed))
			continue;
		_cleanup_free_ char *why = strdup_printf("boot framebuffer%s%s",
							 f->parent ? " of " : "", strna(f->parent));
		if (!why)
			return -ENOMEM;
		int r = plan_add(ctx->plan, STAGE_FRAMEBUFFER, ACTION_UNBIND_PLATFORM, f->name,
				 f->driver, why, 0);
		if (r < 0)
			return r;
	}
	return 0;
}

int platform_unbind_run(struct exec_ctx *ctx, struct action *a)
{
	char drv[256];
	int r = sysfs_driver_of(ctx->root->sys_fd, "platform", a->target, drv, sizeof drv);
	if (r == -ENOENT || r == -ENODEV)
		return ACTION_NOOP; /* a native driver or vfio-pci already evicted it */
	if (r < 0)
		return log_error_errno(r, "Cannot read the driver of %s: %m", a->target);
	r = sysfs_unbind(ctx->root->sys_fd, "platform", a->target);
	if (r == -ENODEV || r == -ENOENT)
		return ACTION_NOOP;
	if (r < 0)
		return log_error_errno(r, "Cannot unbind %s from %s: %m", a->target, drv);
	r = sysfs_driver_of(ctx->root->sys_fd, "platform", a->target, drv, sizeof drv);
	if (r >= 0)
		return log_error_errno(-EBUSY, "%s is still bound to %s", a->target, drv);
	log_info("Unbound %s", a->target);
	return 0;
}

int platform_unbind_undo(struct exec_ctx *ctx, struct action *a)
{
	char drv[256];
	int r = sysfs_driver_of(ctx->root->sys_fd, "platform", a->target, drv, sizeof drv);
	/* Gone is fine: once a native driver takes the GPU, the firmware framebuffer is over. */
	if (r == -ENODEV || r >= 0)
		return ACTION_NOOP;
	r = sysfs_bind(ctx->root->sys_fd, "platform", a->target, strna(a->prior));
	if (r == -ENODEV || r == -ENOENT)
		return ACTION_NOOP;
	if (r < 0)
		return log_error_errno(r, "Cannot bind %s to %s: %m", a->target, strna(a->prior));
	log_info("Bound %s to %s", a->target, strna(a->prior));
	return 0;
}
