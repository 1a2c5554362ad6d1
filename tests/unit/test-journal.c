// SPDX-License-Identifier: GPL-2.0-or-later
/* The journal: its format, and everything a tampered or broken one must not get past. */
#include <fcntl.h>
#include <sys/stat.h>

#include "core/journal.h"
#include "input/pci-addr.h"
#include "lib/fileio.h"
#include "lib/strutil.h"
#include "test.h"

#define UUID "8f2b0c44-1c7e-4b1a-9d55-2f1b5c6a7e01"
#define OTHER_UUID "8f2b0c44-1c7e-4b1a-9d55-2f1b5c6a7e02"
#define BOOT "2c4db535-4216-400d-8299-15aab067b330"
#define HEAD                                                                                       \
	"vfio-hook-journal 2\nuuid " UUID "\nname win10\nboot-id " BOOT "\npid 42\n"           \
	"state prepared\nhost-graphics go\ndevice 0000:01:00.0\ndevice 0000:01:00.1\n"

/* One action of every kind, with values as the stages record them. */
static struct journal *sample(void)
{
	static const struct {
		enum stage_id stage;
		enum action_kind kind;
		const char *target, *prior;
		uid_t uid;
	} acts[] = {
		{ STAGE_HUGEPAGES, ACTION_ALLOC_HUGEPAGES,
		  "devices/system/node/node0/hugepages/hugepages-2048kB", "4096", 0 },
		{ STAGE_DRIVES, ACTION_UNMOUNT, "/mnt/data dir",
		  "/dev/vdd1 ext4 rw,relatime rw,errors=remount-ro", 0 },
		{ STAGE_DISPLAY_MANAGER, ACTION_STOP_UNIT, "gdm.service", "active", 0 },
		{ STAGE_DISPLAY_MANAGER, ACTION_RUN_SCRIPT,
		  "/etc/libvirt/hooks/vfio-hook.d/win10/after-display-manager-notify", "after", 0 },
		{ STAGE_SESSIONS, ACTION_TERMINATE_SESSION, "c2", "active", 1000 },
		{ STAGE_AUDIO, ACTION_STOP_USER_UNIT, "pipewire-pulse.socket", "listening", 1000 },
		{ STAGE_HOLDERS, ACTION_RELEASE_NODES, "0000:01:00.1", NULL, 0 },
		{ STAGE_VTCONSOLE, ACTION_UNBIND_VTCON, "vtcon1", "bound", 0 },
		{ STAGE_FRAMEBUFFER, ACTION_UNBIND_PLATFORM, "simple-framebuffer.0", "simple-framebuffer", 0 },
		{ STAGE_DRIVERS, ACTION_UNBIND_PCI, "0000:01:00.1", "snd_hda_intel", 0 },
		{ STAGE_DRIVERS, ACTION_UNBIND_PCI, "0000:01:00.0", "bochs-drm", 0 },
		{ STAGE_DRIVERS, ACTION_UNLOAD_MODULE, "bochs", "loaded", 0 },
		{ STAGE_VFIO, ACTION_LOAD_MODULE, "vfio-pci", "not loaded", 0 },
		{ STAGE_VFIO, ACTION_BIND_VFIO, "0000:01:00.0", "bochs-drm", 0 },
		{ STAGE_VFIO, ACTION_BIND_VFIO, "0000:01:00.1", "none", 0 },
		{ STAGE_VFIO, ACTION_RUN_SCRIPT, "/etc/libvirt/hooks/vfio-hook.d/" UUID "/before-vfio",
		  "before", 0 },
		{ STAGE_CPU_ISOLATION, ACTION_SET_ALLOWED_CPUS, "user.slice", "all", 0 },
		{ STAGE_CPU_ISOLATION, ACTION_SET_ALLOWED_CPUS, "init.scope", "0-1,4", 0 },
		{ STAGE_FIREWALL, ACTION_OPEN_SERVICE, "libvirt:dhcp", "closed", 0 },
		{ STAGE_SHARES, ACTION_START_UNIT, "nfs-server.service", "inactive", 0 },
		{ STAGE_SHARES, ACTION_EXPORT_NFS, "192.168.122.0/24:/srv/games",
		  "rw,sync,no_subtree_check", 0 },
		{ STAGE_SHARES, ACTION_LABEL_SMB, "/srv/games", "system_u:object_r:var_t:s0", 0 },
		{ STAGE_CPU_GOVERNOR, ACTION_SET_GOVERNOR, "cpu1", "schedutil", 0 },
		{ STAGE_SLEEP, ACTION_MASK_UNIT, "suspend.target", "static", 0 },
		{ STAGE_DRIVES, ACTION_SWAPOFF, "/dev/vdd2", "-2", 0 },
	};
	struct journal *j = calloc(1, sizeof *j);
	ASSERT_NOT_NULL(j);
	j->plan = plan_new(PLAN_PREPARE, "win 10 $(x)\n", UUID);
	j->boot_id = strdup(BOOT);
	j->pid = 1234;
	j->since = 1700000000;
	j->state = JOURNAL_PREPARED;
	j->plan->host_graphics_go = true;
	j->plan->pinned_cpus = strdup("2-3");
	ASSERT_OK(strv_extend(&j->plan->devices, "0000:01:00.0"));
	ASSERT_OK(strv_extend(&j->plan->devices, "0000:01:00.1"));
	for (size_t i = 0; i < ARRAY_SIZE(acts); i++) {
		ASSERT_OK(plan_add(j->plan, acts[i].stage, acts[i].kind, acts[i].target, acts[i].prior,
				   "why", acts[i].uid));
		j->plan->actions[i].state = i % 3 ? ACTION_DONE : ACTION_SKIPPED;
	}
	j->plan->actions[0].state = ACTION_DONE;
	j->plan->actions[0].result = strdup("3");
	j->plan->actions[13].result = strdup("pci-stub"); /* the driver_override it had */
	return j;
}

