// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Stage shares: host directories shared with the VM while it runs. --enable-nfs exports the
 * VM's nfs_shares to its nfs_clients (exportfs, with nfs-server started if it was not);
 * --enable-smb labels the VM's smb_shares samba_share_t for SELinux (with smbd started if it
 * was not). Release withdraws exactly that. The lists come from root-owned vm.conf files, never
 * from the VM's description.
 */
#include "lib/log.h"
#include "lib/strutil.h"
#include "stages/stages.h"

/* What the planner weighs, into the host model, when the VM's flags ask for shares. */
int stage_shares_load(const struct plan_ctx *ctx, struct host *host)
{
	const struct config *c = ctx->cfg;
	int r = 0;
	if (vm_flags_has(ctx->flags, VM_FLAG_ENABLE_NFS) && c->nfs_shares && c->nfs_clients) {
		char *units[] = { (char *)"nfs-server.service", NULL };
		if ((r = host_load_nfs_shares(host, c->nfs_shares, c->nfs_clients)) < 0 ||
		    (r = host_load_units(host, units)) < 0)
			return r;
	}
	if (vm_flags_has(ctx->flags, VM_FLAG_ENABLE_SMB) && c->smb_shares) {
		char *units[] = { (char *)"smbd.service", NULL };
		if ((r = host_load_units(host, units)) < 0 ||
		    (r = host_load_smb_shares(host, c->smb_shares)) < 0)
			return r;
	}
	return r;
}

static int plan_service(struct plan_ctx *ctx, const char *unit, const char *why)
{
	const struct unit_state *u;
	int r = host_find_unit(ctx->host, unit, &u);
	if (r == -ENOENT)
		return plan_refuse(ctx->plan, "%s needs %s, which this host does not have", why, unit);
	if (r < 0)
		return plan_refuse(ctx->plan, "cannot ask systemd about %s: %s", unit, strerror(-r));
	return plan_shared(ctx, STAGE_SHARES, ACTION_START_UNIT, u->id,
			   streq(u->active_state, "active"), u->active_state, why);
}

static int plan_nfs(struct plan_ctx *ctx)
{
	const struct config *c = ctx->cfg;
	const struct host *h = ctx->host;
	int r;
	if (!c->nfs_shares || !c->nfs_clients)
		return plan_refuse(ctx->plan, "--enable-nfs, but no nfs_shares and nfs_clients are "
					      "set in the VM's vm.conf");
	if (!h->exportfs_installed)
		return plan_refuse(ctx->plan, "--enable-nfs, but %s is not installed", HOST_EXPORTFS);
	if ((r = plan_service(ctx, "nfs-server.service", "--enable-nfs")) < 0)
		return r;
	for (char **s = c->nfs_shares; s && *s; s++) {
		if (!strv_contains(h->share_dirs, *s)) {
			if ((r = plan_refuse(ctx->plan, "NFS share %s is not a directory", *s)) < 0)
				return r;
			continue;
		}
		for (char **cl = c->nfs_clients; cl && *cl; cl++) {
			_cleanup_free_ char *target = strdup_printf("%s:%s", *cl, *s);
			if (!target)
				return -ENOMEM;
			if (strv_contains(h->nfs_exported, target) &&
			    !host_find_held(h, "export-nfs", target, NULL))
				r = plan_note(ctx->plan, "%s is already exported to %s: left as it is", *s,
					      *cl);
			else
				r = plan_shared(ctx, STAGE_SHARES, ACTION_EXPORT_NFS, target, false,
						c->nfs_options ?: "rw,sync,no_subtree_check",
						"nfs_shares");
			if (r < 0)
				return r;
		}
	}
	return 0;
}

static int plan_smb(struct plan_ctx *ctx)
{
	const struct config *c = ctx->cfg;
	int r;
	if (!c->smb_shares)
		return plan_refuse(ctx->plan, "--enable-smb, but no smb_shares are set in the VM's "
					      "vm.conf");
	if ((r = plan_service(ctx, "smbd.service", "--enable-smb")) < 0)
		return r;
	if (!ctx->host->selinux_enabled)
		return plan_note(ctx->plan, "SELinux is off: the Samba shares need no label");
	for (char **s = c->smb_shares; s && *s; s++) {
		const char *context = host_find_share_label(ctx->host, *s);
		if (!context) {
			if ((r = plan_refuse(ctx->plan, "Samba share %s is not a labelled directory",
					     *s)) < 0)
				return r;
			continue;
		}
		if (strstr(context, ":" SAMBA_TYPE ":") &&
		    !host_find_held(ctx->host, "label-smb", *s, NULL))
			r = plan_note(ctx->plan, "%s is already labelled %s", *s, SAMBA_TYPE);
		else
			r = plan_shared(ctx, STAGE_SHARES, ACTION_LABEL_SMB, *s, false, context,
					"smb_shares");
		if (r < 0)
			return r;
	}
	return 0;
}

int stage_shares_plan(struct plan_ctx *ctx)
{
	int r = 0;
	if (vm_flags_has(ctx->flags, VM_FLAG_ENABLE_NFS))
		r = plan_nfs(ctx);
	if (r >= 0 && vm_flags_has(ctx->flags, VM_FLAG_ENABLE_SMB))
		r = plan_smb(ctx);
	return r;
}
