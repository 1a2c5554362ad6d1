// SPDX-License-Identifier: GPL-2.0-or-later
/* stop-user-unit: a unit of a user's systemd instance (PipeWire, PulseAudio), stopped. */
#include "core/action-type.h"
#include "lib/log.h"
#include "lib/strutil.h"
#include "system/bus.h"
#include "validate.h"

/*
 * The user's systemd instance lives only while they have a session: once the display manager
 * is gone it stops after a short delay, taking their units with it, and the next login starts
 * them again. So a manager that is not (or no longer) running means nothing to do.
 */
static bool user_manager_running(struct exec_ctx *ctx, uid_t uid)
{
	_cleanup_free_ char *unit = strdup_printf("user@%u.service", (unsigned)uid), *state = NULL;
	sd_bus *bus;
	if (!unit || exec_system_bus(ctx, &bus) < 0 || bus_unit_active_state(bus, unit, &state) < 0)
		return true; /* cannot tell: try, and report what happens */
	return streq(state, "active");
}

static int user_unit(struct exec_ctx *ctx, struct action *a, bool start)
{
	_cleanup_(sym_sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
	_cleanup_free_ char *why = NULL;
	uint64_t usec = 0;
	const char *verb = start ? "start" : "stop";
	int r = user_manager_running(ctx, a->uid) ?
			bus_open_user_manager(ctx->root->prefix, a->uid, &bus) :
			-ENOENT;
	if (r >= 0)
		r = start ? bus_unit_start(bus, a->target, ctx->cfg->unit_timeout_s, &usec, &why) :
			    bus_unit_stop(bus, a->target, ctx->cfg->unit_timeout_s, &usec, &why);
	if (r == 1)
		return ACTION_NOOP;
	if (r < 0 && !user_manager_running(ctx, a->uid)) {
		log_info("The systemd instance of uid %u is gone: no %s of %s needed (the next login "
			 "starts it)", (unsigned)a->uid, verb, a->target);
		return ACTION_NOOP;
	}
	if (r < 0 && why)
		return log_error_errno(r, "Cannot %s %s of uid %u: %s", verb, a->target,
				       (unsigned)a->uid, why);
	if (r < 0)
		return log_error_errno(r, "Cannot %s %s of uid %u: %m", verb, a->target,
				       (unsigned)a->uid);
	log_info("%s %s of uid %u in %.2f s", start ? "Started" : "Stopped", a->target,
		 (unsigned)a->uid, usec_to_s(usec));
	return 0;
}

static int run(struct exec_ctx *ctx, struct action *a)
{
	return user_unit(ctx, a, false);
}

static int undo(struct exec_ctx *ctx, struct action *a)
{
	return user_unit(ctx, a, true);
}

static char *undo_text(const struct action *a)
{
	return strdup_printf("start %s", a->target);
}

/* A user's service is running when it has processes in user@UID.service (sockets have
 * none to look at: not checked). */
static enum host_match check(const struct host *h, const struct action *a, char **ret_detail)
{
	_cleanup_strv_free_ char **running = NULL;
	if (!endswith(a->target, ".service"))
		return host_check_say(HOST_NOT_CHECKED, ret_detail, NULL);
	int r = host_user_services(h, a->uid, &running);
	if (r < 0)
		return host_check_say(HOST_NOT_CHECKED, ret_detail,
				      strdup_printf("cannot read /proc: %s", strerror(-r)));
	return strv_contains(running, a->target) ?
		       host_check_say(HOST_DIFFERS, ret_detail, strdup("running")) :
		       host_check_say(HOST_MATCHES, ret_detail, strdup("not running"));
}

const struct action_type action_stop_user_unit = {
	.name = "stop-user-unit",
	.verb = "stop user unit",
	.stage = STAGE_AUDIO,
	.target_ok = is_unit_name,
	.target_is = "a unit name",
	.run = run,
	.undo = undo,
	.undo_text = undo_text,
	.check = check,
};
