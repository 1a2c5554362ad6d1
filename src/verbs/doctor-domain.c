// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * doctor: one VM's domain against this host. UEFI firmware, whole IOMMU groups, devices that
 * reset, the host's display, huge pages.
 */
#include <strings.h>

#include "doctor.h"
#include "lib/strutil.h"
#include "stages/stages.h"

static bool domain_lists(const struct domain *dom, const struct pci_function *f)
{
	for (size_t i = 0; i < dom->n_pci; i++)
		if (pci_addr_equal(&dom->pci[i].addr, &f->addr))
			return true;
	return false;
}

static bool is_passed(const struct doctor_ctx *ctx, const struct pci_function *f)
{
	for (size_t i = 0; i < ctx->n_passed; i++)
		if (ctx->passed[i] == f)
			return true;
	return false;
}

static int add_passed(struct doctor_ctx *ctx, struct pci_function *f)
{
	if (is_passed(ctx, f))
		return 0;
	struct pci_function **l = realloc(ctx->passed,
					  sizeof(struct pci_function *) * (ctx->n_passed + 1));
	if (!l)
		return -ENOMEM;
	ctx->passed = l;
	ctx->passed[ctx->n_passed++] = f;
	return 0;
}

int doctor_domain_collect(struct doctor_ctx *ctx)
{
	const struct host *h = ctx->host;
	for (size_t i = 0; h && ctx->dom && i < ctx->dom->n_pci; i++) {
		struct pci_function *f = host_find_pci(h, &ctx->dom->pci[i].addr);
		if (!f || pci_function_is_bridge(f))
			continue;
		int r = add_passed(ctx, f);
		if (r < 0 || f->iommu_group < 0)
			return MIN(r, 0);
		_cleanup_strv_free_ char **members = NULL;
		if ((r = host_iommu_group_members(h, f->iommu_group, &members)) < 0)
			return r;
		for (char **m = members; m && *m; m++) {
			struct pci_function *mf = host_find_pci_name(h, *m);
			if (mf && !pci_function_is_bridge(mf) && (r = add_passed(ctx, mf)) < 0)
				return r;
		}
	}
	return 0;
}

int doctor_domain_firmware(const struct doctor_ctx *ctx, struct doctor_outcome *o)
{
	const struct domain *d = ctx->dom;
	static const char *const uefi_names[] = { "ovmf", "edk2", "aavmf", "qemu_efi" };
	int r;

	if (d->firmware && streq(d->firmware, "efi"))
		return doctor_set(o, DOCTOR_PASS, "UEFI (<os firmware='efi'>)");
	for (size_t i = 0; d->loader && i < ARRAY_SIZE(uefi_names); i++)
		if (strcasestr(d->loader, uefi_names[i])) {
			_cleanup_free_ char *e = str_escape(d->loader, 256);
			return doctor_set(o, DOCTOR_PASS, "UEFI (loader %s)", strna(e));
		}
	if (d->loader && !(d->firmware && streq(d->firmware, "bios"))) {
		_cleanup_free_ char *e = str_escape(d->loader, 256);
		if ((r = doctor_set(o, DOCTOR_WARN, "loader %s is not a known UEFI build (OVMF, "
						    "edk2)", strna(e))) < 0)
			return r;
		return doctor_advise(o, "make sure it is UEFI firmware: a passed GPU needs its "
					"UEFI GOP driver");
	}
	if ((r = doctor_set(o, DOCTOR_WARN, "the domain boots with BIOS (SeaBIOS): no "
					    "<os firmware='efi'>, no OVMF loader")) < 0)
		return r;
	return doctor_advise(o, "create the VM with UEFI firmware (virt-install --boot uefi, or "
				"virt-manager's Firmware: UEFI before the first start)");
}

static int describe(const struct pci_function *f, char **ret)
{
	*ret = strdup_printf("%s %s [%04x:%04x]", f->name, pci_function_label(f), f->vendor,
			     f->device);
	return *ret ? 0 : -ENOMEM;
}

