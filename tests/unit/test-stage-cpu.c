// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The CPU and memory stages' planners (cpu-governor, cpu-isolation, hugepages) on hosts built
 * by hand: no fixture tree, no /sys, no D-Bus. Each case is a host written out below and the
 * plan it must give.
 */
#include "host/host.h"
#include "lib/strutil.h"
#include "stages/stages.h"
#include "test.h"

/* String literals into the host model's char * fields: nothing here is freed or written. */
#define S(x) ((char *)(x))

static struct cpuset cpus(unsigned first, unsigned last)
{
	struct cpuset s = { 0 };
	for (unsigned c = first; c <= last; c++)
		cpuset_add(&s, c);
	return s;
}

static struct plan *plan_stage(const struct host *h, const struct domain *d,
			       int (*plan)(struct plan_ctx *ctx))
{
	struct plan *p = plan_new(PLAN_PREPARE, "win11", "00000000-0000-0000-0000-000000000001");
	ASSERT_TRUE(p);
	struct plan_ctx ctx = { .dom = d, .host = h, .flags = &d->flags, .plan = p };
	ASSERT_OK(plan(&ctx));
	return p;
}

static void assert_action(const struct plan *p, size_t i, enum stage_id stage,
			  enum action_kind kind, const char *target, const char *prior)
{
	ASSERT_TRUE(i < p->n_actions);
	ASSERT_TRUE(p->actions[i].kind == kind);
	ASSERT_TRUE(p->actions[i].stage == stage);
	ASSERT_STREQ(p->actions[i].target, target);
	ASSERT_STREQ(p->actions[i].prior, prior);
}

static void assert_refused(const struct plan *p, const char *why)
{
	ASSERT_TRUE(p->n_actions == 0);
	ASSERT_TRUE(p->n_refusals == 1);
	ASSERT_STREQ(p->refusals[0], why);
}

/* cpu-governor */

static struct host_cpu governors[] = {
	{ .cpu = 0, .node = 0, .governor = S("schedutil"),
	  .governors = S("conservative ondemand userspace powersave performance schedutil") },
	{ .cpu = 1, .node = 0 }, /* no cpufreq */
	{ .cpu = 2, .node = 0, .governor = S("powersave"), .governors = S("performance powersave") },
	{ .cpu = 3, .node = 0, .governor = S("performance"),
	  .governors = S("performance powersave") },
	{ .cpu = 4, .node = 0, .governor = S("userspace"), .governors = S("userspace") },
};

/* Only the pinned CPUs, and of those only the ones that have the governor to switch to. */
TEST(governor_changes_on_the_pinned_cpus_that_can)
{
	struct host h = { .cpus = governors, .n_cpus = 5, .online_cpus = cpus(0, 7) };
	struct domain d = { .flags.set = 1u << VM_FLAG_CPU_PERFORMANCE, .vcpupin = cpus(2, 3),
			    .emulatorpin = cpus(4, 4) };
	_cleanup_(plan_freep) struct plan *p = plan_stage(&h, &d, stage_cpu_governor_plan);
	ASSERT_TRUE(p->n_actions == 1);
	assert_action(p, 0, STAGE_CPU_GOVERNOR, ACTION_SET_GOVERNOR, "cpu2", "powersave");
	ASSERT_TRUE(p->n_refusals == 0);
}

/* Nothing pinned: every online CPU. */
TEST(governor_without_pins_takes_the_online_cpus)
{
	struct host h = { .cpus = governors, .n_cpus = 5, .online_cpus = cpus(0, 2) };
	struct domain d = { .flags.set = 1u << VM_FLAG_CPU_PERFORMANCE };
	_cleanup_(plan_freep) struct plan *p = plan_stage(&h, &d, stage_cpu_governor_plan);
	ASSERT_TRUE(p->n_actions == 2);
	assert_action(p, 0, STAGE_CPU_GOVERNOR, ACTION_SET_GOVERNOR, "cpu0", "schedutil");
	assert_action(p, 1, STAGE_CPU_GOVERNOR, ACTION_SET_GOVERNOR, "cpu2", "powersave");
}

/* cpu3 is on performance because another VM set it: joined, with that VM's prior, so that
 * whichever of them stops last gives schedutil back. */
TEST(governor_joins_a_cpu_another_vm_holds)
{
	struct held_thing held = { .kind = S("set-governor"), .target = S("cpu3"),
				   .prior = S("schedutil") };
	struct vm_claim other = { .uuid = S("6c0d5e2a-0b1f-4d43-9a1e-000000000009"),
				  .name = S("vm-a"), .held = &held, .n_held = 1 };
	struct host h = { .cpus = governors, .n_cpus = 5, .online_cpus = cpus(0, 7),
			  .other_vms = &other, .n_other_vms = 1 };
	struct domain d = { .flags.set = 1u << VM_FLAG_CPU_PERFORMANCE, .vcpupin = cpus(2, 3) };
	_cleanup_(plan_freep) struct plan *p = plan_stage(&h, &d, stage_cpu_governor_plan);
	ASSERT_TRUE(p->n_actions == 2);
	assert_action(p, 0, STAGE_CPU_GOVERNOR, ACTION_SET_GOVERNOR, "cpu2", "powersave");
	assert_action(p, 1, STAGE_CPU_GOVERNOR, ACTION_SET_GOVERNOR, "cpu3", "schedutil");
	ASSERT_STREQ(p->actions[1].reason, "--cpu-performance, held by VM 'vm-a' too");
}

