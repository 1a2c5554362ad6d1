// SPDX-License-Identifier: GPL-2.0-or-later
/* stop-user-unit: a unit of a user's systemd instance (PipeWire, PulseAudio), stopped. */
#include "core/action-type.h"
#include "lib/strutil.h"
#include "validate.h"

static char *undo_text(const struct action *a)
{
	return strdup_printf("start %s", a->target);
}

/* A user's service is running when it has processes in user@UID.service (sockets have
 * none to look at: not checked). */
static enum host_match check(const struct host *h, const struct action *a, char **ret_detail)
{
	_cleanup_strv_free_ char **running = NULL;
	if (!endswith(a->target, ".service"))
		return host_check_say(HOST_NOT_CHECKED, ret_detail, NULL);
	int r = host_user_services(h, a->uid, &running);
	if (r < 0)
		return host_check_say(HOST_NOT_CHECKED, ret_detail,
				      strdup_printf("cannot read /proc: %s", strerror(-r)));
	return strv_contains(running, a->target) ?
		       host_check_say(HOST_DIFFERS, ret_detail, strdup("running")) :
		       host_check_say(HOST_MATCHES, ret_detail, strdup("not running"));
}

const struct action_type action_stop_user_unit = {
	.name = "stop-user-unit",
	.verb = "stop user unit",
	.stage = STAGE_AUDIO,
	.target_ok = is_unit_name,
	.target_is = "a unit name",
	.undo_text = undo_text,
	.check = check,
};
