/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "lib/sysroot.h"

/*
 * Giving back what a VM's journal records: the one path that both the hook's release/end and
 * `vfio-hook recover` take. The configuration is the VM's (config_load_for_vm), or the defaults
 * when it cannot be read: the devices come back either way. Under the global lock (or without
 * it, after lock_timeout_s), the journal of vm_uuid (or, with vm_uuid NULL, the one journal
 * naming vm_name) is loaded, refused unless it names vm_name, and undone by executor_release. With dry_run the release plan is printed instead and nothing
 * changes. Returns 0 when everything came back, RELEASE_NOTHING when nothing is recorded, and a
 * negative errno (logged once) when the journal is refused or something did not come back.
 */
#define RELEASE_NOTHING 1

struct domain;
/* now: the domain XML the release came with, if it parsed: only what changed is logged. */
_must_check_ int release_vm(struct sysroot *root, const char *vm_name, const char *vm_uuid,
			    const struct domain *now, bool dry_run);
