// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `vfio-hook list`: the hardware report to read before passing a GPU through. CPU topology for
 * vcpupin sets, then every IOMMU group with its devices and a verdict. Tables, trees and JSON
 * all come from libsmartcols; the JSON (one table, rows typed by a "type" column) is
 * documented in docs/list.md and docs/list.schema.json.
 */
#include <limits.h>

#include "host/block-info.h"
#include "host/group-verdict.h"
#include "host/host-cpu.h"
#include "host/host-usb.h"
#include "host/host.h"
#include "lib/dlopen-libkmod.h"
#include "lib/fileio.h"
#include "lib/log.h"
#include "lib/strutil.h"
#include "lib/table.h"
#include "system/modules.h"
#include "verbs.h"

enum {
	COL_TYPE,
	COL_NAME,
	COL_CPUS,
	COL_DESC,
	COL_DRIVER,
	COL_MODULES,
	COL_RESET,
	COL_RESET_METHOD,
	COL_ID,
	COL_CLASS,
	COL_BOOT_VGA,
	COL_STATUS,
	COL_CACHES,
	COL_SIZE,
	COL_FSTYPE,
	COL_LABEL,
	COL_MOUNTS,
	COL_VERDICT,
	COL_GROUP,
	_COL_MAX,
};

#define IN_CPUS (1u << 0)
#define IN_GROUPS (1u << 1)

static const struct {
	const char *key;    /* the JSON key */
	const char *header; /* the text table's header */
	int json_type;
	unsigned text;      /* which text tables show it */
	double width;
	int flags;
} columns[_COL_MAX] = {
	[COL_NAME] = { "name", "NAME", SCOLS_JSON_STRING, IN_CPUS | IN_GROUPS, 0.1, SCOLS_FL_TREE },
	[COL_TYPE] = { "type", "TYPE", SCOLS_JSON_STRING, 0, 0.1, 0 },
	[COL_CPUS] = { "cpus", "CPUS", SCOLS_JSON_STRING, IN_CPUS, 0.1, 0 },
	[COL_DESC] = { "description", "DESCRIPTION", SCOLS_JSON_STRING, IN_CPUS | IN_GROUPS, 0.5,
			SCOLS_FL_TRUNC },
	[COL_DRIVER] = { "driver", "DRIVER", SCOLS_JSON_STRING, IN_GROUPS, 0.1, 0 },
	[COL_MODULES] = { "modules", "MODULES", SCOLS_JSON_STRING, IN_GROUPS, 0.1, 0 },
	[COL_RESET] = { "reset", "RESET", SCOLS_JSON_STRING, IN_GROUPS, 0.1, 0 },
	[COL_RESET_METHOD] = { "reset_method", "RESET_METHOD", SCOLS_JSON_STRING, 0, 0.1, 0 },
	[COL_ID] = { "id", "ID", SCOLS_JSON_STRING, IN_GROUPS, 0.1, 0 },
	[COL_CLASS] = { "class", "CLASS", SCOLS_JSON_STRING, 0, 0.1, 0 },
	[COL_BOOT_VGA] = { "boot_vga", "BOOT_VGA", SCOLS_JSON_BOOLEAN_OPTIONAL, 0, 0.1, 0 },
	[COL_STATUS] = { "status", "STATUS", SCOLS_JSON_STRING, 0, 0.1, 0 },
	[COL_CACHES] = { "caches", "CACHES", SCOLS_JSON_STRING, 0, 0.1, 0 },
	[COL_SIZE] = { "size", "SIZE", SCOLS_JSON_NUMBER, 0, 0.1, 0 },
	[COL_FSTYPE] = { "fstype", "FSTYPE", SCOLS_JSON_STRING, 0, 0.1, 0 },
	[COL_LABEL] = { "label", "LABEL", SCOLS_JSON_STRING, 0, 0.1, 0 },
	[COL_MOUNTS] = { "mountpoint", "MOUNTPOINT", SCOLS_JSON_STRING, 0, 0.1, 0 },
	[COL_VERDICT] = { "verdict", "VERDICT", SCOLS_JSON_STRING, 0, 0.1, 0 },
	[COL_GROUP] = { "iommu_group", "GROUP", SCOLS_JSON_NUMBER, 0, 0.1, 0 },
};

