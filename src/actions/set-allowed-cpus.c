// SPDX-License-Identifier: GPL-2.0-or-later
/* set-allowed-cpus: a host slice kept off the VM's pinned CPUs (systemd's AllowedCPUs, runtime). */
#include "core/action-type.h"
#include "input/cpuset.h"
#include "lib/strutil.h"
#include "validate.h"

static bool is_slice_or_scope(const char *s)
{
	static const char *const types[] = { "slice", "scope", NULL };
	return is_unit_with(s, types);
}

static bool is_cpus_or_all(const char *s)
{
	struct cpuset set;
	return streq(s, "all") || (str_is_alnum_or(s, ",-") && cpuset_parse(s, &set) == 0);
}

static char *undo_text(const struct action *a)
{
	return strdup_printf("AllowedCPUs=%s", strna(a->prior));
}

/* Not checked: what a slice may use now depends on every other VM's pins too. */
const struct action_type action_set_allowed_cpus = {
	.name = "set-allowed-cpus",
	.verb = "keep host off CPUs",
	.stage = STAGE_CPU_ISOLATION,
	.target_ok = is_slice_or_scope,
	.target_is = "a slice or scope",
	.prior_ok = is_cpus_or_all,
	.prior_is = "a CPU list or all",
	.undo_text = undo_text,
};
