// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The whole planner on a host written out by hand: an NVIDIA card and its HDMI audio handed
 * from a GNOME Wayland session under GDM. No fixture tree, no /proc, no D-Bus: planner_plan
 * reads the domain, the configuration and struct host, and nothing else.
 */
#include "host/host.h"
#include "input/config.h"
#include "input/domain.h"
#include "lib/strutil.h"
#include "stages/stages.h"
#include "test.h"

/* String literals into the host model's char * fields: nothing here is freed or written. */
#define S(x) ((char *)(x))
#define STRV(...) ((char *[]){ __VA_ARGS__, NULL })

static const char domain_xml[] =
	"<domain type='kvm'><name>win11</name>"
	"<uuid>6c0d5e2a-0b1f-4d43-9a1e-00000000b001</uuid>"
	"<devices>"
	"<hostdev mode='subsystem' type='pci' managed='yes'><source>"
	"<address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/></source></hostdev>"
	"<hostdev mode='subsystem' type='pci' managed='yes'><source>"
	"<address domain='0x0000' bus='0x01' slot='0x00' function='0x1'/></source></hostdev>"
	"</devices></domain>";

static struct dev_node gpu_nodes[] = {
	{ .devname = S("dri/card1"), .major = 226, .minor = 1 },
	{ .devname = S("dri/renderD128"), .major = 226, .minor = 128 },
	{ .devname = S("nvidiactl"), .major = 195, .minor = 255, .driver_wide = true },
};
static struct dev_node audio_nodes[] = {
	{ .devname = S("snd/controlC1"), .major = 116, .minor = 12 },
};

static struct pci_function pci[] = {
	{ .addr = { 0, 0, 1, 0 }, .name = "0000:00:01.0", .class_code = 0x060400, .iommu_group = 2,
	  .driver = S("pcieport"), .names_looked_up = true },
	{ .addr = { 0, 1, 0, 0 }, .name = "0000:01:00.0", .class_code = 0x030000, .iommu_group = 13,
	  .vendor = 0x10de, .device = 0x2684, .driver = S("nvidia"), .module = S("nvidia"),
	  .boot_vga = 1, .names_looked_up = true, .device_name = S("AD102 [GeForce RTX 4090]"),
	  .nodes = gpu_nodes, .n_nodes = 3 },
	{ .addr = { 0, 1, 0, 1 }, .name = "0000:01:00.1", .class_code = 0x040300, .iommu_group = 13,
	  .vendor = 0x10de, .device = 0x22ba, .driver = S("snd_hda_intel"),
	  .module = S("snd_hda_intel"), .names_looked_up = true,
	  .device_name = S("AD102 High Definition Audio Controller"), .nodes = audio_nodes,
	  .n_nodes = 1 },
};

static struct vtcon vtcons[] = {
	{ .name = S("vtcon0"), .desc = S("(S) dummy device"), .bind = 0 },
	{ .name = S("vtcon1"), .desc = S("(M) frame buffer device"), .bind = 1,
	  .is_framebuffer = true },
};

static struct host_module modules[] = {
	{ .name = S("nvidia"), .refcnt = 3, .holders = STRV(S("nvidia_modeset"), S("nvidia_uvm")),
	  .devices = STRV(S("/devices/pci0000:00/0000:00:01.0/0000:01:00.0")) },
	{ .name = S("nvidia_drm"), .refcnt = 4 },
	{ .name = S("nvidia_modeset"), .refcnt = 1, .holders = STRV(S("nvidia_drm")) },
	{ .name = S("nvidia_uvm"), .refcnt = 0 },
};

/* logind keeps copies of the session's card (PID 1's fd store and its own); the compositor
 * runs as a user unit (GNOME 44 and later); WirePlumber holds the HDMI audio. */
static struct node_holder holders[] = {
	{ .pid = 1, .comm = S("systemd"), .devname = S("dri/card1"), .kind = HOLDER_INIT },
	{ .pid = 702, .comm = S("systemd-logind"), .devname = S("dri/card1"),
	  .kind = HOLDER_LOGIND },
	{ .pid = 2210, .uid = 1000, .comm = S("gnome-shell"), .devname = S("dri/card1"),
	  .kind = HOLDER_USER_UNIT, .unit = S("org.gnome.Shell@wayland.service") },
	{ .pid = 2105, .uid = 1000, .comm = S("wireplumber"), .devname = S("snd/controlC1"),
	  .kind = HOLDER_USER_UNIT, .unit = S("wireplumber.service") },
};

