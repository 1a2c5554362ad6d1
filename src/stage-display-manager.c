// SPDX-License-Identifier: GPL-2.0-or-later
/* Stage display-manager: stop the unit behind display-manager.service while the VM has the GPU. */
#include "bus.h"
#include "log.h"
#include "stages.h"
#include "strutil.h"

static bool is_running(const char *state)
{
	return streq(state, "active") || streq(state, "activating") || streq(state, "reloading");
}

/* Units the admin listed in stop_units: stopped for the VM's run, restarted after. */
static int plan_extra_units(struct plan_ctx *ctx)
{
	for (char **n = ctx->cfg->stop_units; n && *n; n++) {
		struct unit_state u = { 0 };
		int r = host_unit_state(ctx->host, *n, &u);
		if (r == -ENOENT)
			continue;
		if (r < 0)
			return plan_refuse(ctx->plan, "cannot ask systemd about %s: %s", *n,
					   strerror(-r));
		if (is_running(u.active_state))
			r = plan_add(ctx->plan, STAGE_DISPLAY_MANAGER, ACTION_STOP_UNIT, u.id, "active",
				     "stop_units", 0);
		unit_state_done(&u);
		if (r < 0)
			return r;
	}
	return 0;
}

int stage_display_manager_plan(struct plan_ctx *ctx)
{
	struct unit_state u = { 0 };
	int r = plan_extra_units(ctx);
	if (r < 0 || !ctx->plan->host_graphics_go)
		return r;
	r = host_unit_state(ctx->host, "display-manager.service", &u);
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

/* undo: a start that outruns its deadline is left to systemd, see below. */
static int system_unit(struct exec_ctx *ctx, const struct action *a, bool start, bool undo)
{
	sd_bus *bus;
	_cleanup_free_ char *why = NULL;
	uint64_t usec = 0;
	int r = exec_system_bus(ctx, &bus);
	if (r < 0)
		return log_error_errno(r, "Cannot connect to systemd: %m");
	unsigned timeout = ctx->cfg->unit_timeout_s;
	r = start ? bus_unit_start(bus, a->target, timeout, &usec, &why) :
		    bus_unit_stop(bus, a->target, timeout, &usec, &why);
	if (r == 1)
		return ACTION_NOOP;
	/* Giving back a unit whose stop outran its deadline: the stop is still under way and a
	 * start can only follow it. The start job stays queued in systemd, which runs it once
	 * the stop is over; that is all anyone can do, now or in a later release. */
	if (r == -ETIMEDOUT && start && undo) {
		log_warning("%s has not started within %u s; systemd starts it once it can",
			    a->target, timeout);
		return 0;
	}
	if (r == -ETIMEDOUT)
		return log_error_errno(r, "%s did not %s within %u s", a->target,
				       start ? "start" : "stop", timeout);
	if (r < 0 && why)
		return log_error_errno(r, "Cannot %s %s: %s", start ? "start" : "stop", a->target,
				       why);
	if (r < 0)
		return log_error_errno(r, "Cannot %s %s: %m", start ? "start" : "stop", a->target);
	log_info("%s %s in %.2f s", start ? "Started" : "Stopped", a->target, usec_to_s(usec));
	return 0;
}

int unit_stop_run(struct exec_ctx *ctx, struct action *a)
{
	return system_unit(ctx, a, false, false);
}

int unit_stop_undo(struct exec_ctx *ctx, struct action *a)
{
	return system_unit(ctx, a, true, true);
}

/* The other way round: a service a stage needs (nfs-server, smbd), stopped again after. */
int unit_start_run(struct exec_ctx *ctx, struct action *a)
{
	return system_unit(ctx, a, true, false);
}

int unit_start_undo(struct exec_ctx *ctx, struct action *a)
{
	return system_unit(ctx, a, false, true);
}