TEST(governor_refused_when_the_online_cpus_are_unknown)
{
	struct host h = { .cpus = governors, .n_cpus = 5, .online_cpus_error = -EIO };
	struct domain d = { .flags.set = 1u << VM_FLAG_CPU_PERFORMANCE };
	_cleanup_(plan_freep) struct plan *p = plan_stage(&h, &d, stage_cpu_governor_plan);
	assert_refused(p, "cannot read the online CPUs");
}

TEST(governor_says_when_no_cpu_needs_a_change)
{
	struct host h = { .cpus = governors, .n_cpus = 5, .online_cpus = cpus(0, 7) };
	struct domain d = { .flags.set = 1u << VM_FLAG_CPU_PERFORMANCE, .vcpupin = cpus(3, 5) };
	_cleanup_(plan_freep) struct plan *p = plan_stage(&h, &d, stage_cpu_governor_plan);
	ASSERT_TRUE(p->n_actions == 0 && p->n_refusals == 0);
	ASSERT_TRUE(p->n_notes == 1);
	ASSERT_STREQ(p->notes[0], "--cpu-performance: no CPU of the VM has a governor to change "
				  "(no cpufreq, or already performance)");
}

TEST(governor_flag_off_plans_nothing)
{
	struct host h = { .cpus = governors, .n_cpus = 5, .online_cpus = cpus(0, 7) };
	struct domain d = { .vcpupin = cpus(2, 3) };
	_cleanup_(plan_freep) struct plan *p = plan_stage(&h, &d, stage_cpu_governor_plan);
	ASSERT_TRUE(p->n_actions == 0 && p->n_notes == 0 && p->n_refusals == 0);
}

/* cpu-isolation */

/* A host tree (or a systemd that cannot say): every slice unrestricted, restored to "all". */
TEST(isolation_keeps_the_host_on_the_cpus_left)
{
	struct host h = { .online_cpus = cpus(0, 3) };
	struct domain d = { .flags.set = 1u << VM_FLAG_PIN_CPU_CORES, .vcpupin = cpus(2, 3) };
	_cleanup_(plan_freep) struct plan *p = plan_stage(&h, &d, stage_cpu_isolation_plan);
	ASSERT_TRUE(p->n_actions == 3);
	assert_action(p, 0, STAGE_CPU_ISOLATION, ACTION_SET_ALLOWED_CPUS, "user.slice", "all");
	assert_action(p, 1, STAGE_CPU_ISOLATION, ACTION_SET_ALLOWED_CPUS, "system.slice", "all");
	assert_action(p, 2, STAGE_CPU_ISOLATION, ACTION_SET_ALLOWED_CPUS, "init.scope", "all");
	ASSERT_STREQ(p->pinned_cpus, "2-3");
	ASSERT_STREQ(p->notes[0], "host keeps CPUs 0-1, the VM pins 2-3");
}

/* A slice another VM restricted: its baseline is what it allows plus what that VM took. */
TEST(isolation_baseline_gives_back_what_other_vms_took)
{
	struct unit_cpus allowed[] = { { .unit = S("system.slice"), .allowed = cpus(0, 1) } };
	struct vm_claim other[] = { { .uuid = S("00000000-0000-0000-0000-000000000002"),
				      .name = S("linux"), .pinned_cpus = S("4-5") } };
	struct host h = { .online_cpus = cpus(0, 7), .unit_cpus = allowed, .n_unit_cpus = 1,
			  .other_vms = other, .n_other_vms = 1 };
	struct domain d = { .flags.set = 1u << VM_FLAG_PIN_CPU_CORES, .vcpupin = cpus(2, 3) };
	_cleanup_(plan_freep) struct plan *p = plan_stage(&h, &d, stage_cpu_isolation_plan);
	ASSERT_TRUE(p->n_actions == 3);
	assert_action(p, 0, STAGE_CPU_ISOLATION, ACTION_SET_ALLOWED_CPUS, "user.slice", "all");
	assert_action(p, 1, STAGE_CPU_ISOLATION, ACTION_SET_ALLOWED_CPUS, "system.slice",
		      "0-1,4-5");
	ASSERT_STREQ(p->notes[0], "host keeps CPUs 0-1,6-7, the VM pins 2-3");
}

