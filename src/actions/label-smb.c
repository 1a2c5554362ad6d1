// SPDX-License-Identifier: GPL-2.0-or-later
/* label-smb: one of the VM's smb_shares labelled samba_share_t for SELinux; its label back after. */
#include "core/action-type.h"
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
	.undo_text = undo_text,
};
