// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The boot framebuffer's claims on physical memory (/proc/iomem) against a PCI function's
 * memory BARs (sysfs resource). A claim left inside a passed BAR keeps vfio-pci from
 * reserving it when QEMU maps the card ("BAR 0: can't reserve"): vfio-pci removes such
 * claims itself only for a VGA-class card.
 */
#include <fcntl.h>
#include <inttypes.h>

#include "host/host.h"
#include "lib/fileio.h"
#include "lib/strutil.h"

/*
 * Names in /proc/iomem: BOOTFB is the resource of the platform device sysfb registers for the
 * firmware framebuffer (simple-framebuffer.0 and, on newer kernels, efi-framebuffer.0); it
 * stays as long as the device does, bound or not. The others are claims of the drivers that
 * bind such a device, and go when they are unbound.
 */
static const char *const fb_claims[] = { "efifb", "vesafb", "simplefb", "simpledrm", "efidrm",
					 "vesadrm" };

static bool is_fb_name(const char *s, bool device_only)
{
	if (streq(s, "BOOTFB"))
		return true;
	for (size_t i = 0; !device_only && i < ARRAY_SIZE(fb_claims); i++)
		if (streq(s, fb_claims[i]))
			return true;
	return false;
}

/* Up to 6 memory BARs from "start end flags" lines; flags 0x200 is IORESOURCE_MEM. */
static size_t read_bars(const struct host *h, const struct pci_function *d,
			unsigned long long bars[6][2])
{
	char path[PATH_MAX];
	_cleanup_free_ char *text = NULL;
	size_t n = 0;
	snprintf(path, sizeof path, "bus/pci/devices/%s/resource", d->name);
	if (read_attr_alloc_at(h->root->sys_fd, path, 16384, &text) < 0)
		return 0;
	char *save = NULL;
	unsigned line = 0;
	for (char *l = strtok_r(text, "\n", &save); l && line < 6;
	     l = strtok_r(NULL, "\n", &save), line++) {
		unsigned long long start, end, flags;
		if (sscanf(l, "%llx %llx %llx", &start, &end, &flags) != 3 || !(flags & 0x200) ||
		    end <= start)
			continue;
		bars[n][0] = start;
		bars[n][1] = end;
		n++;
	}
	return n;
}

struct fb_range {
	char name[64];
	unsigned long long start, end;
};

/* The boot framebuffer lines of /proc/iomem. Unreadable (or every address 0, as a user who is
 * not root sees it): none. */
static int read_fb_ranges(const struct host *h, struct fb_range **ret, size_t *ret_n)
{
	_cleanup_free_ char *text = NULL;
	_cleanup_free_ struct fb_range *v = NULL;
	size_t n = 0;
	*ret = NULL;
	*ret_n = 0;
	if (read_attr_alloc_at(h->root->proc_fd, "iomem", 1 << 20, &text) < 0)
		return 0;
	char *save = NULL;
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		struct fb_range f;
		if (sscanf(l, " %llx-%llx : %63[^\n]", &f.start, &f.end, f.name) != 3 ||
		    f.end == 0 || !is_fb_name(f.name, false))
			continue;
		struct fb_range *l2 = realloc(v, sizeof *v * (n + 1));
		if (!l2)
			return -ENOMEM;
		v = l2;
		v[n++] = f;
	}
	*ret = TAKE_PTR(v);
	*ret_n = n;
	return 0;
}

/* The first range in one of the BARs: 1 with "NAME START-END" in *ret, 0 none. */
static int range_in_bars(const struct fb_range *ranges, size_t n, unsigned long long bars[6][2],
			 size_t n_bars, bool device_only, char **ret)
{
	*ret = NULL;
	for (size_t i = 0; i < n; i++) {
		if (!is_fb_name(ranges[i].name, device_only))
			continue;
		for (size_t b = 0; b < n_bars; b++)
			if (ranges[i].start >= bars[b][0] && ranges[i].end <= bars[b][1]) {
				*ret = strdup_printf("%s %llx-%llx", ranges[i].name, ranges[i].start,
						     ranges[i].end);
				return *ret ? 1 : -ENOMEM;
			}
	}
	return 0;
}

int host_fb_in_bars(const struct host *h, const struct pci_function *d, bool device_only,
		    char **ret)
{
	unsigned long long bars[6][2];
	size_t n_bars = read_bars(h, d, bars), n = 0;
	_cleanup_free_ struct fb_range *ranges = NULL;
	*ret = NULL;
	if (n_bars == 0)
		return 0;
	int r = read_fb_ranges(h, &ranges, &n);
	return r < 0 ? r : range_in_bars(ranges, n, bars, n_bars, device_only, ret);
}

/* Each display function's claims, from one read of /proc/iomem. */
int host_iomem_load(struct host *h);
int host_iomem_load(struct host *h)
{
	_cleanup_free_ struct fb_range *ranges = NULL;
	size_t n = 0;
	int r = read_fb_ranges(h, &ranges, &n);
	for (size_t i = 0; r >= 0 && n > 0 && i < h->n_pci; i++) {
		struct pci_function *d = &h->pci[i];
		unsigned long long bars[6][2];
		size_t n_bars;
		if (!pci_function_is_display(d) || (n_bars = read_bars(h, d, bars)) == 0)
			continue;
		r = range_in_bars(ranges, n, bars, n_bars, false, &d->fb_claim);
		if (r >= 0)
			r = range_in_bars(ranges, n, bars, n_bars, true, &d->fb_device_claim);
	}
	return r < 0 ? r : 0;
}
