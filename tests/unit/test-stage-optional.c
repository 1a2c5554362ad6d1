// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The drives, shares and firewall stages' planners on hosts built by hand: no fixture tree, no
 * mount table, no etab, no D-Bus. Each case is a host written out below and the plan it must
 * give.
 */
#include "core/action-type.h"
#include "host/block.h"
#include "host/host-firewall.h"
#include "host/host.h"
#include "lib/strutil.h"
#include "stages/stages.h"
#include "test.h"

/* String literals into the model's char * fields: nothing here is freed or written. */
#define S(x) ((char *)(x))
#define STRV(...) ((char *[]){ __VA_ARGS__, NULL })

static struct plan *plan_stage(const struct host *h, const struct domain *d,
			       const struct config *c, int (*plan)(struct plan_ctx *ctx))
{
	struct plan *p = plan_new(PLAN_PREPARE, "win11", "00000000-0000-0000-0000-000000000001");
	ASSERT_TRUE(p);
	struct plan_ctx ctx = { .dom = d, .host = h, .cfg = c, .flags = &d->flags, .plan = p };
	ASSERT_OK(plan(&ctx));
	return p;
}

static void assert_action(const struct plan *p, size_t i, enum stage_id stage,
			  enum action_kind kind, const char *target, const char *prior)
{
	ASSERT_TRUE(i < p->n_actions);
	ASSERT_TRUE(p->actions[i].kind == kind);
	ASSERT_TRUE(p->actions[i].stage == stage);
	ASSERT_STREQ(p->actions[i].target, target);
	ASSERT_STREQ(p->actions[i].prior, prior);
}

/* drives */

static struct block_dev sdb[] = {
	{ .name = S("sdb"), .major = 8, .minor = 16, .numbered = true },
	{ .name = S("sdb1"), .major = 8, .minor = 17, .numbered = true },
	{ .name = S("sdb2"), .major = 8, .minor = 18, .numbered = true },
};

static struct mount_entry mounts[] = {
	{ .major = 8, .minor = 1, .target = S("/"), .source = S("/dev/sda1"), .fstype = S("ext4"),
	  .options = S("rw,relatime"), .super_opts = S("rw") },
	{ .major = 8, .minor = 17, .target = S("/data"), .source = S("/dev/sdb1"),
	  .fstype = S("ext4"), .options = S("rw,relatime"), .super_opts = S("rw,errors=remount-ro") },
	{ .major = 8, .minor = 18, .target = S("/data/games"), .source = S("/dev/sdb2"),
	  .fstype = S("xfs"), .options = S("rw,noatime"), .super_opts = S("") },
};

/* What the disk holds is unmounted, children first, each with how to mount it back. */
TEST(drives_unmount_what_the_disk_holds)
{
	struct host h = { .vm_block_devs = sdb, .n_vm_block_devs = 3, .mounts = mounts,
			  .n_mounts = 3 };
	struct domain d = { .block_disks = STRV(S("/dev/sdb")) };
	_cleanup_(plan_freep) struct plan *p = plan_stage(&h, &d, NULL, stage_drives_plan);
	ASSERT_TRUE(p->n_actions == 2 && p->n_refusals == 0);
	assert_action(p, 0, STAGE_DRIVES, ACTION_UNMOUNT, "/data/games", "/dev/sdb2 xfs rw,noatime -");
	assert_action(p, 1, STAGE_DRIVES, ACTION_UNMOUNT, "/data",
		      "/dev/sdb1 ext4 rw,relatime rw,errors=remount-ro");
	ASSERT_STREQ(p->actions[1].reason, "on sdb1");
}

/* A bind mount of a directory keeps that directory, so it comes back as it and not as the whole
 * filesystem; a btrfs subvolume's own root is no bind mount. */
static struct mount_entry bind_mounts[] = {
	{ .major = 8, .minor = 17, .target = S("/data"), .root = S("/"), .source = S("/dev/sdb1"),
	  .fstype = S("ext4"), .options = S("rw,relatime"), .super_opts = S("rw") },
	{ .major = 8, .minor = 17, .target = S("/srv/my games"), .root = S("/games\\040old"),
	  .source = S("/dev/sdb1"), .fstype = S("ext4"), .options = S("ro,nosuid,relatime"),
	  .super_opts = S("rw") },
	{ .major = 8, .minor = 18, .target = S("/home"), .root = S("/@home"),
	  .source = S("/dev/sdb2"), .fstype = S("btrfs"), .options = S("rw,relatime"),
	  .super_opts = S("rw,space_cache=v2,subvolid=257,subvol=/@home") },
	{ .major = 8, .minor = 18, .target = S("/var/cache/x"), .root = S("/@home/x/cache"),
	  .source = S("/dev/sdb2"), .fstype = S("btrfs"), .options = S("rw,noexec"),
	  .super_opts = S("rw,subvolid=257,subvol=/@home") },
};