struct list_ctx {
	struct host *h;
	struct kmod_ctx *kmod;      /* NULL: no module index to ask */
	struct mount_entry *mounts;
	size_t n_mounts;
	bool json, color;
	FILE *out;
};

static int new_table(const struct list_ctx *c, const char *title, unsigned which,
		     struct libscols_table **ret)
{
	_cleanup_(sym_scols_unref_tablep) struct libscols_table *tb = NULL;
	int r = c->json ? table_new_json("list", c->out, &tb) : table_new_text(c->out, &tb);
	if (r < 0)
		return r;
	sym_scols_table_enable_colors(tb, c->color);
	if (!c->json) {
		/* On a narrow terminal, cut long descriptions rather than spill names and
		 * verdicts onto lines of their own. */
		sym_scols_table_enable_nowrap(tb, 1);
		struct libscols_cell *tc = sym_scols_table_get_title(tb);
		if (title && (sym_scols_cell_set_data(tc, title) < 0 ||
			      (c->color && sym_scols_cell_set_color(tc, "bold") < 0)))
			return -ENOMEM;
	}
	for (size_t i = 0; i < _COL_MAX; i++) {
		int flags = columns[i].flags;
		if (!c->json && !(columns[i].text & which))
			flags |= SCOLS_FL_HIDDEN;
		struct libscols_column *cl = sym_scols_table_new_column(
			tb, c->json ? columns[i].key : columns[i].header, columns[i].width, flags);
		if (!cl)
			return -ENOMEM;
		if (c->json && sym_scols_column_set_json_type(cl, columns[i].json_type) < 0)
			return -ENOMEM;
	}
	*ret = TAKE_PTR(tb);
	return 0;
}

static int setf(struct libscols_line *ln, int col, const char *fmt, ...) _printf_(3, 4);
static int setf(struct libscols_line *ln, int col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	_cleanup_free_ char *s = strdup_vprintf(fmt, ap);
	va_end(ap);
	if (!s)
		return -ENOMEM;
	return table_set_escaped(ln, (size_t)col, s);
}

static int paint(const struct list_ctx *c, struct libscols_line *ln, int col, const char *color)
{
	if (!c->color)
		return 0;
	struct libscols_cell *cell = sym_scols_line_get_cell(ln, (size_t)col);
	return sym_scols_cell_set_color(cell, color) < 0 ? -ENOMEM : 0;
}

static int row(struct libscols_table *tb, struct libscols_line *parent, const char *type,
	       const char *name, struct libscols_line **ret)
{
	struct libscols_line *ln = sym_scols_table_new_line(tb, parent);
	int r;
	if (!ln)
		return -ENOMEM;
	if ((r = table_set_escaped(ln, COL_TYPE, type)) < 0 || (r = table_set_escaped(ln, COL_NAME, name)) < 0)
		return r;
	*ret = ln;
	return 0;
}

/* libsmartcols 2.38 writes an empty JSON array as [null]: lists are joined strings. */
static char *join(char *const *l, const char *sep)
{
	_cleanup_free_ char *s = NULL;
	for (char *const *p = l; p && *p; p++) {
		char *n = s ? strdup_printf("%s%s%s", s, sep, *p) : strdup(*p);
		if (!n)
			return NULL;
		free(s);
		s = n;
	}
	return s ? TAKE_PTR(s) : strdup("");
}

static char *size_string(unsigned long long bytes)
{
	static const char units[] = "KMGTPE";
	if (bytes < 1024)
		return strdup_printf("%lluB", bytes);
	unsigned long long scale = 1024;
	size_t u = 0;
	while (bytes / scale >= 1024 && u + 2 < sizeof units) {
		scale *= 1024;
		u++;
	}
	double v = (double)bytes / (double)scale;
	return v >= 10 || v == (double)(unsigned long long)v
		       ? strdup_printf("%.0f%c", v, units[u])
		       : strdup_printf("%.1f%c", v, units[u]);
}

/* --- CPU topology -------------------------------------------------------------------------- */

