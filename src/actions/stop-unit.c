// SPDX-License-Identifier: GPL-2.0-or-later
/* stop-unit: a system unit stopped while the VM runs (the display manager, a device's holder). */
#include "lib/strutil.h"
#include "system-unit.h"
#include "validate.h"

static int run(struct exec_ctx *ctx, struct action *a)
{
	return system_unit_job(ctx, a, false, false);
}

static int undo(struct exec_ctx *ctx, struct action *a)
{
	return system_unit_job(ctx, a, true, true);
}

static char *undo_text(const struct action *a)
{
	return strdup_printf("start %s", a->target);
}

static enum host_match check(const struct host *h, const struct action *a, char **ret_detail)
{
	return system_unit_check(h, a, false, ret_detail);
}

const struct action_type action_stop_unit = {
	.name = "stop-unit",
	.verb = "stop unit",
	.stage = STAGE_DISPLAY_MANAGER,
	.target_ok = is_unit_name,
	.target_is = "a unit name",
	.run = run,
	.undo = undo,
	.undo_text = undo_text,
	.check = check,
};