TEST(drives_bind_mounts_keep_their_directory)
{
	struct host h = { .vm_block_devs = sdb, .n_vm_block_devs = 3, .mounts = bind_mounts,
			  .n_mounts = ARRAY_SIZE(bind_mounts) };
	struct domain d = { .block_disks = STRV(S("/dev/sdb")) };
	_cleanup_(plan_freep) struct plan *p = plan_stage(&h, &d, NULL, stage_drives_plan);
	ASSERT_TRUE(p->n_actions == 4 && p->n_refusals == 0);
	assert_action(p, 0, STAGE_DRIVES, ACTION_UNMOUNT, "/var/cache/x",
		      "/dev/sdb2 btrfs rw,noexec rw,subvolid=257,subvol=/@home /x/cache");
	assert_action(p, 1, STAGE_DRIVES, ACTION_UNMOUNT, "/home",
		      "/dev/sdb2 btrfs rw,relatime rw,space_cache=v2,subvolid=257,subvol=/@home");
	assert_action(p, 2, STAGE_DRIVES, ACTION_UNMOUNT, "/srv/my games",
		      "/dev/sdb1 ext4 ro,nosuid,relatime rw /games\\040old");
	assert_action(p, 3, STAGE_DRIVES, ACTION_UNMOUNT, "/data", "/dev/sdb1 ext4 rw,relatime rw");
	/* What the journal's checks take from the plan. */
	for (size_t i = 0; i < p->n_actions; i++)
		ASSERT_TRUE(action_types[ACTION_UNMOUNT]->prior_ok(p->actions[i].prior));
}

/* Swap on the disk is swapped off before anything is unmounted (a swap file keeps its
 * filesystem busy), with the priority it had; swap elsewhere stays. */
static struct swap_area swaps[] = {
	{ .path = S("/dev/sda3"), .major = 8, .minor = 3, .numbered = true, .size_kib = 4 << 20,
	  .used_kib = 1 << 20, .priority = -2 },
	{ .path = S("/data/swapfile"), .is_file = true, .major = 8, .minor = 17, .numbered = true,
	  .size_kib = 2 << 20, .used_kib = 512 << 10, .priority = 10 },
	{ .path = S("/dev/sdb2"), .major = 8, .minor = 18, .numbered = true, .size_kib = 2 << 20,
	  .used_kib = 0, .priority = -3 },
};

TEST(drives_swap_off_what_the_disk_holds)
{
	struct host h = { .vm_block_devs = sdb, .n_vm_block_devs = 3, .mounts = mounts,
			  .n_mounts = 2, .swaps = swaps, .n_swaps = ARRAY_SIZE(swaps),
			  .mem_available_kib = 256 << 10 };
	struct domain d = { .block_disks = STRV(S("/dev/sdb")) };
	_cleanup_(plan_freep) struct plan *p = plan_stage(&h, &d, NULL, stage_drives_plan);
	ASSERT_TRUE(p->n_actions == 3 && p->n_refusals == 0);
	assert_action(p, 0, STAGE_DRIVES, ACTION_SWAPOFF, "/data/swapfile", "10");
	ASSERT_STREQ(p->actions[0].reason, "swap file on sdb1, 512 MiB in use");
	assert_action(p, 1, STAGE_DRIVES, ACTION_SWAPOFF, "/dev/sdb2", "-3");
	assert_action(p, 2, STAGE_DRIVES, ACTION_UNMOUNT, "/data",
		      "/dev/sdb1 ext4 rw,relatime rw,errors=remount-ro");
	for (size_t i = 0; i < 2; i++)
		ASSERT_TRUE(action_types[ACTION_SWAPOFF]->prior_ok(p->actions[i].prior) &&
			    action_types[ACTION_SWAPOFF]->target_ok(p->actions[i].target));
}