TEST(round_trip)
{
	_cleanup_(journal_freep) struct journal *j = sample(), *k = NULL;
	_cleanup_free_ char *text = NULL, *again = NULL, *err = NULL;
	ASSERT_OK(journal_format(j, &text));
	ASSERT_TRUE(strstr(text, "name win%2010%20%24%28x%29%0a\n") != NULL);
	ASSERT_TRUE(endswith(text, "\nend\n"));
	if (journal_parse(text, strlen(text), &k, &err) < 0)
		FAIL_AT("refused what journal_format wrote: %s", strna(err));
	ASSERT_STREQ(k->plan->vm_name, "win 10 $(x)\n");
	ASSERT_EQ(k->plan->n_actions, j->plan->n_actions);
	ASSERT_EQ(k->plan->actions[0].state, ACTION_DONE);
	ASSERT_STREQ(k->plan->actions[0].result, "3");
	ASSERT_NULL(k->plan->actions[1].result);
	ASSERT_EQ(k->plan->actions[13].kind, ACTION_BIND_VFIO);
	ASSERT_STREQ(k->plan->actions[13].result, "pci-stub");
	ASSERT_EQ(k->plan->actions[4].uid, 1000);
	ASSERT_NULL(k->plan->actions[6].prior);
	ASSERT_STREQ(k->plan->actions[1].target, "/mnt/data dir");
	ASSERT_TRUE(k->plan->host_graphics_go);
	ASSERT_TRUE(strstr(text, "\npid 1234\nsince 1700000000\nstate prepared\n") != NULL);
	ASSERT_EQ(k->since, 1700000000);
	ASSERT_OK(journal_format(k, &again));
	ASSERT_STREQ(again, text);
}

/* A call left waiting in the kernel is journaled with its action and read back. */
TEST(stuck_call_round_trip)
{
	static const char text[] = HEAD "action done drivers unbind-pci 0 0000:01:00.0 bochs %\n"
					"stuck 4242 987654\nend\n";
	_cleanup_(journal_freep) struct journal *j = NULL;
	_cleanup_free_ char *err = NULL, *again = NULL;
	if (journal_parse(text, strlen(text), &j, &err) < 0)
		FAIL_AT("refused a stuck record: %s", strna(err));
	ASSERT_EQ(j->plan->actions[0].stuck_pid, 4242);
	ASSERT_EQ(j->plan->actions[0].stuck_start, 987654);
	ASSERT_OK(journal_format(j, &again));
	ASSERT_STREQ(again, text);
}

/* Journals written before the since record existed still load, with the time unknown; and one
 * without a time is written without the record. */
TEST(since_is_optional)
{
	static const char old[] = HEAD "action done drivers unload-module 0 bochs loaded %\nend\n";
	_cleanup_(journal_freep) struct journal *j = NULL, *k = NULL;
	_cleanup_free_ char *err = NULL, *text = NULL, *again = NULL;
	if (journal_parse(old, strlen(old), &j, &err) < 0)
		FAIL_AT("refused a journal without since: %s", strna(err));
	ASSERT_EQ(j->since, 0);
	ASSERT_OK(journal_format(j, &text));
	ASSERT_NULL(strstr(text, "since"));
	ASSERT_STREQ(text, old);
	/* Anywhere in the header, as the other header records. */
	static const char first[] = "vfio-hook-journal 2\nsince 42\nuuid " UUID "\nname win10\n"
				    "boot-id %\npid 42\nstate prepared\nhost-graphics go\nend\n";
	if (journal_parse(first, strlen(first), &k, &err) < 0)
		FAIL_AT("refused since before uuid: %s", strna(err));
	ASSERT_EQ(k->since, 42);
	ASSERT_OK(journal_format(k, &again));
	ASSERT_TRUE(strstr(again, "\npid 42\nsince 42\n") != NULL);
}

/* Every state sequence the executor can leave behind parses. */
TEST(executor_states_are_accepted)
{
	static const struct {
		enum journal_state state;
		enum action_state a[3];
	} ok[] = {
		{ JOURNAL_PREPARING, { ACTION_PLANNED, ACTION_PLANNED, ACTION_PLANNED } },
		{ JOURNAL_PREPARING, { ACTION_DONE, ACTION_STARTED, ACTION_PLANNED } },
		{ JOURNAL_PREPARING, { ACTION_SKIPPED, ACTION_DONE, ACTION_FAILED } },
		{ JOURNAL_PREPARED, { ACTION_DONE, ACTION_SKIPPED, ACTION_DONE } },
		{ JOURNAL_RELEASING, { ACTION_DONE, ACTION_FAILED, ACTION_PLANNED } },
		{ JOURNAL_RELEASING, { ACTION_UNDONE, ACTION_UNDONE, ACTION_PLANNED } },
		{ JOURNAL_RELEASING, { ACTION_DONE, ACTION_SKIPPED, ACTION_UNDONE } },
		{ JOURNAL_RELEASING, { ACTION_UNDONE, ACTION_UNDONE, ACTION_UNDONE } },
	};
	static const char *const modules[] = { "bochs", "drm_kms_helper", "drm" };
	for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
		_cleanup_(journal_freep) struct journal *j = calloc(1, sizeof *j), *k = NULL;
		_cleanup_free_ char *text = NULL, *err = NULL;
		ASSERT_NOT_NULL(j);
		j->plan = plan_new(PLAN_PREPARE, "win10", UUID);
		j->state = ok[i].state;
		for (size_t n = 0; n < ARRAY_SIZE(modules); n++) {
			ASSERT_OK(plan_add(j->plan, STAGE_DRIVERS, ACTION_UNLOAD_MODULE, modules[n],
					   "loaded", NULL, 0));
			j->plan->actions[n].state = ok[i].a[n];
		}
		ASSERT_OK(journal_format(j, &text));
		if (journal_parse(text, strlen(text), &k, &err) < 0)
			FAIL_AT("case %zu refused: %s", i, strna(err));
	}
}