static int add_core_row(const struct list_ctx *c, struct libscols_table *tb,
			struct libscols_line *parent, const struct cpu_core *core)
{
	struct libscols_line *ln;
	_cleanup_free_ char *cpus = cpuset_format(&core->threads);
	int r = 0;
	if (!cpus)
		return -ENOMEM;
	if ((r = row(tb, parent, "core", NULL, &ln)) < 0 ||
	    (r = core->core_id >= 0 ? setf(ln, COL_NAME, "core %d", core->core_id)
				    : setf(ln, COL_NAME, "core of %u", core->first_cpu)) < 0 ||
	    (r = table_set_escaped(ln, COL_CPUS, cpus)) < 0 || (r = table_set_escaped(ln, COL_CACHES, core->caches)) < 0)
		return r;
	if (core->caches && (r = table_set_escaped(ln, COL_DESC, core->caches)) < 0)
		return r;
	if (core->package >= 0 && c->json)
		return setf(ln, COL_DESC, "package %d%s%s", core->package,
			    core->caches ? ", " : "", core->caches ?: "");
	return 0;
}

static int add_l3_rows(const struct list_ctx *c, struct libscols_table *tb,
		       struct libscols_line *parent, const struct cpu_topology *t, int node)
{
	int r = 0;
	/* Cores without a known L3 hang off the node directly. */
	for (size_t i = 0; i < t->n_cores; i++)
		if (t->cores[i].l3 < 0 && t->cores[i].node == node &&
		    (r = add_core_row(c, tb, parent, &t->cores[i])) < 0)
			return r;
	for (size_t k = 0; k < t->n_l3s; k++) {
		struct libscols_line *ln = NULL;
		for (size_t i = 0; i < t->n_cores; i++) {
			if (t->cores[i].l3 != (int)k || t->cores[i].node != node)
				continue;
			if (!ln) {
				_cleanup_free_ char *cpus = cpuset_format(&t->l3s[k].cpus);
				if (!cpus || (r = row(tb, parent, "l3", NULL, &ln)) < 0 ||
				    (r = setf(ln, COL_NAME, "L3 #%zu", k)) < 0 ||
				    (r = table_set_escaped(ln, COL_CPUS, cpus)) < 0 ||
				    (r = t->l3s[k].size ? setf(ln, COL_DESC, "shared L3 %s",
								 t->l3s[k].size)
							 : table_set_escaped(ln, COL_DESC, "shared L3")) < 0 ||
				    (r = table_set_escaped(ln, COL_CACHES, t->l3s[k].size)) < 0)
					return r < 0 ? r : -ENOMEM;
			}
			if ((r = add_core_row(c, tb, ln, &t->cores[i])) < 0)
				return r;
		}
	}
	return 0;
}

static int add_cpu_rows(const struct list_ctx *c, struct libscols_table *tb,
			const struct cpu_topology *t, const struct cpu_pin_hint *hint)
{
	struct libscols_line *top;
	_cleanup_free_ char *online = cpuset_format(&t->online);
	int r = 0;
	if (!online || (r = row(tb, NULL, "cpus", "CPUs", &top)) < 0 ||
	    (r = table_set_escaped(top, COL_CPUS, online)) < 0)
		return r < 0 ? r : -ENOMEM;
	if (!t->has_topology)
		return setf(top, COL_DESC, "%u online; topology not available", t->n_online);
	bool smt = cpu_topology_has_smt(t);
	if (t->n_packages > 0)
		r = setf(top, COL_DESC, "%u socket%s, %zu cores, %u threads%s, %zu NUMA node%s",
			 t->n_packages, t->n_packages == 1 ? "" : "s", t->n_cores, t->n_online,
			 smt ? " (SMT)" : "", t->n_nodes, t->n_nodes == 1 ? "" : "s");
	else
		r = setf(top, COL_DESC, "%zu cores, %u threads%s", t->n_cores, t->n_online,
			 smt ? " (SMT)" : "");
	if (r < 0)
		return r;

	if (t->n_nodes == 0)
		r = add_l3_rows(c, tb, top, t, -1);
	for (size_t i = 0; r >= 0 && i < t->n_nodes; i++) {
		struct libscols_line *ln;
		_cleanup_free_ char *cpus = cpuset_format(&t->nodes[i].cpus);
		if (!cpus || (r = row(tb, top, "node", NULL, &ln)) < 0 ||
		    (r = setf(ln, COL_NAME, "node%u", t->nodes[i].id)) < 0 ||
		    (r = table_set_escaped(ln, COL_CPUS, cpus)) < 0 ||
		    (r = add_l3_rows(c, tb, ln, t, (int)t->nodes[i].id)) < 0)
			return r < 0 ? r : -ENOMEM;
	}
	if (r >= 0 && t->n_nodes > 0)
		/* CPUs no node claims (a capture without node/). */
		r = add_l3_rows(c, tb, top, t, -1);
	if (r >= 0 && hint && c->json) {
		struct libscols_line *ln;
		_cleanup_free_ char *vm = cpuset_format(&hint->vm);
		if (!vm || (r = row(tb, NULL, "hint", "vcpupin", &ln)) < 0 ||
		    (r = table_set_escaped(ln, COL_CPUS, vm)) < 0 || (r = table_set_escaped(ln, COL_DESC, hint->text)) < 0)
			return r < 0 ? r : -ENOMEM;
	}
	return r;
}

