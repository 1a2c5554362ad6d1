// SPDX-License-Identifier: GPL-2.0-or-later
/* CPUs from sysfs: the topology (cores and SMT siblings, shared L3 caches, NUMA nodes), and
 * the online CPUs, nodes and governors the optional stages weigh. */
#include <limits.h>

#include "host/host-cpu.h"
#include "host/host.h"
#include "lib/fileio.h"
#include "lib/strutil.h"

struct cpu_topology *cpu_topology_free(struct cpu_topology *t)
{
	if (!t)
		return NULL;
	for (size_t i = 0; i < t->n_cores; i++)
		free(t->cores[i].caches);
	free(t->cores);
	for (size_t i = 0; i < t->n_l3s; i++)
		free(t->l3s[i].size);
	free(t->l3s);
	free(t->nodes);
	free(t);
	return NULL;
}

bool cpu_topology_has_smt(const struct cpu_topology *t)
{
	for (size_t i = 0; i < t->n_cores; i++)
		if (cpuset_count(&t->cores[i].threads) > 1)
			return true;
	return false;
}

static int read_cpuset_at(int dir_fd, const char *path, struct cpuset *ret)
{
	char buf[4096];
	int r = read_attr_at(dir_fd, path, buf, sizeof buf);
	if (r < 0)
		return r;
	return cpuset_parse(strstrip(buf), ret);
}

int cpus_online(int sys_fd, struct cpuset *ret)
{
	return read_cpuset_at(sys_fd, "devices/system/cpu/online", ret);
}

/* -1 when absent or not a number. */
static int read_int_at(int dir_fd, const char *path)
{
	unsigned v;
	if (read_attr_uint_at(dir_fd, path, 10, &v) < 0 || v > INT_MAX)
		return -1;
	return (int)v;
}

static unsigned first_of(const struct cpuset *s)
{
	for (unsigned c = 0; c < CPUSET_MAX; c++)
		if (cpuset_has(s, c))
			return c;
	return UINT_MAX;
}

/* "32768K" → "32M": sysfs writes cache sizes in K. */
static char *cache_size(const char *s)
{
	unsigned k;
	char num[32];
	size_t n = strlen(s);
	if (n > 1 && n < sizeof num && s[n - 1] == 'K') {
		memcpy(num, s, n - 1);
		num[n - 1] = 0;
		if (safe_atou(num, 10, &k) >= 0 && k >= 1024 && k % 1024 == 0)
			return strdup_printf("%uM", k / 1024);
	}
	return strdup(s);
}

static int find_or_add_l3(struct cpu_topology *t, const struct cpuset *cpus, const char *size)
{
	for (size_t i = 0; i < t->n_l3s; i++)
		if (!memcmp(&t->l3s[i].cpus, cpus, sizeof *cpus))
			return (int)i;
	_cleanup_free_ char *sz = size ? cache_size(size) : NULL;
	if (size && !sz)
		return -ENOMEM;
	struct cpu_l3 *l = realloc(t->l3s, sizeof *l * (t->n_l3s + 1));
	if (!l)
		return -ENOMEM;
	t->l3s = l;
	l[t->n_l3s] = (struct cpu_l3){ .cpus = *cpus, .size = TAKE_PTR(sz) };
	return (int)t->n_l3s++;
}

static int append(char **s, const char *piece)
{
	char *n = *s ? strdup_printf("%s, %s", *s, piece) : strdup(piece);
	if (!n)
		return -ENOMEM;
	free(*s);
	*s = n;
	return 0;
}

static int cache_attr(int sys_fd, unsigned cpu, const char *index, const char *attr, char *buf,
		      size_t size)
{
	char path[PATH_MAX];
	if (snprintf(path, sizeof path, "devices/system/cpu/cpu%u/cache/%s/%s", cpu, index, attr) >=
	    (int)sizeof path)
		return -ENAMETOOLONG;
	int r = read_attr_at(sys_fd, path, buf, size);
	if (r >= 0)
		strstrip(buf);
	return r;
}

