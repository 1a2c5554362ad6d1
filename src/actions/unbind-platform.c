// SPDX-License-Identifier: GPL-2.0-or-later
/* unbind-platform: the firmware's boot framebuffer (efifb, simplefb...) off its driver. */
#include "core/action-type.h"
#include "lib/log.h"
#include "lib/strutil.h"
#include "system/sysfs-bind.h"
#include "validate.h"

static int run(struct exec_ctx *ctx, struct action *a)
{
	char drv[256];
	int r = sysfs_driver_of(ctx->root->sys_fd, "platform", a->target, drv, sizeof drv);
	if (r == -ENOENT || r == -ENODEV)
		return ACTION_NOOP; /* a native driver or vfio-pci already evicted it */
	if (r < 0)
		return log_error_errno(r, "Cannot read the driver of %s: %m", a->target);
	r = sysfs_unbind(exec_kernel(ctx), ctx->root->sys_fd, "platform", a->target);
	if (r == -ENODEV || r == -ENOENT)
		return ACTION_NOOP;
	if (r == -ETIMEDOUT)
		return exec_log_stuck(ctx, "Unbinding %s from %s", a->target, drv);
	if (r < 0)
		return log_error_errno(r, "Cannot unbind %s from %s: %m", a->target, drv);
	r = sysfs_driver_of(ctx->root->sys_fd, "platform", a->target, drv, sizeof drv);
	if (r >= 0)
		return log_error_errno(-EBUSY, "%s is still bound to %s", a->target, drv);
	log_info("Unbound %s", a->target);
	return 0;
}

static int undo(struct exec_ctx *ctx, struct action *a)
{
	char drv[256];
	int r = sysfs_driver_of(ctx->root->sys_fd, "platform", a->target, drv, sizeof drv);
	/* Gone is fine: once a native driver takes the GPU, the firmware framebuffer is over. */
	if (r == -ENODEV || r >= 0)
		return ACTION_NOOP;
	r = sysfs_bind(exec_kernel(ctx), ctx->root->sys_fd, "platform", a->target, strna(a->prior));
	if (r == -ENODEV || r == -ENOENT)
		return ACTION_NOOP;
	if (r == -ETIMEDOUT)
		return exec_log_stuck(ctx, "Binding %s to %s", a->target, strna(a->prior));
	if (r < 0)
		return log_error_errno(r, "Cannot bind %s to %s: %m", a->target, strna(a->prior));
	log_info("Bound %s to %s", a->target, strna(a->prior));
	return 0;
}

static char *undo_text(const struct action *a)
{
	return strdup_printf("bind %s", strna(a->prior));
}

static enum host_match check(const struct host *h, const struct action *a, char **ret_detail)
{
	char drv[256];
	int r = sysfs_driver_of(h->root->sys_fd, "platform", a->target, drv, sizeof drv);
	if (r == -ENOENT || r == -ENODEV)
		return host_check_say(HOST_MATCHES, ret_detail,
				      strdup(r == -ENOENT ? "unbound" : "gone"));
	if (r < 0)
		return host_check_say(HOST_NOT_CHECKED, ret_detail,
				      strdup_printf("cannot read its driver: %s", strerror(-r)));
	return host_check_say(HOST_DIFFERS, ret_detail, strdup_printf("on %s", drv));
}

const struct action_type action_unbind_platform = {
	.name = "unbind-platform",
	.verb = "unbind framebuffer",
	.stage = STAGE_FRAMEBUFFER,
	.target_ok = is_driver_name,
	.target_is = "a platform device",
	.prior_ok = is_driver_name,
	.prior_is = "a driver name",
	.run = run,
	.undo = undo,
	.undo_text = undo_text,
	.check = check,
};
