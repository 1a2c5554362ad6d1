// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Stage firewall (--enable-internal-services, --enable-external-services): firewalld services
 * opened at runtime while the VM runs. internal_services[ ] line i applies to the VM's
 * interface i, in the zone of its network's bridge, its bridge or its device (found from the
 * XML, nothing to repeat); host_services[ zone:svc,svc ] name the zone. A service that was
 * already open is left alone, and so stays open afterwards.
 */
#include "lib/strutil.h"
#include "stages/stages.h"
#include "system/firewall.h"

static int zone_of_interface(struct plan_ctx *ctx, const struct interface *iface, char **ret)
{
	_cleanup_free_ char *bridge = NULL, *zone = NULL;
	int r;
	if (!iface->type || !iface->source)
		return -ENOENT;
	if (streq(iface->type, "network")) {
		if ((r = libvirt_network_bridge(ctx->host->root, iface->source, &bridge, &zone)) < 0)
			return r;
		if (zone && firewall_name_is_valid(zone)) {
			*ret = TAKE_PTR(zone);
			return 0;
		}
		if (!bridge)
			return -ENOENT;
		return firewall_zone_of(ctx->host->root, bridge, ret);
	}
	if (streq(iface->type, "bridge") || streq(iface->type, "direct"))
		return firewall_zone_of(ctx->host->root, iface->source, ret);
	return -ENOENT;
}

static int plan_open(struct plan_ctx *ctx, const char *zone, const char *service, const char *why)
{
	if (!firewall_name_is_valid(zone) || !firewall_name_is_valid(service))
		return plan_refuse(ctx->plan, "invalid firewalld zone or service '%s:%s'", zone,
				   service);
	int r = firewall_service_open(ctx->host->root, zone, service);
	if (r == -EHOSTDOWN)
		return plan_refuse(ctx->plan, "firewalld is not running, so service %s cannot be "
					      "opened in zone %s", service, zone);
	if (r < 0)
		return plan_refuse(ctx->plan, "cannot ask firewalld about %s in zone %s: %s",
				   service, zone, strerror(-r));
	if (r > 0)
		return plan_note(ctx->plan, "firewalld service %s is already open in zone %s: left "
					    "as it is", service, zone);
	_cleanup_free_ char *target = strdup_printf("%s:%s", zone, service);
	if (!target)
		return -ENOMEM;
	return plan_add(ctx->plan, STAGE_FIREWALL, ACTION_OPEN_SERVICE, target, "closed", why, 0);
}

static int plan_words(struct plan_ctx *ctx, const char *zone, const char *list, char sep,
		      const char *why)
{
	_cleanup_free_ char *copy = strdup(list);
	char delim[2] = { sep, 0 }, *save = NULL;
	if (!copy)
		return -ENOMEM;
	for (char *s = strtok_r(copy, delim, &save); s; s = strtok_r(NULL, delim, &save)) {
		int r = plan_open(ctx, zone, s, why);
		if (r < 0)
			return r;
	}
	return 0;
}

int stage_firewall_plan(struct plan_ctx *ctx)
{
	const struct vm_flags *f = &ctx->dom->flags;
	int r;
	if (vm_flags_has(f, VM_FLAG_ENABLE_INTERNAL_SERVICES))
		for (size_t i = 0; i < ctx->dom->n_ifaces && f->internal_services &&
				   i < strv_length(f->internal_services); i++) {
			const struct interface *iface = &ctx->dom->ifaces[i];
			_cleanup_free_ char *zone = NULL, *why = NULL;
			if (isempty(f->internal_services[i]))
				continue;
			r = zone_of_interface(ctx, iface, &zone);
			if (r < 0) {
				_cleanup_free_ char *src = str_escape(strna(iface->source), 64);
				if ((r = plan_refuse(ctx->plan, "no firewalld zone found for interface %zu "
								"(%s %s)", i, strna(iface->type),
						     strna(src))) < 0)
					return r;
				continue;
			}
			why = strdup_printf("interface %zu (%s %s)", i, iface->type, iface->source);
			if (!why || (r = plan_words(ctx, zone, f->internal_services[i], ' ', why)) < 0)
				return r < 0 ? r : -ENOMEM;
		}
	if (vm_flags_has(f, VM_FLAG_ENABLE_EXTERNAL_SERVICES))
		for (char **h = f->host_services; h && *h; h++) {
			_cleanup_free_ char *zone = strndup(*h, strcspn(*h, ":"));
			const char *list = strchr(*h, ':');
			if (!zone || !list)
				return -ENOMEM;
			if ((r = plan_words(ctx, zone, list + 1, ',', "host_services")) < 0)
				return r;
		}
	return 0;
}
