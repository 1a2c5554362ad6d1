// SPDX-License-Identifier: GPL-2.0-or-later
/* Stage cpu-governor (--cpu-performance): the performance governor on the VM's CPUs while it
 * runs (its pinned CPUs, or all online ones), each CPU's own governor back afterwards. */
#include "lib/fileio.h"
#include "lib/log.h"
#include "lib/strutil.h"
#include "stages/stages.h"

/* The VM's CPUs: its pinned ones, or all online ones (false when those could not be read). */
static bool vm_cpus(const struct domain *d, const struct host *h, struct cpuset *ret)
{
	*ret = d->vcpupin;
	cpuset_union(ret, &d->emulatorpin);
	if (!cpuset_is_empty(ret))
		return true;
	*ret = h->online_cpus;
	return h->online_cpus_error >= 0;
}

int stage_cpu_governor_load(const struct plan_ctx *ctx, struct host *host)
{
	struct cpuset cpus;
	if (!vm_flags_has(ctx->flags, VM_FLAG_CPU_PERFORMANCE))
		return 0;
	host_load_online_cpus(host);
	return vm_cpus(ctx->dom, host, &cpus) ? host_load_cpu_governors(host, &cpus) : 0;
}

int stage_cpu_governor_plan(struct plan_ctx *ctx)
{
	if (!vm_flags_has(ctx->flags, VM_FLAG_CPU_PERFORMANCE))
		return 0;
	struct cpuset cpus;
	int r;
	if (!vm_cpus(ctx->dom, ctx->host, &cpus))
		return plan_refuse(ctx->plan, "cannot read the online CPUs");
	size_t planned = 0;
	for (unsigned c = 0; c < CPUSET_MAX; c++) {
		char name[32];
		if (!cpuset_has(&cpus, c))
			continue;
		const struct host_cpu *hc = host_find_cpu(ctx->host, c);
		if (!hc || !hc->governor || !hc->governors || !strstr(hc->governors, "performance"))
			continue;
		snprintf(name, sizeof name, "cpu%u", c);
		size_t before = ctx->plan->n_actions;
		if ((r = plan_shared(ctx, STAGE_CPU_GOVERNOR, ACTION_SET_GOVERNOR, name,
				     streq(hc->governor, "performance"), hc->governor,
				     "--cpu-performance")) < 0)
			return r;
		planned += ctx->plan->n_actions - before;
	}
	if (planned == 0)
		return plan_note(ctx->plan, "--cpu-performance: no CPU of the VM has a governor to "
					    "change (no cpufreq, or already performance)");
	return 0;
}
