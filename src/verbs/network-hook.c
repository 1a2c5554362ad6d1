// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The libvirt network hook (/etc/libvirt/hooks/network NAME OP SUBOP EXTRA, <hookData> on
 * stdin), as the scripts had it: once a network has started, route its DNS domain to its own
 * dnsmasq through systemd-resolved (network_dns), and put its bridge in the firewalld zone its
 * XML names (network_zone); when it stops, give resolved the link back. Both are off unless
 * vfio-hook.conf switches them on. Never fails libvirt: a network works without either.
 */
#include <arpa/inet.h>
#include <fcntl.h>

#include "hook.h"
#include "input/config.h"
#include "input/xml-safe.h"
#include "lib/fileio.h"
#include "lib/log.h"
#include "lib/strutil.h"
#include "lib/sysroot.h"
#include "system/bus.h"
#include "system/firewall.h"

#define RESOLVED "org.freedesktop.resolve1"
#define RESOLVED_PATH "/org/freedesktop/resolve1"
#define RESOLVED_MANAGER "org.freedesktop.resolve1.Manager"

struct vnet {
	char *name, *bridge, *zone, *domain, *address;
};

static void vnet_done(struct vnet *n)
{
	free(n->name);
	free(n->bridge);
	free(n->zone);
	free(n->domain);
	free(n->address);
}

static char *prop(xmlNode *n, const char *name)
{
	xmlChar *v = n ? sym_xmlGetNoNsProp(n, BAD_CAST name) : NULL;
	char *s = v ? strdup((const char *)v) : NULL;
	(*sym_xmlFree)(v);
	return s;
}

static xmlNode *child(xmlNode *n, const char *name)
{
	for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && sym_xmlStrEqual(c->name, BAD_CAST name))
			return c;
	return NULL;
}

static int parse(const char *xml, size_t size, struct vnet *ret)
{
	char err[256];
	xmlDocPtr doc = NULL;
	int r = xml_read_untrusted("network XML", xml, size, 4u << 20, &doc, err, sizeof err);
	if (r < 0)
		return log_error_errno(r, "%s", err);
	xmlNode *net = child(sym_xmlDocGetRootElement(doc), "network");
	xmlNode *name = child(net, "name");
	xmlChar *text = name ? sym_xmlNodeGetContent(name) : NULL;
	ret->name = text ? strdup((const char *)text) : NULL;
	(*sym_xmlFree)(text);
	ret->bridge = prop(child(net, "bridge"), "name");
	ret->zone = prop(child(net, "bridge"), "zone");
	ret->domain = prop(child(net, "domain"), "name");
	for (xmlNode *ip = net ? net->children : NULL; ip && !ret->address; ip = ip->next) {
		_cleanup_free_ char *family = prop(ip, "family");
		if (ip->type == XML_ELEMENT_NODE && sym_xmlStrEqual(ip->name, BAD_CAST "ip") &&
		    (!family || streq(family, "ipv4")))
			ret->address = prop(ip, "address");
	}
	sym_xmlFreeDoc(doc);
	if (!net || !ret->bridge || !firewall_name_is_valid(ret->bridge))
		return log_error_errno(-EINVAL, "network XML has no usable <bridge name=...>");
	return 0;
}

static int ifindex_of(const struct sysroot *root, const char *ifname, int *ret)
{
	char path[256];
	unsigned v;
	snprintf(path, sizeof path, "class/net/%s/ifindex", ifname);
	int r = read_attr_uint_at(root->sys_fd, path, 10, &v);
	if (r < 0)
		return r;
	*ret = (int)v;
	return 0;
}

static int route_dns(int ifindex, const struct vnet *n)
{
	_cleanup_(sym_sd_bus_error_freep) sd_bus_error error = SD_BUS_ERROR_NULL;
	_cleanup_(sym_sd_bus_message_unrefp) sd_bus_message *m = NULL;
	struct in_addr a;
	sd_bus *bus;
	if (inet_pton(AF_INET, n->address, &a) != 1)
		return -EINVAL;
	int r = bus_system(&bus);
	if (r < 0)
		return r;
	r = sym_sd_bus_message_new_method_call(bus, &m, RESOLVED, RESOLVED_PATH, RESOLVED_MANAGER,
					       "SetLinkDNS");
	if (r >= 0)
		r = sym_sd_bus_message_append(m, "i", ifindex);
	if (r >= 0)
		r = sym_sd_bus_message_open_container(m, 'a', "(iay)");
	if (r >= 0)
		r = sym_sd_bus_message_open_container(m, 'r', "iay");
	if (r >= 0)
		r = sym_sd_bus_message_append(m, "i", AF_INET);
	if (r >= 0)
		r = sym_sd_bus_message_append_array(m, 'y', &a, sizeof a);
	for (int i = 0; r >= 0 && i < 2; i++)
		r = sym_sd_bus_message_close_container(m);
	if (r >= 0)
		r = sym_sd_bus_call(bus, m, 0, &error, NULL);
	/* "~domain": a routing-only domain, queries for it go to this link's DNS. */
	if (r >= 0)
		r = sym_sd_bus_call_method(bus, RESOLVED, RESOLVED_PATH, RESOLVED_MANAGER,
					   "SetLinkDomains", &error, NULL, "ia(sb)", ifindex, 1,
					   n->domain, 1);
	return r;
}

