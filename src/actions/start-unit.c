// SPDX-License-Identifier: GPL-2.0-or-later
/* start-unit: a service a stage needs (nfs-server, smbd), started for the VM's run. */
#include "lib/strutil.h"
#include "system-unit.h"
#include "validate.h"

static int run(struct exec_ctx *ctx, struct action *a)
{
	return system_unit_job(ctx, a, true, false);
}

static int undo(struct exec_ctx *ctx, struct action *a)
{
	return system_unit_job(ctx, a, false, true);
}

static char *undo_text(const struct action *a)
{
	return strdup_printf("stop %s", a->target);
}

static enum host_match check(const struct host *h, const struct action *a, char **ret_detail)
{
	return system_unit_check(h, a, true, ret_detail);
}

const struct action_type action_start_unit = {
	.name = "start-unit",
	.verb = "start unit",
	.stage = STAGE_SHARES,
	.target_ok = is_unit_name,
	.target_is = "a unit name",
	.run = run,
	.shared = true,
	.undo = undo,
	.undo_text = undo_text,
	.check = check,
};
