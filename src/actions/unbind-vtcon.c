// SPDX-License-Identifier: GPL-2.0-or-later
/* unbind-vtcon: a framebuffer console unbound (fbcon pins the GPU's framebuffer). */
#include <limits.h>

#include "core/action-type.h"
#include "lib/fileio.h"
#include "lib/strutil.h"
#include "system/sysfs-bind.h"
#include "validate.h"

static bool is_vtcon(const char *s)
{
	return is_numbered(s, "vtcon", 64);
}

static char *undo_text(const struct action *a)
{
	return strdup_printf("bind %s", a->target);
}

static enum host_match check(const struct host *h, const struct action *a, char **ret_detail)
{
	char path[PATH_MAX];
	unsigned bind;
	if (!sysfs_name_is_safe(a->target))
		return host_check_say(HOST_NOT_CHECKED, ret_detail, NULL);
	snprintf(path, sizeof path, "class/vtconsole/%s/bind", a->target);
	int r = read_attr_uint_at(h->root->sys_fd, path, 10, &bind);
	/* A framebuffer console goes away with its framebuffer (the GPU's driver unloaded). */
	if (r == -ENOENT)
		return host_check_say(HOST_MATCHES, ret_detail, strdup("gone"));
	if (r < 0)
		return host_check_say(HOST_NOT_CHECKED, ret_detail,
				      strdup_printf("cannot read %s: %s", path, strerror(-r)));
	return host_check_say(bind == 0 ? HOST_MATCHES : HOST_DIFFERS, ret_detail,
			      strdup(bind == 0 ? "unbound" : "bound"));
}

const struct action_type action_unbind_vtcon = {
	.name = "unbind-vtcon",
	.verb = "unbind console",
	.stage = STAGE_VTCONSOLE,
	.target_ok = is_vtcon,
	.target_is = "a vtconN console",
	.undo_text = undo_text,
	.check = check,
};
