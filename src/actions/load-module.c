// SPDX-License-Identifier: GPL-2.0-or-later
/* load-module: vfio-pci loaded for the passed functions; unloaded after, if nothing uses it. */
#include "core/action-type.h"
#include "lib/strutil.h"
#include "system/modules.h"
#include "validate.h"

static char *undo_text(const struct action *a)
{
	return strdup_printf("unload %s if unused", a->target);
}

static enum host_match check(const struct host *h, const struct action *a, char **ret_detail)
{
	/* vfio-pci may be built in: then its registered driver is what host_load saw. */
	return module_is_loaded(h->root->sys_fd, a->target) ||
			       (streq(a->target, "vfio-pci") && h->vfio_pci == VFIO_PCI_LOADED) ?
		       host_check_say(HOST_MATCHES, ret_detail, strdup("loaded")) :
		       host_check_say(HOST_DIFFERS, ret_detail, strdup("not loaded"));
}

const struct action_type action_load_module = {
	.name = "load-module",
	.verb = "load module",
	.stage = STAGE_VFIO,
	.target_ok = is_module_name,
	.target_is = "a module name",
	.undo_text = undo_text,
	.check = check,
};
