// SPDX-License-Identifier: GPL-2.0-or-later
/* PCI devices from sysfs: ids, driver, IOMMU group, DRM/sound/fb nodes, device links. */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>

#include "host/host.h"
#include "lib/dlopen-libpci.h"
#include "lib/fileio.h"
#include "lib/log.h"
#include "lib/strutil.h"

static void pci_function_done(struct pci_function *d)
{
	free(d->driver);
	free(d->module);
	free(d->reset_method);
	free(d->power_state);
	free(d->vendor_name);
	free(d->device_name);
	free(d->class_name);
	free(d->fb_claim);
	free(d->fb_device_claim);
	for (size_t i = 0; i < d->n_nodes; i++)
		free(d->nodes[i].devname);
	free(d->nodes);
	for (size_t i = 0; i < d->n_connectors; i++) {
		free(d->connectors[i].name);
		free(d->connectors[i].status);
	}
	free(d->connectors);
	strv_free(d->sound_cards);
	strv_free(d->consumers);
}

void host_pci_free(struct host *h);
void host_pci_free(struct host *h)
{
	for (size_t i = 0; i < h->n_pci; i++)
		pci_function_done(&h->pci[i]);
	free(h->pci);
	h->pci = NULL;
	h->n_pci = 0;
}

bool pci_function_is_bridge(const struct pci_function *d)
{
	return d->class_code >> 16 == PCI_CLASS_BRIDGE;
}

bool pci_function_is_display(const struct pci_function *d)
{
	return d->class_code >> 16 == PCI_CLASS_DISPLAY;
}

bool pci_function_drives_display(const struct pci_function *d)
{
	return pci_function_is_display(d) && (d->n_connectors > 0 || d->boot_vga == 1 || d->boot_fb);
}

_noreturn_ _printf_(1, 2) static void pci_fatal(char *msg, ...)
{
	/* libpci's error callback must not return. It runs on libpci's own failures (memory),
	 * and an exit at any point is one the journal is there for. */
	char buf[512];
	va_list ap;
	va_start(ap, msg);
	vsnprintf(buf, sizeof buf, msg, ap);
	va_end(ap);
	log_error("libpci: %s", buf);
	_exit(EXIT_FAILURE);
}

_printf_(1, 2) static void pci_quiet(char *msg, ...)
{
}

/* libpci only for its ID database, never device access; opened on the first name asked for
 * and kept for the rest of the call. */
static struct pci_access *names_db(void)
{
	static struct pci_access *pacc;
	static bool tried;
	if (tried)
		return pacc;
	tried = true;
	/* Without libpci (a debug line) devices have no names, as when it cannot allocate. */
	if (dlopen_libpci() < 0 || !(pacc = sym_pci_alloc()))
		return NULL;
	pacc->error = pci_fatal;
	pacc->warning = pci_quiet;
	pacc->debug = pci_quiet;
	/* udev's hwdb is the same database compiled into an index: a lookup costs microseconds,
	 * where parsing pci.ids costs milliseconds. pci.ids only where there is no hwdb, and never
	 * both (a name missing from one is missing from the other, and trying the second costs
	 * more than the first). */
	if (access("/etc/udev/hwdb.bin", F_OK) == 0 || access("/usr/lib/udev/hwdb.bin", F_OK) == 0)
		sym_pci_set_name_list_path(pacc, (char *)"/nonexistent/pci.ids", 0);
	else
		sym_pci_set_param(pacc, (char *)"hwdb.disable", (char *)"1");
	return pacc;
}

/* pci_lookup_name reads as many ids as the kind of name takes; the rest are ignored. */
static char *lookup(int flags, unsigned id, unsigned id2)
{
	struct pci_access *pacc = names_db();
	char nb[256];
	const char *n = pacc ? sym_pci_lookup_name(pacc, nb, sizeof nb, flags | PCI_LOOKUP_NO_NUMBERS,
					       id, id2) : NULL;
	return n ? strdup(n) : NULL;
}