/* Each case: a journal, and what the one error line must say. */
static const struct {
	const char *text;
	const char *says;
} tampered[] = {
	{ "", "empty" },
	{ "garbage\n", "not a vfio-hook journal" },
	{ "\x7f" "ELF\x02\x01\x01\n", "not a vfio-hook journal" },
	{ "vfio-hook-journal 1\nuuid " UUID "\nstate prepared\nend\n", "version 1" },
	{ "vfio-hook-journal 3\n", "version 3" },
	{ HEAD "end", "no newline" },
	{ HEAD, "no end line" },
	{ "vfio-hook-journal 2\nuuid " UUID "\nname win10\nend\n", "end line before" },
	{ HEAD "end\naction done drivers unbind-pci 0 0000:01:00.0 bochs-drm %\n", "after the end" },
	{ HEAD "\nend\n", "record without a value" },
	{ HEAD "uuid " UUID "\nend\n", "second uuid" },
	{ HEAD "state preparing\nend\n", "second state" },
	{ HEAD "name other\nend\n", "second name" },
	{ HEAD "device 0000:01:00.0\nend\n", "listed twice" },
	{ HEAD "pinned 1\npinned 2\nend\n", "pinned record twice" },
	{ HEAD "pinned ^0\nend\n", "is not a CPU list" },
	{ HEAD "action done drivers unload-module 0 bochs loaded %\ndevice 0000:02:00.0\nend\n",
	  "device record after the actions" },
	{ "vfio-hook-journal 2\ndevice 0000:01:00.0\nend\n", "before uuid" },
	{ "vfio-hook-journal 2\nuuid ../../etc\n", "not a UUID" },
	{ HEAD "shell rm -rf /\nend\n", "unknown record 'shell'" },
	{ HEAD "device ../../../x\nend\n", "is not a PCI address" },
	{ HEAD "device 0000:01:00.00\nend\n", "is not a PCI address" },
	{ HEAD "action done drivers rm-rf 0 x % %\nend\n", "unknown action 'rm-rf'" },
	{ HEAD "action done drivers unbind-pci 0 a/%00 % %\nend\n", "not percent-encoded" },
	{ HEAD "action done drivers unbind-pci 0 a b c d\nend\n", "more than 7 fields" },
	{ HEAD "action done drivers unbind-pci 0 y %\nend\n", "6 fields" },
	{ HEAD "action done drivers unbind-pci x 0000:01:00.0 bochs %\nend\n", "uid 'x'" },
	{ HEAD "action maybe drivers unbind-pci 0 0000:01:00.0 bochs %\nend\n", "action state 'maybe'" },
	{ HEAD "action done kitchen unbind-pci 0 0000:01:00.0 bochs %\nend\n", "stage 'kitchen'" },
	/* Values that would become paths, module names, units or arguments. */
	{ HEAD "action done drivers unbind-pci 0 ../../etc/shadow bochs %\nend\n",
	  "unbind-pci target '../../etc/shadow' is not a PCI address" },
	{ HEAD "action done drivers unbind-pci 0 /etc/shadow bochs %\nend\n", "not a PCI address" },
	{ HEAD "action done drivers unbind-pci 0 0000:02:00.0 bochs %\nend\n",
	  "not one of the VM's devices" },
	{ HEAD "action done drivers unbind-pci 0 0000:01:00.0 ../../../etc %\nend\n",
	  "expectation '../../../etc' is not a driver name" },
	{ HEAD "action done drivers unbind-pci 0 0000:01:00.0 % %\nend\n",
	  "lacks its expectation, a driver name" },
	{ HEAD "action done drivers unbind-pci 0 0000:01:00.0 a%2fb %\nend\n", "not a driver name" },
	{ HEAD "action done vfio bind-vfio 0 0000:01:00.0 .. %\nend\n", "not a driver name" },
	{ HEAD "action done vfio bind-vfio 0 0000:01:00.0 none ../../../etc%2fx\nend\n",
	  "bind-vfio result '../../../etc/x' is not the driver_override it had" },
	{ HEAD "action done vfio bind-vfio 0 0000:01:00.0 none pci%20stub\nend\n",
	  "is not the driver_override it had" },
	{ HEAD "action done framebuffer unbind-platform 0 ../x simple-framebuffer %\nend\n",
	  "not a platform device" },
	{ HEAD "action done drivers unload-module 0 ../../lib/x.ko loaded %\nend\n",
	  "not a module name" },
	{ HEAD "action done drivers unload-module 0 pci:v00001234d%2a loaded %\nend\n",
	  "not a module name" },
	{ HEAD "action done vfio load-module 0 /tmp/evil.ko % %\nend\n", "not a module name" },
	{ HEAD "action done display-manager stop-unit 0 gdm active %\nend\n", "not a unit name" },
	{ HEAD "action done display-manager stop-unit 0 ../gdm.service active %\nend\n",
	  "not a unit name" },
	{ HEAD "action done display-manager stop-unit 0 a@b@c.service active %\nend\n",
	  "not a unit name" },
	{ HEAD "action done display-manager stop-unit 0 gdm.exe active %\nend\n", "not a unit name" },
	{ HEAD "action done audio stop-user-unit 4294967295 pipewire.service active %\nend\n",
	  "uid -1" },
	{ HEAD "action done cpu-isolation set-allowed-cpus 0 gdm.service all %\nend\n",
	  "not a slice or scope" },
	{ HEAD "action done cpu-isolation set-allowed-cpus 0 user.slice ../x %\nend\n",
	  "not a CPU list" },
	{ HEAD "action done vtconsole unbind-vtcon 0 vtcon1/../../x bound %\nend\n", "not a vtconN" },
	{ HEAD "action done vtconsole unbind-vtcon 0 vtcon01 bound %\nend\n", "not a vtconN" },
	{ HEAD "action done cpu-governor set-governor 0 cpu1/../../x ondemand %\nend\n",
	  "not a cpuN" },
	{ HEAD "action done cpu-governor set-governor 0 cpu1 ../x %\nend\n", "not a governor" },
	{ HEAD "action done hugepages alloc-hugepages 0 "
	       "kernel/mm/hugepages/hugepages-2048kB/../../x 1 1\nend\n",
	  "not a sysfs huge page pool" },
	{ HEAD "action done hugepages alloc-hugepages 0 kernel/mm/hugepages/hugepages-+2048kB 1 1\nend\n",
	  "not a sysfs huge page pool" },
	{ HEAD "action done hugepages alloc-hugepages 0 kernel/mm/hugepages/hugepages-2048kB 1 -1\nend\n",
	  "result '-1' is not pages added:pool size before" },
	{ HEAD "action done hugepages alloc-hugepages 0 kernel/mm/hugepages/hugepages-2048kB 1 1:%20\nend\n",
	  "result '1: ' is not pages added:pool size before" },
	{ HEAD "action done hugepages alloc-hugepages 0 kernel/mm/hugepages/hugepages-2048kB 1 1:02\nend\n",
	  "result '1:02' is not pages added:pool size before" },
	{ HEAD "action done display-manager stop-unit 0 gdm.service active 3\nend\n",
	  "result '3' is not empty" },
	{ HEAD "action done sleep mask-unit 0 gdm.service static %\nend\n", "not a .target unit" },
	{ HEAD "action done sleep mask-unit 0 ../suspend.target static %\nend\n",
	  "not a .target unit" },
	{ HEAD "action done sleep mask-unit 0 suspend.target Static%20x %\nend\n",
	  "not a unit file state" },
	{ HEAD "action done drivers mask-unit 0 suspend.target static %\nend\n",
	  "in stage drivers, which never does that" },
	{ HEAD "action done drives unmount 0 /mnt/../etc /dev/sda1%20ext4%20rw%20- %\nend\n",
	  "not a mount point" },
	{ HEAD "action done drives unmount 0 mnt /dev/sda1%20ext4%20rw%20- %\nend\n",
	  "not a mount point" },
	{ HEAD "action done drives unmount 0 / /dev/sda1%20ext4%20rw%20- %\nend\n",
	  "not a mount point" },
	{ HEAD "action done drives unmount 0 /mnt/x /etc/shadow%20ext4%20rw%20- %\nend\n",
	  "not a /dev source" },
	{ HEAD "action done drives unmount 0 /mnt/x /dev/../etc/x%20ext4%20rw%20- %\nend\n",
	  "not a /dev source" },
	{ HEAD "action done drives unmount 0 /mnt/x /dev/sda1%20ext4 %\nend\n", "not a /dev source" },
	{ HEAD "action done drives swapoff 0 /dev/../etc/shadow -2 %\nend\n",
	  "swapoff target '/dev/../etc/shadow' is not a swap partition or file" },
	{ HEAD "action done drives swapoff 0 /dev/sdb2 high %\nend\n", "not a swap priority" },
	{ HEAD "action done drives swapoff 0 /dev/sdb2 040000 %\nend\n", "not a swap priority" },
	{ HEAD "action done drives swapoff 0 /dev/sdb2 % %\nend\n", "lacks its expectation" },
	{ HEAD "action done vfio swapoff 0 /dev/sdb2 -2 %\nend\n", "which never does that" },
	{ HEAD "action done drives unmount 0 /mnt/x /dev/sda1%20ext4%20rw%20-%20/../etc %\nend\n",
	  "not a /dev source" },
	{ HEAD "action done drives unmount 0 /mnt/x /dev/sda1%20ext4%20rw%20-%20games %\nend\n",
	  "not a /dev source" },
	{ HEAD "action done drives unmount 0 /mnt/x /dev/sda1%20ext4%20rw%20-%20/ %\nend\n",
	  "not a /dev source" },
	{ HEAD "action done drives unmount 0 /mnt/x /dev/sda1%20ext4%20rw%20-%20/a/%5c056%5c056/b %\nend\n",
	  "not a /dev source" },
	{ HEAD "action done drives unmount 0 /mnt/x /dev/sda1%20ext4%20rw%20-%20/a%20/b %\nend\n",
	  "not a /dev source" },
	{ HEAD "action done shares export-nfs 0 -rf:/srv rw %\nend\n", "not client:/path" },
	{ HEAD "action done shares export-nfs 0 host:/srv/../etc rw %\nend\n", "not client:/path" },
	{ HEAD "action done shares export-nfs 0 host:/srv rw%3b%20reboot %\nend\n",
	  "not export options" },
	{ HEAD "action done shares label-smb 0 /etc/../etc/shadow u:r:t:s0 %\nend\n",
	  "not a share directory" },
	{ HEAD "action done shares label-smb 0 /srv/x bogus %\nend\n", "not an SELinux context" },
	{ HEAD "action done firewall open-service 0 public:ssh%3bx closed %\nend\n",
	  "not zone:service" },
	{ HEAD "action done vfio run-script 0 /bin/sh before %\nend\n", "not an executable in" },
	{ HEAD "action done vfio run-script 0 "
	       "/etc/libvirt/hooks/vfio-hook.d/../../../../bin/sh before %\nend\n",
	  "not an executable in" },
	{ HEAD "action done vfio run-script 0 /etc/libvirt/hooks/vfio-hook.d/win10/x before %\nend\n",
	  "not an executable in" },
	{ HEAD "action done vfio run-script 0 "
	       "/etc/libvirt/hooks/vfio-hook.d/win10/before-vfio now %\nend\n",
	  "not before or after" },
	{ HEAD "action done sessions terminate-session 0 ../1 active %\nend\n", "not a session id" },
	/* Contradictions. */
	{ HEAD "action done drivers unbind-vtcon 0 vtcon1 bound %\nend\n",
	  "in stage drivers, which never does that" },
	{ HEAD "action planned drivers unload-module 0 bochs loaded %\nend\n", "contradicts" },
	{ HEAD "action undone drivers unload-module 0 bochs loaded %\nend\n", "contradicts" },
	{ "vfio-hook-journal 2\nuuid " UUID "\nname win10\nboot-id %\npid 42\nstate preparing\n"
	  "host-graphics go\naction planned drivers unload-module 0 bochs loaded %\n"
	  "action done drivers unload-module 0 bochs2 loaded %\nend\n", "contradicts" },
	{ "vfio-hook-journal 2\nuuid " UUID "\nname win10\nboot-id %\npid 42\nstate releasing\n"
	  "host-graphics go\naction failed drivers unload-module 0 bochs loaded %\n"
	  "action started drivers unload-module 0 bochs2 loaded %\nend\n", "contradicts" },
	{ HEAD "action done drivers unload-module 0 bochs loaded %\n"
	  "action failed drivers unload-module 0 bochs2 loaded %\nend\n", "contradicts" },
	{ "vfio-hook-journal 2\nuuid " UUID "\nname %\nboot-id %\npid 42\nstate prepared\n"
	  "host-graphics go\nend\n", "empty VM name" },
	{ "vfio-hook-journal 2\nuuid " UUID "\nname win10\nboot-id ../../x\npid 42\nstate prepared\n"
	  "host-graphics go\nend\n", "not a boot id" },
	{ "vfio-hook-journal 2\nuuid " UUID "\nname win10\nboot-id %\npid 99999999\nstate prepared\n"
	  "host-graphics go\nend\n", "not a process id" },
	/* The time prepare began: canonical decimal seconds, once, in the header. */
	{ HEAD "since 1700000000\nend\n", "since record after the devices" },
	{ "vfio-hook-journal 2\nsince 1\nsince 2\n", "second since" },
	{ "vfio-hook-journal 2\nsince 0\n", "since '0' is not a time in seconds" },
	{ "vfio-hook-journal 2\nsince 0170\n", "since '0170' is not a time" },
	{ "vfio-hook-journal 2\nsince -5\n", "since '-5' is not a time" },
	{ "vfio-hook-journal 2\nsince +5\n", "since '+5' is not a time" },
	{ "vfio-hook-journal 2\nsince 17e8\n", "since '17e8' is not a time" },
	{ "vfio-hook-journal 2\nsince 9223372036854775808\n", "is not a time" },
	{ "vfio-hook-journal 2\nsince 12345678901234567890\n", "is not a time" },
	{ "vfio-hook-journal 2\nsince 1%200\n", "is not a time" },
	/* A call left stuck in the kernel: pid and start time, after its action, once. */
	{ HEAD "stuck 42 100\nend\n", "stuck record that does not follow an action" },
	{ HEAD "action failed drivers unbind-pci 0 0000:01:00.0 bochs %\nstuck 42 100\n"
	  "stuck 43 100\nend\n", "does not follow an action" },
	{ HEAD "action failed drivers unbind-pci 0 0000:01:00.0 bochs %\nstuck 42\nend\n",
	  "stuck '42' is not a process id and start time" },
	{ HEAD "action failed drivers unbind-pci 0 0000:01:00.0 bochs %\nstuck 0 100\nend\n",
	  "is not a process id and start time" },
	{ HEAD "action failed drivers unbind-pci 0 0000:01:00.0 bochs %\nstuck 42 -1\nend\n",
	  "is not a process id and start time" },
	{ HEAD "action failed drivers unbind-pci 0 0000:01:00.0 bochs %\nstuck 42 1 2\nend\n",
	  "is not a process id and start time" },
	{ HEAD "action failed drivers unbind-pci 0 0000:01:00.0 bochs %\nstuck +42 1\nend\n",
	  "is not a process id and start time" },
};

