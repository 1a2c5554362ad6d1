/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdint.h>
#include <sys/types.h>

#include "input/cpuset.h"
#include "lib/dlopen-libsystemd.h"
#include "lib/macro.h"

/* systemd and logind over D-Bus: units stopped and started as jobs we wait for. */

/* The call's one connection to the system bus (libsystemd loaded first), opened on first use
 * and owned here: callers borrow it and never close it. bus_system_close() flushes and closes
 * it, once, at exit. */
_must_check_ int bus_system(sd_bus **ret);
void bus_system_close(void);
/* A user's systemd instance, through its private socket /run/user/UID/systemd/private. */
_must_check_ int bus_open_user_manager(const char *run_prefix, uid_t uid, sd_bus **ret);

/* ActiveState of a unit; "inactive" when systemd does not know it. */
_must_check_ int bus_unit_active_state(sd_bus *bus, const char *unit, char **ret);
/* StartUnit/StopUnit(unit, "replace") and wait for the job to finish; ret_result is systemd's
 * job result ("done", "failed", "timeout", ...). When systemd refuses the call, ret_why (if
 * not NULL) gets its reason. */
_must_check_ int bus_unit_job(sd_bus *bus, const char *method, const char *unit,
			      unsigned timeout_s, char **ret_result, uint64_t *ret_usec,
			      char **ret_why);
/* Stop or start a unit and wait: 0 done, 1 it already was so, <0 error, with systemd's
 * reason in ret_why (if not NULL) when it gave one. */
_must_check_ int bus_unit_stop(sd_bus *bus, const char *unit, unsigned timeout_s,
			       uint64_t *ret_usec, char **ret_why);
_must_check_ int bus_unit_start(sd_bus *bus, const char *unit, unsigned timeout_s,
				uint64_t *ret_usec, char **ret_why);
/* UnitFileState of a unit ("static", "enabled", "masked-runtime", ...); -ENOENT when systemd
 * has no unit file of that name. */
_must_check_ int bus_unit_file_state(sd_bus *bus, const char *unit, char **ret);
/* MaskUnitFiles (mask) or UnmaskUnitFiles for the runtime only (/run/systemd/system), never
 * forced, within timeout_s: 0 done, 1 systemd had nothing to change, <0 error, with systemd's
 * reason in ret_why (if not NULL) when it gave one. A unit systemd has loaded keeps its old
 * LoadState (what logind asks) until bus_manager_reload. */
_must_check_ int bus_unit_mask_runtime(sd_bus *bus, const char *unit, bool mask,
				       unsigned timeout_s, char **ret_why);
/* What logind weighs before it suspends: the loaded unit's LoadState ("loaded", "masked"). */
_must_check_ int bus_unit_load_state(sd_bus *bus, const char *unit, char **ret);
/* The manager's Reload (daemon-reload), within timeout_s. */
_must_check_ int bus_manager_reload(sd_bus *bus, unsigned timeout_s, char **ret_why);
/* AllowedCPUs of a slice or scope (empty: no restriction); set at runtime only. */
_must_check_ int bus_unit_get_allowed_cpus(sd_bus *bus, const char *unit, struct cpuset *ret);
_must_check_ int bus_unit_set_allowed_cpus(sd_bus *bus, const char *unit,
					   const struct cpuset *set);
/* logind: end a session and wait until it is gone. */
#define ACTION_GONE 1 /* it was already gone */
_must_check_ int bus_terminate_session(sd_bus *bus, const char *id, unsigned timeout_s,
				       uint64_t *ret_usec);