static struct logind_session sessions[] = {
	{ .id = S("c1"), .uid = 120, .user = S("gdm"), .seat = S("seat0"), .type = S("wayland"),
	  .class = S("greeter"), .service = S("gdm-launch-environment") },
	{ .id = S("2"), .uid = 1000, .user = S("alice"), .seat = S("seat0"), .type = S("wayland"),
	  .class = S("user"), .service = S("gdm-password") },
};

static struct unit_state units[] = {
	{ .name = S("display-manager.service"), .id = S("gdm.service"),
	  .active_state = S("active") },
};

/* A desktop's sleep targets: the admin masked hibernation; systemd 252 has no
 * suspend-then-hibernate.target unit file here. */
static struct unit_file unit_files[] = {
	{ .name = S("sleep.target"), .state = S("static") },
	{ .name = S("suspend.target"), .state = S("static") },
	{ .name = S("hibernate.target"), .state = S("masked") },
	{ .name = S("hybrid-sleep.target"), .state = S("static") },
	{ .name = S("suspend-then-hibernate.target"), .error = -ENOENT },
};

static struct user_services users[] = {
	{ .uid = 1000,
	  .running = STRV(S("org.gnome.Shell@wayland.service"), S("pipewire-pulse.service"),
			  S("pipewire.service"), S("wireplumber.service")) },
};

static struct host gnome_on_nvidia = {
	.pci = pci, .n_pci = ARRAY_SIZE(pci), .n_iommu_groups = 14, .vtcons = vtcons, .n_vtcons = ARRAY_SIZE(vtcons),
	.modules = modules, .n_modules = ARRAY_SIZE(modules), .vfio_pci = VFIO_PCI_MODULE,
	.kernel_release = S("6.12.9"), .holders = holders, .n_holders = ARRAY_SIZE(holders),
	.sessions = sessions, .n_sessions = ARRAY_SIZE(sessions), .units = units,
	.n_units = ARRAY_SIZE(units), .unit_files = unit_files,
	.n_unit_files = ARRAY_SIZE(unit_files), .users = users, .n_users = ARRAY_SIZE(users),
};

static const struct {
	enum stage_id stage;
	enum action_kind kind;
	const char *target;
} gnome_handoff[] = {
	{ STAGE_SLEEP, ACTION_MASK_UNIT, "sleep.target" },
	{ STAGE_SLEEP, ACTION_MASK_UNIT, "suspend.target" },
	{ STAGE_SLEEP, ACTION_MASK_UNIT, "hybrid-sleep.target" },
	{ STAGE_DISPLAY_MANAGER, ACTION_STOP_UNIT, "gdm.service" },
	{ STAGE_SESSIONS, ACTION_TERMINATE_SESSION, "2" },
	{ STAGE_AUDIO, ACTION_STOP_USER_UNIT, "pipewire-pulse.service" },
	{ STAGE_AUDIO, ACTION_STOP_USER_UNIT, "wireplumber.service" },
	{ STAGE_AUDIO, ACTION_STOP_USER_UNIT, "pipewire.service" },
	{ STAGE_AUDIO, ACTION_STOP_USER_UNIT, "pipewire-pulse.socket" },
	{ STAGE_AUDIO, ACTION_STOP_USER_UNIT, "pipewire.socket" },
	{ STAGE_HOLDERS, ACTION_RELEASE_NODES, "0000:01:00.0" },
	{ STAGE_HOLDERS, ACTION_RELEASE_NODES, "0000:01:00.1" },
	{ STAGE_VTCONSOLE, ACTION_UNBIND_VTCON, "vtcon1" },
	{ STAGE_DRIVERS, ACTION_UNLOAD_MODULE, "nvidia_drm" },
	{ STAGE_DRIVERS, ACTION_UNLOAD_MODULE, "nvidia_modeset" },
	{ STAGE_DRIVERS, ACTION_UNLOAD_MODULE, "nvidia_uvm" },
	{ STAGE_DRIVERS, ACTION_UNBIND_PCI, "0000:01:00.1" },
	{ STAGE_DRIVERS, ACTION_UNBIND_PCI, "0000:01:00.0" },
	{ STAGE_DRIVERS, ACTION_UNLOAD_MODULE, "nvidia" },
	{ STAGE_VFIO, ACTION_LOAD_MODULE, "vfio-pci" },
	{ STAGE_VFIO, ACTION_BIND_VFIO, "0000:01:00.0" },
	{ STAGE_VFIO, ACTION_BIND_VFIO, "0000:01:00.1" },
};