TEST(tampered_records_are_refused)
{
	for (size_t i = 0; i < ARRAY_SIZE(tampered); i++) {
		struct journal *j = NULL;
		_cleanup_free_ char *err = NULL;
		if (journal_parse(tampered[i].text, strlen(tampered[i].text), &j, &err) >= 0)
			FAIL_AT("accepted case %zu", i);
		if (!err || strchr(err, '\n') || !strstr(err, tampered[i].says))
			FAIL_AT("case %zu says '%s', not '%s'", i, strna(err), tampered[i].says);
	}
}

TEST(nul_and_size_are_refused)
{
	_cleanup_free_ char *big = malloc(JOURNAL_MAX_SIZE + 2), *err = NULL, *err2 = NULL;
	struct journal *j = NULL;
	ASSERT_NOT_NULL(big);
	memset(big, 'a', JOURNAL_MAX_SIZE + 1);
	big[JOURNAL_MAX_SIZE + 1] = 0;
	ASSERT_TRUE(journal_parse(big, JOURNAL_MAX_SIZE + 1, &j, &err) < 0);
	ASSERT_TRUE(err && strstr(err, "larger than"));
	ASSERT_TRUE(journal_parse(HEAD "\0end\n", sizeof(HEAD "\0end\n") - 1, &j, &err2) < 0);
	ASSERT_TRUE(err2 && strstr(err2, "NUL"));
}

