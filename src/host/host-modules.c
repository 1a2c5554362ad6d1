// SPDX-License-Identifier: GPL-2.0-or-later
/* Kernel modules: refcounts, holders and the devices they drive, read from /sys/module. */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>

#include "host/host.h"
#include "lib/dlopen-libkmod.h"
#include "lib/fileio.h"
#include "lib/log.h"
#include "lib/strutil.h"
#include "system/modules.h"

static bool module_name_is_valid(const char *name)
{
	if (isempty(name) || strlen(name) > 64)
		return false;
	for (const char *c = name; *c; c++)
		if (!(('a' <= *c && *c <= 'z') || ('A' <= *c && *c <= 'Z') || ('0' <= *c && *c <= '9') ||
		      *c == '_' || *c == '-'))
			return false;
	return true;
}

void module_info_done(struct module_info *m)
{
	free(m->name);
	strv_free(m->holders);
	*m = (struct module_info){ 0 };
}

int host_module_info(const struct host *h, const char *name, struct module_info *ret)
{
	char path[PATH_MAX];
	unsigned refcnt;
	if (!module_name_is_valid(name))
		return -EINVAL;
	snprintf(path, sizeof path, "module/%s", name);
	if (!is_dir_at(h->root->sys_fd, path))
		return -ENOENT;

	struct module_info m = { .name = strdup(name), .refcnt = -1 };
	if (!m.name)
		return -ENOMEM;
	snprintf(path, sizeof path, "module/%s/refcnt", name);
	if (read_attr_uint_at(h->root->sys_fd, path, 10, &refcnt) >= 0)
		m.refcnt = (int)MIN(refcnt, (unsigned)INT_MAX);
	else {
		/* Built-in modules have a /sys/module dir (for parameters) but no initstate. */
		snprintf(path, sizeof path, "module/%s/initstate", name);
		m.builtin = !exists_at(h->root->sys_fd, path);
	}
	snprintf(path, sizeof path, "module/%s/holders", name);
	if (dir_list_at(h->root->sys_fd, path, &m.holders) < 0)
		m.holders = NULL; /* no holders directory: nothing holds it */
	*ret = m;
	return 0;
}

static int module_devices(const struct host *h, const char *module, char ***ret)
{
	char path[PATH_MAX];
	_cleanup_strv_free_ char **drivers = NULL, **out = NULL;
	if (!module_name_is_valid(module))
		return -EINVAL;
	snprintf(path, sizeof path, "module/%s/drivers", module);
	if (dir_list_at(h->root->sys_fd, path, &drivers) < 0)
		drivers = NULL;
	for (char **d = drivers; d && *d; d++) {
		/* "pci:bochs-drm" → /sys/bus/pci/drivers/bochs-drm */
		char *colon = strchr(*d, ':');
		if (!colon || strchr(colon + 1, '/') || strstr(*d, ".."))
			continue;
		*colon = 0;
		snprintf(path, sizeof path, "bus/%s/drivers/%s", *d, colon + 1);
		_cleanup_strv_free_ char **ents = NULL;
		if (dir_list_at(h->root->sys_fd, path, &ents) < 0)
			continue;
		for (char **e = ents; e && *e; e++) {
			char link[PATH_MAX * 2], target[PATH_MAX];
			snprintf(link, sizeof link, "%s/%s", path, *e);
			/* Bound devices are symlinks into /sys/devices; skip bind, unbind, module... */
			if (read_link_at(h->root->sys_fd, link, target, sizeof target) < 0 ||
			    !strstr(target, "/devices/"))
				continue;
			int r = strv_extend(&out, strstr(target, "/devices/"));
			if (r < 0)
				return r;
		}
	}
	*ret = TAKE_PTR(out);
	return 0;
}

static int module_cmp(const void *a, const void *b)
{
	return strcmp(((const struct host_module *)a)->name, ((const struct host_module *)b)->name);
}

