// SPDX-License-Identifier: GPL-2.0-or-later
/* Virtual consoles and platform boot framebuffers (efifb, simplefb, vesafb, efidrm...). */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>

#include "host/host.h"
#include "lib/fileio.h"
#include "lib/strutil.h"

/* Platform devices sysfb creates for the firmware's framebuffer, whatever driver binds them. */
static const char *const boot_fb_prefixes[] = {
	"efi-framebuffer.", "simple-framebuffer.", "vesa-framebuffer.", "vga-framebuffer.",
	"ega-framebuffer.", "platform-framebuffer.", "efi-display.", "vesa-display.",
};

void host_console_free(struct host *h);
void host_console_free(struct host *h)
{
	for (size_t i = 0; i < h->n_vtcons; i++) {
		free(h->vtcons[i].name);
		free(h->vtcons[i].desc);
	}
	free(h->vtcons);
	for (size_t i = 0; i < h->n_fbs; i++) {
		free(h->fbs[i].name);
		free(h->fbs[i].driver);
		free(h->fbs[i].parent);
	}
	free(h->fbs);
}

static int load_vtcons(struct host *h)
{
	_cleanup_strv_free_ char **names = NULL;
	if (dir_list_at(h->root->sys_fd, "class/vtconsole", &names) < 0)
		return 0;
	h->vtcons = calloc(strv_length(names) + 1, sizeof *h->vtcons);
	if (!h->vtcons)
		return -ENOMEM;
	for (char **n = names; n && *n; n++) {
		char path[PATH_MAX], desc[256];
		unsigned bind;
		if (!startswith(*n, "vtcon"))
			continue;
		snprintf(path, sizeof path, "class/vtconsole/%s/bind", *n);
		if (read_attr_uint_at(h->root->sys_fd, path, 10, &bind) < 0)
			continue;
		snprintf(path, sizeof path, "class/vtconsole/%s/name", *n);
		if (read_attr_at(h->root->sys_fd, path, desc, sizeof desc) < 0)
			desc[0] = 0;
		struct vtcon *v = &h->vtcons[h->n_vtcons++];
		*v = (struct vtcon){
			.name = strdup(*n),
			.desc = strdup(desc),
			.bind = (int)bind,
			/* "(M) frame buffer device": fbcon, the one that pins the GPU's fbdev. */
			.is_framebuffer = strstr(desc, "frame buffer") != NULL,
		};
		if (!v->name || !v->desc)
			return -ENOMEM;
	}
	return 0;
}

static bool is_boot_fb(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(boot_fb_prefixes); i++)
		if (startswith(name, boot_fb_prefixes[i]))
			return true;
	return false;
}

static char *parent_pci(int sys_fd, const char *name)
{
	char path[PATH_MAX], target[PATH_MAX];
	snprintf(path, sizeof path, "bus/platform/devices/%s", name);
	if (read_link_at(sys_fd, path, target, sizeof target) < 0)
		return NULL;
	char *slash = strrchr(target, '/');
	if (!slash)
		return NULL;
	*slash = 0;
	const char *parent = strrchr(target, '/');
	parent = parent ? parent + 1 : target;
	struct pci_addr a;
	return pci_addr_parse(parent, &a) == 0 ? strdup(parent) : NULL;
}

/*
 * sysfb registers the firmware framebuffer as a platform device under no PCI device at all
 * (efi-framebuffer.0 sits under /sys/devices/platform), so a bound one is attributed by its
 * driver's claim in /proc/iomem: the display function whose BAR holds it. That function is
 * the console's, whatever its class: a display controller (0x0380) whose own driver is held
 * back shows the console through efifb alone.
 */
static int attribute_fbs(struct host *h)
{
	for (size_t k = 0; k < h->n_fbs; k++) {
		struct platform_fb *f = &h->fbs[k];
		if (!f->driver)
			continue;
		if (f->parent) {
			struct pci_function *d = host_find_pci_name(h, f->parent);
			if (d && pci_function_is_display(d))
				d->boot_fb = true;
			continue;
		}
		for (size_t i = 0; i < h->n_pci; i++) {
			struct pci_function *d = &h->pci[i];
			if (pci_function_is_display(d) && d->fb_claim) {
				d->boot_fb = true;
				if (!(f->parent = strdup(d->name)))
					return -ENOMEM;
				break; /* one fb, one card: BARs do not overlap */
			}
		}
	}
	return 0;
}

static int load_fbs(struct host *h)
{
	_cleanup_strv_free_ char **names = NULL;
	if (dir_list_at(h->root->sys_fd, "bus/platform/devices", &names) < 0)
		return 0;
	h->fbs = calloc(strv_length(names) + 1, sizeof *h->fbs);
	if (!h->fbs)
		return -ENOMEM;
	for (char **n = names; n && *n; n++) {
		char path[PATH_MAX], drv[256];
		if (!is_boot_fb(*n))
			continue;
		struct platform_fb *f = &h->fbs[h->n_fbs++];
		snprintf(path, sizeof path, "bus/platform/devices/%s/driver", *n);
		f->name = strdup(*n);
		if (!f->name)
			return -ENOMEM;
		if (read_link_basename_at(h->root->sys_fd, path, drv, sizeof drv) >= 0 &&
		    !(f->driver = strdup(drv)))
			return -ENOMEM; /* not "no driver" */
		f->parent = parent_pci(h->root->sys_fd, *n);
	}
	return attribute_fbs(h);
}

int host_console_load(struct host *h);
int host_console_load(struct host *h)
{
	int r = load_vtcons(h);
	if (r < 0)
		return r;
	return load_fbs(h);
}