static struct plan *plan_for(const struct host *h, struct config *cfg)
{
	_cleanup_(domain_freep) struct domain *d = NULL;
	struct plan *p = NULL;
	ASSERT_OK(domain_parse(domain_xml, sizeof domain_xml - 1, &d, NULL));
	ASSERT_OK(planner_plan(d, h, cfg, &p));
	return p;
}

static void assert_plan_is(const struct plan *p, size_t n, size_t skip_from, size_t skip_n)
{
	for (size_t i = 0, k = 0; i < ARRAY_SIZE(gnome_handoff); i++) {
		if (i >= skip_from && i < skip_from + skip_n)
			continue;
		ASSERT_TRUE(k < p->n_actions);
		if (p->actions[k].stage != gnome_handoff[i].stage ||
		    p->actions[k].kind != gnome_handoff[i].kind ||
		    !streq(p->actions[k].target, gnome_handoff[i].target))
			FAIL_AT("action %zu is %s %s, expected %s %s", k + 1,
				action_kind_to_string(p->actions[k].kind), p->actions[k].target,
				action_kind_to_string(gnome_handoff[i].kind), gnome_handoff[i].target);
		k++;
	}
	ASSERT_EQ(p->n_actions, n);
}

TEST(gnome_wayland_on_nvidia)
{
	struct config cfg;
	config_init(&cfg);
	_cleanup_(plan_freep) struct plan *p = plan_for(&gnome_on_nvidia, &cfg);
	ASSERT_FALSE(plan_refused(p));
	ASSERT_TRUE(p->host_graphics_go);
	assert_plan_is(p, ARRAY_SIZE(gnome_handoff), 0, 0);
	ASSERT_STREQ(p->actions[0].prior, "static");
	ASSERT_STREQ(p->actions[3].prior, "active");
	ASSERT_STREQ(p->actions[16].prior, "snd_hda_intel");
	/* nvidiactl is the driver's, and the driver goes: it is freed with the card's nodes. */
	ASSERT_STREQ(p->devices[0], "0000:01:00.0");
	ASSERT_STREQ(p->devices[1], "0000:01:00.1");
	config_done(&cfg);
}

/* The same host with the stage switched off in the configuration: no audio actions. */
TEST(disabled_stage_plans_nothing)
{
	struct config cfg;
	config_init(&cfg);
	ASSERT_OK(config_parse(&cfg, "disable = audio\n", NULL));
	_cleanup_(plan_freep) struct plan *p = plan_for(&gnome_on_nvidia, &cfg);
	assert_plan_is(p, ARRAY_SIZE(gnome_handoff) - 5, 5, 5);
	config_done(&cfg);
}

/* A mask that was there before is left alone, and said so; disabling the stage leaves every
 * target as it is. */
TEST(sleep_targets_masked_before_are_left_alone)
{
	struct config cfg;
	config_init(&cfg);
	_cleanup_(plan_freep) struct plan *p = plan_for(&gnome_on_nvidia, &cfg);
	ASSERT_TRUE(strv_contains(p->notes, "hibernate.target is already masked: left as it is"));
	config_done(&cfg);

	config_init(&cfg);
	ASSERT_OK(config_parse(&cfg, "disable = sleep\n", NULL));
	_cleanup_(plan_freep) struct plan *q = plan_for(&gnome_on_nvidia, &cfg);
	assert_plan_is(q, ARRAY_SIZE(gnome_handoff) - 3, 0, 3);
	config_done(&cfg);
}

/* No systemd to ask (a host tree without the snapshot): nothing to mask, and the plan says so. */
TEST(no_sleep_targets_plans_none)
{
	struct host h = gnome_on_nvidia;
	struct unit_file none[] = { { .name = S("sleep.target"), .error = -ENOENT } };
	h.unit_files = none;
	h.n_unit_files = ARRAY_SIZE(none);
	struct config cfg;
	config_init(&cfg);
	_cleanup_(plan_freep) struct plan *p = plan_for(&h, &cfg);
	ASSERT_FALSE(plan_refused(p));
	assert_plan_is(p, ARRAY_SIZE(gnome_handoff) - 3, 0, 3);
	ASSERT_TRUE(strv_contains(p->notes, "no sleep target on this host: nothing to mask"));
	config_done(&cfg);
}

