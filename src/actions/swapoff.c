// SPDX-License-Identifier: GPL-2.0-or-later
/* swapoff: an active swap area on a disk the VM takes (a partition, what is stacked on it, or a
 * swap file on one of its filesystems), swapped off; on again after, with the priority it had. */
#include <limits.h>

#include "core/action-type.h"
#include "host/block.h"
#include "lib/log.h"
#include "lib/strutil.h"
#include "system/swap.h"
#include "validate.h"

/* A swap priority as /proc/swaps prints it: -32768..32767, no leading zero or plus. */
static bool parse_priority(const char *s, int *ret)
{
	char *end = NULL, again[16];
	if (isempty(s) || strlen(s) > 6)
		return false;
	errno = 0;
	long v = strtol(s, &end, 10);
	snprintf(again, sizeof again, "%ld", v);
	if (errno != 0 || !end || *end || v < -32768 || v > 32767 || !streq(again, s))
		return false;
	*ret = (int)v;
	return true;
}

static bool is_priority(const char *s)
{
	int v;
	return parse_priority(s, &v);
}

static int run(struct exec_ctx *ctx, struct action *a)
{
	if (!ctx->root->live)
		return -EOPNOTSUPP;
	int r = swap_is_active(ctx->root->proc_fd, a->target);
	if (r < 0)
		return log_error_errno(r, "Cannot read /proc/swaps: %m");
	if (r == 0)
		return ACTION_NOOP;
	r = swap_off(exec_kernel(ctx), a->target);
	if (r == -ETIMEDOUT)
		return log_error_errno(r, "Swapping off %s did not end within %u s (module_timeout): "
					  "it was stopped, and %s stays on", a->target,
				       ctx->cfg->module_timeout_s, a->target);
	if (r < 0)
		return log_error_errno(r, "Cannot swap off %s%s: %m", a->target,
				       r == -ENOMEM ? " (no room in memory for what it holds)" : "");
	log_info("Swapped off %s", a->target);
	return 0;
}

static int undo(struct exec_ctx *ctx, struct action *a)
{
	if (!ctx->root->live)
		return -EOPNOTSUPP;
	int prio = 0;
	if (!a->prior || !parse_priority(a->prior, &prio))
		return log_error_errno(-EINVAL, "No record of the priority %s had", a->target);
	int r = swap_is_active(ctx->root->proc_fd, a->target);
	if (r < 0)
		return log_error_errno(r, "Cannot read /proc/swaps: %m");
	if (r > 0)
		return ACTION_NOOP;
	if ((r = swap_on(a->target, prio)) < 0)
		return log_error_errno(r, "Cannot swap on %s again: %m", a->target);
	log_info("Swapped on %s again", a->target);
	return 0;
}

static char *undo_text(const struct action *a)
{
	return strdup("swap on again");
}

static enum host_match check(const struct host *h, const struct action *a, char **ret_detail)
{
	int r = swap_is_active(h->root->proc_fd, a->target);
	if (r < 0)
		return host_check_say(HOST_NOT_CHECKED, ret_detail, NULL);
	return host_check_say(r ? HOST_DIFFERS : HOST_MATCHES, ret_detail,
			      strdup(r ? "swapping" : "off"));
}

const struct action_type action_swapoff = {
	.name = "swapoff",
	.verb = "swap off",
	.stage = STAGE_DRIVES,
	.target_ok = is_clean_abs_path,
	.target_is = "a swap partition or file",
	.prior_ok = is_priority,
	.prior_is = "a swap priority",
	.run = run,
	.undo = undo,
	.undo_text = undo_text,
	.check = check,
};