static int revert_dns(int ifindex)
{
	sd_bus *bus;
	int r = bus_system(&bus);
	if (r < 0)
		return r;
	return sym_sd_bus_call_method(bus, RESOLVED, RESOLVED_PATH, RESOLVED_MANAGER, "RevertLink",
				      NULL, NULL, "i", ifindex);
}

static int set_zone(const char *zone, const char *ifname)
{
	sd_bus *bus;
	int r = bus_system(&bus);
	if (r < 0)
		return r;
	return sym_sd_bus_call_method(bus, "org.fedoraproject.FirewallD1",
				      "/org/fedoraproject/FirewallD1",
				      "org.fedoraproject.FirewallD1.zone", "changeZoneOfInterface",
				      NULL, NULL, "ss", zone, ifname);
}

static void act(const struct hook_args *args, const struct sysroot *root,
		const struct config *cfg, const struct vnet *n, bool started)
{
	bool dns = n->domain && n->address && firewall_name_is_valid(n->domain);
	bool zone = started && n->zone && firewall_name_is_valid(n->zone);
	int ifindex = 0, r;

	if (args->dry_run) {
		printf("Plan for network '%s' (%s/%s):\n", strna(n->name), args->op, args->subop);
		if (dns)
			printf("  %s DNS for ~%s on %s (to %s)%s\n", started ? "route" : "revert",
			       n->domain, n->bridge, n->address,
			       cfg->network_dns ? "" : " [off: network_dns = no]");
		if (zone)
			printf("  put %s in firewalld zone %s%s\n", n->bridge, n->zone,
			       cfg->network_zone ? "" : " [off: network_zone = no]");
		if (!dns && !zone)
			printf("  nothing to do\n");
		return;
	}
	if (!root->live && ((dns && cfg->network_dns) || (zone && cfg->network_zone))) {
		/* systemd-resolved and firewalld are this machine's, not the host tree's. */
		log_warning("Not routing DNS or changing zones for a host tree (--sysroot)");
		return;
	}
	if (dns && cfg->network_dns) {
		if ((r = ifindex_of(root, n->bridge, &ifindex)) < 0)
			log_warning_errno(r, "No interface %s: %m", n->bridge);
		else if ((r = started ? route_dns(ifindex, n) : revert_dns(ifindex)) < 0)
			log_warning_errno(r, "Cannot %s DNS on %s with systemd-resolved: %m",
					  started ? "route" : "revert", n->bridge);
		else
			log_info("%s DNS for ~%s on %s", started ? "Routed" : "Reverted", n->domain,
				 n->bridge);
	}
	if (zone && cfg->network_zone) {
		if ((r = set_zone(n->zone, n->bridge)) < 0)
			log_warning_errno(r, "Cannot put %s in firewalld zone %s: %m", n->bridge,
					  n->zone);
		else
			log_info("Put %s in firewalld zone %s", n->bridge, n->zone);
	}
}

int network_hook_run(const struct hook_args *args)
{
	_cleanup_free_ char *xml = NULL, *err = NULL;
	_cleanup_(sysroot_freep) struct sysroot *root = NULL;
	struct vnet n = { 0 };
	struct config cfg;
	size_t size = 0;

	log_set_context(args->vm, args->op);
	/* libvirt writes into a pipe: always read it. */
	int r = read_stream_capped(STDIN_FILENO, 4u << 20, &xml, &size);
	bool started = streq(args->op, "started") && streq(args->subop, "begin");
	bool stopped = streq(args->op, "stopped") && streq(args->subop, "end");
	if (r < 0 || !(started || stopped))
		return EXIT_SUCCESS;
	if (!args->dry_run && geteuid() != 0 && !args->sysroot)
		return EXIT_SUCCESS;
	if (sysroot_open(args->sysroot, &root) < 0 || parse(xml, size, &n) < 0) {
		vnet_done(&n);
		return args->dry_run ? EXIT_FAILURE : EXIT_SUCCESS;
	}
	if (config_load(root, &cfg, &err) < 0) {
		log_warning("%s", strna(err));
		config_done(&cfg);
	}
	if (!args->dry_run && root->live)
		log_enable_journal(true);
	act(args, root, &cfg, &n, started);
	config_done(&cfg);
	vnet_done(&n);
	return EXIT_SUCCESS;
}
