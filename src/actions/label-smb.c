// SPDX-License-Identifier: GPL-2.0-or-later
/* label-smb: one of the VM's smb_shares labelled samba_share_t for SELinux; its label back after. */
#include <sys/xattr.h>

#include "core/action-type.h"
#include "host/host.h"
#include "lib/log.h"
#include "lib/strutil.h"
#include "validate.h"

/* user:role:type:level[...], what getxattr("security.selinux") gave. */
static bool is_selinux_context(const char *s)
{
	size_t colons = 0;
	for (const char *c = s; *c; c++)
		colons += *c == ':';
	return strlen(s) < 256 && colons >= 3 && s[0] != ':' && str_is_alnum_or(s, ":_.,-");
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

static int run(struct exec_ctx *ctx, struct action *a)
{
	_cleanup_free_ char *label = with_type(strna(a->prior), SAMBA_TYPE);
	int r = label ? set_context(ctx, a->target, label) : -EINVAL;
	if (r < 0)
		return log_error_errno(r, "Cannot label %s %s: %m", a->target, SAMBA_TYPE);
	if (r == 0)
		log_info("Labelled %s %s", a->target, SAMBA_TYPE);
	return r;
}

static int undo(struct exec_ctx *ctx, struct action *a)
{
	int r = a->prior ? set_context(ctx, a->target, a->prior) : -EINVAL;
	if (r < 0)
		return log_error_errno(r, "Cannot give %s its label %s back: %m", a->target,
				       strna(a->prior));
	if (r == 0)
		log_info("%s is labelled %s again", a->target, a->prior);
	return r;
}

static char *undo_text(const struct action *a)
{
	return strdup_printf("label %s", strna(a->prior));
}

/* Not checked: nothing cheap to compare with. */
const struct action_type action_label_smb = {
	.name = "label-smb",
	.verb = "label for Samba",
	.stage = STAGE_SHARES,
	.target_ok = is_share_path,
	.target_is = "a share directory",
	.prior_ok = is_selinux_context,
	.prior_is = "an SELinux context",
	.run = run,
	.shared = true,
	.undo = undo,
	.undo_text = undo_text,
};
