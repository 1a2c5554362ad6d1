// SPDX-License-Identifier: GPL-2.0-or-later
/* terminate-session: a graphical logind session whose processes hold the GPU, ended. */
#include "core/action-type.h"
#include "lib/strutil.h"

static bool is_session_id(const char *s)
{
	return !isempty(s) && strlen(s) <= 64 && str_is_alnum_or(s, "_-.");
}

/* Nothing to give back (the display manager brings a new session), nothing cheap to check. */
const struct action_type action_terminate_session = {
	.name = "terminate-session",
	.verb = "end session",
	.stage = STAGE_SESSIONS,
	.target_ok = is_session_id,
	.target_is = "a session id",
};
