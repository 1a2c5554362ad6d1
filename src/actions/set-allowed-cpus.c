// SPDX-License-Identifier: GPL-2.0-or-later
/* set-allowed-cpus: a host slice kept off the VM's pinned CPUs (systemd's AllowedCPUs, runtime). */
#include "core/action-type.h"
#include "core/journal.h"
#include "host/host-cpu.h"
#include "input/cpuset.h"
#include "lib/log.h"
#include "lib/strutil.h"
#include "system/bus.h"
#include "validate.h"

static bool is_slice_or_scope(const char *s)
{
	static const char *const types[] = { "slice", "scope", NULL };
	return is_unit_with(s, types);
}

static bool is_cpus_or_all(const char *s)
{
	struct cpuset set;
	return streq(s, "all") || (str_is_alnum_or(s, ",-") && cpuset_parse(s, &set) == 0);
}

static int parse_baseline(const char *s, struct cpuset *ret)
{
	if (!s || streq(s, "all")) {
		*ret = (struct cpuset){ 0 };
		return 0;
	}
	return cpuset_parse(s, ret);
}

/* baseline − (this VM's pins, if running) − every other VM's pins. */
static int apply(struct exec_ctx *ctx, const struct action *a, bool with_self)
{
	struct cpuset want, online, others, self = { 0 };
	sd_bus *bus;
	int r = parse_baseline(a->prior, &want);
	if (r < 0)
		return log_error_errno(r, "Bad recorded AllowedCPUs '%s' for %s", strna(a->prior),
				       a->target);
	if ((r = cpus_online(ctx->root->sys_fd, &online)) < 0)
		return log_error_errno(r, "Cannot read the online CPUs: %m");
	if (cpuset_is_empty(&want))
		want = online;
	journal_others_pins(ctx->journal_dir_fd, ctx->vm_uuid, &others);
	if (with_self && ctx->vm_pinned && cpuset_parse(ctx->vm_pinned, &self) < 0)
		return -EINVAL;
	cpuset_subtract(&want, &others);
	cpuset_subtract(&want, &self);
	/* Everything online again means "no restriction", exactly as before any VM. */
	bool all = true;
	for (unsigned c = 0; c < CPUSET_MAX; c++)
		if (cpuset_has(&online, c) && !cpuset_has(&want, c))
			all = false;
	if ((r = exec_system_bus(ctx, &bus)) < 0)
		return log_error_errno(r, "Cannot connect to systemd: %m");
	r = bus_unit_set_allowed_cpus(bus, a->target, all ? NULL : &want);
	_cleanup_free_ char *s = cpuset_format(&want);
	if (r < 0)
		return log_error_errno(r, "Cannot set AllowedCPUs=%s on %s: %m", strna(s), a->target);
	log_info("%s may use CPUs %s", a->target, all ? "all" : strna(s));
	return 0;
}

static int run(struct exec_ctx *ctx, struct action *a)
{
	return apply(ctx, a, true);
}

static int undo(struct exec_ctx *ctx, struct action *a)
{
	return apply(ctx, a, false);
}

static char *undo_text(const struct action *a)
{
	return strdup_printf("AllowedCPUs=%s", strna(a->prior));
}

/* Not checked: what a slice may use now depends on every other VM's pins too. */
const struct action_type action_set_allowed_cpus = {
	.name = "set-allowed-cpus",
	.verb = "keep host off CPUs",
	.stage = STAGE_CPU_ISOLATION,
	.target_ok = is_slice_or_scope,
	.target_is = "a slice or scope",
	.prior_ok = is_cpus_or_all,
	.prior_is = "a CPU list or all",
	.run = run,
	.undo = undo,
	.undo_text = undo_text,
};