/* --- devices --------------------------------------------------------------------------------- */

/* Modules that can drive the function: its modalias through libkmod, as lspci -k does. */
static int device_modules(const struct list_ctx *c, const struct pci_function *d, char ***ret)
{
	char path[PATH_MAX], alias[256];
	_cleanup_strv_free_ char **mods = NULL;
	snprintf(path, sizeof path, "bus/pci/devices/%s/modalias", d->name);
	if (!c->kmod || read_attr_at(c->h->root->sys_fd, path, alias, sizeof alias) <= 0) {
		*ret = NULL;
		return 0;
	}
	_cleanup_(sym_kmod_module_unref_listp) struct kmod_list *list = NULL;
	if (sym_kmod_module_new_from_lookup(c->kmod, strstrip(alias), &list) < 0)
		list = NULL; /* no index: nothing known, not an error */
	struct kmod_list *it;
	sym_kmod_list_foreach(it, list)
	{
		struct kmod_module *m = sym_kmod_module_get_module(it);
		int r = m ? strv_extend_unique(&mods, sym_kmod_module_get_name(m)) : 0;
		sym_kmod_module_unref(m);
		if (r < 0)
			return r;
	}
	*ret = TAKE_PTR(mods);
	return 0;
}

static int add_connectors(const struct list_ctx *c, struct libscols_table *tb,
			  struct libscols_line *parent, const struct pci_function *d)
{
	for (size_t i = 0; i < d->n_connectors; i++) {
		const struct drm_connector *k = &d->connectors[i];
		const char *dash = strchr(k->name, '-');
		struct libscols_line *ln;
		bool on = streq(k->status, "connected");
		int r;
		if ((r = row(tb, parent, "connector", dash ? dash + 1 : k->name, &ln)) < 0 ||
		    (r = table_set_escaped(ln, COL_STATUS, k->status)) < 0 ||
		    (r = setf(ln, COL_DESC, "display connector, %s", k->status)) < 0 ||
		    (r = paint(c, ln, COL_DESC, on ? "green" : "gray")) < 0)
			return r;
	}
	return 0;
}

static int add_sound(const struct list_ctx *c, struct libscols_table *tb,
		     struct libscols_line *parent, const struct pci_function *d)
{
	for (char **s = d->sound_cards; s && *s; s++) {
		char path[PATH_MAX], id[128] = "";
		struct libscols_line *ln;
		int r;
		snprintf(path, sizeof path, "bus/pci/devices/%s/sound/%s/id", d->name, *s);
		if (read_attr_at(c->h->root->sys_fd, path, id, sizeof id) < 0)
			id[0] = 0;
		if ((r = row(tb, parent, "sound", *s, &ln)) < 0 ||
		    (r = id[0] ? setf(ln, COL_DESC, "ALSA card %s", strstrip(id))
			       : table_set_escaped(ln, COL_DESC, "ALSA card")) < 0)
			return r;
	}
	return 0;
}

