// SPDX-License-Identifier: GPL-2.0-or-later
/* bind-vfio: a passed function on vfio-pci, through driver_override and drivers_probe; its
 * result is the driver_override it had (none: no result), which release gives back. */
#include "core/action-type.h"
#include "lib/log.h"
#include "lib/strutil.h"
#include "pci-driver.h"
#include "system/sysfs-bind.h"
#include "validate.h"

static bool is_driver_or_none(const char *s)
{
	return streq(s, "none") || is_driver_name(s);
}

/* "Unbinding 0000:01:00.0 from nvidia" did not return, or failed. */
static int vfio_write_failed(struct exec_ctx *ctx, int r, const char *doing, const char *dev,
			     const char *driver)
{
	const char *prep = streq(doing, "Unbinding") ? "from" : "to";
	if (r == -ETIMEDOUT)
		return exec_log_stuck(ctx, "%s %s %s %s", doing, dev, prep, driver);
	return log_error_errno(r, "%s %s %s %s failed: %m", doing, dev, prep, driver);
}

static int run(struct exec_ctx *ctx, struct action *a)
{
	char drv[256];
	int sys = ctx->root->sys_fd;
	int r = sysfs_driver_of(sys, "pci", a->target, drv, sizeof drv);
	if (r == -ENODEV)
		return log_error_errno(r, "%s has vanished", a->target);
	if (r >= 0 && streq(drv, "vfio-pci"))
		return ACTION_NOOP;
	/* The override it had, journaled before it is overwritten. */
	char old[256];
	if ((r = sysfs_pci_get_override(sys, a->target, old, sizeof old)) < 0)
		return log_error_errno(r, "Cannot read driver_override of %s: %m", a->target);
	if (old[0] && !is_driver_name(old)) {
		_cleanup_free_ char *e = str_escape(old, 64);
		return log_error_errno(-EINVAL, "driver_override of %s is '%s', which is no driver "
					        "name vfio-hook could give back", a->target, strna(e));
	}
	if (old[0] && (r = exec_record_result(ctx, a, old)) < 0)
		return r;
	if ((r = sysfs_pci_set_override(sys, a->target, "vfio-pci")) < 0)
		return log_error_errno(r, "Cannot set driver_override of %s: %m", a->target);
	if (sysfs_driver_of(sys, "pci", a->target, drv, sizeof drv) >= 0 &&
	    (r = sysfs_unbind(exec_kernel(ctx), sys, "pci", a->target)) < 0)
		return vfio_write_failed(ctx, r, "Unbinding", a->target, drv);
	if ((r = sysfs_pci_probe(exec_kernel(ctx), sys, a->target)) < 0)
		return vfio_write_failed(ctx, r, "Binding", a->target, "vfio-pci");
	/* drivers_probe succeeds even when nothing binds: the link is the truth. */
	r = sysfs_driver_of(sys, "pci", a->target, drv, sizeof drv);
	if (r < 0 || !streq(drv, "vfio-pci"))
		return log_error_errno(-ENXIO, "%s did not bind to vfio-pci", a->target);
	/* The real condition for QEMU to map the card: no boot framebuffer claim left in it. */
	const struct pci_function *d = ctx->host ? host_find_pci_name(ctx->host, a->target) : NULL;
	_cleanup_free_ char *claim = NULL;
	if (d && pci_function_is_display(d) && host_fb_in_bars(ctx->host, d, false, &claim) > 0)
		return log_error_errno(-EBUSY, "Boot framebuffer %s is still in a BAR of %s on "
					       "vfio-pci: QEMU could not map it; boot with "
					       "initcall_blacklist=sysfb_init", claim, a->target);
	log_info("Bound %s to vfio-pci", a->target);
	return 0;
}

/* Off vfio-pci, reprobed: 0, or ACTION_NOOP when libvirt's managed reattach was first. */
static int leave_vfio(struct exec_ctx *ctx, struct action *a)
{
	char drv[256];
	int sys = ctx->root->sys_fd;
	int r;
	/* libvirt's managed reattach may have been first: then it is on its driver already. */
	if (sysfs_driver_of(sys, "pci", a->target, drv, sizeof drv) >= 0) {
		if (!streq(drv, "vfio-pci"))
			return ACTION_NOOP;
		if ((r = sysfs_unbind(exec_kernel(ctx), sys, "pci", a->target)) < 0)
			return vfio_write_failed(ctx, r, "Unbinding", a->target, "vfio-pci");
	}
	if ((r = sysfs_pci_probe(exec_kernel(ctx), sys, a->target)) < 0)
		return vfio_write_failed(ctx, r, "Binding", a->target, "its driver");
	if (sysfs_driver_of(sys, "pci", a->target, drv, sizeof drv) >= 0)
		log_info("%s left vfio-pci for %s", a->target, drv);
	else
		log_info("%s left vfio-pci (its driver comes back with its module)", a->target);
	return 0;
}

static int undo(struct exec_ctx *ctx, struct action *a)
{
	char drv[256];
	int sys = ctx->root->sys_fd;
	int r = sysfs_driver_of(sys, "pci", a->target, drv, sizeof drv);
	if (r == -ENODEV) {
		log_warning("%s has vanished: nothing to give back", a->target);
		return ACTION_NOOP;
	}
	/* The override it had (a->result) goes back before the reprobe when the driver it was on
	 * is that one, or none: the reprobe then finds what it found before. On another driver
	 * (the override was written after it bound), that driver comes back first. */
	const char *had = a->result;
	bool first = !had || !a->prior || streq(a->prior, "none") || streq(a->prior, had);
	if ((r = sysfs_pci_set_override(sys, a->target, first ? had : NULL)) < 0)
		return log_error_errno(r, "Cannot %s driver_override of %s: %m",
				       first && had ? "give back" : "clear", a->target);
	if (first && had && streq(had, "vfio-pci")) {
		log_info("%s stays on vfio-pci, its driver_override", a->target);
		return 0;
	}
	int left = leave_vfio(ctx, a);
	if (left < 0 || !had)
		return left;
	if (!first && (r = sysfs_pci_set_override(sys, a->target, had)) < 0)
		return log_error_errno(r, "Cannot give back driver_override of %s: %m", a->target);
	log_info("driver_override of %s is %s again", a->target, had);
	return 0;
}

static char *undo_text(const struct action *a)
{
	if (a->result)
		return strdup_printf("override %s again, reprobe", a->result);
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
	.result_ok = is_driver_name,
	.result_is = "the driver_override it had",
	.run = run,
	.undo = undo,
	.undo_text = undo_text,
	.check = check,
};
