// SPDX-License-Identifier: GPL-2.0-or-later
/* open-service: a firewalld service opened at runtime in a zone while the VM runs. */
#include "core/action-type.h"
#include "lib/strutil.h"
#include "system/firewall.h"

/* "zone:service" in firewalld. */
static bool is_zone_service(const char *s)
{
	const char *colon = strchr(s, ':');
	if (!colon || colon == s)
		return false;
	_cleanup_free_ char *zone = strndup(s, (size_t)(colon - s));
	return zone && firewall_name_is_valid(zone) && firewall_name_is_valid(colon + 1);
}

static char *undo_text(const struct action *a)
{
	return strdup("close it");
}

/* Not checked: asking firewalld is more than one cheap read. */
const struct action_type action_open_service = {
	.name = "open-service",
	.verb = "open firewall service",
	.stage = STAGE_FIREWALL,
	.target_ok = is_zone_service,
	.target_is = "zone:service",
	.undo_text = undo_text,
};
