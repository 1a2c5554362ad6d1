// SPDX-License-Identifier: GPL-2.0-or-later
/* unload-module: a GPU driver's module (or one on top of it) unloaded, never forced. */
#include "core/action-type.h"
#include "lib/strutil.h"
#include "system/modules.h"
#include "validate.h"

static char *undo_text(const struct action *a)
{
	return strdup_printf("load %s", a->target);
}

static enum host_match check(const struct host *h, const struct action *a, char **ret_detail)
{
	return module_is_loaded(h->root->sys_fd, a->target) ?
		       host_check_say(HOST_DIFFERS, ret_detail, strdup("loaded")) :
		       host_check_say(HOST_MATCHES, ret_detail, strdup("not loaded"));
}

const struct action_type action_unload_module = {
	.name = "unload-module",
	.verb = "unload module",
	.stage = STAGE_DRIVERS,
	.target_ok = is_module_name,
	.target_is = "a module name",
	.undo_text = undo_text,
	.check = check,
};
