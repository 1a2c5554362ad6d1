// SPDX-License-Identifier: GPL-2.0-or-later
/* A system unit, for stop-unit and start-unit (system-unit.h). */
#include "lib/strutil.h"
#include "system-unit.h"

enum host_match system_unit_check(const struct host *h, const struct action *a, bool want_active,
				  char **ret_detail)
{
	struct unit_state u = { 0 };
	int r = host_unit_state(h, a->target, &u);
	if (r == -ENOENT)
		return host_check_say(want_active ? HOST_DIFFERS : HOST_MATCHES, ret_detail,
				      strdup("not loaded"));
	if (r < 0)
		return host_check_say(HOST_NOT_CHECKED, ret_detail,
				      strdup_printf("cannot ask systemd: %s", strerror(-r)));
	bool active = streq(u.active_state, "active") || streq(u.active_state, "activating") ||
		      streq(u.active_state, "reloading");
	char *detail = strdup(u.active_state);
	unit_state_done(&u);
	return host_check_say(active == want_active ? HOST_MATCHES : HOST_DIFFERS, ret_detail,
			      detail);
}
