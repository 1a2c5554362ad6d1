// SPDX-License-Identifier: GPL-2.0-or-later
/* run-script: the admin's before-/after-<stage> executable, run on prepare and again on release. */
#include "core/action-type.h"
#include "input/config.h"
#include "input/domain.h"
#include "lib/strutil.h"
#include "validate.h"

static bool is_before_or_after(const char *s)
{
	return streq(s, "before") || streq(s, "after");
}

/* OVERRIDE_DIR/{default,<vm>,<uuid>}/{before,after}-<stage>...: an executable we may run. */
static bool is_override_path(const char *s)
{
	if (!startswith(s, OVERRIDE_DIR "/") || !is_clean_abs_path(s) || !str_is_printable_ascii(s))
		return false;
	const char *sub = s + strlen(OVERRIDE_DIR "/"), *slash = strchr(sub, '/');
	if (!slash || strchr(slash + 1, '/') || strchr(slash + 1, ' ') ||
	    !(startswith(slash + 1, "before-") || startswith(slash + 1, "after-")))
		return false;
	_cleanup_free_ char *dir = strndup(sub, (size_t)(slash - sub));
	return dir && (streq(dir, "default") || domain_name_is_safe(dir) || uuid_is_valid(dir));
}

static char *undo_text(const struct action *a)
{
	return strdup("run it for release");
}

/* What an executable did is its own: nothing to compare with. */
const struct action_type action_run_script = {
	.name = "run-script",
	.verb = "run override",
	.any_stage = true,
	.target_ok = is_override_path,
	.target_is = "an executable in " OVERRIDE_DIR,
	.prior_ok = is_before_or_after,
	.prior_is = "before or after",
	.undo_text = undo_text,
};
