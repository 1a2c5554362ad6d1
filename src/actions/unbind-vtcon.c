// SPDX-License-Identifier: GPL-2.0-or-later
/* unbind-vtcon: a framebuffer console unbound (fbcon pins the GPU's framebuffer). */
#include <limits.h>

#include "core/action-type.h"
#include "lib/fileio.h"
#include "lib/log.h"
#include "lib/strutil.h"
#include "system/sysfs-bind.h"
#include "validate.h"

static bool is_vtcon(const char *s)
{
	return is_numbered(s, "vtcon", 64);
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

static int run(struct exec_ctx *ctx, struct action *a)
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

static int undo(struct exec_ctx *ctx, struct action *a)
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

static char *undo_text(const struct action *a)
{
	return strdup_printf("bind %s", a->target);
}

static enum host_match check(const struct host *h, const struct action *a, char **ret_detail)
{
	char path[PATH_MAX];
	unsigned bind;
	if (!sysfs_name_is_safe(a->target))
		return host_check_say(HOST_NOT_CHECKED, ret_detail, NULL);
	snprintf(path, sizeof path, "class/vtconsole/%s/bind", a->target);
	int r = read_attr_uint_at(h->root->sys_fd, path, 10, &bind);
	/* A framebuffer console goes away with its framebuffer (the GPU's driver unloaded). */
	if (r == -ENOENT)
		return host_check_say(HOST_MATCHES, ret_detail, strdup("gone"));
	if (r < 0)
		return host_check_say(HOST_NOT_CHECKED, ret_detail,
				      strdup_printf("cannot read %s: %s", path, strerror(-r)));
	return host_check_say(bind == 0 ? HOST_MATCHES : HOST_DIFFERS, ret_detail,
			      strdup(bind == 0 ? "unbound" : "bound"));
}

const struct action_type action_unbind_vtcon = {
	.name = "unbind-vtcon",
	.verb = "unbind console",
	.stage = STAGE_VTCONSOLE,
	.target_ok = is_vtcon,
	.target_is = "a vtconN console",
	.run = run,
	.undo = undo,
	.undo_text = undo_text,
	.check = check,
};