int doctor_group_complete(const struct doctor_ctx *ctx, struct doctor_outcome *o)
{
	const struct domain *d = ctx->dom;
	const struct host *h = ctx->host;
	_cleanup_free_ char *first = NULL;
	_cleanup_strv_free_ char **groups = NULL;
	size_t problems = 0;
	int r;

	if (d->n_pci == 0)
		return doctor_set(o, DOCTOR_SKIP, "the domain passes no PCI device");
	if (!h)
		return doctor_set(o, DOCTOR_SKIP, "the host's devices could not be read");
	if (h->n_iommu_groups == 0) {
		if ((r = doctor_set(o, DOCTOR_FAIL, "no IOMMU groups: nothing can be passed")) < 0)
			return r;
		return doctor_advise(o, "see iommu-firmware and iommu-kernel");
	}
	for (size_t i = 0; i < d->n_pci; i++) {
		char name[PCI_ADDR_STR_MAX];
		pci_addr_format(&d->pci[i].addr, name);
		const struct pci_function *f = host_find_pci(h, &d->pci[i].addr);
		char *why = NULL;
		if (!f)
			why = strdup_printf("%s is in the domain XML but not on this host", name);
		else if (pci_function_is_bridge(f))
			why = strdup_printf("%s is a PCI bridge and cannot be passed", name);
		else if (f->iommu_group < 0)
			why = strdup_printf("%s has no IOMMU group", name);
		else {
			char g[16];
			snprintf(g, sizeof g, "%d", f->iommu_group);
			if ((r = strv_extend_unique(&groups, g)) < 0)
				return r;
			continue;
		}
		if (!why)
			return -ENOMEM;
		if (!first)
			first = why;
		else
			free(why);
		problems++;
	}
	/* Members the domain leaves out, unless the admin let them go along. */
	for (size_t i = 0; i < ctx->n_passed; i++) {
		const struct pci_function *m = ctx->passed[i];
		if (domain_lists(d, m) ||
		    (ctx->cfg && strv_contains(ctx->cfg->allow_group_members, m->name)))
			continue;
		if (!first) {
			_cleanup_free_ char *desc = NULL;
			if ((r = describe(m, &desc)) < 0)
				return r;
			if (!(first = strdup_printf("%s is in IOMMU group %d but not in the domain XML",
						    desc, m->iommu_group)))
				return -ENOMEM;
		}
		problems++;
	}
	if (problems == 0) {
		_cleanup_free_ char *list = NULL;
		for (char **g = groups; g && *g; g++) {
			char *n = strdup_printf("%s%s%s", list ?: "", list ? ", " : "", *g);
			free(list);
			if (!(list = n))
				return -ENOMEM;
		}
		return doctor_set(o, DOCTOR_PASS, "IOMMU group%s %s: every member is in the domain "
						  "(%zu function%s)",
				  strv_length(groups) > 1 ? "s" : "", strna(list), ctx->n_passed,
				  ctx->n_passed == 1 ? "" : "s");
	}
	if ((r = doctor_set(o, DOCTOR_FAIL, "%s%s", first,
			    problems > 1 ? " (and more: vfio-hook plan lists them)" : "")) < 0)
		return r;
	return doctor_advise(o, "add the missing functions as <hostdev>, or list them in "
				"allow_group_members (vm.conf); fix addresses with vfio-hook list");
}

/* gnif/vendor-reset's device table (src/device-db.h): AMD GPUs whose own reset leaves them
 * unusable for the next start, by family. */
static const struct {
	const char *family;
	unsigned short ids[16];
} vendor_reset_gpus[] = {
	{ "Polaris 10", { 0x67c0, 0x67c1, 0x67c2, 0x67c4, 0x67c7, 0x67d0, 0x67df, 0x67c8, 0x67c9,
			  0x67ca, 0x67cc, 0x67cf, 0x6fdf } },
	{ "Polaris 11", { 0x67e0, 0x67e3, 0x67e8, 0x67eb, 0x67ef, 0x67ff, 0x67e1, 0x67e7, 0x67e9 } },
	{ "Polaris 12", { 0x6980, 0x6981, 0x6985, 0x6986, 0x6987, 0x6995, 0x6997, 0x699f } },
	{ "Vega 10", { 0x6860, 0x6861, 0x6862, 0x6863, 0x6864, 0x6867, 0x6868, 0x6869, 0x686a,
		       0x686b, 0x686c, 0x686d, 0x686e, 0x686f, 0x687f } },
	{ "Vega 20", { 0x66a0, 0x66a1, 0x66a2, 0x66a3, 0x66a4, 0x66a7, 0x66af, 0x164c } },
	{ "Navi 10", { 0x7310, 0x7312, 0x7318, 0x7319, 0x731a, 0x731b, 0x731e, 0x731f, 0x15bf,
		       0x15dd, 0x15de, 0x15e7, 0x1636, 0x1638 } },
	{ "Navi 12", { 0x7360, 0x7362 } },
	{ "Navi 14", { 0x7340, 0x7341, 0x7347, 0x734f } },
};

const char *doctor_vendor_reset_family(unsigned vendor, unsigned device)
{
	if (vendor != 0x1002 || device == 0)
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(vendor_reset_gpus); i++)
		for (size_t k = 0; k < ARRAY_SIZE(vendor_reset_gpus[i].ids); k++)
			if (vendor_reset_gpus[i].ids[k] == device)
				return vendor_reset_gpus[i].family;
	return NULL;
}

