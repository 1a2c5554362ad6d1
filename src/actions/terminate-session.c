// SPDX-License-Identifier: GPL-2.0-or-later
/* terminate-session: a graphical logind session whose processes hold the GPU, ended. */
#include "core/action-type.h"
#include "lib/log.h"
#include "lib/strutil.h"
#include "system/bus.h"

static bool is_session_id(const char *s)
{
	return !isempty(s) && strlen(s) <= 64 && str_is_alnum_or(s, "_-.");
}

static int run(struct exec_ctx *ctx, struct action *a)
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

/* Nothing to give back (the display manager brings a new session), nothing cheap to check. */
const struct action_type action_terminate_session = {
	.name = "terminate-session",
	.verb = "end session",
	.stage = STAGE_SESSIONS,
	.target_ok = is_session_id,
	.target_is = "a session id",
	.run = run,
};
