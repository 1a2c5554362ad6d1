// SPDX-License-Identifier: GPL-2.0-or-later
/* open-service: a firewalld service opened at runtime in a zone while the VM runs. */
#include "core/action-type.h"
#include "host/host-firewall.h"
#include "lib/log.h"
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

static int split(const char *target, char *zone, size_t zsize, const char **ret_service)
{
	const char *colon = strchr(target, ':');
	if (!colon || (size_t)(colon - target) >= zsize)
		return -EINVAL;
	memcpy(zone, target, (size_t)(colon - target));
	zone[colon - target] = 0;
	*ret_service = colon + 1;
	return firewall_name_is_valid(zone) && firewall_name_is_valid(*ret_service) ? 0 : -EINVAL;
}

static int run(struct exec_ctx *ctx, struct action *a)
{
	char zone[128];
	const char *svc;
	if (split(a->target, zone, sizeof zone, &svc) < 0)
		return log_error_errno(-EINVAL, "Bad firewall action %s", a->target);
	if (!ctx->root->live) /* firewalld is this machine's, not the host tree's */
		return log_error_errno(-EOPNOTSUPP, "Cannot open %s in a host tree: %m", a->target);
	int r = firewall_service_open(ctx->root, zone, svc);
	if (r > 0)
		return ACTION_NOOP;
	if (r >= 0)
		r = firewall_set_service(zone, svc, true);
	if (r >= 0 && firewall_service_open(ctx->root, zone, svc) <= 0)
		r = -EIO;
	if (r < 0)
		return log_error_errno(r, "Cannot open firewalld service %s in zone %s: %m", svc,
				       zone);
	log_info("Opened firewalld service %s in zone %s", svc, zone);
	return 0;
}

static int undo(struct exec_ctx *ctx, struct action *a)
{
	char zone[128];
	const char *svc;
	if (split(a->target, zone, sizeof zone, &svc) < 0)
		return log_error_errno(-EINVAL, "Bad firewall action %s", a->target);
	if (!ctx->root->live)
		return log_error_errno(-EOPNOTSUPP, "Cannot close %s in a host tree: %m", a->target);
	int r = firewall_service_open(ctx->root, zone, svc);
	if (r == 0 || r == -EHOSTDOWN)
		return ACTION_NOOP; /* closed already, or firewalld gone (with its runtime state) */
	if (r > 0)
		r = firewall_set_service(zone, svc, false);
	if (r < 0)
		return log_error_errno(r, "Cannot close firewalld service %s in zone %s: %m", svc,
				       zone);
	log_info("Closed firewalld service %s in zone %s", svc, zone);
	return 0;
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
	.run = run,
	.shared = true,
	.undo = undo,
	.undo_text = undo_text,
};
