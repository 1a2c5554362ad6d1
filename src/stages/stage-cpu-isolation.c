// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Stage cpu-isolation (--pin-cpu-cores): keep the host's slices off the CPUs the VM pins its
 * vCPUs and emulator to, through systemd's AllowedCPUs (runtime only). Composes with other
 * running VMs through their journals: each VM records its pins, and every change is computed
 * from the host's own value ("baseline") minus the pins of every VM still running.
 */
#include "core/journal.h"
#include "lib/fileio.h"
#include "lib/log.h"
#include "lib/strutil.h"
#include "stages/stages.h"
#include "system/bus.h"

static const char *const host_units[] = { "user.slice", "system.slice", "init.scope" };

static void cpuset_subtract(struct cpuset *a, const struct cpuset *b)
{
	for (size_t i = 0; i < ARRAY_SIZE(a->bits); i++)
		a->bits[i] &= ~b->bits[i];
}

/* Union of the pins of every journaled VM but this one. */
static int other_vms_pins(int dir_fd, const char *self_uuid, struct cpuset *ret)
{
	_cleanup_strv_free_ char **uuids = NULL;
	struct cpuset all = { 0 };
	if (dir_fd >= 0 && journal_list(dir_fd, &uuids) >= 0)
		for (char **u = uuids; u && *u; u++) {
			_cleanup_(journal_freep) struct journal *j = NULL;
			struct cpuset set;
			if ((self_uuid && streq(*u, self_uuid)) ||
			    journal_load(dir_fd, *u, NULL, &j, NULL) < 0 || !j->plan->pinned_cpus ||
			    cpuset_parse(j->plan->pinned_cpus, &set) < 0)
				continue;
			cpuset_union(&all, &set);
		}
	*ret = all;
	return 0;
}

/* The same, from the journals planner_load read into the host model. */
static void claimed_pins(const struct host *h, struct cpuset *ret)
{
	struct cpuset all = { 0 }, set;
	for (size_t i = 0; i < h->n_other_vms; i++)
		if (h->other_vms[i].pinned_cpus && cpuset_parse(h->other_vms[i].pinned_cpus, &set) >= 0)
			cpuset_union(&all, &set);
	*ret = all;
}

static int parse_baseline(const char *s, struct cpuset *ret)
{
	if (!s || streq(s, "all")) {
		*ret = (struct cpuset){ 0 };
		return 0;
	}
	return cpuset_parse(s, ret);
}

static void pinned_cpus(const struct domain *d, struct cpuset *ret)
{
	*ret = d->vcpupin;
	cpuset_union(ret, &d->emulatorpin);
}

int stage_cpu_isolation_load(const struct plan_ctx *ctx, struct host *host)
{
	struct cpuset pinned;
	pinned_cpus(ctx->dom, &pinned);
	if (!vm_flags_has(&ctx->dom->flags, VM_FLAG_PIN_CPU_CORES) || cpuset_is_empty(&pinned))
		return 0;
	host_load_online_cpus(host);
	return host_load_unit_cpus(host, host_units, ARRAY_SIZE(host_units));
}

int stage_cpu_isolation_plan(struct plan_ctx *ctx)
{
	const struct domain *d = ctx->dom;
	if (!vm_flags_has(&d->flags, VM_FLAG_PIN_CPU_CORES))
		return 0;
	struct cpuset pinned, others, left;
	int r;
	pinned_cpus(d, &pinned);
	if (cpuset_is_empty(&pinned))
		return plan_refuse(ctx->plan, "--pin-cpu-cores, but the domain pins no vCPU "
					      "(<cputune><vcpupin>)");
	if (ctx->host->online_cpus_error < 0)
		return plan_refuse(ctx->plan, "cannot read the online CPUs: %s",
				   strerror(-ctx->host->online_cpus_error));
	claimed_pins(ctx->host, &others);
	left = ctx->host->online_cpus;
	cpuset_subtract(&left, &pinned);
	cpuset_subtract(&left, &others);
	if (cpuset_is_empty(&left))
		return plan_refuse(ctx->plan, "--pin-cpu-cores would leave the host no CPU");
	if (!(ctx->plan->pinned_cpus = cpuset_format(&pinned)))
		return -ENOMEM;
	_cleanup_free_ char *host = cpuset_format(&left);
	if (!host || plan_note(ctx->plan, "host keeps CPUs %s, the VM pins %s", host,
			       ctx->plan->pinned_cpus) < 0)
		return -ENOMEM;

	for (size_t i = 0; i < ARRAY_SIZE(host_units); i++) {
		/* The host's own setting, as if no VM were running: restored in the end. */
		_cleanup_free_ char *baseline = NULL;
		const struct cpuset *allowed = host_find_unit_cpus(ctx->host, host_units[i]);
		struct cpuset cur = allowed ? *allowed : (struct cpuset){ 0 };
		if (!cpuset_is_empty(&cur))
			cpuset_union(&cur, &others);
		baseline = cpuset_is_empty(&cur) ? strdup("all") : cpuset_format(&cur);
		if (!baseline)
			return -ENOMEM;
		_cleanup_free_ char *why = strdup_printf("host keeps CPUs %s", host);
		if (!why)
			return -ENOMEM;
		r = plan_add(ctx->plan, STAGE_CPU_ISOLATION, ACTION_SET_ALLOWED_CPUS, host_units[i],
			     baseline, why, 0);
		if (r < 0)
			return r;
	}
	return 0;
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
	if ((r = host_read_online_cpus(ctx->root, &online)) < 0)
		return log_error_errno(r, "Cannot read the online CPUs: %m");
	if (cpuset_is_empty(&want))
		want = online;
	(void)other_vms_pins(ctx->journal_dir_fd, ctx->vm_uuid, &others);
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

int allowed_cpus_run(struct exec_ctx *ctx, struct action *a)
{
	return apply(ctx, a, true);
}

int allowed_cpus_undo(struct exec_ctx *ctx, struct action *a)
{
	return apply(ctx, a, false);
}