/* The caches of one core's first CPU: private ones into core->caches, the L3 shared. */
static int load_caches(struct cpu_topology *t, int sys_fd, struct cpu_core *core)
{
	char dir[64];
	_cleanup_strv_free_ char **idx = NULL;
	_cleanup_free_ char *caches = NULL;
	snprintf(dir, sizeof dir, "devices/system/cpu/cpu%u/cache", core->first_cpu);
	if (dir_list_at(sys_fd, dir, &idx) < 0)
		return 0;
	for (char **i = idx; i && *i; i++) {
		char level_s[16], type[32] = "", size[32] = "", list[4096];
		unsigned level;
		if (!startswith(*i, "index") ||
		    cache_attr(sys_fd, core->first_cpu, *i, "level", level_s, sizeof level_s) < 0 ||
		    safe_atou(level_s, 10, &level) < 0)
			continue;
		if (cache_attr(sys_fd, core->first_cpu, *i, "type", type, sizeof type) < 0)
			type[0] = 0;
		if (cache_attr(sys_fd, core->first_cpu, *i, "size", size, sizeof size) < 0)
			size[0] = 0;
		if (level >= 3) {
			struct cpuset shared;
			if (level > 3 ||
			    cache_attr(sys_fd, core->first_cpu, *i, "shared_cpu_list", list,
				       sizeof list) < 0 ||
			    cpuset_parse(list, &shared) < 0)
				continue;
			int k = find_or_add_l3(t, &shared, size[0] ? size : NULL);
			if (k < 0)
				return k;
			core->l3 = k;
			continue;
		}
		const char *suffix = streq(type, "Data") ? "d" : streq(type, "Instruction") ? "i" : "";
		_cleanup_free_ char *sz = size[0] ? cache_size(size) : strdup("?");
		_cleanup_free_ char *piece = sz ? strdup_printf("L%u%s %s", level, suffix, sz) : NULL;
		int r = piece ? append(&caches, piece) : -ENOMEM;
		if (r < 0)
			return r;
	}
	core->caches = TAKE_PTR(caches);
	return 0;
}

static int load_nodes(struct cpu_topology *t, int sys_fd)
{
	_cleanup_strv_free_ char **ents = NULL;
	if (dir_list_at(sys_fd, "devices/system/node", &ents) < 0)
		return 0;
	for (char **e = ents; e && *e; e++) {
		unsigned id;
		char path[PATH_MAX];
		struct cpuset cpus;
		if (!startswith(*e, "node") || safe_atou(*e + 4, 10, &id) < 0)
			continue;
		snprintf(path, sizeof path, "devices/system/node/%s/cpulist", *e);
		if (read_cpuset_at(sys_fd, path, &cpus) < 0)
			continue;
		struct cpu_node *l = realloc(t->nodes, sizeof *l * (t->n_nodes + 1));
		if (!l)
			return -ENOMEM;
		t->nodes = l;
		l[t->n_nodes++] = (struct cpu_node){ .id = id, .cpus = cpus };
	}
	/* node10 sorts before node2 by name. */
	for (size_t i = 1; i < t->n_nodes; i++)
		for (size_t j = i; j > 0 && t->nodes[j - 1].id > t->nodes[j].id; j--) {
			struct cpu_node x = t->nodes[j];
			t->nodes[j] = t->nodes[j - 1];
			t->nodes[j - 1] = x;
		}
	return 0;
}

static int add_core(struct cpu_topology *t, int sys_fd, unsigned cpu)
{
	char path[PATH_MAX];
	struct cpuset threads;
	snprintf(path, sizeof path, "devices/system/cpu/cpu%u/topology/thread_siblings_list", cpu);
	if (read_cpuset_at(sys_fd, path, &threads) < 0) {
		/* Older name first, newer kernels have both. */
		snprintf(path, sizeof path, "devices/system/cpu/cpu%u/topology/core_cpus_list", cpu);
		if (read_cpuset_at(sys_fd, path, &threads) < 0)
			return 0;
	}
	if (!cpuset_has(&threads, cpu))
		cpuset_add(&threads, cpu);
	struct cpu_core *l = realloc(t->cores, sizeof *l * (t->n_cores + 1));
	if (!l)
		return -ENOMEM;
	t->cores = l;
	struct cpu_core *c = &l[t->n_cores++];
	*c = (struct cpu_core){ .threads = threads, .first_cpu = first_of(&threads), .node = -1,
				.l3 = -1 };
	snprintf(path, sizeof path, "devices/system/cpu/cpu%u/topology/physical_package_id", cpu);
	c->package = read_int_at(sys_fd, path);
	snprintf(path, sizeof path, "devices/system/cpu/cpu%u/topology/core_id", cpu);
	c->core_id = read_int_at(sys_fd, path);
	t->has_topology = true;
	return load_caches(t, sys_fd, c);
}

