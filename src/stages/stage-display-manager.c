// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Stage display-manager: stop the unit behind display-manager.service while the VM has the
 * GPU, and the system services that hold the passed devices; release starts them again.
 */
#include "lib/strutil.h"
#include "stages/stages.h"

static int plan_stop(struct plan_ctx *ctx, const char *unit, const char *why)
{
	if (strv_contains(ctx->system_units, unit))
		return 0;
	int r = strv_extend(&ctx->system_units, unit);
	if (r < 0)
		return r;
	return plan_add(ctx->plan, STAGE_DISPLAY_MANAGER, ACTION_STOP_UNIT, unit, "active", why, 0);
}

/* Units the admin listed in stop_units: stopped for the VM's run, restarted after. */
static int plan_extra_units(struct plan_ctx *ctx)
{
	for (char **n = ctx->cfg->stop_units; n && *n; n++) {
		const struct unit_state *u;
		int r = host_find_unit(ctx->host, *n, &u);
		if (r == -ENOENT)
			continue;
		if (r < 0)
			return plan_refuse(ctx->plan, "cannot ask systemd about %s: %s", *n,
					   strerror(-r));
		if (unit_state_is_running(u) && (r = plan_stop(ctx, u->id, "stop_units")) < 0)
			return r;
	}
	return 0;
}

static int plan_display_manager(struct plan_ctx *ctx)
{
	const struct unit_state *u;
	int r = host_find_unit(ctx->host, "display-manager.service", &u);
	if (r == -ENOENT)
		return ctx->plan->host_graphics_go ?
			       plan_note(ctx->plan, "no display-manager.service on this host") :
			       0;
	if (r < 0 && !ctx->plan->host_graphics_go)
		return 0; /* only needed to tell it from other services */
	if (r < 0)
		return plan_refuse(ctx->plan, "cannot ask systemd about display-manager.service: %s",
				   strerror(-r));
	if (!(ctx->dm_unit = strdup(u->id)))
		return -ENOMEM;
	if (!ctx->plan->host_graphics_go)
		return 0;
	if (!unit_state_is_running(u))
		return plan_note(ctx->plan, "display manager %s is %s: left alone", u->id,
				 u->active_state);
	return plan_stop(ctx, u->id, "display-manager.service");
}

/*
 * A system service that holds a passed device (nvidia-persistenced, a CUDA or inference
 * daemon, a display server's own unit) is stopped as a unit, so that systemd neither restarts
 * it under us nor forgets it: release starts it again.
 */
static int plan_service_holders(struct plan_ctx *ctx)
{
	for (size_t i = 0; i < ctx->n_holders; i++) {
		const struct node_holder *h = &ctx->holders[i];
		if (h->kind != HOLDER_SYSTEM_UNIT || plan_ctx_holder_covered(ctx, h))
			continue;
		_cleanup_free_ char *comm = str_escape(strna(h->comm), 32);
		int r;
		if (ctx->dm_unit && streq(h->unit, ctx->dm_unit)) {
			/* Host graphics stay: the display manager is the host's desktop. */
			r = plan_refuse(ctx->plan, "the display manager %s holds /dev/%s of a passed "
						   "device through %s[%d] while the host keeps its "
						   "graphics: configure its display server to leave that "
						   "card alone (docs/troubleshooting.md, \"Two GPUs\")",
					h->unit, h->devname, strna(comm), (int)h->pid);
		} else {
			/* A transient unit (systemd-run) could not be started again: its process is
			 * signalled like any other. So is one systemd does not know any more. */
			const struct unit_state *u;
			if (host_find_unit(ctx->host, h->unit, &u) < 0 || u->transient ||
			    !unit_state_is_running(u))
				continue;
			_cleanup_free_ char *why = strdup_printf("%s[%d] holds /dev/%s", strna(comm),
								 (int)h->pid, h->devname);
			r = why ? plan_stop(ctx, h->unit, why) : -ENOMEM;
		}
		if (r < 0)
			return r;
	}
	return 0;
}

/* The states of the units it weighs: stop_units, the display manager, the services holding
 * the devices. */
int stage_display_manager_load(const struct plan_ctx *ctx, struct host *host)
{
	_cleanup_strv_free_ char **names = NULL;
	int r = strv_extend(&names, "display-manager.service");
	for (char **n = ctx->cfg->stop_units; r >= 0 && n && *n; n++)
		r = strv_extend_unique(&names, *n);
	for (size_t i = 0; r >= 0 && i < ctx->n_holders; i++)
		if (ctx->holders[i].kind == HOLDER_SYSTEM_UNIT)
			r = strv_extend_unique(&names, ctx->holders[i].unit);
	return r < 0 ? r : host_load_units(host, names);
}

int stage_display_manager_plan(struct plan_ctx *ctx)
{
	int r = plan_extra_units(ctx);
	if (r >= 0)
		r = plan_display_manager(ctx);
	if (r >= 0)
		r = plan_service_holders(ctx);
	return r;
}
