// SPDX-License-Identifier: GPL-2.0-or-later
/* firewalld through its D-Bus API (runtime configuration only, never --permanent). */
#include <ctype.h>
#include <fcntl.h>

#include "lib/dlopen-libxml2.h"
#include "lib/fileio.h"
#include "lib/strutil.h"
#include "system/bus.h"
#include "system/firewall.h"

#define FIREWALLD "org.fedoraproject.FirewallD1"
#define FIREWALLD_PATH "/org/fedoraproject/FirewallD1"
#define FIREWALLD_ZONE "org.fedoraproject.FirewallD1.zone"

bool firewall_name_is_valid(const char *s)
{
	if (isempty(s) || strlen(s) > 64)
		return false;
	for (; *s; s++)
		if (!(isalnum((unsigned char)*s) || *s == '_' || *s == '-' || *s == '.'))
			return false;
	return true;
}

/* The captured state of a fixture; no file means no firewalld. */
static int snapshot_read(const struct sysroot *root, char **ret)
{
	_cleanup_free_ char *path = sysroot_path(root, "/firewalld/state");
	if (!path)
		return -ENOMEM;
	int r = read_attr_alloc_at(AT_FDCWD, path, 65536, ret);
	return r == -ENOENT ? -EHOSTDOWN : r;
}

/*
 * The first line "KEY X [Y]" whose X (and Y, if given) match; ret (if given) gets its last
 * word. -ENOENT when no line matches.
 */
static int snapshot_find(const struct sysroot *root, const char *key, const char *x,
			 const char *y, char **ret)
{
	_cleanup_free_ char *text = NULL;
	int r = snapshot_read(root, &text);
	if (r < 0)
		return r;
	char *save = NULL;
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char k[64], a[128], b[128] = "";
		int n = sscanf(l, "%63s %127s %127s", k, a, b);
		if (n < 2 || !streq(k, key) || (x && (n < 3 || !streq(a, x))) ||
		    (y && !streq(b, y)))
			continue;
		if (!ret)
			return 0;
		*ret = strdup(n == 3 ? b : a);
		return *ret ? 0 : -ENOMEM;
	}
	return -ENOENT;
}

