// SPDX-License-Identifier: GPL-2.0-or-later
/* Stage sessions: logind sessions whose processes hold the GPU (a Wayland compositor, say). */
#include "bus.h"
#include "log.h"
#include "stages.h"
#include "strutil.h"

int stage_sessions_plan(struct plan_ctx *ctx)
{
	for (size_t i = 0; i < ctx->n_holders; i++) {
		const struct node_holder *h = &ctx->holders[i];
		if (plan_ctx_holder_covered(ctx, h))
			continue;
		_cleanup_free_ char *id = cgroup_session_id(h->cgroup);
		if (!id || strv_contains(ctx->sessions, id))
			continue;
		int r;
		if (!ctx->plan->host_graphics_go) {
			/* The desktop stays up on another GPU: ending it is not ours to decide. */
			_cleanup_free_ char *comm = str_escape(strna(h->comm), 32);
			r = plan_refuse(ctx->plan, "session %s (%s[%d], uid %u) holds /dev/%s of a passed "
						   "device while host graphics stay: close it first",
					id, strna(comm), (int)h->pid, (unsigned)h->uid, h->devname);
			if (r < 0)
				return r;
			continue;
		}
		_cleanup_free_ char *why = strdup_printf("%s[%d] holds /dev/%s", strna(h->comm),
							 (int)h->pid, h->devname);
		if (!why || strv_extend(&ctx->sessions, id) < 0)
			return -ENOMEM;
		r = plan_add(ctx->plan, STAGE_SESSIONS, ACTION_TERMINATE_SESSION, id, "active", why,
			     h->uid);
		if (r < 0)
			return r;
	}
	return 0;
}

int session_terminate_run(struct exec_ctx *ctx, struct action *a)
{
	sd_bus *bus;
	uint64_t usec = 0;
	int r = exec_system_bus(ctx, &bus);
	if (r < 0)
		return log_error_errno(r, "Cannot connect to logind: %m");
	r = bus_terminate_session(bus, a->target, ctx->cfg->unit_timeout_s, &usec);
	if (r == ACTION_GONE)
		return ACTION_NOOP;
	if (r < 0)
		return log_error_errno(r, "Cannot end session %s: %m", a->target);
	log_info("Ended session %s in %.2f s", a->target, usec_to_s(usec));
	return 0;
}