TEST(isolation_refused_when_the_host_would_keep_no_cpu)
{
	struct vm_claim other[] = { { .uuid = S("00000000-0000-0000-0000-000000000002"),
				      .name = S("linux"), .pinned_cpus = S("0-1") } };
	struct host h = { .online_cpus = cpus(0, 3), .other_vms = other, .n_other_vms = 1 };
	struct domain d = { .flags.set = 1u << VM_FLAG_PIN_CPU_CORES, .vcpupin = cpus(2, 3) };
	_cleanup_(plan_freep) struct plan *p = plan_stage(&h, &d, stage_cpu_isolation_plan);
	assert_refused(p, "--pin-cpu-cores would leave the host no CPU");
}

TEST(isolation_refused_without_pins_or_online_cpus)
{
	struct host h = { .online_cpus = cpus(0, 3) };
	struct domain d = { .flags.set = 1u << VM_FLAG_PIN_CPU_CORES };
	_cleanup_(plan_freep) struct plan *p = plan_stage(&h, &d, stage_cpu_isolation_plan);
	assert_refused(p, "--pin-cpu-cores, but the domain pins no vCPU (<cputune><vcpupin>)");

	struct host unreadable = { .online_cpus_error = -EIO };
	d.vcpupin = cpus(2, 3);
	_cleanup_(plan_freep) struct plan *q = plan_stage(&unreadable, &d, stage_cpu_isolation_plan);
	assert_refused(q, "cannot read the online CPUs: Input/output error");
}

/* hugepages */

static struct host_cpu numa[] = {
	{ .cpu = 2, .node = 1 },
	{ .cpu = 3, .node = 1 },
	{ .cpu = 4, .node = 0 },
};

static struct hugepage_pool pools[] = {
	{ .path = S("kernel/mm/hugepages/hugepages-2048kB"), .nr = 1024, .free_pages = 1000 },
	{ .path = S("devices/system/node/node1/hugepages/hugepages-2048kB"), .nr = 16,
	  .free_pages = 8 },
};

/* Pinned CPUs on one node: that node's pool. */
TEST(hugepages_on_the_pinned_cpus_node)
{
	struct host h = { .cpus = numa, .n_cpus = 3, .hugepage_kib = 2048, .hugepage_pools = pools,
			  .n_hugepage_pools = 2 };
	struct domain d = { .hugepages = true, .memory_kib = 4ULL * 1024 * 1024,
			    .vcpupin = cpus(2, 3) };
	_cleanup_(plan_freep) struct plan *p = plan_stage(&h, &d, stage_hugepages_plan);
	ASSERT_TRUE(p->n_actions == 1);
	assert_action(p, 0, STAGE_HUGEPAGES, ACTION_ALLOC_HUGEPAGES,
		      "devices/system/node/node1/hugepages/hugepages-2048kB", "2048");
	ASSERT_STREQ(p->actions[0].reason,
		     "4096 MiB in 2048 kB pages, on the pinned CPUs' node (8 free now)");
}

/* Pins across nodes (or none): the host-wide pool. */
TEST(hugepages_across_nodes_from_the_host_pool)
{
	struct host h = { .cpus = numa, .n_cpus = 3, .hugepage_kib = 2048, .hugepage_pools = pools,
			  .n_hugepage_pools = 2 };
	struct domain d = { .hugepages = true, .memory_kib = 1024ULL * 1024 + 1,
			    .vcpupin = cpus(3, 4) };
	_cleanup_(plan_freep) struct plan *p = plan_stage(&h, &d, stage_hugepages_plan);
	ASSERT_TRUE(p->n_actions == 1);
	assert_action(p, 0, STAGE_HUGEPAGES, ACTION_ALLOC_HUGEPAGES,
		      "kernel/mm/hugepages/hugepages-2048kB", "513");
	ASSERT_STREQ(p->actions[0].reason, "1024 MiB in 2048 kB pages (1000 free now)");
}

TEST(hugepages_refused_when_the_kernel_lacks_them)
{
	struct host h = { .hugepage_kib = 2048, .hugepage_pools = pools, .n_hugepage_pools = 2 };
	struct domain d = { .hugepages = true, .hugepage_kib = 1048576, .memory_kib = 8388608 };
	_cleanup_(plan_freep) struct plan *p = plan_stage(&h, &d, stage_hugepages_plan);
	assert_refused(p, "no 1048576 kB huge pages on this kernel "
			  "(kernel/mm/hugepages/hugepages-1048576kB)");

	struct host none = { 0 };
	d.hugepage_kib = 0;
	_cleanup_(plan_freep) struct plan *q = plan_stage(&none, &d, stage_hugepages_plan);
	assert_refused(q, "the domain wants huge pages but the kernel has none");

	d.memory_kib = 0;
	_cleanup_(plan_freep) struct plan *r = plan_stage(&h, &d, stage_hugepages_plan);
	assert_refused(r, "the domain wants huge pages but gives no <memory>");
}

TEST_MAIN("stage-cpu")