static int add_usb(const struct list_ctx *c, struct libscols_table *tb,
		   struct libscols_line *parent, const struct pci_function *d)
{
	struct usb_device *l = NULL;
	size_t n = 0;
	int r = usb_devices_of_pci(c->h->root->sys_fd, d->name, &l, &n);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n && r >= 0; i++) {
		const struct usb_device *u = &l[i];
		struct libscols_line *ln;
		if ((r = row(tb, parent, "usb", u->name, &ln)) < 0 ||
		    (r = setf(ln, COL_ID, "%04x:%04x", u->vendor, u->product)) < 0)
			break;
		/* "QEMU" and "QEMU USB Tablet": the maker once. */
		const char *maker = u->manufacturer;
		if (maker && u->product_name && startswith(u->product_name, maker))
			maker = NULL;
		char id[16] = "";
		if (c->json) /* the text table has the ID column of its own */
			snprintf(id, sizeof id, " [%04x:%04x]", u->vendor, u->product);
		r = setf(ln, COL_DESC, "Bus %03u Device %03u:%s%s%s%s%s%s", u->busnum, u->devnum,
			 id, maker ? " " : "", maker ?: "", u->product_name ? " " : "",
			 u->product_name ?: "", u->root_hub ? " (root hub)" : "");
	}
	usb_devices_free(l, n);
	return r;
}

static int add_block(const struct list_ctx *c, struct libscols_table *tb,
		     struct libscols_line *parent, const struct block_info *b)
{
	struct libscols_line *ln;
	const char *type = b->kind == BLOCK_DISK ? "disk" : b->kind == BLOCK_PARTITION ? "partition"
											: "holder";
	_cleanup_free_ char *size = b->size ? size_string(b->size) : strdup("");
	_cleanup_free_ char *mounts = join(b->mountpoints, ", "), *text_mounts = NULL;
	int r;
	if (!size || !mounts)
		return -ENOMEM;
	if ((r = row(tb, parent, type, b->kname, &ln)) < 0)
		return r;
	if (b->mountpoints && !c->json && !(text_mounts = strdup_printf(" on %s", mounts)))
		return -ENOMEM;
	/* "crypt cryptroot 100G ext4 "home" on /home" */
	r = setf(ln, COL_DESC, "%s%s%s%s%s%s%s%s%s%s%s%s%s",
		 b->kind == BLOCK_DISK || b->kind == BLOCK_PARTITION ? "" : block_kind_to_string(b->kind),
		 b->dm_name ? " " : "", b->dm_name ?: "",
		 b->kind == BLOCK_DISK || b->kind == BLOCK_PARTITION ? "" : " ", size,
		 b->model ? " " : "", b->model ?: "", b->fstype ? " " : "", b->fstype ?: "",
		 b->label ? " \"" : "", b->label ?: "", b->label ? "\"" : "", text_mounts ?: "");
	if (r < 0)
		return r;
	char bytes[32];
	snprintf(bytes, sizeof bytes, "%llu", b->size);
	if ((b->size && (r = table_set_escaped(ln, COL_SIZE, bytes)) < 0) ||
	    (r = table_set_escaped(ln, COL_FSTYPE, b->fstype)) < 0 || (r = table_set_escaped(ln, COL_LABEL, b->label)) < 0 ||
	    (b->mountpoints && (r = table_set_escaped(ln, COL_MOUNTS, b->mountpoints[0])) < 0) ||
	    (b->kind != BLOCK_DISK && b->kind != BLOCK_PARTITION &&
	     (r = table_set_escaped(ln, COL_CLASS, block_kind_to_string(b->kind))) < 0) ||
	    (b->kind == BLOCK_DISK && (r = table_set_escaped(ln, COL_CLASS, "disk")) < 0))
		return r;
	if (b->mountpoints && (r = paint(c, ln, COL_DESC, "yellow")) < 0)
		return r;
	for (size_t i = 0; i < b->n_children; i++)
		if ((r = add_block(c, tb, ln, &b->children[i])) < 0)
			return r;
	return 0;
}

static int add_disks(const struct list_ctx *c, struct libscols_table *tb,
		     struct libscols_line *parent, const struct pci_function *d)
{
	_cleanup_strv_free_ char **disks = NULL;
	int r = block_disks_of_pci(c->h, d->name, &disks);
	for (char **k = disks; r >= 0 && k && *k; k++) {
		_cleanup_(block_info_freep) struct block_info *b = NULL;
		if ((r = block_info_load(c->h, c->mounts, c->n_mounts, *k, &b)) >= 0)
			r = add_block(c, tb, parent, b);
	}
	return r;
}

static int cmp_holder(const void *a, const void *b)
{
	const struct node_holder *x = a, *y = b;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return strcmp(x->devname, y->devname);
}

