// SPDX-License-Identifier: GPL-2.0-or-later
/* unbind-pci: a passed function off its host driver; given back, the driver must bring it to life. */
#include "core/action-type.h"
#include "lib/log.h"
#include "lib/strutil.h"
#include "lib/wait.h"
#include "pci-driver.h"
#include "system/sysfs-bind.h"
#include "validate.h"

static int run(struct exec_ctx *ctx, struct action *a)
{
	char drv[256];
	int sys = ctx->root->sys_fd;
	int r = sysfs_driver_of(sys, "pci", a->target, drv, sizeof drv);
	if (r == -ENOENT)
		return ACTION_NOOP;
	if (r == -ENODEV)
		return log_error_errno(r, "%s has vanished", a->target);
	if (r < 0)
		return log_error_errno(r, "Cannot read the driver of %s: %m", a->target);
	if (streq(drv, "vfio-pci"))
		return ACTION_NOOP;
	/* Synchronous: the driver's remove() has run when the write returns. */
	r = sysfs_unbind(exec_kernel(ctx), sys, "pci", a->target);
	if (r == -ETIMEDOUT)
		return exec_log_stuck(ctx, "Unbinding %s from %s", a->target, drv);
	if (r < 0)
		return log_error_errno(r, "Cannot unbind %s from %s: %m", a->target, drv);
	if (sysfs_driver_of(sys, "pci", a->target, drv, sizeof drv) >= 0)
		return log_error_errno(-EBUSY, "%s is still bound to %s", a->target, drv);
	log_info("Unbound %s from %s", a->target, strna(a->prior));
	return 0;
}

/* Whether the driver that took a function back brought it to life, not only bound it. A card
 * that did not reset, or that the driver could not initialise ("RmInitAdapter failed", a card
 * left in D3cold), is bound but has no DRM card or NVIDIA entry. */
struct alive_wait {
	const struct exec_ctx *ctx;
	const char *dev;
	const char *driver;
	const char *missing; /* what is not there yet, for the message */
};

static int function_alive(void *data)
{
	struct alive_wait *w = data;
	return host_pci_function_alive(w->ctx->root, w->dev, w->driver, &w->missing);
}

static int check_alive(struct exec_ctx *ctx, const char *dev, const char *driver)
{
	struct alive_wait w = { ctx, dev, driver, NULL };
	int r = wait_for(function_alive, &w, ctx->cfg->module_timeout_s * 1000u, NULL);
	if (r == -ETIMEDOUT)
		return log_error_errno(-EIO, "%s is on %s again but has %s after %u s: the driver "
					     "could not bring the card back (journalctl -k)",
				       dev, driver, strna(w.missing), ctx->cfg->module_timeout_s);
	return r == -ENOENT ? 0 : r; /* no class to read: nothing to check */
}

static int undo(struct exec_ctx *ctx, struct action *a)
{
	char drv[256];
	int sys = ctx->root->sys_fd;
	int r = sysfs_driver_of(sys, "pci", a->target, drv, sizeof drv);
	if (r == -ENODEV) {
		log_warning("%s has vanished: nothing to rebind", a->target);
		return ACTION_NOOP;
	}
	if (r >= 0 && a->prior && streq(drv, a->prior)) {
		/* Back already (vfio-pci's reprobe, or the module's reload, rebound it). */
		r = check_alive(ctx, a->target, drv);
		return r < 0 ? r : ACTION_NOOP;
	}
	if (r >= 0)
		return log_error_errno(-EBUSY, "%s is on %s, not %s", a->target, drv,
				       strna(a->prior));
	/* Unbound: let the kernel match it, then insist on the original driver. */
	r = sysfs_pci_probe(exec_kernel(ctx), sys, a->target);
	if (r != -ETIMEDOUT && sysfs_driver_of(sys, "pci", a->target, drv, sizeof drv) < 0 &&
	    a->prior)
		r = sysfs_bind(exec_kernel(ctx), sys, "pci", a->target, a->prior);
	if (r == -ETIMEDOUT)
		return exec_log_stuck(ctx, "Binding %s to %s", a->target, strna(a->prior));
	if (r < 0 && a->prior && sysfs_driver_of(sys, "pci", a->target, drv, sizeof drv) < 0)
		return log_error_errno(r, "Cannot bind %s to %s: %m", a->target, a->prior);
	if (sysfs_driver_of(sys, "pci", a->target, drv, sizeof drv) < 0)
		return log_error_errno(-ENXIO, "%s has no driver after reprobing", a->target);
	if ((r = check_alive(ctx, a->target, drv)) < 0)
		return r;
	log_info("%s is back on %s", a->target, drv);
	return 0;
}

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
	.run = run,
	.undo = undo,
	.undo_text = undo_text,
	.check = check,
};