/* What it holds must fit in available memory plus the other swap's free space. */
TEST(drives_refused_when_swap_cannot_be_taken_back)
{
	struct swap_area full[] = { swaps[0], swaps[1] };
	full[0].used_kib = full[0].size_kib - (100 << 10); /* 100 MiB free elsewhere */
	struct host h = { .vm_block_devs = sdb, .n_vm_block_devs = 3, .swaps = full,
			  .n_swaps = 2, .mem_available_kib = 300 << 10 };
	struct domain d = { .block_disks = STRV(S("/dev/sdb")) };
	_cleanup_(plan_freep) struct plan *p = plan_stage(&h, &d, NULL, stage_drives_plan);
	ASSERT_TRUE(p->n_actions == 0 && p->n_refusals == 1);
	ASSERT_STREQ(p->refusals[0], "swap /data/swapfile holds 512 MiB, and memory and other "
				     "swap have room for 400 MiB: swapping it off could not work");

	h.swaps_error = -EACCES;
	_cleanup_(plan_freep) struct plan *q = plan_stage(&h, &d, NULL, stage_drives_plan);
	ASSERT_STREQ(q->refusals[0], "cannot read /proc/swaps: Permission denied");
}

TEST(drives_refused_for_a_missing_disk_the_root_or_the_vms_images)
{
	struct host missing = { .missing_disks = STRV(S("/dev/sdz")) };
	struct domain d = { .block_disks = STRV(S("/dev/sdz")) };
	_cleanup_(plan_freep) struct plan *p = plan_stage(&missing, &d, NULL, stage_drives_plan);
	ASSERT_TRUE(p->n_refusals == 1);
	ASSERT_STREQ(p->refusals[0], "disk /dev/sdz: no such block device");

	struct block_dev image[] = { { .name = S("/data/win11.qcow2"), .major = 8, .minor = 17,
				       .numbered = true } };
	struct host h = { .vm_block_devs = sdb, .n_vm_block_devs = 3, .mounts = mounts,
			  .n_mounts = 3, .image_devs = image, .n_image_devs = 1 };
	d.block_disks = STRV(S("/dev/sdb"));
	_cleanup_(plan_freep) struct plan *q = plan_stage(&h, &d, NULL, stage_drives_plan);
	ASSERT_STREQ(q->refusals[0], "the VM's image /data/win11.qcow2 lives on sdb1, which it "
				     "would take");

	struct block_dev root_disk[] = { { .name = S("sda1"), .major = 8, .minor = 1,
					   .numbered = true } };
	h = (struct host){ .vm_block_devs = root_disk, .n_vm_block_devs = 1, .mounts = mounts,
			   .n_mounts = 3 };
	_cleanup_(plan_freep) struct plan *r = plan_stage(&h, &d, NULL, stage_drives_plan);
	ASSERT_TRUE(r->n_actions == 0);
	ASSERT_STREQ(r->refusals[0], "the root filesystem is on sda1, which the VM would take");

	h = (struct host){ .vm_block_devs = sdb, .n_vm_block_devs = 3, .mounts_error = -EACCES };
	_cleanup_(plan_freep) struct plan *t = plan_stage(&h, &d, NULL, stage_drives_plan);
	ASSERT_STREQ(t->refusals[0], "cannot read the mount table: Permission denied");
}

/* shares */

static struct unit_state stopped_nfs[] = {
	{ .name = S("nfs-server.service"), .id = S("nfs-server.service"),
	  .active_state = S("inactive") },
};

TEST(shares_export_and_start_nfs)
{
	struct host h = { .exportfs_installed = true, .units = stopped_nfs, .n_units = 1,
			  .share_dirs = STRV(S("/srv/iso"), S("/srv/games")),
			  .nfs_exported = STRV(S("10.0.0.2:/srv/games")) };
	struct domain d = { .flags.set = 1u << VM_FLAG_ENABLE_NFS };
	struct config c = { .nfs_shares = STRV(S("/srv/iso"), S("/srv/games"), S("/srv/nothing")),
			    .nfs_clients = STRV(S("10.0.0.2")) };
	_cleanup_(plan_freep) struct plan *p = plan_stage(&h, &d, &c, stage_shares_plan);
	ASSERT_TRUE(p->n_actions == 2);
	assert_action(p, 0, STAGE_SHARES, ACTION_START_UNIT, "nfs-server.service", "inactive");
	assert_action(p, 1, STAGE_SHARES, ACTION_EXPORT_NFS, "10.0.0.2:/srv/iso",
		      "rw,sync,no_subtree_check");
	ASSERT_STREQ(p->notes[0], "/srv/games is already exported to 10.0.0.2: left as it is");
	ASSERT_TRUE(p->n_refusals == 1);
	ASSERT_STREQ(p->refusals[0], "NFS share /srv/nothing is not a directory");

	h.exportfs_installed = false;
	_cleanup_(plan_freep) struct plan *q = plan_stage(&h, &d, &c, stage_shares_plan);
	ASSERT_TRUE(q->n_actions == 0);
	ASSERT_STREQ(q->refusals[0], "--enable-nfs, but /usr/sbin/exportfs is not installed");
}