#define HEAD_NO_DEVICES                                                                            \
	"vfio-hook-journal 2\nuuid " UUID "\nname win10\nboot-id " BOOT "\npid 42\n"           \
	"state prepared\nhost-graphics go\n"
#define HEAD_NO_DEVICES_LINES 7

/* The i-th of n devices, in an order that is not sorted (37 is prime to n, a power of two). */
static void nth_device(unsigned i, unsigned n, char name[static PCI_ADDR_STR_MAX])
{
	unsigned k = i * 37 % n;
	struct pci_addr a = { .bus = 1 + k / 32, .slot = k % 32 };
	pci_addr_format(&a, name);
}

/* HEAD_NO_DEVICES, n devices (the one at dup_at, if any, a second time instead), a bind-vfio
 * action for each device in reverse order and one for stray (if given). */
static char *many_devices(unsigned n, int dup_at, const char *stray)
{
	char *text = NULL, name[PCI_ADDR_STR_MAX];
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);
	ASSERT_NOT_NULL(f);
	fputs(HEAD_NO_DEVICES, f);
	for (unsigned i = 0; i < n; i++) {
		nth_device((int)i == dup_at ? 0 : i, n, name);
		fprintf(f, "device %s\n", name);
	}
	for (unsigned i = n; i-- > 0;) {
		nth_device(i, n, name);
		fprintf(f, "action done vfio bind-vfio 0 %s none %%\n", name);
	}
	if (stray)
		fprintf(f, "action done vfio bind-vfio 0 %s none %%\n", stray);
	fputs("end\n", f);
	ASSERT_TRUE(fclose(f) == 0);
	return text;
}

