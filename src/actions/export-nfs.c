// SPDX-License-Identifier: GPL-2.0-or-later
/* export-nfs: one of the VM's nfs_shares exported to one of its nfs_clients (exportfs). */
#include "core/action-type.h"
#include "lib/strutil.h"
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
	.undo_text = undo_text,
};