static int call_string(const char *iface, const char *method, char **ret, const char *types,
		       const char *a1, const char *a2)
{
	_cleanup_(sym_sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
	_cleanup_(sym_sd_bus_error_freep) sd_bus_error error = SD_BUS_ERROR_NULL;
	_cleanup_(sym_sd_bus_message_unrefp) sd_bus_message *reply = NULL;
	const char *s;
	int r = bus_open_system(&bus);
	if (r < 0)
		return r;
	if (!types)
		r = sym_sd_bus_call_method(bus, FIREWALLD, FIREWALLD_PATH, iface, method, &error,
					   &reply, "");
	else if (streq(types, "s"))
		r = sym_sd_bus_call_method(bus, FIREWALLD, FIREWALLD_PATH, iface, method, &error,
					   &reply, "s", a1);
	else
		r = sym_sd_bus_call_method(bus, FIREWALLD, FIREWALLD_PATH, iface, method, &error,
					   &reply, "ss", a1, a2);
	if (r < 0 && sym_sd_bus_error_has_name(&error, "org.freedesktop.DBus.Error.ServiceUnknown"))
		return -EHOSTDOWN;
	if (r < 0)
		return r;
	if (!ret)
		return 0;
	if ((r = sym_sd_bus_message_read(reply, "s", &s)) < 0)
		return r;
	*ret = strdup(s);
	return *ret ? 0 : -ENOMEM;
}

int firewall_zone_of(const struct sysroot *root, const char *iface, char **ret_zone)
{
	_cleanup_free_ char *zone = NULL;
	int r;
	if (!firewall_name_is_valid(iface))
		return -EINVAL;
	if (!root->live) {
		r = snapshot_find(root, "interface", iface, NULL, &zone);
		if (r == -ENOENT)
			r = snapshot_find(root, "default", NULL, NULL, &zone);
	} else {
		r = call_string(FIREWALLD_ZONE, "getZoneOfInterface", &zone, "s", iface, NULL);
		/* An interface bound to no zone is in the default zone. */
		if (r >= 0 && isempty(zone)) {
			free(zone);
			zone = NULL;
			r = call_string(FIREWALLD, "getDefaultZone", &zone, NULL, NULL, NULL);
		}
	}
	if (r < 0)
		return r;
	if (!firewall_name_is_valid(zone))
		return -EINVAL;
	*ret_zone = TAKE_PTR(zone);
	return 0;
}

int firewall_service_open(const struct sysroot *root, const char *zone, const char *service)
{
	if (!root->live) {
		int r = snapshot_find(root, "service", zone, service, NULL);
		return r == -ENOENT ? 0 : r < 0 ? r : 1;
	}
	_cleanup_(sym_sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
	_cleanup_(sym_sd_bus_message_unrefp) sd_bus_message *reply = NULL;
	int open, r = bus_open_system(&bus);
	if (r >= 0)
		r = sym_sd_bus_call_method(bus, FIREWALLD, FIREWALLD_PATH, FIREWALLD_ZONE,
					   "queryService", NULL, &reply, "ss", zone, service);
	if (r >= 0)
		r = sym_sd_bus_message_read(reply, "b", &open);
	return r < 0 ? r : open != 0;
}

int firewall_set_service(const char *zone, const char *service, bool open)
{
	_cleanup_(sym_sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
	_cleanup_(sym_sd_bus_error_freep) sd_bus_error error = SD_BUS_ERROR_NULL;
	if (!firewall_name_is_valid(zone) || !firewall_name_is_valid(service))
		return -EINVAL;
	int r = bus_open_system(&bus);
	if (r < 0)
		return r;
	/* Runtime only (timeout 0 = until removed or firewalld reloads): never --permanent. */
	return open ? sym_sd_bus_call_method(bus, FIREWALLD, FIREWALLD_PATH, FIREWALLD_ZONE,
					     "addService", &error, NULL, "ssi", zone, service, 0) :
		      sym_sd_bus_call_method(bus, FIREWALLD, FIREWALLD_PATH, FIREWALLD_ZONE,
					     "removeService", &error, NULL, "ss", zone, service);
}

int libvirt_network_bridge(const struct sysroot *root, const char *net, char **ret_bridge,
			   char **ret_zone)
{
	static const char *const dirs[] = { "/run/libvirt/network", "/etc/libvirt/qemu/networks" };
	if (!firewall_name_is_valid(net))
		return -EINVAL;
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		_cleanup_free_ char *rel = strdup_printf("%s/%s.xml", dirs[i], net);
		_cleanup_free_ char *path = rel ? sysroot_path(root, rel) : NULL, *text = NULL;
		if (!path)
			return -ENOMEM;
		if (read_attr_alloc_at(AT_FDCWD, path, 1u << 20, &text) < 0 || strstr(text, "<!DOCTYPE"))
			continue;
		int r = dlopen_libxml2();
		if (r < 0)
			return r;
		int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
		xmlDocPtr doc = sym_xmlReadMemory(text, (int)strlen(text), "network.xml", "UTF-8",
						  opts);
		if (!doc)
			continue;
		xmlNode *root_el = sym_xmlDocGetRootElement(doc);
		for (xmlNode *c = root_el ? root_el->children : NULL; c; c = c->next) {
			if (c->type != XML_ELEMENT_NODE ||
			    !sym_xmlStrEqual(c->name, BAD_CAST "bridge"))
				continue;
			xmlChar *name = sym_xmlGetNoNsProp(c, BAD_CAST "name");
			xmlChar *zone = sym_xmlGetNoNsProp(c, BAD_CAST "zone");
			*ret_bridge = name ? strdup((const char *)name) : NULL;
			*ret_zone = zone ? strdup((const char *)zone) : NULL;
			(*sym_xmlFree)(name);
			(*sym_xmlFree)(zone);
			break;
		}
		sym_xmlFreeDoc(doc);
		return 0;
	}
	return -ENOENT;
}
