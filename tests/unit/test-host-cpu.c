// SPDX-License-Identifier: GPL-2.0-or-later
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <sys/stat.h>

#include "host/host-cpu.h"
#include "lib/strutil.h"
#include "test.h"

/* A sysfs tree in TMPDIR: one attribute per call, directories made on the way. */
static void put(const char *root, const char *rel, const char *value)
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/%s", root, rel);
	for (char *p = path + strlen(root) + 1; (p = strchr(p, '/')); p++) {
		*p = 0;
		(void)mkdir(path, 0755);
		*p = '/';
	}
	FILE *f = fopen(path, "we");
	ASSERT_NOT_NULL(f);
	fprintf(f, "%s\n", value);
	fclose(f);
}

static void put_cpu(const char *root, unsigned cpu, unsigned core, const char *siblings,
		    const char *l3_cpus)
{
	char rel[256], v[32];
	snprintf(rel, sizeof rel, "devices/system/cpu/cpu%u/topology/thread_siblings_list", cpu);
	put(root, rel, siblings);
	snprintf(rel, sizeof rel, "devices/system/cpu/cpu%u/topology/core_id", cpu);
	snprintf(v, sizeof v, "%u", core);
	put(root, rel, v);
	snprintf(rel, sizeof rel, "devices/system/cpu/cpu%u/topology/physical_package_id", cpu);
	put(root, rel, "0");
	static const char *const idx[][3] = { { "1", "Data", "32K" },
					      { "1", "Instruction", "32K" },
					      { "2", "Unified", "512K" } };
	for (size_t i = 0; i < 3; i++) {
		snprintf(rel, sizeof rel, "devices/system/cpu/cpu%u/cache/index%zu/level", cpu, i);
		put(root, rel, idx[i][0]);
		snprintf(rel, sizeof rel, "devices/system/cpu/cpu%u/cache/index%zu/type", cpu, i);
		put(root, rel, idx[i][1]);
		snprintf(rel, sizeof rel, "devices/system/cpu/cpu%u/cache/index%zu/size", cpu, i);
		put(root, rel, idx[i][2]);
	}
	snprintf(rel, sizeof rel, "devices/system/cpu/cpu%u/cache/index3/level", cpu);
	put(root, rel, "3");
	snprintf(rel, sizeof rel, "devices/system/cpu/cpu%u/cache/index3/type", cpu);
	put(root, rel, "Unified");
	snprintf(rel, sizeof rel, "devices/system/cpu/cpu%u/cache/index3/size", cpu);
	put(root, rel, "16384K");
	snprintf(rel, sizeof rel, "devices/system/cpu/cpu%u/cache/index3/shared_cpu_list", cpu);
	put(root, rel, l3_cpus);
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static void remove_scratch(int fd, const char *root)
{
	close(fd);
	ASSERT_OK(nftw(root, remove_one, 16, FTW_DEPTH | FTW_PHYS));
}

static int scratch(char *path, size_t size)
{
	snprintf(path, size, "%s/vfio-hook-test-cpu.XXXXXX", getenv("TMPDIR") ?: "/tmp");
	ASSERT_NOT_NULL(mkdtemp(path));
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ASSERT_TRUE(fd >= 0);
	return fd;
}

/* Two CCDs of two SMT cores each (CPUs n and n+4 are siblings), one node. */
TEST(two_l3_domains_give_the_vm_the_other_one)
{
	char root[PATH_MAX];
	int fd = scratch(root, sizeof root);
	put(root, "devices/system/cpu/online", "0-7");
	put(root, "devices/system/node/node0/cpulist", "0-7");
	for (unsigned c = 0; c < 4; c++) {
		char sib[16];
		snprintf(sib, sizeof sib, "%u,%u", c, c + 4);
		put_cpu(root, c, c, sib, c < 2 ? "0-1,4-5" : "2-3,6-7");
		put_cpu(root, c + 4, c, sib, c < 2 ? "0-1,4-5" : "2-3,6-7");
	}
	_cleanup_(cpu_topology_freep) struct cpu_topology *t = NULL;
	ASSERT_OK(cpu_topology_load(fd, &t));
	ASSERT_TRUE(t->has_topology);
	ASSERT_EQ(t->n_cores, 4);
	ASSERT_EQ(t->n_l3s, 2);
	ASSERT_EQ(t->n_nodes, 1);
	ASSERT_EQ(t->n_packages, 1);
	ASSERT_TRUE(cpu_topology_has_smt(t));
	ASSERT_EQ(t->cores[1].first_cpu, 1);
	ASSERT_EQ(t->cores[2].l3, 1);
	ASSERT_EQ(t->cores[3].node, 0);
	ASSERT_STREQ(t->cores[0].caches, "L1d 32K, L1i 32K, L2 512K");
	ASSERT_STREQ(t->l3s[0].size, "16M");

	struct cpu_pin_hint h;
	ASSERT_OK(cpu_topology_pin_hint(t, &h));
	_cleanup_free_ char *vm = cpuset_format(&h.vm), *host = cpuset_format(&h.host);
	ASSERT_STREQ(vm, "2-3,6-7");
	ASSERT_STREQ(host, "0-1,4-5");
	ASSERT_STREQ(h.text, "give the VM 2,6 3,7 (2 cores, L3 #1), each vCPU pair on one "
			     "core's siblings; leave 0-1,4-5 to the host");
	cpu_pin_hint_done(&h);
	remove_scratch(fd, root);
}

/* One L3: everything but the core of CPU 0. */
TEST(one_l3_leaves_core_0_to_the_host)
{
	char root[PATH_MAX];
	int fd = scratch(root, sizeof root);
	put(root, "devices/system/cpu/online", "0-3");
	put_cpu(root, 0, 0, "0-1", "0-3");
	put_cpu(root, 1, 0, "0-1", "0-3");
	put_cpu(root, 2, 1, "2-3", "0-3");
	put_cpu(root, 3, 1, "2-3", "0-3");
	_cleanup_(cpu_topology_freep) struct cpu_topology *t = NULL;
	ASSERT_OK(cpu_topology_load(fd, &t));
	ASSERT_EQ(t->n_cores, 2);
	ASSERT_EQ(t->n_nodes, 0);
	ASSERT_EQ(t->cores[1].node, -1);
	struct cpu_pin_hint h;
	ASSERT_OK(cpu_topology_pin_hint(t, &h));
	_cleanup_free_ char *vm = cpuset_format(&h.vm);
	ASSERT_STREQ(vm, "2-3");
	cpu_pin_hint_done(&h);
	remove_scratch(fd, root);
}

/* A capture with only the online list: loads, says nothing about cores, no hint. */
TEST(online_list_only)
{
	char root[PATH_MAX];
	int fd = scratch(root, sizeof root);
	put(root, "devices/system/cpu/online", "0-1");
	_cleanup_(cpu_topology_freep) struct cpu_topology *t = NULL;
	ASSERT_OK(cpu_topology_load(fd, &t));
	ASSERT_FALSE(t->has_topology);
	ASSERT_EQ(t->n_online, 2);
	ASSERT_EQ(t->n_cores, 0);
	struct cpu_pin_hint h;
	ASSERT_ERR(cpu_topology_pin_hint(t, &h), ENOENT);
	remove_scratch(fd, root);
}

TEST(nothing_at_all)
{
	char root[PATH_MAX];
	int fd = scratch(root, sizeof root);
	struct cpu_topology *t = NULL;
	ASSERT_ERR(cpu_topology_load(fd, &t), ENOENT);
	ASSERT_NULL(t);
	remove_scratch(fd, root);
}

TEST_MAIN("host-cpu")
