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

/* The same, from the journals planner_load read into the host model. */
static void claimed_pins(const struct host *h, struct cpuset *ret)
{
	struct cpuset all = { 0 }, set;
	for (size_t i = 0; i < h->n_other_vms; i++)
		if (h->other_vms[i].pinned_cpus && cpuset_parse(h->other_vms[i].pinned_cpus, &set) >= 0)
			cpuset_union(&all, &set);
	*ret = all;
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
	if (!vm_flags_has(ctx->flags, VM_FLAG_PIN_CPU_CORES) || cpuset_is_empty(&pinned))
		return 0;
	host_load_online_cpus(host);
	return host_load_unit_cpus(host, host_units, ARRAY_SIZE(host_units));
}

int stage_cpu_isolation_plan(struct plan_ctx *ctx)
{
	const struct domain *d = ctx->dom;
	if (!vm_flags_has(ctx->flags, VM_FLAG_PIN_CPU_CORES))
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
