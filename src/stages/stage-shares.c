// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Stage shares: host directories shared with the VM while it runs. --enable-nfs exports the
 * VM's nfs_shares to its nfs_clients (exportfs, with nfs-server started if it was not);
 * --enable-smb labels the VM's smb_shares samba_share_t for SELinux (with smbd started if it
 * was not). Release withdraws exactly that. The lists come from root-owned vm.conf files, never
 * from the VM's description.
 */
#include <sys/stat.h>

#include "host/host-shares.h"
#include "lib/fileio.h"
#include "lib/strutil.h"
#include "stages/stages.h"

static bool is_directory(const struct sysroot *root, const char *path)
{
	struct stat st;
	_cleanup_free_ char *full = sysroot_path(root, path);
	return full && stat(full, &st) == 0 && S_ISDIR(st.st_mode);
}

static int plan_service(struct plan_ctx *ctx, const char *unit, const char *why)
{
	struct unit_state u = { 0 };
	int r = host_unit_state(ctx->host, unit, &u);
	if (r == -ENOENT)
		return plan_refuse(ctx->plan, "%s needs %s, which this host does not have", why, unit);
	if (r < 0)
		return plan_refuse(ctx->plan, "cannot ask systemd about %s: %s", unit, strerror(-r));
	if (!streq(u.active_state, "active"))
		r = plan_add(ctx->plan, STAGE_SHARES, ACTION_START_UNIT, u.id, u.active_state, why, 0);
	unit_state_done(&u);
	return r;
}

static int plan_nfs(struct plan_ctx *ctx)
{
	const struct config *c = ctx->cfg;
	_cleanup_free_ char *exportfs = sysroot_path(ctx->host->root, EXPORTFS);
	int r;
	if (!c->nfs_shares || !c->nfs_clients)
		return plan_refuse(ctx->plan, "--enable-nfs, but no nfs_shares and nfs_clients are "
					      "set in the VM's vm.conf");
	if (!exportfs || access(exportfs, X_OK) < 0)
		return plan_refuse(ctx->plan, "--enable-nfs, but %s is not installed", EXPORTFS);
	if ((r = plan_service(ctx, "nfs-server.service", "--enable-nfs")) < 0)
		return r;
	for (char **s = c->nfs_shares; s && *s; s++) {
		if (!is_directory(ctx->host->root, *s)) {
			if ((r = plan_refuse(ctx->plan, "NFS share %s is not a directory", *s)) < 0)
				return r;
			continue;
		}
		for (char **cl = c->nfs_clients; cl && *cl; cl++) {
			_cleanup_free_ char *target = strdup_printf("%s:%s", *cl, *s);
			if (!target)
				return -ENOMEM;
			if (nfs_is_exported(ctx->host->root, *cl, *s))
				r = plan_note(ctx->plan, "%s is already exported to %s: left as it is", *s,
					      *cl);
			else
				r = plan_add(ctx->plan, STAGE_SHARES, ACTION_EXPORT_NFS, target,
					     c->nfs_options ?: "rw,sync,no_subtree_check", "nfs_shares",
					     0);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

static bool selinux_enabled(const struct sysroot *root)
{
	return exists_at(root->sys_fd, "fs/selinux/enforce");
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
	if (!selinux_enabled(ctx->host->root))
		return plan_note(ctx->plan, "SELinux is off: the Samba shares need no label");
	for (char **s = c->smb_shares; s && *s; s++) {
		char context[256];
		_cleanup_free_ char *full = sysroot_path(ctx->host->root, *s);
		if (!full || !is_directory(ctx->host->root, *s) ||
		    selinux_context_read(full, context, sizeof context) < 0) {
			if ((r = plan_refuse(ctx->plan, "Samba share %s is not a labelled directory",
					     *s)) < 0)
				return r;
			continue;
		}
		if (strstr(context, ":" SAMBA_TYPE ":"))
			r = plan_note(ctx->plan, "%s is already labelled %s", *s, SAMBA_TYPE);
		else
			r = plan_add(ctx->plan, STAGE_SHARES, ACTION_LABEL_SMB, *s, context,
				     "smb_shares", 0);
		if (r < 0)
			return r;
	}
	return 0;
}

int stage_shares_plan(struct plan_ctx *ctx)
{
	int r = 0;
	if (vm_flags_has(&ctx->dom->flags, VM_FLAG_ENABLE_NFS))
		r = plan_nfs(ctx);
	if (r >= 0 && vm_flags_has(&ctx->dom->flags, VM_FLAG_ENABLE_SMB))
		r = plan_smb(ctx);
	return r;
}
