// SPDX-License-Identifier: GPL-2.0-or-later
/* set-governor: a CPU of the VM on the performance governor; its own governor back after. */
#include <limits.h>

#include "core/action-type.h"
#include "input/cpuset.h"
#include "lib/fileio.h"
#include "lib/log.h"
#include "lib/strutil.h"
#include "validate.h"

static bool is_cpu_name(const char *s)
{
	return is_numbered(s, "cpu", CPUSET_MAX);
}

static bool is_governor(const char *s)
{
	if (isempty(s) || strlen(s) > 32)
		return false;
	for (; *s; s++)
		if (!(('a' <= *s && *s <= 'z') || ('0' <= *s && *s <= '9') || *s == '_'))
			return false;
	return true;
}

static int set_governor(struct exec_ctx *ctx, const char *cpu, const char *gov)
{
	char path[PATH_MAX], now[64];
	if (!is_cpu_name(cpu) || !is_governor(gov))
		return -EINVAL;
	snprintf(path, sizeof path, "devices/system/cpu/%s/cpufreq/scaling_governor", cpu);
	if (read_attr_at(ctx->root->sys_fd, path, now, sizeof now) >= 0 && streq(now, gov))
		return ACTION_NOOP;
	int r = write_attr_at(ctx->root->sys_fd, path, gov);
	if (r < 0)
		return r;
	if (read_attr_at(ctx->root->sys_fd, path, now, sizeof now) < 0 || !streq(now, gov))
		return -EIO;
	return 0;
}

static int run(struct exec_ctx *ctx, struct action *a)
{
	int r = set_governor(ctx, a->target, "performance");
	if (r < 0)
		return log_error_errno(r, "Cannot set the performance governor on %s: %m", a->target);
	if (r == 0)
		log_info("%s: governor performance (was %s)", a->target, strna(a->prior));
	return r;
}

static int undo(struct exec_ctx *ctx, struct action *a)
{
	int r = set_governor(ctx, a->target, strna(a->prior));
	if (r < 0)
		return log_error_errno(r, "Cannot set governor %s on %s: %m", strna(a->prior),
				       a->target);
	if (r == 0)
		log_info("%s: governor %s again", a->target, strna(a->prior));
	return r;
}

static char *undo_text(const struct action *a)
{
	return strdup_printf("back to %s", strna(a->prior));
}

static enum host_match check(const struct host *h, const struct action *a, char **ret_detail)
{
	char path[PATH_MAX], gov[64];
	snprintf(path, sizeof path, "devices/system/cpu/%s/cpufreq/scaling_governor", a->target);
	if (read_attr_at(h->root->sys_fd, path, gov, sizeof gov) < 0)
		return host_check_say(HOST_NOT_CHECKED, ret_detail, NULL);
	return host_check_say(streq(gov, "performance") ? HOST_MATCHES : HOST_DIFFERS, ret_detail,
			      strdup(gov));
}

const struct action_type action_set_governor = {
	.name = "set-governor",
	.verb = "set governor",
	.stage = STAGE_CPU_GOVERNOR,
	.target_ok = is_cpu_name,
	.target_is = "a cpuN name",
	.prior_ok = is_governor,
	.prior_is = "a governor name",
	.run = run,
	.shared = true,
	.undo = undo,
	.undo_text = undo_text,
	.check = check,
};
