// SPDX-License-Identifier: GPL-2.0-or-later
/* Stage cpu-governor (--cpu-performance): the performance governor on the VM's CPUs while it
 * runs (its pinned CPUs, or all online ones), each CPU's own governor back afterwards. */
#include <limits.h>

#include "lib/fileio.h"
#include "lib/log.h"
#include "lib/strutil.h"
#include "stages/stages.h"

static bool sysfs_word_is_valid(const char *s)
{
	if (isempty(s) || strlen(s) > 32)
		return false;
	for (; *s; s++)
		if (!(('a' <= *s && *s <= 'z') || *s == '_' || ('0' <= *s && *s <= '9')))
			return false;
	return true;
}

static bool cpu_name_is_valid(const char *s)
{
	unsigned n;
	char tail[2];
	return sscanf(s, "cpu%u%1s", &n, tail) == 1 && n < CPUSET_MAX;
}

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
	if (!vm_flags_has(&ctx->dom->flags, VM_FLAG_CPU_PERFORMANCE))
		return 0;
	host_load_online_cpus(host);
	return vm_cpus(ctx->dom, host, &cpus) ? host_load_cpu_governors(host, &cpus) : 0;
}

int stage_cpu_governor_plan(struct plan_ctx *ctx)
{
	if (!vm_flags_has(&ctx->dom->flags, VM_FLAG_CPU_PERFORMANCE))
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
		if (!hc || !hc->governor || streq(hc->governor, "performance") || !hc->governors ||
		    !strstr(hc->governors, "performance"))
			continue;
		snprintf(name, sizeof name, "cpu%u", c);
		if ((r = plan_add(ctx->plan, STAGE_CPU_GOVERNOR, ACTION_SET_GOVERNOR, name,
				  hc->governor, "--cpu-performance", 0)) < 0)
			return r;
		planned++;
	}
	if (planned == 0)
		return plan_note(ctx->plan, "--cpu-performance: no CPU of the VM has a governor to "
					    "change (no cpufreq, or already performance)");
	return 0;
}

static int set_governor(struct exec_ctx *ctx, const char *cpu, const char *gov)
{
	char path[PATH_MAX], now[64];
	if (!cpu_name_is_valid(cpu) || !sysfs_word_is_valid(gov))
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

int governor_run(struct exec_ctx *ctx, struct action *a)
{
	int r = set_governor(ctx, a->target, "performance");
	if (r < 0)
		return log_error_errno(r, "Cannot set the performance governor on %s: %m", a->target);
	if (r == 0)
		log_info("%s: governor performance (was %s)", a->target, strna(a->prior));
	return r;
}

int governor_undo(struct exec_ctx *ctx, struct action *a)
{
	int r = set_governor(ctx, a->target, strna(a->prior));
	if (r < 0)
		return log_error_errno(r, "Cannot set governor %s on %s: %m", strna(a->prior),
				       a->target);
	if (r == 0)
		log_info("%s: governor %s again", a->target, strna(a->prior));
	return r;
}
