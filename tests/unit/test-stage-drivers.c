// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The drivers stage's planner on hosts built by hand: no fixture tree, no /sys, no D-Bus. It
 * reads only struct host, so each case is a host written out below and the plan it must give.
 */
#include "host/host.h"
#include "lib/strutil.h"
#include "stages/stages.h"
#include "test.h"

/* String literals into the host model's char * fields: nothing here is freed or written. */
#define S(x) ((char *)(x))
#define STRV(...) ((char *[]){ __VA_ARGS__, NULL })

#define GPU "/devices/pci0000:00/0000:00:01.0/0000:01:00.0"
#define OTHER_GPU "/devices/pci0000:00/0000:00:02.0/0000:02:00.0"

static struct pci_function gpu_and_audio[] = {
	{ .addr = { 0, 1, 0, 0 }, .name = "0000:01:00.0", .class_code = 0x030000,
	  .vendor = 0x10de, .device = 0x2204, .driver = S("nvidia"), .module = S("nvidia"),
	  .names_looked_up = true, .device_name = S("GA102 [GeForce RTX 3090]"), .iommu_group = 12 },
	{ .addr = { 0, 1, 0, 1 }, .name = "0000:01:00.1", .class_code = 0x040300,
	  .vendor = 0x10de, .device = 0x1aef, .driver = S("snd_hda_intel"),
	  .module = S("snd_hda_intel"), .names_looked_up = true,
	  .device_name = S("GA102 High Definition Audio Controller"), .iommu_group = 12 },
};

/* Sorted by name, as host_find_module looks them up. */
static struct host_module nvidia_stack[] = {
	{ .name = S("nvidia"), .refcnt = 3, .holders = STRV(S("nvidia_modeset"), S("nvidia_uvm")),
	  .devices = STRV(S(GPU)) },
	{ .name = S("nvidia_drm"), .refcnt = 2 },
	{ .name = S("nvidia_modeset"), .refcnt = 1, .holders = STRV(S("nvidia_drm")) },
	{ .name = S("nvidia_uvm"), .refcnt = 0 },
};

static struct plan *plan_drivers(struct host *h)
{
	struct pci_function *passed[] = { &h->pci[0], &h->pci[1] };
	struct plan *p = plan_new(PLAN_PREPARE, "win11", "00000000-0000-0000-0000-000000000001");
	ASSERT_TRUE(p);
	struct plan_ctx ctx = { .host = h, .plan = p, .passed = passed, .n_passed = 2 };
	ASSERT_OK(stage_drivers_plan(&ctx));
	return p;
}

static void assert_action(const struct plan *p, size_t i, enum action_kind kind,
			  const char *target, const char *prior)
{
	ASSERT_TRUE(i < p->n_actions);
	ASSERT_TRUE(p->actions[i].kind == kind);
	ASSERT_TRUE(p->actions[i].stage == STAGE_DRIVERS);
	ASSERT_STREQ(p->actions[i].target, target);
	ASSERT_STREQ(p->actions[i].prior, prior);
}

/* What sits on the driver goes first, then the functions (audio before the GPU, its
 * device-link supplier), then the driver's module. */
TEST(nvidia_stack_unloads_around_the_unbinds)
{
	struct host h = { .pci = gpu_and_audio, .n_pci = 2, .modules = nvidia_stack, .n_modules = 4 };
	_cleanup_(plan_freep) struct plan *p = plan_drivers(&h);
	ASSERT_TRUE(p->n_actions == 6);
	assert_action(p, 0, ACTION_UNLOAD_MODULE, "nvidia_drm", "loaded");
	assert_action(p, 1, ACTION_UNLOAD_MODULE, "nvidia_modeset", "loaded");
	assert_action(p, 2, ACTION_UNLOAD_MODULE, "nvidia_uvm", "loaded");
	assert_action(p, 3, ACTION_UNBIND_PCI, "0000:01:00.1", "snd_hda_intel");
	assert_action(p, 4, ACTION_UNBIND_PCI, "0000:01:00.0", "nvidia");
	assert_action(p, 5, ACTION_UNLOAD_MODULE, "nvidia", "loaded");
	ASSERT_TRUE(p->n_notes == 0);
}

/* A second card stays on the host: the driver stays, and the plan says why. */
TEST(driver_of_a_card_that_stays_stays_loaded)
{
	struct host_module stack[4];
	memcpy(stack, nvidia_stack, sizeof stack);
	stack[0].devices = STRV(S(GPU), S(OTHER_GPU));
	struct host h = { .pci = gpu_and_audio, .n_pci = 2, .modules = stack, .n_modules = 4 };
	_cleanup_(plan_freep) struct plan *p = plan_drivers(&h);
	ASSERT_TRUE(p->n_actions == 2);
	assert_action(p, 0, ACTION_UNBIND_PCI, "0000:01:00.1", "snd_hda_intel");
	assert_action(p, 1, ACTION_UNBIND_PCI, "0000:01:00.0", "nvidia");
	ASSERT_TRUE(p->n_notes == 1);
	ASSERT_STREQ(p->notes[0], "module nvidia stays loaded: nvidia also drives 0000:02:00.0");
}

TEST(built_in_driver_is_only_unbound)
{
	struct host_module builtin[] = { { .name = S("nvidia"), .refcnt = -1, .builtin = true } };
	struct host h = { .pci = gpu_and_audio, .n_pci = 2, .modules = builtin, .n_modules = 1 };
	_cleanup_(plan_freep) struct plan *p = plan_drivers(&h);
	ASSERT_TRUE(p->n_actions == 2);
	ASSERT_STREQ(p->notes[0], "module nvidia stays loaded: nvidia is built into the kernel");
}

/* A function already on vfio-pci has nothing to unbind. */
TEST(function_on_vfio_pci_is_left_alone)
{
	struct pci_function fns[2];
	memcpy(fns, gpu_and_audio, sizeof fns);
	fns[0].driver = S("vfio-pci");
	fns[0].module = S("vfio_pci");
	fns[1].driver = NULL;
	fns[1].module = NULL;
	struct host h = { .pci = fns, .n_pci = 2 };
	_cleanup_(plan_freep) struct plan *p = plan_drivers(&h);
	ASSERT_TRUE(p->n_actions == 0);
}

TEST_MAIN("stage-drivers")
