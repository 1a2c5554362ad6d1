// SPDX-License-Identifier: GPL-2.0-or-later
/* mask-unit: a sleep target masked for the runtime while the VM runs; unmasked after. */
#include "core/action-type.h"
#include "lib/log.h"
#include "lib/strutil.h"
#include "system/bus.h"
#include "validate.h"

static bool is_target_unit(const char *s)
{
	static const char *const types[] = { "target", NULL };
	return is_unit_with(s, types);
}

/* What systemd calls a unit file's state: lower-case words joined by '-' ("masked-runtime"). */
static bool is_unit_file_state(const char *s)
{
	if (isempty(s) || strlen(s) > 32 || s[0] == '-' || s[strlen(s) - 1] == '-')
		return false;
	for (; *s; s++)
		if (!(('a' <= *s && *s <= 'z') || *s == '-'))
			return false;
	return true;
}

/* logind asks the loaded unit: systemd reloads (once, when the executor leaves the stage) unless
 * it shows the change already. */
static void need_reload_unless(struct exec_ctx *ctx, sd_bus *bus, const char *unit,
			       const char *load_state)
{
	_cleanup_free_ char *now = NULL;
	if (bus_unit_load_state(bus, unit, &now) < 0 || !streq(now, load_state))
		ctx->systemd_reload_pending = true;
}

static int run(struct exec_ctx *ctx, struct action *a)
{
	_cleanup_free_ char *before = NULL, *after = NULL, *why = NULL;
	sd_bus *bus;
	int r = exec_system_bus(ctx, &bus);
	if (r < 0)
		return log_error_errno(r, "Cannot connect to systemd: %m");
	if ((r = bus_unit_file_state(bus, a->target, &before)) < 0)
		return log_error_errno(r, "Cannot ask systemd about %s: %m", a->target);
	/* Masked by someone else since the plan: theirs, and nothing to undo. */
	if (unit_file_state_is_masked(before)) {
		log_info("%s is already %s: left as it is", a->target, before);
		return ACTION_NOOP;
	}
	r = bus_unit_mask_runtime(bus, a->target, true, ctx->cfg->unit_timeout_s, &why);
	if (r == 0)
		need_reload_unless(ctx, bus, a->target, "masked");
	if (r >= 0 && (r = bus_unit_file_state(bus, a->target, &after)) >= 0 &&
	    !streq(after, "masked-runtime")) {
		r = -EIO;
		why = strdup_printf("it is %s after masking it", after);
	}
	if (r < 0 && why)
		return log_error_errno(r, "Cannot mask %s: %s", a->target, why);
	if (r < 0)
		return log_error_errno(r, "Cannot mask %s: %m", a->target);
	log_info("Masked %s until the VM is gone (it was %s)", a->target, before);
	return 0;
}

static int undo(struct exec_ctx *ctx, struct action *a)
{
	_cleanup_free_ char *now = NULL, *why = NULL;
	sd_bus *bus;
	/* A mask that was there before the VM is not ours (the planner never plans one). */
	if (unit_file_state_is_masked(a->prior))
		return ACTION_NOOP;
	int r = exec_system_bus(ctx, &bus);
	if (r < 0)
		return log_error_errno(r, "Cannot connect to systemd: %m");
	r = bus_unit_mask_runtime(bus, a->target, false, ctx->cfg->unit_timeout_s, &why);
	if (r < 0 && why)
		return log_error_errno(r, "Cannot unmask %s: %s", a->target, why);
	if (r < 0)
		return log_error_errno(r, "Cannot unmask %s: %m", a->target);
	if (r == 1)
		return ACTION_NOOP;
	need_reload_unless(ctx, bus, a->target, "loaded");
	if (bus_unit_file_state(bus, a->target, &now) >= 0 && !streq(now, strna(a->prior)))
		log_warning("Unmasked %s, which is %s now, %s before the VM", a->target, now,
			    strna(a->prior));
	else
		log_info("Unmasked %s (%s again)", a->target, strna(a->prior));
	return 0;
}

static char *undo_text(const struct action *a)
{
	return strdup_printf("unmask (%s again)", strna(a->prior));
}

static enum host_match check(const struct host *h, const struct action *a, char **ret_detail)
{
	char *state = NULL;
	int r = host_unit_file_state(h, a->target, &state);
	if (r == -ENOENT)
		return host_check_say(HOST_DIFFERS, ret_detail, strdup("no such unit file"));
	if (r < 0)
		return host_check_say(HOST_NOT_CHECKED, ret_detail,
				      strdup_printf("cannot ask systemd: %s", strerror(-r)));
	return host_check_say(streq(state, "masked-runtime") ? HOST_MATCHES : HOST_DIFFERS,
			      ret_detail, state);
}

const struct action_type action_mask_unit = {
	.name = "mask-unit",
	.verb = "mask unit",
	.stage = STAGE_SLEEP,
	.target_ok = is_target_unit,
	.target_is = "a .target unit name",
	.prior_ok = is_unit_file_state,
	.prior_is = "a unit file state",
	.run = run,
	.shared = true,
	.undo = undo,
	.undo_text = undo_text,
	.check = check,
};
