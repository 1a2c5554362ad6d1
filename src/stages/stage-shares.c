// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Stage shares: host directories shared with the VM while it runs. --enable-nfs exports the
 * VM's nfs_shares to its nfs_clients (exportfs, with nfs-server started if it was not);
 * --enable-smb labels the VM's smb_shares samba_share_t for SELinux (with smbd started if it
 * was not). Release withdraws exactly that. The lists come from root-owned vm.conf files, never
 * from the VM's description.
 */
#include <sys/wait.h>
#include <sys/xattr.h>

#include "lib/log.h"
#include "lib/strutil.h"
#include "lib/subprocess.h"
#include "stages/stages.h"

#define SELINUX_XATTR "security.selinux"
#define SAMBA_TYPE "samba_share_t"

/* What the planner weighs, into the host model, when the VM's flags ask for shares. */
int stage_shares_load(const struct plan_ctx *ctx, struct host *host)
{
	const struct config *c = ctx->cfg;
	int r = 0;
	if (vm_flags_has(&ctx->dom->flags, VM_FLAG_ENABLE_NFS) && c->nfs_shares && c->nfs_clients) {
		char *units[] = { (char *)"nfs-server.service", NULL };
		if ((r = host_load_nfs_shares(host, c->nfs_shares, c->nfs_clients)) < 0 ||
		    (r = host_load_units(host, units)) < 0)
			return r;
	}
	if (vm_flags_has(&ctx->dom->flags, VM_FLAG_ENABLE_SMB) && c->smb_shares) {
		char *units[] = { (char *)"smbd.service", NULL };
		if ((r = host_load_units(host, units)) < 0 ||
		    (r = host_load_smb_shares(host, c->smb_shares)) < 0)
			return r;
	}
	return r;
}

static int plan_service(struct plan_ctx *ctx, const char *unit, const char *why)
{
	const struct unit_state *u = host_find_unit(ctx->host, unit);
	int e = u ? u->error : -ENOENT;
	if (e == -ENOENT)
		return plan_refuse(ctx->plan, "%s needs %s, which this host does not have", why, unit);
	if (e < 0)
		return plan_refuse(ctx->plan, "cannot ask systemd about %s: %s", unit, strerror(-e));
	if (!streq(u->active_state, "active"))
		return plan_add(ctx->plan, STAGE_SHARES, ACTION_START_UNIT, u->id, u->active_state,
				why, 0);
	return 0;
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
			if (strv_contains(h->nfs_exported, target))
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

/* "user:role:type:level" with the type replaced. */
static char *with_type(const char *context, const char *type)
{
	const char *a = strchr(context, ':'), *b = a ? strchr(a + 1, ':') : NULL,
		   *c = b ? strchr(b + 1, ':') : NULL;
	if (!c)
		return NULL;
	return strdup_printf("%.*s%s%s", (int)(b - context + 1), context, type, c);
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

static int exportfs(struct exec_ctx *ctx, struct action *a, bool export)
{
	const char *colon = strchr(a->target, ':');
	if (!colon || colon[1] != '/' || strchr(a->target, ' ') || a->target[0] == '-')
		return log_error_errno(-EINVAL, "Bad NFS action %s", a->target);
	if (!ctx->root->live) /* HOST_EXPORTFS is this machine's, not the host tree's */
		return log_error_errno(-EOPNOTSUPP, "Cannot %sexport %s in a host tree: %m",
				       export ? "" : "un", a->target);
	_cleanup_free_ char *client = strndup(a->target, (size_t)(colon - a->target));
	if (!client)
		return -ENOMEM;
	if (host_nfs_is_exported(ctx->root, client, colon + 1) == export)
		return ACTION_NOOP;
	char *envp[] = { (char *)"PATH=/usr/sbin:/usr/bin:/sbin:/bin", (char *)"LC_ALL=C", NULL };
	char *argv_export[] = { (char *)HOST_EXPORTFS, (char *)"-o", a->prior ?: (char *)"ro",
				a->target, NULL };
	char *argv_unexport[] = { (char *)HOST_EXPORTFS, (char *)"-u", a->target, NULL };
	int status = 0;
	int r = spawn_and_wait(HOST_EXPORTFS, export ? argv_export : argv_unexport, envp, log_file_fd(),
			       ctx->cfg->unit_timeout_s, &status);
	if (r >= 0 && (!WIFEXITED(status) || WEXITSTATUS(status) != 0))
		r = -EIO;
	if (r < 0)
		return log_error_errno(r, "Cannot %sexport %s: %m", export ? "" : "un", a->target);
	log_info("%s %s", export ? "Exported" : "Withdrew the export of", a->target);
	return 0;
}

int export_nfs_run(struct exec_ctx *ctx, struct action *a)
{
	return exportfs(ctx, a, true);
}

int export_nfs_undo(struct exec_ctx *ctx, struct action *a)
{
	return exportfs(ctx, a, false);
}

static int set_context(struct exec_ctx *ctx, const char *path, const char *context)
{
	_cleanup_free_ char *full = sysroot_path(ctx->root, path);
	char now[256];
	if (!full || path[0] != '/' || strstr(path, "/.."))
		return -EINVAL;
	if (host_selinux_context(full, now, sizeof now) >= 0 && streq(now, context))
		return ACTION_NOOP;
	if (setxattr(full, SELINUX_XATTR, context, strlen(context) + 1, 0) < 0)
		return -errno;
	return 0;
}

int label_smb_run(struct exec_ctx *ctx, struct action *a)
{
	_cleanup_free_ char *label = with_type(strna(a->prior), SAMBA_TYPE);
	int r = label ? set_context(ctx, a->target, label) : -EINVAL;
	if (r < 0)
		return log_error_errno(r, "Cannot label %s %s: %m", a->target, SAMBA_TYPE);
	if (r == 0)
		log_info("Labelled %s %s", a->target, SAMBA_TYPE);
	return r;
}

int label_smb_undo(struct exec_ctx *ctx, struct action *a)
{
	int r = a->prior ? set_context(ctx, a->target, a->prior) : -EINVAL;
	if (r < 0)
		return log_error_errno(r, "Cannot give %s its label %s back: %m", a->target,
				       strna(a->prior));
	if (r == 0)
		log_info("%s is labelled %s again", a->target, a->prior);
	return r;
}