int doctor_device_reset(const struct doctor_ctx *ctx, struct doctor_outcome *o)
{
	enum doctor_result worst = DOCTOR_PASS;
	_cleanup_free_ char *detail = NULL, *advice = NULL;
	int r;

	if (ctx->n_passed == 0)
		return doctor_set(o, DOCTOR_SKIP, "no PCI function passed");
	for (size_t i = 0; i < ctx->n_passed; i++) {
		const struct pci_function *f = ctx->passed[i];
		const char *family = doctor_vendor_reset_family(f->vendor, f->device);
		enum doctor_result res = DOCTOR_PASS;
		char *d = NULL, *a = NULL;
		_cleanup_free_ char *desc = NULL;
		if ((r = describe(f, &desc)) < 0)
			return r;
		if (family && pci_function_is_display(f) &&
		    !(f->reset_method && strstr(f->reset_method, "device_specific"))) {
			res = DOCTOR_WARN;
			d = strdup_printf("%s is an AMD %s GPU: it does not come back from a VM "
					  "without vendor-reset", desc, family);
			a = strdup_printf("install vendor-reset (github.com/gnif/vendor-reset) and "
					  "write device_specific to %s's reset_method", f->name);
		} else if (!f->reset_method && !host_reset_method_is_authoritative(ctx->host)) {
			/* Kernels before 5.15 do not say; the VM still starts. */
			res = DOCTOR_WARN;
			d = strdup_printf("%s: this kernel does not say whether it can be reset", desc);
			a = strdup("after the VM stops, check that it works again before the next "
				   "start");
		} else if (!f->reset_method) {
			/* A warning, not a failure: the VM starts, the second start may not. */
			res = DOCTOR_WARN;
			d = strdup_printf("%s has no reset method: after the VM stops it may not work "
					  "again until the host reboots", desc);
			a = strdup(pci_function_is_display(f) ?
					   "use a GPU that resets (FLR or bus reset), or plan for a "
					   "host reboot between VM starts" :
					   "usually harmless for a GPU's audio function; otherwise "
					   "expect a host reboot between VM starts");
		}
		if (res != DOCTOR_PASS && (!d || !a)) {
			free(d);
			free(a);
			return -ENOMEM;
		}
		if (res > worst) {
			worst = res;
			free(detail);
			free(advice);
			detail = d;
			advice = a;
		} else {
			free(d);
			free(a);
		}
	}
	if (worst == DOCTOR_PASS)
		return doctor_set(o, DOCTOR_PASS, "every passed function can be reset");
	if ((r = doctor_set(o, worst, "%s", detail)) < 0)
		return r;
	return doctor_advise(o, "%s", advice);
}

int doctor_host_display(const struct doctor_ctx *ctx, struct doctor_outcome *o)
{
	const struct host *h = ctx->host;
	const struct pci_function *dark = NULL, *gpu = NULL;
	int r;

	for (size_t i = 0; i < ctx->n_passed; i++)
		if (pci_function_is_display(ctx->passed[i])) {
			gpu = gpu ?: ctx->passed[i];
			if (pci_function_drives_display(ctx->passed[i]) && !dark)
				dark = ctx->passed[i];
		}
	if (!gpu)
		return doctor_set(o, DOCTOR_SKIP, "no GPU passed");
	if (!dark)
		return doctor_set(o, DOCTOR_PASS, "%s drives no display the host uses", gpu->name);
	for (size_t i = 0; i < h->n_pci; i++) {
		const struct pci_function *f = &h->pci[i];
		if (!is_passed(ctx, f) && pci_function_is_display(f) && pci_function_drives_display(f))
			return doctor_set(o, DOCTOR_PASS, "%s drives the host's displays while %s is "
							  "in the VM", f->name, dark->name);
	}
	if ((r = doctor_set(o, DOCTOR_WARN, "%s is the host's only display: the host's display "
					    "goes dark while the VM runs; the hook stops the display "
					    "manager", dark->name)) < 0)
		return r;
	return doctor_advise(o, "expected with one GPU; reach the host over ssh while the VM runs");
}

