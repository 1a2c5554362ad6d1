/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "input/cpuset.h"
#include "lib/macro.h"

/*
 * CPU topology from /sys/devices/system/{cpu,node}: cores with their SMT siblings, the L3
 * caches they share and their NUMA nodes, for choosing vcpupin sets. Attributes the kernel
 * (or a captured tree) lacks leave the fields at -1 or NULL; nothing here fails on them.
 */

struct cpu_core {
	struct cpuset threads; /* the SMT siblings, this core's CPUs */
	unsigned first_cpu;
	int package;           /* physical_package_id, -1: unknown */
	int core_id;           /* -1: unknown */
	int node;              /* NUMA node, -1: unknown */
	int l3;                /* index into cpu_topology.l3s, -1: none known */
	char *caches;          /* the core's own caches: "L1d 32K, L1i 32K, L2 512K"; may be NULL */
};

struct cpu_l3 {
	struct cpuset cpus;    /* shared_cpu_list */
	char *size;            /* "32768K" as sysfs writes it, may be NULL */
};

struct cpu_node {
	unsigned id;
	struct cpuset cpus;
};

struct cpu_topology {
	struct cpuset online;
	unsigned n_online;
	unsigned n_packages;   /* 0: unknown */
	bool has_topology;     /* per-CPU topology/ was readable */
	struct cpu_core *cores; /* sorted by first CPU */
	size_t n_cores;
	struct cpu_l3 *l3s;
	size_t n_l3s;
	struct cpu_node *nodes;
	size_t n_nodes;
};

/* The online CPUs (devices/system/cpu/online). */
_must_check_ int cpus_online(int sys_fd, struct cpuset *ret);
/* -ENOENT: not even the online CPU list is there. */
_must_check_ int cpu_topology_load(int sys_fd, struct cpu_topology **ret);
struct cpu_topology *cpu_topology_free(struct cpu_topology *t);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct cpu_topology *, cpu_topology_free);

/* SMT: some core has more than one thread. */
bool cpu_topology_has_smt(const struct cpu_topology *t);

/*
 * Which cores a VM's vCPUs are best pinned to: whole cores (all SMT siblings) sharing one L3
 * and one node, leaving the core of CPU 0 (where most interrupts land) to the host.
 */
struct cpu_pin_hint {
	struct cpuset vm;
	struct cpuset host;
	char *text;            /* "give the VM 1,5 2,6 3,7 (3 cores, L3 #0); leave core 0 (0,4) ..." */
};
/* -ENOENT: nothing to suggest (no topology, or a single core). */
_must_check_ int cpu_topology_pin_hint(const struct cpu_topology *t, struct cpu_pin_hint *ret);
void cpu_pin_hint_done(struct cpu_pin_hint *h);