TEST(many_devices)
{
	_cleanup_free_ char *text = many_devices(1024, -1, NULL);
	_cleanup_(journal_freep) struct journal *j = NULL;
	_cleanup_free_ char *err = NULL;
	if (journal_parse(text, strlen(text), &j, &err) < 0)
		FAIL_AT("refused: %s", strna(err));
	ASSERT_EQ(strv_length(j->plan->devices), 1024);
	ASSERT_EQ(j->plan->n_actions, 1024);
	/* In the journal's order, not sorted. */
	for (unsigned i = 0; i < 1024; i++) {
		char name[PCI_ADDR_STR_MAX];
		nth_device(i, 1024, name);
		ASSERT_STREQ(j->plan->devices[i], name);
	}
}

TEST(many_devices_refused)
{
	struct journal *j = NULL;
	_cleanup_free_ char *twice = many_devices(1024, 700, NULL), *err = NULL;
	ASSERT_TRUE(journal_parse(twice, strlen(twice), &j, &err) < 0);
	char name[PCI_ADDR_STR_MAX], want[128];
	nth_device(0, 1024, name);
	snprintf(want, sizeof want, "line %d: device %s listed twice", HEAD_NO_DEVICES_LINES + 701,
		 name);
	ASSERT_STREQ(err, want);

	_cleanup_free_ char *stray = many_devices(1024, -1, "0000:00:1f.0"), *err2 = NULL;
	ASSERT_TRUE(journal_parse(stray, strlen(stray), &j, &err2) < 0);
	ASSERT_STREQ(err2, "line 2056: bind-vfio of 0000:00:1f.0, which is not one of the VM's "
			   "devices");

	_cleanup_free_ char *too_many = many_devices(2048, -1, NULL), *err3 = NULL;
	ASSERT_TRUE(journal_parse(too_many, strlen(too_many), &j, &err3) < 0);
	snprintf(want, sizeof want, "line %d: more than 1024 devices", HEAD_NO_DEVICES_LINES + 1025);
	ASSERT_STREQ(err3, want);
}

/* A state directory in TMPDIR with the sample journal written as the hook writes it. */
static int scratch_dir(char *path, size_t size)
{
	snprintf(path, size, "%s/vfio-hook-test-journal.XXXXXX", getenv("TMPDIR") ?: "/tmp");
	ASSERT_NOT_NULL(mkdtemp(path));
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ASSERT_TRUE(fd >= 0);
	_cleanup_(journal_freep) struct journal *j = sample();
	ASSERT_OK(journal_save(fd, j));
	return fd;
}

static void remove_scratch(int fd, const char *path);

/* A journal that would not load back is never written. */
TEST(save_refuses_what_load_would_refuse)
{
	char path[PATH_MAX];
	int fd = scratch_dir(path, sizeof path);
	_cleanup_(journal_freep) struct journal *j = sample();
	_cleanup_free_ char *big = malloc(JOURNAL_MAX_SIZE + 1);
	ASSERT_NOT_NULL(big);
	memset(big, 'r', JOURNAL_MAX_SIZE);
	big[JOURNAL_MAX_SIZE] = 0;
	free(j->plan->actions[0].prior);
	j->plan->actions[0].prior = TAKE_PTR(big);
	ASSERT_TRUE(journal_save(fd, j) == -EFBIG);
	remove_scratch(fd, path);
}

