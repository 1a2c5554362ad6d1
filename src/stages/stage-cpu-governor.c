// SPDX-License-Identifier: GPL-2.0-or-later
/* Stage cpu-governor (--cpu-performance): the performance governor on the VM's CPUs while it
 * runs (its pinned CPUs, or all online ones), each CPU's own governor back afterwards. */
#include <limits.h>

#include "host/host-cpu.h"
#include "lib/fileio.h"
#include "lib/strutil.h"
#include "stages/stages.h"

int stage_cpu_governor_plan(struct plan_ctx *ctx)
{
	if (!vm_flags_has(&ctx->dom->flags, VM_FLAG_CPU_PERFORMANCE))
		return 0;
	int sys = ctx->host->root->sys_fd, r;
	struct cpuset cpus = ctx->dom->vcpupin;
	cpuset_union(&cpus, &ctx->dom->emulatorpin);
	if (cpuset_is_empty(&cpus)) {
		if (cpus_online(sys, &cpus) < 0)
			return plan_refuse(ctx->plan, "cannot read the online CPUs");
	}
	size_t planned = 0;
	for (unsigned c = 0; c < CPUSET_MAX; c++) {
		char path[PATH_MAX], gov[64], avail[512], name[32];
		if (!cpuset_has(&cpus, c))
			continue;
		snprintf(path, sizeof path, "devices/system/cpu/cpu%u/cpufreq/scaling_governor", c);
		if (read_attr_at(sys, path, gov, sizeof gov) < 0)
			continue;
		snprintf(path, sizeof path,
			 "devices/system/cpu/cpu%u/cpufreq/scaling_available_governors", c);
		if (streq(gov, "performance") || read_attr_at(sys, path, avail, sizeof avail) < 0 ||
		    !strstr(avail, "performance"))
			continue;
		snprintf(name, sizeof name, "cpu%u", c);
		if ((r = plan_add(ctx->plan, STAGE_CPU_GOVERNOR, ACTION_SET_GOVERNOR, name, gov,
				  "--cpu-performance", 0)) < 0)
			return r;
		planned++;
	}
	if (planned == 0)
		return plan_note(ctx->plan, "--cpu-performance: no CPU of the VM has a governor to "
					    "change (no cpufreq, or already performance)");
	return 0;
}