const struct host_module *host_find_module(const struct host *h, const char *name)
{
	struct host_module key = { .name = (char *)name };
	return h->n_modules ? bsearch(&key, h->modules, h->n_modules, sizeof key, module_cmp) : NULL;
}

static void host_module_done(struct host_module *m)
{
	free(m->name);
	strv_free(m->holders);
	strv_free(m->devices);
}

/* name and (first) what holds it, unless already loaded; depth bounds a holder loop. */
static int load_module(struct host *h, const char *name, unsigned depth)
{
	if (depth > 8 || !module_name_is_valid(name))
		return 0;
	for (size_t i = 0; i < h->n_modules; i++)
		if (streq(h->modules[i].name, name))
			return 0;
	struct module_info info;
	int r = host_module_info(h, name, &info);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	struct host_module m = { .refcnt = info.refcnt, .builtin = info.builtin };
	m.name = TAKE_PTR(info.name);
	m.holders = TAKE_PTR(info.holders);
	if ((r = module_devices(h, name, &m.devices)) < 0) {
		host_module_done(&m);
		return r;
	}
	struct host_module *l = realloc(h->modules, sizeof *l * (h->n_modules + 1));
	if (!l) {
		host_module_done(&m);
		return -ENOMEM;
	}
	h->modules = l;
	h->modules[h->n_modules++] = m;
	for (size_t i = 0; m.holders && m.holders[i]; i++) {
		/* h->modules may move: read the holder's name from the copy on the stack. */
		if ((r = load_module(h, m.holders[i], depth + 1)) < 0)
			return r;
	}
	return 0;
}

/*
 * The modules of the display functions and what sits on them (nvidia_drm on nvidia): what the
 * drivers stage weighs when it decides whether a GPU driver can be unloaded. Only these: no
 * other module is ever unloaded.
 */
int host_modules_load(struct host *h);
int host_modules_load(struct host *h)
{
	for (size_t i = 0; i < h->n_pci; i++) {
		const struct pci_function *d = &h->pci[i];
		int r;
		if (pci_function_is_display(d) && d->module && (r = load_module(h, d->module, 0)) < 0)
			return r;
	}
	if (h->n_modules)
		qsort(h->modules, h->n_modules, sizeof *h->modules, module_cmp);
	return 0;
}

void host_modules_free(struct host *h);
void host_modules_free(struct host *h)
{
	for (size_t i = 0; i < h->n_modules; i++)
		host_module_done(&h->modules[i]);
	free(h->modules);
}

int host_module_available(const struct host *h, const char *name)
{
	if (!module_name_is_valid(name))
		return -EINVAL;
	_cleanup_free_ char *loaded = strdup_printf("module/%s", name);
	if (!loaded)
		return -ENOMEM;
	if (exists_at(h->root->sys_fd, loaded))
		return MODULE_LOADED;
	struct kmod_ctx *ctx;
	int r = module_index(h->root, h->kernel_release, &ctx);
	if (r == -ENOENT)
		return MODULE_MISSING;
	if (r < 0)
		return r;
	_cleanup_(sym_kmod_module_unref_listp) struct kmod_list *list = NULL;
	r = sym_kmod_module_new_from_lookup(ctx, name, &list);
	if (r < 0 || !list) {
		log_debug_errno(r, "%s not found for kernel %s", name, strna(h->kernel_release));
		return MODULE_MISSING;
	}
	return MODULE_AVAILABLE;
}

int host_vfio_probe(struct host *h);
int host_vfio_probe(struct host *h)
{
	if (exists_at(h->root->sys_fd, "bus/pci/drivers/vfio-pci")) {
		h->vfio_pci = VFIO_PCI_LOADED;
		return 0;
	}
	int r = host_module_available(h, "vfio-pci");
	if (r < 0)
		return r;
	h->vfio_pci = r == MODULE_MISSING ? VFIO_PCI_MISSING : VFIO_PCI_MODULE;
	return 0;
}