/* More devices than a journal holds: refused before anything is written. */
TEST(save_refuses_too_many_devices)
{
	char path[PATH_MAX];
	int fd = scratch_dir(path, sizeof path);
	ASSERT_OK(unlinkat(fd, UUID ".journal", 0) < 0 ? -errno : 0);
	_cleanup_(journal_freep) struct journal *j = sample();
	for (unsigned i = 2; i <= JOURNAL_MAX_DEVICES; i++) {
		char name[PCI_ADDR_STR_MAX];
		nth_device(i, JOURNAL_MAX_DEVICES + 1, name);
		ASSERT_OK(strv_extend(&j->plan->devices, name));
	}
	ASSERT_TRUE(journal_save(fd, j) == -EFBIG);
	ASSERT_TRUE(faccessat(fd, UUID ".journal", F_OK, 0) < 0 && errno == ENOENT);
	remove_scratch(fd, path);
}

/* A plan whose journal release could not read back, now or once its actions have recorded
 * their results and stuck calls, is found before it starts. */
TEST(plan_problem)
{
	_cleanup_(journal_freep) struct journal *j = sample();
	_cleanup_free_ char *none = NULL, *actions = NULL, *devices = NULL, *size = NULL;
	ASSERT_EQ(journal_plan_problem(j->plan, &none), 0);
	ASSERT_NULL(none);

	_cleanup_(plan_freep) struct plan *many = plan_new(PLAN_PREPARE, "win10", UUID);
	ASSERT_NOT_NULL(many);
	for (unsigned i = 0; i <= JOURNAL_MAX_ACTIONS; i++)
		ASSERT_OK(plan_add(many, STAGE_VFIO, ACTION_LOAD_MODULE, "vfio-pci", NULL, NULL, 0));
	ASSERT_EQ(journal_plan_problem(many, &actions), 1);
	ASSERT_STREQ(actions, "the plan has 4097 actions, more than the 4096 a journal holds");

	_cleanup_(plan_freep) struct plan *wide = plan_new(PLAN_PREPARE, "win10", UUID);
	ASSERT_NOT_NULL(wide);
	for (unsigned i = 0; i <= JOURNAL_MAX_DEVICES; i++) {
		char name[PCI_ADDR_STR_MAX];
		nth_device(i, JOURNAL_MAX_DEVICES + 1, name);
		ASSERT_OK(strv_extend(&wide->devices, name));
	}
	ASSERT_EQ(journal_plan_problem(wide, &devices), 1);
	ASSERT_STREQ(devices, "the plan has 1025 devices, more than the 1024 a journal holds");

	/* Units of 128 characters: when the bound is first passed, the journal as planned still
	 * fits, but not once every action has its result and a stuck call. */
	_cleanup_(plan_freep) struct plan *big = plan_new(PLAN_PREPARE, "win10", UUID);
	ASSERT_NOT_NULL(big);
	for (size_t n = 1; !size; n++) {
		ASSERT_TRUE(n <= JOURNAL_MAX_ACTIONS);
		_cleanup_free_ char *unit = strdup_printf("%0120zu.service", n);
		ASSERT_OK(plan_add(big, STAGE_DISPLAY_MANAGER, ACTION_STOP_UNIT, unit, "active",
				   NULL, 0));
		ASSERT_OK(journal_plan_problem(big, &size));
	}
	_cleanup_free_ char *tail = strdup_printf(" bytes, more than the 262144 release reads back "
						  "(%zu actions)", big->n_actions);
	ASSERT_TRUE(startswith(size, "its journal would grow to "));
	ASSERT_TRUE(endswith(size, tail));
	struct journal at_start = { .state = JOURNAL_PREPARING, .boot_id = (char *)BOOT,
				    .pid = 4194304, .since = INT64_MAX, .plan = big };
	_cleanup_free_ char *text = NULL;
	ASSERT_OK(journal_format(&at_start, &text));
	ASSERT_TRUE(strlen(text) <= JOURNAL_MAX_SIZE);
}

static void remove_scratch(int fd, const char *path)
{
	_cleanup_strv_free_ char **names = NULL;
	ASSERT_OK(dir_list_at(fd, ".", &names));
	for (char **n = names; n && *n; n++)
		(void)unlinkat(fd, *n, 0);
	close(fd);
	ASSERT_OK(rmdir(path) < 0 ? -errno : 0);
}

static char *load_error(int fd, const char *uuid, const char *vm)
{
	_cleanup_(journal_freep) struct journal *j = NULL;
	char *err = NULL;
	if (journal_load(fd, uuid, vm, &j, &err) >= 0)
		FAIL_AT("loaded a journal that should be refused");
	ASSERT_NOT_NULL(err);
	ASSERT_TRUE(!strchr(err, '\n'));
	return err;
}