/* The cache is the device's own: filling it does not change what the device is. */
static struct pci_function *looked_up(const struct pci_function *c)
{
	struct pci_function *d = (struct pci_function *)c;
	if (!d->names_looked_up) {
		d->names_looked_up = true;
		d->device_name = lookup(PCI_LOOKUP_DEVICE, d->vendor, d->device);
		d->vendor_name = lookup(PCI_LOOKUP_VENDOR, d->vendor, 0u);
		d->class_name = lookup(PCI_LOOKUP_CLASS, d->class_code >> 8, 0u);
	}
	return d;
}

const char *pci_function_vendor_name(const struct pci_function *d)
{
	return looked_up(d)->vendor_name;
}

const char *pci_function_device_name(const struct pci_function *d)
{
	return looked_up(d)->device_name;
}

const char *pci_function_class_name(const struct pci_function *d)
{
	return looked_up(d)->class_name;
}

const char *pci_function_label(const struct pci_function *d)
{
	return pci_function_device_name(d) ?: pci_function_class_name(d) ?: "PCI device";
}

/* "MAJ:MIN" from a sysfs dev attribute, and DEVNAME from uevent. */
static int read_node(int dir_fd, const char *sub, struct dev_node *ret)
{
	char buf[512], path[PATH_MAX];
	unsigned maj, min;

	snprintf(path, sizeof path, "%s/dev", sub);
	if (read_attr_at(dir_fd, path, buf, sizeof buf) < 0 || sscanf(buf, "%u:%u", &maj, &min) != 2)
		return -ENOENT;
	snprintf(path, sizeof path, "%s/uevent", sub);
	if (read_attr_at(dir_fd, path, buf, sizeof buf) < 0)
		return -ENOENT;
	char *save = NULL;
	for (char *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		if (startswith(l, "DEVNAME=")) {
			const char *n = l + strlen("DEVNAME=");
			/* Never let a sysfs value climb out of /dev. */
			if (isempty(n) || n[0] == '/' || strstr(n, ".."))
				return -EINVAL;
			*ret = (struct dev_node){ .devname = strdup(n), .major = maj, .minor = min };
			return ret->devname ? 0 : -ENOMEM;
		}
	return -ENOENT;
}

static int push_node(struct pci_function *d, struct dev_node n)
{
	struct dev_node *l = n.devname ? realloc(d->nodes, sizeof *l * (d->n_nodes + 1)) : NULL;
	if (!l) {
		free(n.devname);
		return -ENOMEM;
	}
	d->nodes = l;
	d->nodes[d->n_nodes++] = n;
	return 0;
}

static int add_node(struct pci_function *d, int dir_fd, const char *sub)
{
	struct dev_node n;
	if (read_node(dir_fd, sub, &n) < 0)
		return 0; /* not a device node: nothing to hold */
	return push_node(d, n);
}

static int load_drm(struct pci_function *d, int dev_fd)
{
	_cleanup_strv_free_ char **minors = NULL;
	if (dir_list_at(dev_fd, "drm", &minors) < 0)
		return 0;
	for (char **m = minors; m && *m; m++) {
		char sub[PATH_MAX];
		snprintf(sub, sizeof sub, "drm/%s", *m);
		int r = add_node(d, dev_fd, sub);
		if (r < 0)
			return r;
		if (!startswith(*m, "card"))
			continue;
		_cleanup_strv_free_ char **conns = NULL;
		if (dir_list_at(dev_fd, sub, &conns) < 0)
			continue;
		for (char **c = conns; c && *c; c++) {
			char path[PATH_MAX], status[64];
			/* Connectors are "card0-HDMI-A-1" directories holding a status file. */
			if (!startswith(*c, *m) || (*c)[strlen(*m)] != '-')
				continue;
			if (snprintf(path, sizeof path, "%s/%s/status", sub, *c) >= (int)sizeof path ||
			    read_attr_at(dev_fd, path, status, sizeof status) < 0)
				continue;
			struct drm_connector *l =
				realloc(d->connectors, sizeof *l * (d->n_connectors + 1));
			if (!l)
				return -ENOMEM;
			d->connectors = l;
			struct drm_connector *added = &d->connectors[d->n_connectors++];
			*added = (struct drm_connector){ .name = strdup(*c), .status = strdup(status) };
			if (!added->name || !added->status)
				return -ENOMEM;
		}
	}
	return 0;
}

static int load_sound(struct pci_function *d, int dev_fd)
{
	_cleanup_strv_free_ char **cards = NULL;
	if (dir_list_at(dev_fd, "sound", &cards) < 0)
		return 0;
	for (char **c = cards; c && *c; c++) {
		if (!startswith(*c, "card"))
			continue;
		int r = strv_extend(&d->sound_cards, *c);
		if (r < 0)
			return r;
		char sub[PATH_MAX];
		snprintf(sub, sizeof sub, "sound/%s", *c);
		_cleanup_strv_free_ char **ents = NULL;
		if (dir_list_at(dev_fd, sub, &ents) < 0)
			continue;
		for (char **e = ents; e && *e; e++) {
			char p[PATH_MAX];
			if (snprintf(p, sizeof p, "%s/%s", sub, *e) >= (int)sizeof p)
				continue;
			if ((r = add_node(d, dev_fd, p)) < 0)
				return r;
		}
	}
	return 0;
}

static int load_fbdev(struct pci_function *d, int dev_fd)
{
	_cleanup_strv_free_ char **fbs = NULL;
	if (dir_list_at(dev_fd, "graphics", &fbs) < 0)
		return 0;
	for (char **f = fbs; f && *f; f++) {
		char sub[PATH_MAX];
		snprintf(sub, sizeof sub, "graphics/%s", *f);
		int r = add_node(d, dev_fd, sub);
		if (r < 0)
			return r;
	}
	return 0;
}

/* The proprietary NVIDIA driver's nodes are not in sysfs; /proc/driver/nvidia names the minor. */
static int load_nvidia_nodes(struct pci_function *d, int proc_fd)
{
	char path[PATH_MAX], buf[4096];
	snprintf(path, sizeof path, "driver/nvidia/gpus/%s/information", d->name);
	if (read_attr_at(proc_fd, path, buf, sizeof buf) >= 0) {
		const char *m = strstr(buf, "Device Minor:");
		unsigned minor;
		if (m && sscanf(m, "Device Minor: %u", &minor) == 1) {
			int r = push_node(d, (struct dev_node){ .devname = strdup_printf("nvidia%u", minor),
								.major = 195,
								.minor = minor });
			if (r < 0)
				return r;
		}
	}
	return 0;
}

/*
 * Nodes that belong to a driver, not to a card: nvidiactl, nvidia-modeset and nvidia-uvm of
 * NVIDIA's, /dev/kfd (ROCm's compute interface) of amdgpu. Their users keep the driver's
 * modules loaded. Every card on the driver lists them, marked driver_wide: they go with a
 * handoff only when every such card goes (host_nodes_handed_over), whose handoff unloads the
 * driver. With a card staying on the driver, the driver stays, and their users (the desktop on
 * that card, CUDA or ROCm on it) are none of the handoff's.
 */
static const struct {
	const char *driver;
	const char *const nodes[4];
} driver_nodes[] = {
	{ "nvidia", { "nvidiactl", "nvidia-modeset", "nvidia-uvm", "nvidia-uvm-tools" } },
	{ "amdgpu", { "kfd" } },
};

static int attach_driver_nodes(struct host *h)
{
	for (size_t k = 0; k < ARRAY_SIZE(driver_nodes); k++)
		for (size_t i = 0; i < h->n_pci; i++) {
			struct pci_function *d = &h->pci[i];
			if (!d->driver || !streq(d->driver, driver_nodes[k].driver))
				continue;
			for (const char *const *node = driver_nodes[k].nodes;
			     node < driver_nodes[k].nodes + ARRAY_SIZE(driver_nodes[k].nodes) &&
			     *node;
			     node++) {
				/* Matched by path only: major 0 never equals a real node's. */
				int r = push_node(d, (struct dev_node){ .devname = strdup(*node),
									.driver_wide = true });
				if (r < 0)
					return r;
			}
		}
	return 0;
}

/* Whether every function bound to driver is in handed_over. */
static bool driver_goes(const struct host *h, const char *driver, char *const *handed_over)
{
	for (size_t i = 0; i < h->n_pci; i++)
		if (h->pci[i].driver && streq(h->pci[i].driver, driver) &&
		    !strv_contains(handed_over, h->pci[i].name))
			return false;
	return true;
}

int host_nodes_handed_over(const struct host *h, const struct pci_function *d,
			   char *const *handed_over, struct dev_node **ret, size_t *ret_n)
{
	*ret = NULL;
	*ret_n = 0;
	if (d->n_nodes == 0)
		return 0;
	struct dev_node *nodes = calloc(d->n_nodes, sizeof *nodes);
	if (!nodes)
		return -ENOMEM;
	bool shared_go = d->driver && driver_goes(h, d->driver, handed_over);
	size_t n = 0;
	for (size_t k = 0; k < d->n_nodes; k++)
		if (!d->nodes[k].driver_wide || shared_go)
			nodes[n++] = d->nodes[k];
	if (n == 0) {
		free(nodes);
		return 0;
	}
	*ret = nodes;
	*ret_n = n;
	return 0;
}

static int load_consumers(struct pci_function *d, int dev_fd)
{
	_cleanup_strv_free_ char **ents = NULL;
	if (dir_list_at(dev_fd, ".", &ents) < 0)
		return 0;
	for (char **e = ents; e && *e; e++) {
		struct pci_addr a;
		if (!startswith(*e, "consumer:pci:") ||
		    pci_addr_parse(*e + strlen("consumer:pci:"), &a) < 0)
			continue;
		int r = strv_extend(&d->consumers, *e + strlen("consumer:pci:"));
		if (r < 0)
			return r;
	}
	return 0;
}

/* *ret: the attribute's value, NULL when absent or empty. */
static int read_optional(int dir_fd, const char *attr_name, char **ret)
{
	char buf[256];
	*ret = NULL;
	if (read_attr_at(dir_fd, attr_name, buf, sizeof buf) <= 0)
		return 0;
	/* Old kernels print "(null)" for an empty driver_override. */
	if (streq(strstrip(buf), "(null)") || isempty(strstrip(buf)))
		return 0;
	*ret = strdup(strstrip(buf));
	return *ret ? 0 : -ENOMEM;
}

/* A virtio function (virtio-vga, virtio-gpu-pci) is driven in two layers: virtio-pci binds the
 * PCI function, virtio_gpu the virtio device under it, which owns the DRM card and the fbdev. */
static int load_virtio_children(struct pci_function *d, int dev_fd)
{
	_cleanup_strv_free_ char **subs = NULL;
	if (!d->driver || !streq(d->driver, "virtio-pci") || dir_list_at(dev_fd, ".", &subs) < 0)
		return 0;
	for (char **s = subs; s && *s; s++) {
		if (!startswith(*s, "virtio"))
			continue;
		_cleanup_close_ int fd = openat(dev_fd, *s, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		int r;
		if (fd >= 0 && ((r = load_drm(d, fd)) < 0 || (r = load_fbdev(d, fd)) < 0))
			return r;
	}
	return 0;
}

/* Whether dir/class (a function's sysfs directory, or its virtio device's; class "drm" or
 * "sound") lists a card: the DRM card or the ALSA card its driver made. */
static bool has_card(int sys_fd, const char *dir, const char *class)
{
	_cleanup_strv_free_ char **ents = NULL;
	char path[PATH_MAX];
	if (snprintf(path, sizeof path, "%s/%s", dir, class) >= (int)sizeof path ||
	    dir_list_at(sys_fd, path, &ents) < 0)
		return false;
	for (char **e = ents; e && *e; e++)
		if (startswith(*e, "card"))
			return true;
	return false;
}

int host_pci_function_alive(const struct sysroot *root, const char *dev, const char *driver,
			    const char **ret_missing)
{
	char path[PATH_MAX];
	unsigned class_code;
	struct pci_addr addr;
	if (pci_addr_parse(dev, &addr) < 0)
		return -EINVAL;
	snprintf(path, sizeof path, "bus/pci/devices/%s/class", dev);
	int r = read_attr_uint_at(root->sys_fd, path, 16, &class_code);
	if (r < 0)
		return r;
	*ret_missing = NULL;
	if (class_code >> 16 == PCI_CLASS_DISPLAY && driver && streq(driver, "nvidia")) {
		snprintf(path, sizeof path, "driver/nvidia/gpus/%s", dev);
		*ret_missing = "no /proc/driver/nvidia/gpus entry";
		return exists_at(root->proc_fd, path);
	}
	snprintf(path, sizeof path, "bus/pci/devices/%s", dev);
	if (class_code >> 16 == PCI_CLASS_DISPLAY) {
		*ret_missing = "no DRM card";
		if (has_card(root->sys_fd, path, "drm"))
			return 1;
		_cleanup_strv_free_ char **subs = NULL;
		if (!driver || !streq(driver, "virtio-pci") ||
		    dir_list_at(root->sys_fd, path, &subs) < 0)
			return 0;
		for (char **s = subs; s && *s; s++) {
			char sub[PATH_MAX];
			if (snprintf(sub, sizeof sub, "%s/%s", path, *s) < (int)sizeof sub &&
			    startswith(*s, "virtio") && has_card(root->sys_fd, sub, "drm"))
				return 1;
		}
		return 0;
	}
	if (class_code >> 8 == 0x0403) {
		*ret_missing = "no sound card";
		return has_card(root->sys_fd, path, "sound");
	}
	return 1;
}

static int load_one(struct host *h, const char *name, struct pci_function *d)
{
	char path[PATH_MAX], buf[256];
	unsigned v;
	int r;

	if (pci_addr_parse(name, &d->addr) < 0)
		return -EINVAL;
	pci_addr_format(&d->addr, d->name);
	d->iommu_group = -1;
	d->boot_vga = -1;

	snprintf(path, sizeof path, "bus/pci/devices/%s", name);
	_cleanup_close_ int dev_fd = openat(h->root->sys_fd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dev_fd < 0)
		return -errno;

	if ((r = read_attr_uint_at(dev_fd, "vendor", 16, &d->vendor)) < 0 ||
	    (r = read_attr_uint_at(dev_fd, "device", 16, &d->device)) < 0 ||
	    (r = read_attr_uint_at(dev_fd, "class", 16, &d->class_code)) < 0)
		return r;
	/* NULL means "no driver" here: running out of memory must not say that. */
	if (read_link_basename_at(dev_fd, "driver", buf, sizeof buf) >= 0) {
		if (!(d->driver = strdup(buf)))
			return -ENOMEM;
		if (read_link_basename_at(dev_fd, "driver/module", buf, sizeof buf) >= 0 &&
		    !(d->module = strdup(buf)))
			return -ENOMEM;
	}
	/* Not driver_override: reading it waits for the device's lock, which an unbind stuck in
	 * the driver holds for good; status must answer even then. */
	if ((r = read_optional(dev_fd, "reset_method", &d->reset_method)) < 0 ||
	    (r = read_optional(dev_fd, "power_state", &d->power_state)) < 0)
		return r;
	/* resourceN_resize exists for a BAR the device can resize (PCI Resizable BAR). */
	for (unsigned bar = 0; bar < 6 && !d->resizable_bar; bar++) {
		char attr[32];
		snprintf(attr, sizeof attr, "resource%u_resize", bar);
		d->resizable_bar = exists_at(dev_fd, attr);
	}
	if (read_link_basename_at(dev_fd, "iommu_group", buf, sizeof buf) >= 0 &&
	    safe_atou(buf, 10, &v) >= 0 && v <= INT_MAX)
		d->iommu_group = (int)v;
	if (read_attr_uint_at(dev_fd, "boot_vga", 10, &v) >= 0)
		d->boot_vga = (int)v;

	if ((r = load_drm(d, dev_fd)) < 0 || (r = load_sound(d, dev_fd)) < 0 ||
	    (r = load_fbdev(d, dev_fd)) < 0 || (r = load_consumers(d, dev_fd)) < 0 ||
	    (r = load_virtio_children(d, dev_fd)) < 0)
		return r;
	if (d->driver && streq(d->driver, "nvidia") && (r = load_nvidia_nodes(d, h->root->proc_fd)) < 0)
		return r;

	return 0;
}

static int cmp_pci(const void *a, const void *b)
{
	return pci_addr_compare(&((const struct pci_function *)a)->addr,
				&((const struct pci_function *)b)->addr);
}

int host_pci_load(struct host *h);
int host_pci_load(struct host *h)
{
	_cleanup_strv_free_ char **names = NULL;
	int r = dir_list_at(h->root->sys_fd, "bus/pci/devices", &names);
	if (r < 0)
		return log_error_errno(r, "Cannot read %s/sys/bus/pci/devices: %m", h->root->prefix);

	size_t n = strv_length(names);
	h->pci = calloc(n ?: 1, sizeof *h->pci);
	if (!h->pci)
		return -ENOMEM;
	for (char **name = names; name && *name; name++) {
		struct pci_function *d = &h->pci[h->n_pci];
		r = load_one(h, *name, d);
		if (r == -ENOMEM) {
			pci_function_done(d);
			break;
		}
		if (r < 0) {
			/* A device that vanished or is unreadable is simply not there. */
			log_debug_errno(r, "Skipping PCI device %s: %m", *name);
			pci_function_done(d);
			memset(d, 0, sizeof *d);
			continue;
		}
		h->n_pci++;
	}
	if (r == -ENOMEM)
		return r;
	qsort(h->pci, h->n_pci, sizeof *h->pci, cmp_pci);
	if ((r = attach_driver_nodes(h)) < 0)
		return r;

	_cleanup_strv_free_ char **groups = NULL;
	if (dir_list_at(h->root->sys_fd, "kernel/iommu_groups", &groups) >= 0)
		h->n_iommu_groups = strv_length(groups);
	return 0;
}

struct pci_function *host_find_pci(const struct host *h, const struct pci_addr *a)
{
	/* h->pci is sorted by address (host_pci_load): the first function not below a, by
	 * halving, so planning stays linear in the hostdevs however many functions the host has. */
	size_t lo = 0, hi = h->n_pci;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (pci_addr_compare(&h->pci[mid].addr, a) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < h->n_pci && pci_addr_equal(&h->pci[lo].addr, a) ? &h->pci[lo] : NULL;
}

struct pci_function *host_find_pci_name(const struct host *h, const char *name)
{
	struct pci_addr a;
	return pci_addr_parse(name, &a) < 0 ? NULL : host_find_pci(h, &a);
}

int host_iommu_group_members(const struct host *h, int group, char ***ret)
{
	/* h->pci is every PCI function, in address order: the group's PCI members, sorted. */
	_cleanup_strv_free_ char **names = NULL;
	for (size_t i = 0; group >= 0 && i < h->n_pci; i++) {
		int r;
		if (h->pci[i].iommu_group == group && (r = strv_extend(&names, h->pci[i].name)) < 0)
			return r;
	}
	if (!names)
		return -ENOENT;
	*ret = TAKE_PTR(names);
	return 0;
}
