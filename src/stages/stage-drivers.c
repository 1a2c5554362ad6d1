// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Stage drivers: unbind each passed function from its host driver; unload a GPU driver's module
 * (holders first) only when nothing that stays on the host uses it. Never forced. Giving a
 * function back waits until its driver really has it: its DRM or sound card is there.
 */
#include <limits.h>

#include "lib/fileio.h"
#include "lib/log.h"
#include "lib/strutil.h"
#include "lib/wait.h"
#include "stages/stages.h"
#include "system/modules.h"
#include "system/sysfs-bind.h"

/* Does this device path (from /sys/module/M/drivers) belong to a passed PCI function? */
static bool path_is_passed(const struct plan_ctx *ctx, const char *path)
{
	for (size_t i = 0; i < ctx->n_passed; i++) {
		const char *name = ctx->passed[i]->name;
		for (const char *p = strstr(path, name); p; p = strstr(p + 1, name))
			if (p[-1] == '/' && (p[strlen(name)] == '/' || p[strlen(name)] == 0))
				return true;
	}
	return false;
}

/*
 * Append module and (first) its holders to *order if all of them can go, from the host model's
 * modules. Returns 1 if it can, 0 with *why set if something on the host still needs it.
 */
static int collect_unloadable(struct plan_ctx *ctx, const char *module, unsigned depth,
			      char ***order, char **why)
{
	if (depth > 8)
		return 0;
	const struct host_module *m = host_find_module(ctx->host, module);
	if (!m)
		return 0;
	if (m->builtin) {
		*why = strdup_printf("%s is built into the kernel", module);
		return 0;
	}
	for (char **d = m->devices; d && *d; d++)
		if (!path_is_passed(ctx, *d)) {
			*why = strdup_printf("%s also drives %s", module, strrchr(*d, '/') + 1);
			return 0;
		}
	int ok = 1;
	for (char **h = m->holders; ok > 0 && h && *h; h++)
		ok = collect_unloadable(ctx, *h, depth + 1, order, why);
	if (ok > 0) {
		int r = strv_extend_unique(order, module);
		if (r < 0)
			return r;
	}
	return ok;
}

static int plan_unbinds(struct plan_ctx *ctx)
{
	/* Other functions (HDMI audio, USB) first: they are the GPU's device-link consumers. */
	for (int display = 0; display < 2; display++)
		for (size_t i = 0; i < ctx->n_passed; i++) {
			const struct pci_function *d = ctx->passed[i];
			if (pci_function_is_display(d) != (display == 1) || !d->driver ||
			    streq(d->driver, "vfio-pci"))
				continue;
			int r = plan_add(ctx->plan, STAGE_DRIVERS, ACTION_UNBIND_PCI, d->name,
					 d->driver, pci_function_label(d), 0);
			if (r < 0)
				return r;
		}
	return 0;
}

static int plan_unloads(struct plan_ctx *ctx, char **order, char **drivers, bool of_drivers)
{
	for (char **m = order; m && *m; m++) {
		if (strv_contains(drivers, *m) != of_drivers)
			continue;
		int r = plan_add(ctx->plan, STAGE_DRIVERS, ACTION_UNLOAD_MODULE, *m, "loaded",
				 "GPU driver nothing else on the host uses", 0);
		if (r < 0)
			return r;
	}
	return 0;
}

/*
 * Order: the modules that sit on a passed GPU's driver go first (nvidia_drm, nvidia_modeset,
 * nvidia_uvm on nvidia), then each function is unbound, then the driver's module goes. The
 * NVIDIA driver's remove() waits, without end, for its usage count, which the modules above
 * it hold: unbinding the card while they are loaded can hang in the kernel. With them gone
 * first, the unbind finds nothing to wait for.
 */
int stage_drivers_plan(struct plan_ctx *ctx)
{
	_cleanup_strv_free_ char **order = NULL, **drivers = NULL;
	int r;
	for (size_t i = 0; i < ctx->n_passed; i++) {
		const struct pci_function *d = ctx->passed[i];
		if (!pci_function_is_display(d) || !d->module || streq(d->driver, "vfio-pci") ||
		    strv_contains(order, d->module))
			continue;
		_cleanup_strv_free_ char **mine = NULL;
		_cleanup_free_ char *why = NULL;
		r = collect_unloadable(ctx, d->module, 0, &mine, &why);
		if (r < 0)
			return r;
		if (r == 0) {
			if ((r = plan_note(ctx->plan, "module %s stays loaded: %s", d->module,
					   strna(why))) < 0)
				return r;
			continue;
		}
		if ((r = strv_extend_unique(&drivers, d->module)) < 0)
			return r;
		for (char **m = mine; m && *m; m++)
			if ((r = strv_extend_unique(&order, *m)) < 0)
				return r;
	}
	if ((r = plan_unloads(ctx, order, drivers, false)) < 0 || (r = plan_unbinds(ctx)) < 0)
		return r;
	return plan_unloads(ctx, order, drivers, true);
}

int pci_unbind_run(struct exec_ctx *ctx, struct action *a)
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

int pci_unbind_undo(struct exec_ctx *ctx, struct action *a)
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

int module_unload_run(struct exec_ctx *ctx, struct action *a)
{
	uint64_t usec = 0;
	if (!module_is_loaded(ctx->root->sys_fd, a->target))
		return ACTION_NOOP;
	int r = module_unload(exec_modules(ctx), exec_kernel(ctx), a->target,
			      ctx->cfg->module_timeout_s, &usec);
	if (r == -ETIMEDOUT && ctx->kernel.stuck_pid)
		return exec_log_stuck(ctx, "Unloading %s", a->target);
	if (r < 0) {
		struct module_info m = { 0 };
		_cleanup_free_ char *holders = NULL;
		if (ctx->host && host_module_info(ctx->host, a->target, &m) >= 0)
			holders = m.holders ? strdup_printf(", used by %s", m.holders[0]) : NULL;
		if (r == -ETIMEDOUT || r == -EBUSY || r == -EAGAIN)
			log_error_errno(r, "Module %s is still in use after %u s (refcount %d%s): %m",
					a->target, ctx->cfg->module_timeout_s, m.refcnt,
					holders ?: "");
		else
			log_error_errno(r, "Cannot unload %s: %m", a->target);
		module_info_done(&m);
		return r;
	}
	log_info("Unloaded %s in %.2f s", a->target, usec_to_s(usec));
	return 0;
}

int module_unload_undo(struct exec_ctx *ctx, struct action *a)
{
	if (module_is_loaded(ctx->root->sys_fd, a->target))
		return ACTION_NOOP;
	int r = module_load(exec_modules(ctx), exec_kernel(ctx), a->target);
	if (r == -ETIMEDOUT)
		return exec_log_stuck(ctx, "Loading %s", a->target);
	if (r < 0)
		return log_error_errno(r, "Cannot load %s: %m", a->target);
	log_info("Loaded %s", a->target);
	return 0;
}
