// SPDX-License-Identifier: GPL-2.0-or-later
/* unbind-pci: a passed function off its host driver; given back, the driver must bring it to life. */
#include "lib/strutil.h"
#include "pci-driver.h"
#include "validate.h"

static char *undo_text(const struct action *a)
{
	return strdup_printf("bind %s", strna(a->prior));
}

static enum host_match check(const struct host *h, const struct action *a, char **ret_detail)
{
	return pci_driver_check(h, a, false, ret_detail);
}

const struct action_type action_unbind_pci = {
	.name = "unbind-pci",
	.verb = "unbind driver",
	.stage = STAGE_DRIVERS,
	.target_ok = is_pci_name,
	.target_is = "a PCI address",
	.prior_ok = is_driver_name,
	.prior_is = "a driver name",
	.one_of_the_devices = true,
	.undo_text = undo_text,
	.check = check,
};
