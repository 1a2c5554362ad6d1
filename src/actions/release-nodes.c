// SPDX-License-Identifier: GPL-2.0-or-later
/* release-nodes: nothing holds a passed function's device nodes any more. */
#include "core/action-type.h"
#include "validate.h"

/* Nothing to give back; which processes hold what is more than one cheap read would say. */
const struct action_type action_release_nodes = {
	.name = "release-nodes",
	.verb = "free device nodes",
	.stage = STAGE_HOLDERS,
	.target_ok = is_pci_name,
	.target_is = "a PCI address",
	.one_of_the_devices = true,
};