/* Processes holding the function's /dev/dri and /dev/snd nodes: what stops a handoff. */
static int add_processes(const struct list_ctx *c, struct libscols_table *tb,
			 struct libscols_line *parent, const struct pci_function *d)
{
	struct node_holder *l = NULL;
	size_t n = 0;
	if (d->n_nodes == 0 || host_find_holders(c->h, d->nodes, d->n_nodes, &l, &n) < 0)
		return 0; /* unreadable /proc: the closing line says what root adds */
	if (n > 1)
		qsort(l, n, sizeof *l, cmp_holder);
	int r = 0;
	for (size_t i = 0; i < n && r >= 0;) {
		size_t j = i;
		_cleanup_free_ char *nodes = NULL;
		for (; j < n && l[j].pid == l[i].pid; j++) {
			char *s = nodes ? strdup_printf("%s, /dev/%s", nodes, l[j].devname)
					: strdup_printf("/dev/%s", l[j].devname);
			if (!s) {
				r = -ENOMEM;
				break;
			}
			free(nodes);
			nodes = s;
		}
		struct libscols_line *ln;
		if (r < 0 || (r = row(tb, parent, "process", l[i].comm, &ln)) < 0)
			break;
		r = setf(ln, COL_DESC, "pid %d, uid %u holds %s", (int)l[i].pid, (unsigned)l[i].uid,
			 nodes);
		i = j;
	}
	node_holders_free(l, n);
	return r;
}

static int add_device(const struct list_ctx *c, struct libscols_table *tb,
		      struct libscols_line *parent, const struct pci_function *d)
{
	struct libscols_line *ln;
	_cleanup_strv_free_ char **mods = NULL;
	_cleanup_free_ char *modules = NULL;
	int r;
	if ((r = device_modules(c, d, &mods)) < 0 || !(modules = join(mods, c->json ? " " : ",")) ||
	    (r = row(tb, parent, "device", d->name, &ln)) < 0)
		return r < 0 ? r : -ENOMEM;

	const char *vendor = pci_function_vendor_name(d), *device = pci_function_device_name(d);
	/* In JSON the description carries [vendor:device] as lspci -nn writes it; the text table
	 * has an ID column instead, which a narrow terminal never cuts. */
	char id[16] = "";
	if (c->json)
		snprintf(id, sizeof id, " [%04x:%04x]", d->vendor, d->device);
	if ((r = setf(ln, COL_DESC, "%s: %s%s%s%s%s", pci_function_class_name(d) ?: "PCI device", vendor ?: "",
		      vendor && device ? " " : "", device ?: (vendor ? "" : "Device"), id,
		      d->boot_vga == 1 ? " (boot VGA)" : "")) < 0 ||
	    (r = setf(ln, COL_ID, "%04x:%04x", d->vendor, d->device)) < 0 ||
	    (r = setf(ln, COL_CLASS, "%06x", d->class_code)) < 0 ||
	    (r = table_set_escaped(ln, COL_DRIVER, d->driver ?: (c->json ? NULL : "-"))) < 0 ||
	    (r = table_set_escaped(ln, COL_MODULES, mods ? modules : (c->json ? NULL : "-"))) < 0 ||
	    (r = table_set_escaped(ln, COL_RESET_METHOD, d->reset_method)) < 0 ||
	    (d->boot_vga >= 0 && (r = table_set_escaped(ln, COL_BOOT_VGA, d->boot_vga ? "true" : "false")) < 0) ||
	    (d->iommu_group >= 0 && (r = setf(ln, COL_GROUP, "%d", d->iommu_group)) < 0))
		return r;

	/* reset_method lists what the kernel can do; empty, or absent on 5.15 and later, means
	 * nothing. Absent on older kernels is unknown: not a verdict. */
	char path[PATH_MAX];
	snprintf(path, sizeof path, "bus/pci/devices/%s/reset_method", d->name);
	if (d->reset_method)
		r = table_set_escaped(ln, COL_RESET, d->reset_method);
	else if (host_reset_method_is_authoritative(c->h) ||
		 exists_at(c->h->root->sys_fd, path)) {
		if ((r = table_set_escaped(ln, COL_RESET, c->json ? "none" : "no reset")) >= 0)
			r = paint(c, ln, COL_RESET, "red");
	} else
		r = table_set_escaped(ln, COL_RESET, c->json ? "unknown" : "?");
	if (r < 0)
		return r;

