// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Stage drivers: unbind each passed function from its host driver; unload a GPU driver's module
 * (holders first) only when nothing that stays on the host uses it. Never forced. Giving a
 * function back waits until its driver really has it: its DRM or sound card is there.
 */
#include "lib/strutil.h"
#include "stages/stages.h"
#include "system/modules.h"

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
