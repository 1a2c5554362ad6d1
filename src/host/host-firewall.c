// SPDX-License-Identifier: GPL-2.0-or-later
/* What firewalld says (D-Bus on a live host, a captured state for fixtures) and libvirt's
 * networks' bridges: the zones and services the firewall stage weighs. */
#include <fcntl.h>

#include "host/host-firewall.h"
#include "lib/dlopen-libxml2.h"
#include "lib/fileio.h"
#include "lib/strutil.h"
#include "system/bus.h"
#include "system/firewall.h"

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
	sd_bus *bus = NULL;
	_cleanup_(sym_sd_bus_error_freep) sd_bus_error error = SD_BUS_ERROR_NULL;
	_cleanup_(sym_sd_bus_message_unrefp) sd_bus_message *reply = NULL;
	const char *s;
	int r = bus_system(&bus);
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
	sd_bus *bus = NULL;
	_cleanup_(sym_sd_bus_message_unrefp) sd_bus_message *reply = NULL;
	int open, r = bus_system(&bus);
	if (r >= 0)
		r = sym_sd_bus_call_method(bus, FIREWALLD, FIREWALLD_PATH, FIREWALLD_ZONE,
					   "queryService", NULL, &reply, "ss", zone, service);
	if (r >= 0)
		r = sym_sd_bus_message_read(reply, "b", &open);
	return r < 0 ? r : open != 0;
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

/* An interface's zone: its libvirt network's (or that network's bridge's), or its bridge's or
 * device's. */
static int zone_of_interface(const struct sysroot *root, const char *type, const char *source,
			     char **ret)
{
	_cleanup_free_ char *bridge = NULL, *zone = NULL;
	int r;
	if (!type || !source)
		return -ENOENT;
	if (streq(type, "network")) {
		if ((r = libvirt_network_bridge(root, source, &bridge, &zone)) < 0)
			return r;
		if (zone && firewall_name_is_valid(zone)) {
			*ret = TAKE_PTR(zone);
			return 0;
		}
		if (!bridge)
			return -ENOENT;
		return firewall_zone_of(root, bridge, ret);
	}
	if (streq(type, "bridge") || streq(type, "direct"))
		return firewall_zone_of(root, source, ret);
	return -ENOENT;
}

const struct iface_zone *host_find_iface_zone(const struct host *h, size_t index)
{
	for (size_t i = 0; i < h->n_iface_zones; i++)
		if (h->iface_zones[i].index == index)
			return &h->iface_zones[i];
	return NULL;
}

int host_load_iface_zone(struct host *h, size_t index, const char *type, const char *source)
{
	_cleanup_free_ char *zone = NULL;
	if (host_find_iface_zone(h, index))
		return 0;
	int r = zone_of_interface(h->root, type, source, &zone);
	if (r == -ENOMEM)
		return r;
	struct iface_zone *l = realloc(h->iface_zones, sizeof *l * (h->n_iface_zones + 1));
	if (!l)
		return -ENOMEM;
	h->iface_zones = l;
	l[h->n_iface_zones++] = (struct iface_zone){ .index = index,
						     .zone = r < 0 ? NULL : TAKE_PTR(zone),
						     .error = MIN(r, 0) };
	return 0;
}

static const struct firewall_service *find_service(const struct host *h, const char *zone,
						   const char *service)
{
	for (size_t i = 0; i < h->n_firewall_services; i++)
		if (streq(h->firewall_services[i].zone, zone) &&
		    streq(h->firewall_services[i].service, service))
			return &h->firewall_services[i];
	return NULL;
}

int host_firewall_service_state(const struct host *h, const char *zone, const char *service)
{
	const struct firewall_service *s = find_service(h, zone, service);
	return s ? s->open : -ENODATA;
}

int host_load_firewall_service(struct host *h, const char *zone, const char *service)
{
	if (find_service(h, zone, service))
		return 0;
	int r = firewall_service_open(h->root, zone, service);
	if (r == -ENOMEM)
		return r;
	_cleanup_free_ char *z = strdup(zone), *s = strdup(service);
	struct firewall_service *l = z && s ? realloc(h->firewall_services,
						      sizeof *l * (h->n_firewall_services + 1)) :
					      NULL;
	if (!l)
		return -ENOMEM;
	h->firewall_services = l;
	struct firewall_service entry = { .zone = TAKE_PTR(z), .service = TAKE_PTR(s), .open = r };
	l[h->n_firewall_services++] = entry;
	return 0;
}

void host_firewall_free(struct host *h)
{
	for (size_t i = 0; i < h->n_iface_zones; i++)
		free(h->iface_zones[i].zone);
	for (size_t i = 0; i < h->n_firewall_services; i++) {
		free(h->firewall_services[i].zone);
		free(h->firewall_services[i].service);
	}
	free(h->iface_zones);
	free(h->firewall_services);
	h->iface_zones = NULL;
	h->firewall_services = NULL;
	h->n_iface_zones = h->n_firewall_services = 0;
}
