// SPDX-License-Identifier: GPL-2.0-or-later
/* unbind-platform: the firmware's boot framebuffer (efifb, simplefb...) off its driver. */
#include "core/action-type.h"
#include "lib/strutil.h"
#include "system/sysfs-bind.h"
#include "validate.h"

static char *undo_text(const struct action *a)
{
	return strdup_printf("bind %s", strna(a->prior));
}

static enum host_match check(const struct host *h, const struct action *a, char **ret_detail)
{
	char drv[256];
	int r = sysfs_driver_of(h->root->sys_fd, "platform", a->target, drv, sizeof drv);
	if (r == -ENOENT || r == -ENODEV)
		return host_check_say(HOST_MATCHES, ret_detail,
				      strdup(r == -ENOENT ? "unbound" : "gone"));
	if (r < 0)
		return host_check_say(HOST_NOT_CHECKED, ret_detail,
				      strdup_printf("cannot read its driver: %s", strerror(-r)));
	return host_check_say(HOST_DIFFERS, ret_detail, strdup_printf("on %s", drv));
}

const struct action_type action_unbind_platform = {
	.name = "unbind-platform",
	.verb = "unbind framebuffer",
	.stage = STAGE_FRAMEBUFFER,
	.target_ok = is_driver_name,
	.target_is = "a platform device",
	.prior_ok = is_driver_name,
	.prior_is = "a driver name",
	.undo_text = undo_text,
	.check = check,
};
