// SPDX-License-Identifier: GPL-2.0-or-later
/* Stage vfio: load vfio-pci if needed and bind every passed function to it. */
#include <dirent.h>
#include <fcntl.h>

#include "lib/fileio.h"
#include "lib/log.h"
#include "lib/strutil.h"
#include "stages/stages.h"
#include "system/modules.h"
#include "system/sysfs-bind.h"

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

int module_load_run(struct exec_ctx *ctx, struct action *a)
{
	if (exists_at(ctx->root->sys_fd, "bus/pci/drivers/vfio-pci"))
		return ACTION_NOOP;
	int r = module_load(exec_modules(ctx), exec_kernel(ctx), a->target);
	if (r == -ETIMEDOUT)
		return exec_log_stuck(ctx, "Loading %s", a->target);
	if (r < 0)
		return log_error_errno(r, "Cannot load %s (see its modprobe.d lines and the kernel "
					  "log): %m", a->target);
	if (!exists_at(ctx->root->sys_fd, "bus/pci/drivers/vfio-pci"))
		return log_error_errno(-ENOENT, "%s loaded but no vfio-pci driver registered",
				       a->target);
	log_info("Loaded %s", a->target);
	return 0;
}

static bool vfio_pci_in_use(int sys_fd)
{
	int fd = openat(sys_fd, "bus/pci/drivers/vfio-pci", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return false;
	_cleanup_closedir_ DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return true;
	}
	struct dirent *de;
	struct pci_addr addr;
	bool used = false;
	while ((de = readdir(d)))
		used |= pci_addr_parse(de->d_name, &addr) == 0;
	return used;
}

int module_load_undo(struct exec_ctx *ctx, struct action *a)
{
	/* Only what we loaded, and only when no device (another VM's) is on it. */
	if (!module_is_loaded(ctx->root->sys_fd, a->target) || vfio_pci_in_use(ctx->root->sys_fd))
		return ACTION_NOOP;
	int r = module_unload(exec_modules(ctx), exec_kernel(ctx), a->target, 1, NULL);
	if (r < 0)
		return log_warning_errno(r, "Leaving %s loaded: %m", a->target);
	log_info("Unloaded %s", a->target);
	return 0;
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

int vfio_bind_run(struct exec_ctx *ctx, struct action *a)
{
	char drv[256];
	int sys = ctx->root->sys_fd;
	int r = sysfs_driver_of(sys, "pci", a->target, drv, sizeof drv);
	if (r == -ENODEV)
		return log_error_errno(r, "%s has vanished", a->target);
	if (r >= 0 && streq(drv, "vfio-pci"))
		return ACTION_NOOP;
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

int vfio_bind_undo(struct exec_ctx *ctx, struct action *a)
{
	char drv[256];
	int sys = ctx->root->sys_fd;
	int r = sysfs_driver_of(sys, "pci", a->target, drv, sizeof drv);
	if (r == -ENODEV) {
		log_warning("%s has vanished: nothing to give back", a->target);
		return ACTION_NOOP;
	}
	if ((r = sysfs_pci_set_override(sys, a->target, NULL)) < 0)
		return log_error_errno(r, "Cannot clear driver_override of %s: %m", a->target);
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
