// SPDX-License-Identifier: GPL-2.0-or-later
/* firewalld through its D-Bus API: opening and closing a service (runtime configuration only,
 * never --permanent). What firewalld says is read in src/host/host-firewall.c. */
#include <ctype.h>

#include "lib/strutil.h"
#include "system/bus.h"
#include "system/firewall.h"

bool firewall_name_is_valid(const char *s)
{
	if (isempty(s) || strlen(s) > 64)
		return false;
	for (; *s; s++)
		if (!(isalnum((unsigned char)*s) || *s == '_' || *s == '-' || *s == '.'))
			return false;
	return true;
}

int firewall_set_service(const char *zone, const char *service, bool open)
{
	sd_bus *bus = NULL;
	_cleanup_(sym_sd_bus_error_freep) sd_bus_error error = SD_BUS_ERROR_NULL;
	if (!firewall_name_is_valid(zone) || !firewall_name_is_valid(service))
		return -EINVAL;
	int r = bus_system(&bus);
	if (r < 0)
		return r;
	/* Runtime only (timeout 0 = until removed or firewalld reloads): never --permanent. */
	return open ? sym_sd_bus_call_method(bus, FIREWALLD, FIREWALLD_PATH, FIREWALLD_ZONE,
					     "addService", &error, NULL, "ssi", zone, service, 0) :
		      sym_sd_bus_call_method(bus, FIREWALLD, FIREWALLD_PATH, FIREWALLD_ZONE,
					     "removeService", &error, NULL, "ss", zone, service);
}
