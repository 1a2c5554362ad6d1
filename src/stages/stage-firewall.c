// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Stage firewall (--enable-internal-services, --enable-external-services): firewalld services
 * opened at runtime while the VM runs. internal_services[ ] line i applies to the VM's
 * interface i, in the zone of its network's bridge, its bridge or its device (found from the
 * XML, nothing to repeat); host_services[ zone:svc,svc ] name the zone. A service that was
 * already open is left alone, and so stays open afterwards; one another running VM opened is
 * joined, and closed by the last of them.
 */
#include "lib/log.h"
#include "lib/strutil.h"
#include "host/host-firewall.h"
#include "stages/stages.h"
#include "system/firewall.h"

static int plan_open(const struct plan_ctx *ctx, const char *zone, const char *service,
		     const char *why)
{
	if (!firewall_name_is_valid(zone) || !firewall_name_is_valid(service))
		return plan_refuse(ctx->plan, "invalid firewalld zone or service '%s:%s'", zone,
				   service);
	int r = host_firewall_service_state(ctx->host, zone, service);
	if (r == -EHOSTDOWN)
		return plan_refuse(ctx->plan, "firewalld is not running, so service %s cannot be "
					      "opened in zone %s", service, zone);
	if (r < 0)
		return plan_refuse(ctx->plan, "cannot ask firewalld about %s in zone %s: %s",
				   service, zone, strerror(-r));
	_cleanup_free_ char *target = strdup_printf("%s:%s", zone, service);
	if (!target)
		return -ENOMEM;
	if (r > 0 && !host_find_held(ctx->host, "open-service", target, NULL))
		return plan_note(ctx->plan, "firewalld service %s is already open in zone %s: left "
					    "as it is", service, zone);
	return plan_shared(ctx, STAGE_FIREWALL, ACTION_OPEN_SERVICE, target, false, "closed", why);
}

/* Each service of a list: read into the host model (load), or planned from it. */
static int each_service(const struct plan_ctx *ctx, struct host *load, const char *zone,
			const char *list, char sep, const char *why)
{
	_cleanup_free_ char *copy = strdup(list);
	char delim[2] = { sep, 0 }, *save = NULL;
	if (!copy)
		return -ENOMEM;
	for (char *s = strtok_r(copy, delim, &save); s; s = strtok_r(NULL, delim, &save)) {
		int r = !load ? plan_open(ctx, zone, s, why) :
		      firewall_name_is_valid(zone) && firewall_name_is_valid(s) ?
				host_load_firewall_service(load, zone, s) : 0;
		if (r < 0)
			return r;
	}
	return 0;
}

/* The services the VM's flags open, in their zones: read into the host model (load), or, with
 * load NULL, planned from it. */
static int walk(const struct plan_ctx *ctx, struct host *load)
{
	const struct vm_flags *f = ctx->flags;
	int r;
	if (vm_flags_has(f, VM_FLAG_ENABLE_INTERNAL_SERVICES))
		for (size_t i = 0; i < ctx->dom->n_ifaces && f->internal_services &&
				   i < strv_length(f->internal_services); i++) {
			const struct interface *iface = &ctx->dom->ifaces[i];
			_cleanup_free_ char *why = NULL;
			if (isempty(f->internal_services[i]))
				continue;
			if (load && (r = host_load_iface_zone(load, i, iface->type, iface->source)) < 0)
				return r;
			const struct iface_zone *z = host_find_iface_zone(load ?: ctx->host, i);
			if (!z || !z->zone) {
				_cleanup_free_ char *src = str_escape(strna(iface->source), 64);
				if (!load && (r = plan_refuse(ctx->plan, "no firewalld zone found for "
									 "interface %zu (%s %s)", i,
							      strna(iface->type), strna(src))) < 0)
					return r;
				continue;
			}
			why = strdup_printf("interface %zu (%s %s)", i, iface->type, iface->source);
			if (!why)
				return -ENOMEM;
			if ((r = each_service(ctx, load, z->zone, f->internal_services[i], ' ',
					      why)) < 0)
				return r;
		}
	if (vm_flags_has(f, VM_FLAG_ENABLE_EXTERNAL_SERVICES))
		for (char **h = f->host_services; h && *h; h++) {
			_cleanup_free_ char *zone = strndup(*h, strcspn(*h, ":"));
			const char *list = strchr(*h, ':');
			if (!zone || !list)
				return -ENOMEM;
			if ((r = each_service(ctx, load, zone, list + 1, ',', "host_services")) < 0)
				return r;
		}
	return 0;
}

int stage_firewall_load(const struct plan_ctx *ctx, struct host *host)
{
	return walk(ctx, host);
}

int stage_firewall_plan(struct plan_ctx *ctx)
{
	return walk(ctx, NULL);
}
