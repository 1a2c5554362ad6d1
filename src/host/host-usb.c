// SPDX-License-Identifier: GPL-2.0-or-later
/* USB devices: under a PCI USB controller (its usbN root hubs and everything on their ports),
 * and every connected device's ids for the planner. */
#include <limits.h>

#include "host/host-usb.h"
#include "host/host.h"
#include "lib/fileio.h"
#include "lib/strutil.h"

#define USB_MAX_DEPTH 8 /* root hub plus the 7 tiers USB allows */

void usb_devices_free(struct usb_device *l, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(l[i].name);
		free(l[i].manufacturer);
		free(l[i].product_name);
	}
	free(l);
}

struct usb_list {
	struct usb_device *v;
	size_t n;
};

static char *read_string(int sys_fd, const char *dir, const char *attr)
{
	char path[PATH_MAX], buf[256];
	if (snprintf(path, sizeof path, "%s/%s", dir, attr) >= (int)sizeof path ||
	    read_attr_at(sys_fd, path, buf, sizeof buf) <= 0 || isempty(strstrip(buf)))
		return NULL;
	return strdup(strstrip(buf));
}

static unsigned read_uint(int sys_fd, const char *dir, const char *attr, int base)
{
	char path[PATH_MAX];
	unsigned v;
	if (snprintf(path, sizeof path, "%s/%s", dir, attr) >= (int)sizeof path ||
	    read_attr_uint_at(sys_fd, path, base, &v) < 0)
		return 0;
	return v;
}

/* Device directories are "usbN" (root hubs) and "B-P[.P...]"; interfaces carry a ':'. */
static bool is_device_name(const char *n)
{
	if (startswith(n, "usb"))
		return str_is_alnum_or(n, "") && strlen(n) > 3;
	return !strchr(n, ':') && strchr(n, '-') && str_is_alnum_or(n, "-.");
}

static int add_device(struct usb_list *l, int sys_fd, const char *dir, const char *name)
{
	char path[PATH_MAX];
	if (snprintf(path, sizeof path, "%s/idVendor", dir) >= (int)sizeof path ||
	    !exists_at(sys_fd, path))
		return 0;
	struct usb_device *v = realloc(l->v, sizeof *v * (l->n + 1));
	if (!v)
		return -ENOMEM;
	l->v = v;
	struct usb_device *d = &v[l->n++];
	*d = (struct usb_device){
		.name = strdup(name),
		.vendor = read_uint(sys_fd, dir, "idVendor", 16),
		.product = read_uint(sys_fd, dir, "idProduct", 16),
		.busnum = read_uint(sys_fd, dir, "busnum", 10),
		.devnum = read_uint(sys_fd, dir, "devnum", 10),
		.manufacturer = read_string(sys_fd, dir, "manufacturer"),
		.product_name = read_string(sys_fd, dir, "product"),
		.root_hub = startswith(name, "usb"),
	};
	return d->name ? 0 : -ENOMEM;
}

static int walk(struct usb_list *l, int sys_fd, const char *dir, unsigned depth)
{
	_cleanup_strv_free_ char **ents = NULL;
	if (depth > USB_MAX_DEPTH || dir_list_at(sys_fd, dir, &ents) < 0)
		return 0;
	for (char **e = ents; e && *e; e++) {
		char sub[PATH_MAX];
		/* Root hubs sit right under the controller, everything else below them. */
		if (!is_device_name(*e) || (depth == 0) != startswith(*e, "usb") ||
		    snprintf(sub, sizeof sub, "%s/%s", dir, *e) >= (int)sizeof sub)
			continue;
		int r = add_device(l, sys_fd, sub, *e);
		if (r < 0)
			return r;
		if ((r = walk(l, sys_fd, sub, depth + 1)) < 0)
			return r;
	}
	return 0;
}

static int cmp_usb(const void *a, const void *b)
{
	const struct usb_device *x = a, *y = b;
	if (x->busnum != y->busnum)
		return x->busnum < y->busnum ? -1 : 1;
	if (x->root_hub != y->root_hub)
		return x->root_hub ? -1 : 1;
	return strcmp(x->name, y->name);
}

int usb_devices_of_pci(int sys_fd, const char *bdf, struct usb_device **ret, size_t *ret_n)
{
	char dir[PATH_MAX];
	struct usb_list l = { NULL, 0 };
	snprintf(dir, sizeof dir, "bus/pci/devices/%s", bdf);
	int r = walk(&l, sys_fd, dir, 0);
	if (r < 0) {
		usb_devices_free(l.v, l.n);
		return r;
	}
	if (l.n > 1)
		qsort(l.v, l.n, sizeof *l.v, cmp_usb);
	*ret = l.v;
	*ret_n = l.n;
	return 0;
}

int host_load_usb_ids(struct host *h)
{
	_cleanup_strv_free_ char **devs = NULL;
	int sys = h->root->sys_fd;
	(void)!dir_list_at(sys, "bus/usb/devices", &devs);
	for (char **d = devs; d && *d; d++) {
		char path[PATH_MAX];
		unsigned v, p;
		snprintf(path, sizeof path, "bus/usb/devices/%s/idVendor", *d);
		if (read_attr_uint_at(sys, path, 16, &v) < 0)
			continue;
		snprintf(path, sizeof path, "bus/usb/devices/%s/idProduct", *d);
		if (read_attr_uint_at(sys, path, 16, &p) < 0)
			continue;
		_cleanup_free_ char *name = strdup(*d);
		struct usb_device *l = name ? realloc(h->usb, sizeof *l * (h->n_usb + 1)) : NULL;
		if (!l)
			return -ENOMEM;
		h->usb = l;
		struct usb_device entry = { .name = TAKE_PTR(name), .vendor = v, .product = p };
		h->usb[h->n_usb++] = entry;
	}
	return 0;
}