int doctor_hugepages(const struct doctor_ctx *ctx, struct doctor_outcome *o)
{
	const struct domain *d = ctx->dom;
	struct hugepages_need n;
	_cleanup_free_ char *problem = NULL;
	int r;

	if (!d->hugepages)
		return doctor_set(o, DOCTOR_SKIP, "the domain does not use huge pages");
	if (!ctx->host)
		return doctor_set(o, DOCTOR_SKIP, "the host could not be read");
	r = hugepages_need(ctx->host, d, &n, &problem);
	if (r == -ENOENT) {
		if ((r = doctor_set(o, DOCTOR_FAIL, "%s", problem)) < 0)
			return r;
		return doctor_advise(o, "give the domain a <memory> and a page size the kernel "
					"has (/sys/kernel/mm/hugepages)");
	}
	if (r < 0)
		return r;
	if (n.free_pages >= n.pages)
		return doctor_set(o, DOCTOR_PASS, "%llu of %u free %llu kB pages needed", n.pages,
				  n.free_pages, n.page_kib);
	if ((r = doctor_set(o, DOCTOR_WARN, "%llu %llu kB pages needed, %u free: the hook "
					    "reserves the rest at start, which fails once memory "
					    "is fragmented", n.pages, n.page_kib, n.free_pages)) < 0)
		return r;
	return doctor_advise(o, "reserve them at boot: hugepagesz=%llu%s hugepages=%llu on the "
				"kernel command line",
			     n.page_kib >= 1048576 ? n.page_kib / 1048576 : n.page_kib / 1024,
			     n.page_kib >= 1048576 ? "G" : "M", n.pages);
}

/*
 * A slot's functions in different IOMMU groups (an AMD Navi 2x/3x GPU and its HDMI audio, on
 * some boards), one of them passed: the driver left on the other crashes when the VM stops.
 * Passing both avoids it.
 */
int doctor_slot_split(const struct doctor_ctx *ctx, struct doctor_outcome *o)
{
	const struct host *h = ctx->host;
	if (ctx->n_passed == 0)
		return doctor_set(o, DOCTOR_SKIP, "no PCI function passed");
	for (size_t i = 0; i < ctx->n_passed; i++) {
		const struct pci_function *f = ctx->passed[i];
		for (size_t k = 0; k < h->n_pci; k++) {
			const struct pci_function *g = &h->pci[k];
			if (g == f || is_passed(ctx, g) || g->addr.domain != f->addr.domain ||
			    g->addr.bus != f->addr.bus || g->addr.slot != f->addr.slot ||
			    g->iommu_group == f->iommu_group || pci_function_is_bridge(g))
				continue;
			int r = doctor_set(o, DOCTOR_WARN, "%s is passed, %s of the same slot stays: "
							   "they are in IOMMU groups %d and %d",
					   f->name, g->name, f->iommu_group, g->iommu_group);
			if (r < 0)
				return r;
			return doctor_advise(o, "pass %s too (add it as a <hostdev>): a GPU whose "
						"other function stays on the host can crash the host's "
						"driver when the VM stops", g->name);
		}
	}
	return doctor_set(o, DOCTOR_PASS, "every passed slot goes whole");
}

/* A card in D3cold may not wake: for the VM, or for its driver after (RmInitAdapter failed). */
int doctor_power_state(const struct doctor_ctx *ctx, struct doctor_outcome *o)
{
	if (ctx->n_passed == 0)
		return doctor_set(o, DOCTOR_SKIP, "no PCI function passed");
	for (size_t i = 0; i < ctx->n_passed; i++) {
		const struct pci_function *f = ctx->passed[i];
		if (!f->power_state || !streq(f->power_state, "D3cold"))
			continue;
		int r = doctor_set(o, DOCTOR_WARN, "%s is in D3cold: a card powered off may not "
						   "come back, for the VM or for the host's driver after",
				   f->name);
		if (r < 0)
			return r;
		return doctor_advise(o, "keep vfio-pci from powering idle cards off: "
					"'options vfio_pci disable_idle_d3=1' in /etc/modprobe.d/vfio.conf");
	}
	return doctor_set(o, DOCTOR_PASS, "no passed function is powered off (D3cold)");
}

/* Resizable BAR: guests that fail to start, cards that hang when they come back. */
int doctor_resizable_bar(const struct doctor_ctx *ctx, struct doctor_outcome *o)
{
	const struct pci_function *gpu = NULL;
	for (size_t i = 0; i < ctx->n_passed && !gpu; i++)
		if (pci_function_is_display(ctx->passed[i]) && ctx->passed[i]->resizable_bar)
			gpu = ctx->passed[i];
	if (ctx->n_passed == 0)
		return doctor_set(o, DOCTOR_SKIP, "no PCI function passed");
	if (!gpu)
		return doctor_set(o, DOCTOR_PASS, "no passed GPU has a resizable BAR");
	int r = doctor_set(o, DOCTOR_WARN, "%s has a resizable BAR (Resizable BAR, Smart Access "
					   "Memory): some guests fail to start with it, and the card "
					   "can hang when it comes back to the host", gpu->name);
	if (r < 0)
		return r;
	return doctor_advise(o, "if the VM fails to start or the card does not come back, turn "
				"Resizable BAR off in the firmware setup");
}
