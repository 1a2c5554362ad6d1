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

int host_fb_in_bars(const struct host *h, const struct pci_function *d, bool device_only,
		    char **ret)
{
	unsigned long long bars[6][2];
	size_t n_bars = read_bars(h, d, bars);
	_cleanup_free_ char *text = NULL;
	*ret = NULL;
	/* Unreadable (or every address 0, as a user who is not root sees it): nothing to say. */
	if (n_bars == 0 || read_attr_alloc_at(h->root->proc_fd, "iomem", 1 << 20, &text) < 0)
		return 0;
	char *save = NULL;
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		unsigned long long start, end;
		char name[64];
		if (sscanf(l, " %llx-%llx : %63[^\n]", &start, &end, name) != 3 || end == 0 ||
		    !is_fb_name(name, device_only))
			continue;
		for (size_t b = 0; b < n_bars; b++)
			if (start >= bars[b][0] && end <= bars[b][1]) {
				*ret = strdup_printf("%s %llx-%llx", name, start, end);
				return *ret ? 1 : -ENOMEM;
			}
	}
	return 0;
}
