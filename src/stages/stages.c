// SPDX-License-Identifier: GPL-2.0-or-later
/* The stage table: what runs, in which order. */
#include "stages/stages.h"

const struct stage stage_order[_STAGE_MAX] = {
	/* First: the host stops being able to sleep before anything is taken from it, and can
	 * again only once release has given everything back (it is undone last). */
	{ STAGE_SLEEP, "keep the host from sleeping while the VM has its devices",
	  .plan = stage_sleep_plan, .load = stage_sleep_load },
	/* Then the steps most likely to fail, which fail before the desktop goes. */
	{ STAGE_HUGEPAGES, "reserve the VM's huge pages (<memoryBacking><hugepages>)",
	  .plan = stage_hugepages_plan, .load = stage_hugepages_load },
	{ STAGE_DRIVES, "unmount what the VM's disks hold", .plan = stage_drives_plan,
	  .load = stage_drives_load },
	{ STAGE_DISPLAY_MANAGER, "stop the display manager, and services that hold the devices",
	  .plan = stage_display_manager_plan, .load = stage_display_manager_load },
	{ STAGE_SESSIONS, "end graphical sessions that hold the GPU", .plan = stage_sessions_plan },
	{ STAGE_AUDIO, "stop the users' audio servers that hold the devices", .plan = stage_audio_plan,
	  .load = stage_audio_load },
	{ STAGE_HOLDERS, "wait for logind's copies, make every other process let go of the nodes",
	  .plan = stage_holders_plan },
	{ STAGE_VTCONSOLE, "unbind framebuffer consoles", .plan = stage_vtconsole_plan },
	{ STAGE_FRAMEBUFFER, "unbind the firmware's boot framebuffer", .plan = stage_framebuffer_plan },
	{ STAGE_DRIVERS, "unbind host drivers, unload GPU modules nothing else uses",
	  .plan = stage_drivers_plan },
	{ STAGE_VFIO, "bind every function to vfio-pci", .plan = stage_vfio_plan },
	{ STAGE_CPU_ISOLATION, "keep the host off the VM's pinned CPUs (--pin-cpu-cores)",
	  .plan = stage_cpu_isolation_plan, .load = stage_cpu_isolation_load },
	{ STAGE_FIREWALL, "open firewalld services for the VM (--enable-*-services)",
	  .plan = stage_firewall_plan, .load = stage_firewall_load },
	{ STAGE_SHARES, "share host directories over NFS or Samba (--enable-nfs, --enable-smb)",
	  .plan = stage_shares_plan, .load = stage_shares_load },
	{ STAGE_CPU_GOVERNOR, "performance governor on the VM's CPUs (--cpu-performance)",
	  .plan = stage_cpu_governor_plan, .load = stage_cpu_governor_load },
};