/* Another VM holds the card: refused, whatever else the host looks like. */
TEST(card_of_another_vm_is_refused)
{
	struct host h = gnome_on_nvidia;
	struct vm_claim other = { .uuid = S("6c0d5e2a-0b1f-4d43-9a1e-00000000b002"),
				  .name = S("linux-ml"), .devices = STRV(S("0000:01:00.0")) };
	h.other_vms = &other;
	h.n_other_vms = 1;
	struct config cfg;
	config_init(&cfg);
	_cleanup_(plan_freep) struct plan *p = plan_for(&h, &cfg);
	ASSERT_TRUE(plan_refused(p));
	ASSERT_STREQ(p->refusals[0], "0000:01:00.0 is in use by VM 'linux-ml' "
				     "(6c0d5e2a-0b1f-4d43-9a1e-00000000b002)");
	config_done(&cfg);
}

/* logind could not be asked: which holder is a session's cannot be known, so no plan. */
TEST(logind_unanswered_is_refused)
{
	struct host h = gnome_on_nvidia;
	h.sessions = NULL;
	h.n_sessions = 0;
	h.sessions_error = -ETIMEDOUT;
	struct config cfg;
	config_init(&cfg);
	_cleanup_(plan_freep) struct plan *p = plan_for(&h, &cfg);
	ASSERT_TRUE(plan_refused(p));
	ASSERT_STREQ(p->refusals[0], "cannot ask logind which sessions hold the devices: "
				     "Connection timed out");
	config_done(&cfg);
}

/* The boot framebuffer's reason names the card it scans out of, and reads whole without one
 * (it once said "boot framebuffern/a"). */
TEST(boot_framebuffer_reason)
{
	struct platform_fb fbs[] = {
		{ .name = S("efi-framebuffer.0"), .driver = S("efi-framebuffer"),
		  .parent = S("0000:01:00.0") },
		{ .name = S("simple-framebuffer.0"), .driver = S("simple-framebuffer") },
	};
	struct host h = gnome_on_nvidia;
	h.fbs = fbs;
	h.n_fbs = ARRAY_SIZE(fbs);
	struct config cfg;
	config_init(&cfg);
	_cleanup_(plan_freep) struct plan *p = plan_for(&h, &cfg);
	ASSERT_FALSE(plan_refused(p));
	size_t seen = 0;
	for (size_t i = 0; i < p->n_actions; i++) {
		const struct action *a = &p->actions[i];
		if (a->kind != ACTION_UNBIND_PLATFORM)
			continue;
		if (streq(a->target, "efi-framebuffer.0"))
			ASSERT_STREQ(a->reason, "boot framebuffer of 0000:01:00.0");
		else
			ASSERT_STREQ(a->reason, "boot framebuffer");
		seen++;
	}
	ASSERT_EQ(seen, 2);
	config_done(&cfg);
}

/* So many stop_units running that the plan's journal could not be read back by release once
 * it has grown: refused before anything starts, not found out halfway. */
TEST(plan_too_big_for_its_journal_is_refused)
{
	enum { N = 2000 };
	struct host h = gnome_on_nvidia;
	struct unit_state *many = calloc(N + 1, sizeof *many);
	ASSERT_NOT_NULL(many);
	struct config cfg;
	config_init(&cfg);
	many[0] = units[0];
	for (size_t i = 1; i <= N; i++) {
		many[i].name = strdup_printf("%0120zu.service", i);
		many[i].id = many[i].name;
		many[i].active_state = S("active");
		ASSERT_OK(strv_extend(&cfg.stop_units, many[i].name));
	}
	h.units = many;
	h.n_units = N + 1;
	_cleanup_(plan_freep) struct plan *p = plan_for(&h, &cfg);
	ASSERT_TRUE(plan_refused(p));
	ASSERT_EQ(p->n_refusals, 1);
	ASSERT_TRUE(startswith(p->refusals[0], "cannot record what release would undo: its journal "
					       "would grow to "));
	ASSERT_TRUE(strstr(p->refusals[0], " bytes, more than the 262144 release reads back (2022 "
					   "actions)"));
	for (size_t i = 1; i <= N; i++)
		free(many[i].name);
	free(many);
	config_done(&cfg);
}

TEST_MAIN("planner-desktop")
