// SPDX-License-Identifier: GPL-2.0-or-later
/* A system unit, for stop-unit and start-unit: its job and its check (system-unit.h). */
#include "lib/log.h"
#include "lib/strutil.h"
#include "system-unit.h"
#include "system/bus.h"

enum host_match system_unit_check(const struct host *h, const struct action *a, bool want_active,
				  char **ret_detail)
{
	struct unit_state u = { 0 };
	int r = host_unit_state(h, a->target, &u);
	if (r == -ENOENT)
		return host_check_say(want_active ? HOST_DIFFERS : HOST_MATCHES, ret_detail,
				      strdup("not loaded"));
	if (r < 0)
		return host_check_say(HOST_NOT_CHECKED, ret_detail,
				      strdup_printf("cannot ask systemd: %s", strerror(-r)));
	bool active = unit_state_is_running(&u);
	char *detail = strdup(u.active_state);
	unit_state_done(&u);
	return host_check_say(active == want_active ? HOST_MATCHES : HOST_DIFFERS, ret_detail,
			      detail);
}

/* undo: a start that outruns its deadline is left to systemd, see below. */
int system_unit_job(struct exec_ctx *ctx, const struct action *a, bool start, bool undo)
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
