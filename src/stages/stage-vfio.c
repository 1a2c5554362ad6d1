// SPDX-License-Identifier: GPL-2.0-or-later
/* Stage vfio: load vfio-pci if needed and bind every passed function to it. */
#include "lib/strutil.h"
#include "stages/stages.h"

int stage_vfio_plan(struct plan_ctx *ctx)
{
	int r;
	if (ctx->n_passed == 0)
		return 0;
	if (ctx->host->vfio_pci == VFIO_PCI_MODULE &&
	    (r = plan_add(ctx->plan, STAGE_VFIO, ACTION_LOAD_MODULE, "vfio-pci", "not loaded",
			  "driver for the passed devices", 0)) < 0)
		return r;
	for (size_t i = 0; i < ctx->n_passed; i++) {
		const struct pci_function *d = ctx->passed[i];
		if (d->driver && streq(d->driver, "vfio-pci")) {
			/* Already the VM's before we came: it stays on vfio-pci afterwards too. */
			if ((r = plan_note(ctx->plan, "%s is already on vfio-pci and stays there",
					   d->name)) < 0)
				return r;
			continue;
		}
		r = plan_add(ctx->plan, STAGE_VFIO, ACTION_BIND_VFIO, d->name, d->driver ?: "none",
			     "driver_override=vfio-pci, drivers_probe", 0);
		if (r < 0)
			return r;
	}
	return 0;
}
