// SPDX-License-Identifier: GPL-2.0-or-later
/* The action kinds' table: each kind's type is defined in its own file, src/actions/NAME.c. */
#include "core/action-type.h"

extern const struct action_type action_stop_unit, action_terminate_session,
	action_stop_user_unit, action_release_nodes, action_unbind_vtcon, action_unbind_platform,
	action_unbind_pci, action_unload_module, action_load_module, action_bind_vfio,
	action_run_script, action_set_allowed_cpus, action_alloc_hugepages, action_set_governor,
	action_unmount, action_open_service, action_start_unit, action_export_nfs,
	action_label_smb, action_mask_unit,
	action_swapoff;

const struct action_type *const action_types[_ACTION_KIND_MAX] = {
	[ACTION_STOP_UNIT] = &action_stop_unit,
	[ACTION_TERMINATE_SESSION] = &action_terminate_session,
	[ACTION_STOP_USER_UNIT] = &action_stop_user_unit,
	[ACTION_RELEASE_NODES] = &action_release_nodes,
	[ACTION_UNBIND_VTCON] = &action_unbind_vtcon,
	[ACTION_UNBIND_PLATFORM] = &action_unbind_platform,
	[ACTION_UNBIND_PCI] = &action_unbind_pci,
	[ACTION_UNLOAD_MODULE] = &action_unload_module,
	[ACTION_LOAD_MODULE] = &action_load_module,
	[ACTION_BIND_VFIO] = &action_bind_vfio,
	[ACTION_RUN_SCRIPT] = &action_run_script,
	[ACTION_SET_ALLOWED_CPUS] = &action_set_allowed_cpus,
	[ACTION_ALLOC_HUGEPAGES] = &action_alloc_hugepages,
	[ACTION_SET_GOVERNOR] = &action_set_governor,
	[ACTION_UNMOUNT] = &action_unmount,
	[ACTION_OPEN_SERVICE] = &action_open_service,
	[ACTION_START_UNIT] = &action_start_unit,
	[ACTION_EXPORT_NFS] = &action_export_nfs,
	[ACTION_LABEL_SMB] = &action_label_smb,
	[ACTION_MASK_UNIT] = &action_mask_unit,
	[ACTION_SWAPOFF] = &action_swapoff,
};
