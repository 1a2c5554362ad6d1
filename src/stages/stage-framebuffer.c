// SPDX-License-Identifier: GPL-2.0-or-later
/* Stage framebuffer: the firmware's boot framebuffer (efifb, simplefb, vesafb, efidrm...). */
#include "lib/strutil.h"
#include "stages/stages.h"

static bool is_vga_class(const struct pci_function *d)
{
	return (d->class_code >> 8) == 0x0300;
}

/*
 * The firmware framebuffer's device (BOOTFB) inside a passed card's BAR: vfio-pci evicts it
 * for a VGA-class card; for a display (0x0380) or 3D (0x0302) controller nothing can, short
 * of never registering it, and QEMU would fail to map the BAR.
 */
static int check_claims(struct plan_ctx *ctx)
{
	for (size_t i = 0; i < ctx->n_passed; i++) {
		const struct pci_function *d = ctx->passed[i];
		/* A driver's claim goes with the unbind below; the device's own stays. */
		const char *claim = d->fb_device_claim;
		int r;
		if (!pci_function_is_display(d) || !claim)
			continue;
		if (is_vga_class(d))
			r = plan_note(ctx->plan, "boot framebuffer %s lies in a BAR of %s: vfio-pci "
						 "evicts it when it binds (a VGA-class card)",
				      claim, d->name);
		else
			r = plan_refuse(ctx->plan, "boot framebuffer %s lies in a BAR of %s (class "
						   "%06x): vfio-pci evicts it only from VGA-class cards, "
						   "and QEMU could not map that BAR; boot with "
						   "initcall_blacklist=sysfb_init so it is never registered "
						   "(docs/troubleshooting.md, \"Framebuffer trouble\")",
					claim, d->name, d->class_code);
		if (r < 0)
			return r;
	}
	return 0;
}

int stage_framebuffer_plan(struct plan_ctx *ctx)
{
	int r = check_claims(ctx);
	if (r < 0)
		return r;
	for (size_t i = 0; i < ctx->host->n_fbs; i++) {
		const struct platform_fb *f = &ctx->host->fbs[i];
		bool on_passed = f->parent && plan_ctx_is_passed(ctx, f->parent);
		if (!f->driver || !(ctx->plan->host_graphics_go || on_passed))
			continue;
		_cleanup_free_ char *why = f->parent ?
						   strdup_printf("boot framebuffer of %s", f->parent) :
						   strdup("boot framebuffer");
		if (!why)
			return -ENOMEM;
		r = plan_add(ctx->plan, STAGE_FRAMEBUFFER, ACTION_UNBIND_PLATFORM, f->name,
			     f->driver, why, 0);
		if (r < 0)
			return r;
	}
	return 0;
}
