// SPDX-License-Identifier: GPL-2.0-or-later
/* bind-vfio: a passed function on vfio-pci, through driver_override and drivers_probe. */
#include "lib/strutil.h"
#include "pci-driver.h"
#include "validate.h"

static bool is_driver_or_none(const char *s)
{
	return streq(s, "none") || is_driver_name(s);
}

static char *undo_text(const struct action *a)
{
	return strdup("clear override, reprobe");
}

static enum host_match check(const struct host *h, const struct action *a, char **ret_detail)
{
	return pci_driver_check(h, a, true, ret_detail);
}

const struct action_type action_bind_vfio = {
	.name = "bind-vfio",
	.verb = "bind vfio-pci",
	.stage = STAGE_VFIO,
	.target_ok = is_pci_name,
	.target_is = "a PCI address",
	.prior_ok = is_driver_or_none,
	.prior_is = "a driver name or none",
	.one_of_the_devices = true,
	.undo_text = undo_text,
	.check = check,
};
