// SPDX-License-Identifier: GPL-2.0-or-later
/* Stage framebuffer: the firmware's boot framebuffer (efifb, simplefb, vesafb, efidrm...). */
#include "stages.h"
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