int cpu_topology_load(int sys_fd, struct cpu_topology **ret)
{
	_cleanup_(cpu_topology_freep) struct cpu_topology *t = calloc(1, sizeof *t);
	if (!t)
		return -ENOMEM;
	int r = cpus_online(sys_fd, &t->online);
	if (r < 0)
		return r;
	t->n_online = cpuset_count(&t->online);
	for (unsigned cpu = 0; cpu < CPUSET_MAX; cpu++) {
		if (!cpuset_has(&t->online, cpu))
			continue;
		bool seen = false;
		for (size_t i = 0; i < t->n_cores && !seen; i++)
			seen = cpuset_has(&t->cores[i].threads, cpu);
		if (!seen && (r = add_core(t, sys_fd, cpu)) < 0)
			return r;
	}
	if ((r = load_nodes(t, sys_fd)) < 0)
		return r;
	struct cpuset packages;
	memset(&packages, 0, sizeof packages);
	for (size_t i = 0; i < t->n_cores; i++) {
		struct cpu_core *c = &t->cores[i];
		for (size_t k = 0; k < t->n_nodes; k++)
			if (cpuset_has(&t->nodes[k].cpus, c->first_cpu))
				c->node = (int)t->nodes[k].id;
		if (c->package >= 0 && c->package < CPUSET_MAX)
			cpuset_add(&packages, (unsigned)c->package);
	}
	t->n_packages = cpuset_count(&packages);
	*ret = TAKE_PTR(t);
	return 0;
}

void cpu_pin_hint_done(struct cpu_pin_hint *h)
{
	free(h->text);
	h->text = NULL;
}

static bool same_domain(const struct cpu_core *a, const struct cpu_core *b)
{
	return a->l3 == b->l3 && a->node == b->node;
}

/* "1,5 2,6 3,7": one sibling set per core. */
static char *core_sets(const struct cpu_topology *t, const struct cpu_core *ref, bool skip_ref,
		       const struct cpu_core *host, unsigned *ret_n)
{
	_cleanup_free_ char *s = NULL;
	unsigned n = 0;
	for (size_t i = 0; i < t->n_cores; i++) {
		const struct cpu_core *c = &t->cores[i];
		if (!same_domain(c, ref) || (skip_ref && c == host))
			continue;
		_cleanup_free_ char *set = cpuset_format(&c->threads);
		char *joined = set ? (s ? strdup_printf("%s %s", s, set) : strdup(set)) : NULL;
		if (!joined)
			return NULL;
		free(s);
		s = joined;
		n++;
	}
	*ret_n = n;
	return s ? TAKE_PTR(s) : strdup("");
}

int cpu_topology_pin_hint(const struct cpu_topology *t, struct cpu_pin_hint *ret)
{
	if (!t->has_topology || t->n_cores < 2)
		return -ENOENT;
	const struct cpu_core *host = &t->cores[0];
	for (size_t i = 0; i < t->n_cores; i++)
		if (cpuset_has(&t->cores[i].threads, 0))
			host = &t->cores[i];

	/* Another L3 (or node) than the host core's keeps the VM's cache to itself: the largest. */
	const struct cpu_core *pick = NULL;
	size_t best = 0;
	for (size_t i = 0; i < t->n_cores; i++) {
		const struct cpu_core *c = &t->cores[i];
		if (same_domain(c, host))
			continue;
		size_t n = 0;
		for (size_t k = 0; k < t->n_cores; k++)
			n += same_domain(&t->cores[k], c);
		if (n > best) {
			best = n;
			pick = c;
		}
	}
	bool skip = !pick;
	if (!pick)
		pick = host;

	struct cpu_pin_hint h;
	memset(&h, 0, sizeof h);
	for (size_t i = 0; i < t->n_cores; i++) {
		const struct cpu_core *c = &t->cores[i];
		if (same_domain(c, pick) && !(skip && c == host))
			cpuset_union(&h.vm, &c->threads);
	}
	h.host = t->online;
	for (unsigned c = 0; c < CPUSET_MAX; c++)
		if (cpuset_has(&h.vm, c))
			h.host.bits[c / 64] &= ~(UINT64_C(1) << (c % 64));

	unsigned n = 0;
	_cleanup_free_ char *sets = core_sets(t, pick, skip, host, &n);
	_cleanup_free_ char *host_set = cpuset_format(&h.host);
	_cleanup_free_ char *where = NULL;
	if (!sets || !host_set)
		return -ENOMEM;
	if (pick->l3 >= 0 && t->n_l3s > 1 && pick->node >= 0 && t->n_nodes > 1)
		where = strdup_printf(", L3 #%d, node %d", pick->l3, pick->node);
	else if (pick->l3 >= 0 && t->n_l3s > 1)
		where = strdup_printf(", L3 #%d", pick->l3);
	else if (pick->node >= 0 && t->n_nodes > 1)
		where = strdup_printf(", node %d", pick->node);
	else
		where = strdup("");
	if (!where)
		return -ENOMEM;
	bool smt = cpu_topology_has_smt(t);
	h.text = strdup_printf("give the VM %s (%u core%s%s)%s; leave %s to the host", sets, n,
			       n == 1 ? "" : "s", where,
			       smt ? ", each vCPU pair on one core's siblings" : "", host_set);
	if (!h.text)
		return -ENOMEM;
	*ret = h;
	return 0;
}

