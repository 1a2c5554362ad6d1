// SPDX-License-Identifier: GPL-2.0-or-later
/* Stage vtconsole: fbcon pins the GPU's framebuffer; unbind it while host graphics are gone. */
#include "lib/strutil.h"
#include "stages/stages.h"

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
