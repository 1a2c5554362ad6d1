// SPDX-License-Identifier: GPL-2.0-or-later
#include "host/group-verdict.h"
#include "test.h"

static void expect(const struct group_member *m, size_t n, enum group_verdict_kind kind,
		   const char *text)
{
	struct group_verdict v;
	ASSERT_OK(group_verdict_decide(m, n, &v));
	ASSERT_EQ(v.kind, kind);
	ASSERT_STREQ(v.text, text);
	group_verdict_done(&v);
}

TEST(gpu_and_its_audio_are_ready)
{
	const struct group_member m[] = {
		{ "0000:01:00.0", 0x030000, "VGA compatible controller", NULL },
		{ "0000:01:00.1", 0x040300, "Audio device", NULL },
	};
	expect(m, 2, GROUP_READY, "ready: the whole group goes (2 functions)");
}

TEST(root_ports_do_not_count_and_do_not_block)
{
	const struct group_member m[] = {
		{ "0000:00:01.0", 0x060400, "PCI bridge", NULL },
		{ "0000:01:00.0", 0x030000, "VGA compatible controller", NULL },
	};
	expect(m, 2, GROUP_READY, "ready: the whole group goes (1 function)");
	expect(m, 1, GROUP_NOT_PASSABLE, "not passable: only PCI bridges");
}

TEST(other_devices_go_along)
{
	/* The GPU is the group's device even when it is not first. */
	const struct group_member m[] = {
		{ "0000:00:1c.0", 0x0c0330, "USB controller", NULL },
		{ "0000:00:1f.2", 0x010601, "SATA controller", NULL },
		{ "0000:02:00.0", 0x030000, "VGA compatible controller", NULL },
	};
	expect(m, 3, GROUP_TAKES_OTHERS,
	       "ready, but 0000:02:00.0 also takes 0000:00:1c.0 USB controller, "
	       "0000:00:1f.2 SATA controller");
}

TEST(chipset_bridges_are_not_passable)
{
	const struct group_member host[] = { { "0000:00:00.0", 0x060000, "Host bridge", NULL } };
	expect(host, 1, GROUP_NOT_PASSABLE, "not passable: PCI host bridge (0000:00:00.0)");
	const struct group_member lpc[] = {
		{ "0000:00:1f.0", 0x060100, "ISA bridge", NULL },
		{ "0000:00:1f.2", 0x010601, "SATA controller", NULL },
	};
	expect(lpc, 2, GROUP_NOT_PASSABLE,
	       "not passable: ISA bridge 0000:00:1f.0 (the chipset's LPC)");
}

TEST(mounted_disks_keep_the_group)
{
	char *root[] = { (char *)"/boot (sda1)", (char *)"/ (sda2)", NULL };
	char *data[] = { (char *)"/srv (sdb1)", NULL };
	const struct group_member m[] = {
		{ "0000:00:17.0", 0x010601, "SATA controller", root },
	};
	expect(m, 1, GROUP_NOT_AS_IS, "not as is: holds the root filesystem / (sda2) and 1 more mount");
	const struct group_member d[] = {
		{ "0000:03:00.0", 0x010802, "Non-Volatile memory controller", data },
	};
	expect(d, 1, GROUP_NOT_AS_IS, "not as is: holds mounted /srv (sdb1)");
}

TEST(empty_group_is_refused)
{
	struct group_verdict v;
	ASSERT_ERR(group_verdict_decide(NULL, 0, &v), EINVAL);
}

TEST_MAIN("group-verdict")