TEST(load_refuses_what_is_not_ours)
{
	char path[4096];
	int fd = scratch_dir(path, sizeof path);
	const char *name = UUID ".journal";
	_cleanup_(journal_freep) struct journal *j = NULL;
	_cleanup_free_ char *e1 = NULL, *e2 = NULL, *e3 = NULL, *e4 = NULL, *e5 = NULL, *e6 = NULL,
			    *e7 = NULL, *e8 = NULL, *e9 = NULL;

	ASSERT_OK(journal_load(fd, UUID, "win 10 $(x)\n", &j, NULL));
	ASSERT_ERR(journal_load(fd, OTHER_UUID, NULL, &j, NULL), ENOENT);

	e1 = load_error(fd, UUID, "win10");
	ASSERT_TRUE(strstr(e1, "records VM 'win 10 $(x)\\x0a', not 'win10'"));

	ASSERT_OK(fchmodat(fd, name, 0620, 0) < 0 ? -errno : 0);
	e2 = load_error(fd, UUID, NULL);
	ASSERT_TRUE(strstr(e2, "writable by group or others"));
	ASSERT_OK(fchmodat(fd, name, 0602, 0) < 0 ? -errno : 0);
	e3 = load_error(fd, UUID, NULL);
	ASSERT_TRUE(strstr(e3, "writable by group or others"));
	ASSERT_OK(fchmodat(fd, name, 0600, 0) < 0 ? -errno : 0);

	ASSERT_OK(linkat(fd, name, fd, "second-link", 0) < 0 ? -errno : 0);
	e4 = load_error(fd, UUID, NULL);
	ASSERT_TRUE(strstr(e4, "2 hard links"));
	ASSERT_OK(unlinkat(fd, "second-link", 0) < 0 ? -errno : 0);

	/* Another VM's journal under this VM's name. */
	ASSERT_OK(renameat(fd, name, fd, OTHER_UUID ".journal") < 0 ? -errno : 0);
	e5 = load_error(fd, OTHER_UUID, NULL);
	ASSERT_TRUE(strstr(e5, "records uuid " UUID ", not the " OTHER_UUID));

	ASSERT_OK(symlinkat(OTHER_UUID ".journal", fd, name) < 0 ? -errno : 0);
	e6 = load_error(fd, UUID, NULL);
	ASSERT_TRUE(strstr(e6, "symbolic link"));
	ASSERT_OK(unlinkat(fd, name, 0) < 0 ? -errno : 0);

	/* A FIFO would block a plain open() forever. */
	ASSERT_OK(mkfifoat(fd, name, 0600) < 0 ? -errno : 0);
	e7 = load_error(fd, UUID, NULL);
	ASSERT_TRUE(strstr(e7, "not a regular file"));
	ASSERT_OK(unlinkat(fd, name, 0) < 0 ? -errno : 0);
	ASSERT_OK(mkdirat(fd, name, 0700) < 0 ? -errno : 0);
	e8 = load_error(fd, UUID, NULL);
	ASSERT_TRUE(strstr(e8, "not a regular file"));
	ASSERT_OK(unlinkat(fd, name, AT_REMOVEDIR) < 0 ? -errno : 0);

	int big = openat(fd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	ASSERT_TRUE(big >= 0);
	ASSERT_OK(ftruncate(big, JOURNAL_MAX_SIZE + 1) < 0 ? -errno : 0);
	close(big);
	e9 = load_error(fd, UUID, NULL);
	ASSERT_TRUE(strstr(e9, "larger than"));

	if (geteuid() == 0) {
		/* Someone else's file: only root can make one. */
		_cleanup_free_ char *e10 = NULL;
		ASSERT_OK(unlinkat(fd, name, 0) < 0 ? -errno : 0);
		ASSERT_OK(renameat(fd, OTHER_UUID ".journal", fd, name) < 0 ? -errno : 0);
		ASSERT_OK(fchownat(fd, name, 65534, 65534, 0) < 0 ? -errno : 0);
		e10 = load_error(fd, UUID, NULL);
		ASSERT_TRUE(strstr(e10, "owned by uid 65534"));
	}
	remove_scratch(fd, path);
}

TEST(state_directory_must_be_ours)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/vfio-hook-test-run.XXXXXX", getenv("TMPDIR") ?: "/tmp");
	ASSERT_NOT_NULL(mkdtemp(path));
	struct sysroot root = { .prefix = path, .sys_fd = -1, .proc_fd = -1, .dev_fd = -1,
				.etc_fd = -1 };
	root.run_fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ASSERT_TRUE(root.run_fd >= 0);
	_cleanup_free_ char *e1 = NULL, *e2 = NULL, *e3 = NULL;
	int fd = -1;

	ASSERT_ERR(journal_dir_open(&root, false, &fd, NULL), ENOENT);
	ASSERT_OK(journal_dir_open(&root, true, &fd, NULL));
	close(fd);
	ASSERT_OK(fchmodat(root.run_fd, JOURNAL_DIR, 0777, 0) < 0 ? -errno : 0);
	ASSERT_ERR(journal_dir_open(&root, false, &fd, &e1), EPERM);
	ASSERT_TRUE(e1 && strstr(e1, "writable by group or others"));
	ASSERT_OK(unlinkat(root.run_fd, JOURNAL_DIR, AT_REMOVEDIR) < 0 ? -errno : 0);

	/* A link to somewhere else is not followed, even to a directory that would pass. */
	ASSERT_OK(mkdirat(root.run_fd, "elsewhere", 0700) < 0 ? -errno : 0);
	ASSERT_OK(symlinkat("elsewhere", root.run_fd, JOURNAL_DIR) < 0 ? -errno : 0);
	ASSERT_TRUE(journal_dir_open(&root, true, &fd, &e2) < 0);
	ASSERT_TRUE(e2 && strstr(e2, "symbolic link"));
	ASSERT_OK(unlinkat(root.run_fd, JOURNAL_DIR, 0) < 0 ? -errno : 0);
	ASSERT_OK(unlinkat(root.run_fd, "elsewhere", AT_REMOVEDIR) < 0 ? -errno : 0);

	if (geteuid() == 0) {
		ASSERT_OK(mkdirat(root.run_fd, JOURNAL_DIR, 0700) < 0 ? -errno : 0);
		ASSERT_OK(fchownat(root.run_fd, JOURNAL_DIR, 65534, 65534, 0) < 0 ? -errno : 0);
		ASSERT_ERR(journal_dir_open(&root, false, &fd, &e3), EPERM);
		ASSERT_TRUE(e3 && strstr(e3, "owned by uid 65534"));
		ASSERT_OK(unlinkat(root.run_fd, JOURNAL_DIR, AT_REMOVEDIR) < 0 ? -errno : 0);
	}
	close(root.run_fd);
	ASSERT_OK(rmdir(path) < 0 ? -errno : 0);
}

TEST_MAIN("journal")
