// SPDX-License-Identifier: GPL-2.0-or-later
/* Stage display-manager: stop the unit behind display-manager.service while the VM has the GPU. */
#include "log.h"
#include "stages.h"
#include "strutil.h"

static bool is_running(const char *state)
{
	return streq(state, "active") || streq(state, "activating") || streq(state, "reloading");
}

int stage_display_manager_plan(struct plan_ctx *ctx)
{
	struct unit_state u = { 0 };
	if (!ctx->plan->host_graphics_go)
		return 0;
	int r = host_unit_state(ctx->host, "display-manager.service", &u);
	if (r == -ENOENT)
		return plan_note(ctx->plan, "no display-manager.service on this host");
	if (r < 0)
		return plan_refuse(ctx->plan, "cannot ask systemd about display-manager.service: %s",
				   strerror(-r));
	if (!is_running(u.active_state)) {
		r = plan_note(ctx->plan, "display manager %s is %s: left alone", u.id,
			      u.active_state);
		unit_state_done(&u);
		return r;
	}
	ctx->dm_unit = strdup(u.id);
	r = ctx->dm_unit ? plan_add(ctx->plan, STAGE_DISPLAY_MANAGER, ACTION_STOP_UNIT, u.id,
				    "active", "display-manager.service", 0) :
			   -ENOMEM;
	unit_state_done(&u);
	return r;
}