TEST(shares_label_for_samba)
{
	struct unit_state smbd[] = { { .name = S("smbd.service"), .id = S("smbd.service"),
				       .active_state = S("active") } };
	struct share_label labels[] = {
		{ .path = S("/srv/iso"), .context = S("system_u:object_r:var_t:s0") },
		{ .path = S("/srv/games"), .context = S("system_u:object_r:samba_share_t:s0") },
	};
	struct host h = { .selinux_enabled = true, .units = smbd, .n_units = 1,
			  .share_labels = labels, .n_share_labels = 2 };
	struct domain d = { .flags.set = 1u << VM_FLAG_ENABLE_SMB };
	struct config c = { .smb_shares = STRV(S("/srv/iso"), S("/srv/games"), S("/srv/bare")) };
	_cleanup_(plan_freep) struct plan *p = plan_stage(&h, &d, &c, stage_shares_plan);
	ASSERT_TRUE(p->n_actions == 1);
	assert_action(p, 0, STAGE_SHARES, ACTION_LABEL_SMB, "/srv/iso",
		      "system_u:object_r:var_t:s0");
	ASSERT_STREQ(p->notes[0], "/srv/games is already labelled samba_share_t");
	ASSERT_STREQ(p->refusals[0], "Samba share /srv/bare is not a labelled directory");

	/* No smbd on this host: refused. */
	h.n_units = 0;
	_cleanup_(plan_freep) struct plan *q = plan_stage(&h, &d, &c, stage_shares_plan);
	ASSERT_STREQ(q->refusals[0], "--enable-smb needs smbd.service, which this host does not "
				     "have");
}

/* firewall */

TEST(firewall_opens_what_is_closed)
{
	struct interface ifaces[] = { { .type = S("network"), .source = S("default") } };
	struct iface_zone zones[] = { { .index = 0, .zone = S("libvirt") } };
	struct firewall_service services[] = {
		{ .zone = S("libvirt"), .service = S("samba"), .open = 0 },
		{ .zone = S("public"), .service = S("ssh"), .open = 1 },
		{ .zone = S("public"), .service = S("rdp"), .open = 0 },
	};
	struct host h = { .iface_zones = zones, .n_iface_zones = 1, .firewall_services = services,
			  .n_firewall_services = 3 };
	struct domain d = { .flags = { .set = 1u << VM_FLAG_ENABLE_INTERNAL_SERVICES |
					      1u << VM_FLAG_ENABLE_EXTERNAL_SERVICES,
				       .internal_services = STRV(S("samba")),
				       .host_services = STRV(S("public:ssh,rdp")) },
			    .ifaces = ifaces, .n_ifaces = 1 };
	_cleanup_(plan_freep) struct plan *p = plan_stage(&h, &d, NULL, stage_firewall_plan);
	ASSERT_TRUE(p->n_actions == 2 && p->n_refusals == 0);
	assert_action(p, 0, STAGE_FIREWALL, ACTION_OPEN_SERVICE, "libvirt:samba", "closed");
	ASSERT_STREQ(p->actions[0].reason, "interface 0 (network default)");
	assert_action(p, 1, STAGE_FIREWALL, ACTION_OPEN_SERVICE, "public:rdp", "closed");
	ASSERT_STREQ(p->notes[0], "firewalld service ssh is already open in zone public: left as "
				  "it is");
}

TEST(firewall_refused_without_a_zone_or_firewalld)
{
	struct interface ifaces[] = { { .type = S("bridge"), .source = S("br0") } };
	struct iface_zone zones[] = { { .index = 0, .error = -ENOENT } };
	struct firewall_service down[] = {
		{ .zone = S("public"), .service = S("ssh"), .open = -EHOSTDOWN },
	};
	struct host h = { .iface_zones = zones, .n_iface_zones = 1, .firewall_services = down,
			  .n_firewall_services = 1 };
	struct domain d = { .flags = { .set = 1u << VM_FLAG_ENABLE_INTERNAL_SERVICES |
					      1u << VM_FLAG_ENABLE_EXTERNAL_SERVICES,
				       .internal_services = STRV(S("samba")),
				       .host_services = STRV(S("public:ssh")) },
			    .ifaces = ifaces, .n_ifaces = 1 };
	_cleanup_(plan_freep) struct plan *p = plan_stage(&h, &d, NULL, stage_firewall_plan);
	ASSERT_TRUE(p->n_actions == 0 && p->n_refusals == 2);
	ASSERT_STREQ(p->refusals[0], "no firewalld zone found for interface 0 (bridge br0)");
	ASSERT_STREQ(p->refusals[1], "firewalld is not running, so service ssh cannot be opened "
				     "in zone public");
}

TEST_MAIN("stage-optional")
