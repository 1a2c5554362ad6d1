// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Stage cpu-isolation (--pin-cpu-cores): keep the host's slices off the CPUs the VM pins its
 * vCPUs and emulator to, through systemd's AllowedCPUs (runtime only). Composes with other
 * running VMs through their journals: each VM records its pins, and every change is computed
 * from the host's own value ("baseline") minus the pins of every VM still running.
 */
#include "core/journal.h"
#include "host/host-cpu.h"
#include "lib/strutil.h"
#include "stages/stages.h"
#include "system/bus.h"

static const char *const host_units[] = { "user.slice", "system.slice", "init.scope" };

/* Union of the pins of every other VM, from the journals planner_load read. */
static void claimed_pins(const struct host *h, struct cpuset *ret)
{
	struct cpuset all = { 0 }, set;
	for (size_t i = 0; i < h->n_other_vms; i++)
		if (h->other_vms[i].pinned_cpus && cpuset_parse(h->other_vms[i].pinned_cpus, &set) >= 0)
			cpuset_union(&all, &set);
	*ret = all;
}

int stage_cpu_isolation_plan(struct plan_ctx *ctx)
{
	const struct domain *d = ctx->dom;
	if (!vm_flags_has(&d->flags, VM_FLAG_PIN_CPU_CORES))
		return 0;
	struct cpuset pinned = d->vcpupin, online, others, left;
	cpuset_union(&pinned, &d->emulatorpin);
	if (cpuset_is_empty(&pinned))
		return plan_refuse(ctx->plan, "--pin-cpu-cores, but the domain pins no vCPU "
					      "(<cputune><vcpupin>)");
	int r = cpus_online(ctx->host->root->sys_fd, &online);
	if (r < 0)
		return plan_refuse(ctx->plan, "cannot read the online CPUs: %s", strerror(-r));
	claimed_pins(ctx->host, &others);
	left = online;
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

	_cleanup_(sym_sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
	if (ctx->host->root->live && bus_open_system(&bus) < 0)
		bus = NULL; /* cannot ask: treat every slice as unrestricted */
	for (size_t i = 0; i < ARRAY_SIZE(host_units); i++) {
		/* The host's own setting, as if no VM were running: restored in the end. */
		_cleanup_free_ char *baseline = NULL;
		struct cpuset cur = { 0 };
		if (bus && bus_unit_get_allowed_cpus(bus, host_units[i], &cur) < 0)
			cur = (struct cpuset){ 0 };
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