	if ((r = add_connectors(c, tb, ln, d)) < 0 || (r = add_sound(c, tb, ln, d)) < 0 ||
	    (r = add_processes(c, tb, ln, d)) < 0)
		return r;
	if (d->class_code >> 8 == 0x0c03 && (r = add_usb(c, tb, ln, d)) < 0)
		return r;
	return add_disks(c, tb, ln, d);
}

static int cmp_group(const void *a, const void *b)
{
	unsigned x = 0, y = 0;
	(void)!safe_atou(*(char *const *)a, 10, &x);
	(void)!safe_atou(*(char *const *)b, 10, &y);
	return x < y ? -1 : x > y;
}

static const char *verdict_color(enum group_verdict_kind k)
{
	switch (k) {
	case GROUP_READY:
		return "green";
	case GROUP_TAKES_OTHERS:
		return "yellow";
	case GROUP_NOT_AS_IS:
	case GROUP_NOT_PASSABLE:
	case _GROUP_VERDICT_MAX:
		break;
	}
	return "red";
}

static int add_group(const struct list_ctx *c, struct libscols_table *tb, int group)
{
	struct group_verdict v = { 0, NULL };
	_cleanup_strv_free_ char **members = NULL;
	struct libscols_line *ln;
	int r = host_iommu_group_members(c->h, group, &members);
	if (r < 0 || !members)
		return r == -ENOENT ? 0 : r;
	if ((r = row(tb, NULL, "group", NULL, &ln)) < 0 || (r = setf(ln, COL_NAME, "group %d", group)) < 0 ||
	    (r = setf(ln, COL_GROUP, "%d", group)) < 0)
		return r;
	r = group_verdict_for(c->h, group, c->mounts, c->n_mounts, &v);
	if (r >= 0) {
		if ((r = table_set_escaped(ln, COL_DESC, v.text)) >= 0 &&
		    (r = table_set_escaped(ln, COL_VERDICT, group_verdict_kind_to_string(v.kind))) >= 0)
			r = paint(c, ln, COL_DESC, verdict_color(v.kind));
		group_verdict_done(&v);
	} else if (r == -EINVAL)
		r = table_set_escaped(ln, COL_DESC, "no readable devices");
	if (r < 0)
		return r;
	for (char **m = members; *m; m++) {
		const struct pci_function *d = host_find_pci_name(c->h, *m);
		if (d && (r = add_device(c, tb, ln, d)) < 0)
			return r;
	}
	return 0;
}

static int add_notice(const struct list_ctx *c, struct libscols_table *tb, const char *name,
		      const char *text)
{
	struct libscols_line *ln;
	if (!c->json) {
		_cleanup_free_ char *e = str_escape(text, 4096);
		if (!e)
			return -ENOMEM;
		fprintf(c->out, "%s\n", e);
		return 0;
	}
	int r = row(tb, NULL, "note", name, &ln);
	return r < 0 ? r : table_set_escaped(ln, COL_DESC, text);
}

static int print_table(struct libscols_table *tb)
{
	return sym_scols_print_table(tb) < 0 ? -EIO : 0;
}

static int list_groups(struct list_ctx *c, struct libscols_table *json_tb)
{
	_cleanup_(sym_scols_unref_tablep) struct libscols_table *own = NULL;
	_cleanup_strv_free_ char **groups = NULL;
	int r;
	if (dir_list_at(c->h->root->sys_fd, "kernel/iommu_groups", &groups) < 0)
		groups = NULL;
	size_t n = strv_length(groups);
	struct libscols_table *tb = json_tb;
	if (!tb) {
		if ((r = new_table(c, n ? "IOMMU groups" : "PCI devices", IN_GROUPS, &own)) < 0)
			return r;
		tb = own;
	}
	if (n == 0 || !groups) {
		if ((r = add_notice(c, tb, "iommu",
				    "No IOMMU groups: the IOMMU is off, so nothing can be passed "
				    "through. Enable VT-d (Intel) or AMD-Vi/IOMMU (AMD) in the "
				    "firmware and boot with intel_iommu=on (Intel; AMD has it on by "
				    "default).")) < 0)
			return r;
		for (size_t i = 0; i < c->h->n_pci; i++)
			if ((r = add_device(c, tb, NULL, &c->h->pci[i])) < 0)
				return r;
	} else {
		qsort(groups, n, sizeof *groups, cmp_group);
		for (char **g = groups; *g; g++) {
			unsigned id;
			if (safe_atou(*g, 10, &id) < 0 || id > INT_MAX)
				continue;
			if ((r = add_group(c, tb, (int)id)) < 0)
				return r;
		}
	}
	if (own) {
		if (!c->json)
			fputc('\n', c->out);
		return print_table(own);
	}
	return 0;
}

