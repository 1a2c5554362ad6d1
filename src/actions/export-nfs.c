// SPDX-License-Identifier: GPL-2.0-or-later
/* export-nfs: one of the VM's nfs_shares exported to one of its nfs_clients (exportfs). */
#include <sys/wait.h>

#include "core/action-type.h"
#include "host/host.h"
#include "lib/log.h"
#include "lib/strutil.h"
#include "lib/subprocess.h"
#include "validate.h"

/* "client:/path" as exportfs takes it: the client never starts like an option. */
static bool is_nfs_export(const char *s)
{
	const char *colon = strchr(s, ':');
	if (!colon || colon == s || s[0] == '-' || (size_t)(colon - s) >= 128)
		return false;
	_cleanup_free_ char *client = strndup(s, (size_t)(colon - s));
	return client && str_is_alnum_or(client, "./*-_[]") && is_share_path(colon + 1);
}

static bool is_nfs_options(const char *s)
{
	return !isempty(s) && strlen(s) <= 256 && str_is_alnum_or(s, ",=_");
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

static int run(struct exec_ctx *ctx, struct action *a)
{
	return exportfs(ctx, a, true);
}

static int undo(struct exec_ctx *ctx, struct action *a)
{
	return exportfs(ctx, a, false);
}

static char *undo_text(const struct action *a)
{
	return strdup("withdraw the export");
}

/* Not checked: nothing cheap to compare with. */
const struct action_type action_export_nfs = {
	.name = "export-nfs",
	.verb = "export over NFS",
	.stage = STAGE_SHARES,
	.target_ok = is_nfs_export,
	.target_is = "client:/path",
	.prior_ok = is_nfs_options,
	.prior_is = "export options",
	.run = run,
	.shared = true,
	.undo = undo,
	.undo_text = undo_text,
};