void host_load_online_cpus(struct host *h)
{
	h->online_cpus = (struct cpuset){ 0 };
	h->online_cpus_error = cpus_online(h->root->sys_fd, &h->online_cpus);
	if (h->online_cpus_error < 0)
		h->online_cpus = (struct cpuset){ 0 };
}

const struct host_cpu *host_find_cpu(const struct host *h, unsigned cpu)
{
	for (size_t i = 0; i < h->n_cpus; i++)
		if (h->cpus[i].cpu == cpu)
			return &h->cpus[i];
	return NULL;
}

static struct host_cpu *find_or_add_cpu(struct host *h, unsigned cpu)
{
	struct host_cpu *c = (struct host_cpu *)host_find_cpu(h, cpu);
	if (c)
		return c;
	struct host_cpu *l = realloc(h->cpus, sizeof *l * (h->n_cpus + 1));
	if (!l)
		return NULL;
	h->cpus = l;
	l[h->n_cpus] = (struct host_cpu){ .cpu = cpu, .node = -1 };
	return &l[h->n_cpus++];
}

int host_load_cpu_nodes(struct host *h, const struct cpuset *cpus)
{
	for (unsigned c = 0; c < CPUSET_MAX; c++) {
		if (!cpuset_has(cpus, c))
			continue;
		struct host_cpu *hc = find_or_add_cpu(h, c);
		if (!hc)
			return -ENOMEM;
		hc->node = -1;
		for (int n = 0; n < 64 && hc->node < 0; n++) {
			char path[PATH_MAX];
			snprintf(path, sizeof path, "devices/system/cpu/cpu%u/node%d", c, n);
			if (exists_at(h->root->sys_fd, path))
				hc->node = n;
		}
	}
	return 0;
}

static char *read_cpufreq(int sys_fd, unsigned cpu, const char *attr)
{
	char path[PATH_MAX], buf[512];
	snprintf(path, sizeof path, "devices/system/cpu/cpu%u/cpufreq/%s", cpu, attr);
	return read_attr_at(sys_fd, path, buf, sizeof buf) < 0 ? NULL : strdup(buf);
}

int host_load_cpu_governors(struct host *h, const struct cpuset *cpus)
{
	for (unsigned c = 0; c < CPUSET_MAX; c++) {
		if (!cpuset_has(cpus, c))
			continue;
		struct host_cpu *hc = find_or_add_cpu(h, c);
		if (!hc)
			return -ENOMEM;
		free(hc->governor);
		free(hc->governors);
		hc->governor = read_cpufreq(h->root->sys_fd, c, "scaling_governor");
		hc->governors = hc->governor ?
					read_cpufreq(h->root->sys_fd, c, "scaling_available_governors") :
					NULL;
	}
	return 0;
}

void host_cpus_free(struct host *h);
void host_cpus_free(struct host *h)
{
	for (size_t i = 0; i < h->n_cpus; i++) {
		free(h->cpus[i].governor);
		free(h->cpus[i].governors);
	}
	free(h->cpus);
	h->cpus = NULL;
	h->n_cpus = 0;
	h->online_cpus = (struct cpuset){ 0 };
	h->online_cpus_error = 0;
}