static int list_cpus(struct list_ctx *c, struct libscols_table *json_tb)
{
	_cleanup_(cpu_topology_freep) struct cpu_topology *t = NULL;
	_cleanup_(sym_scols_unref_tablep) struct libscols_table *own = NULL;
	struct cpu_pin_hint hint = { .text = NULL };
	int r = cpu_topology_load(c->h->root->sys_fd, &t);
	if (r == -ENOENT)
		return add_notice(c, json_tb, "cpus", "CPU topology: not available");
	if (r < 0)
		return r;
	if (!t->has_topology && !c->json) {
		_cleanup_free_ char *online = cpuset_format(&t->online);
		if (!online)
			return -ENOMEM;
		fprintf(c->out, "CPU topology: not available (%u CPUs online: %s)\n", t->n_online,
			online);
		return 0;
	}
	bool have_hint = cpu_topology_pin_hint(t, &hint) >= 0;
	struct libscols_table *tb = json_tb;
	if (!tb && (r = new_table(c, "CPU topology", IN_CPUS, &own)) >= 0)
		tb = own;
	if (r >= 0)
		r = add_cpu_rows(c, tb, t, have_hint ? &hint : NULL);
	if (r >= 0 && own)
		r = print_table(own);
	if (r >= 0 && !c->json && have_hint) {
		_cleanup_free_ char *e = str_escape(hint.text, 4096);
		if (e)
			fprintf(c->out, "vcpupin hint: %s\n", e);
		else
			r = -ENOMEM;
	}
	cpu_pin_hint_done(&hint);
	return r;
}

int list_verb(const struct verb_args *a)
{
	_cleanup_(sysroot_freep) struct sysroot *root = NULL;
	_cleanup_(host_freep) struct host *host = NULL;
	struct kmod_ctx *kmod = NULL;
	_cleanup_(sym_scols_unref_tablep) struct libscols_table *json_tb = NULL;
	int r;

	if ((r = sysroot_open(a->sysroot, &root)) < 0) {
		log_error_errno(r, "Cannot open the host root %s: %m", a->sysroot ?: "/");
		return 2;
	}
	if ((r = host_load(root, &host)) < 0) {
		log_error_errno(r, "Cannot read the host: %m");
		return 1;
	}
	/* Without libkmod or a module index, the report only lacks its "modules". */
	if (module_index(root, host->kernel_release, &kmod) < 0)
		kmod = NULL;

	struct list_ctx c = { .h = host, .kmod = kmod, .json = a->json, .out = stdout };
	c.color = !c.json && verb_use_color(a, stdout);
	if (mounts_read(root->proc_fd, &c.mounts, &c.n_mounts) < 0) {
		c.mounts = NULL; /* no mount points to show, and none to refuse a group for */
		c.n_mounts = 0;
	}
	if (c.json && (r = new_table(&c, NULL, 0, &json_tb)) < 0) {
		mounts_free(c.mounts, c.n_mounts);
		return log_error_errno(r, "Cannot list the hardware: %m"), 1;
	}

	r = list_cpus(&c, json_tb);
	if (r >= 0)
		r = list_groups(&c, json_tb);
	/* Without root, /proc/PID/fd of other users is closed: their holders stay unseen. */
	if (r >= 0 && root->live && geteuid() != 0)
		r = add_notice(&c, json_tb, "root",
			       "As root, list also shows which processes of other users hold the "
			       "/dev/dri and /dev/snd nodes of each device.");
	if (r >= 0 && json_tb)
		r = print_table(json_tb);
	mounts_free(c.mounts, c.n_mounts);
	if (r >= 0 && fflush(stdout) != 0)
		r = -EIO;
	if (r < 0) {
		log_error_errno(r, "Cannot list the hardware: %m");
		return 1;
	}
	return 0;
}
