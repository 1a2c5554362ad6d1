// SPDX-License-Identifier: GPL-2.0-or-later
/* What running and undoing each action kind calls: the executor's table. */
#include "stages/stages.h"

const struct action_ops action_ops[_ACTION_KIND_MAX] = {
	[ACTION_STOP_UNIT] = { unit_stop_run, unit_stop_undo },
	[ACTION_TERMINATE_SESSION] = { session_terminate_run, NULL },
	[ACTION_STOP_USER_UNIT] = { user_unit_stop_run, user_unit_stop_undo },
	[ACTION_RELEASE_NODES] = { release_nodes_run, NULL },
	[ACTION_UNBIND_VTCON] = { vtcon_unbind_run, vtcon_unbind_undo },
	[ACTION_UNBIND_PLATFORM] = { platform_unbind_run, platform_unbind_undo },
	[ACTION_UNBIND_PCI] = { pci_unbind_run, pci_unbind_undo },
	[ACTION_UNLOAD_MODULE] = { module_unload_run, module_unload_undo },
	[ACTION_LOAD_MODULE] = { module_load_run, module_load_undo },
	[ACTION_BIND_VFIO] = { vfio_bind_run, vfio_bind_undo },
	[ACTION_RUN_SCRIPT] = { script_run, script_undo },
	[ACTION_SET_ALLOWED_CPUS] = { allowed_cpus_run, allowed_cpus_undo },
	[ACTION_ALLOC_HUGEPAGES] = { hugepages_run, hugepages_undo },
	[ACTION_UNMOUNT] = { unmount_run, unmount_undo },
	[ACTION_OPEN_SERVICE] = { open_service_run, open_service_undo },
	[ACTION_START_UNIT] = { unit_start_run, unit_start_undo },
	[ACTION_EXPORT_NFS] = { export_nfs_run, export_nfs_undo },
	[ACTION_LABEL_SMB] = { label_smb_run, label_smb_undo },
	[ACTION_SET_GOVERNOR] = { governor_run, governor_undo },
};
