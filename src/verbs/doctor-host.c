// SPDX-License-Identifier: GPL-2.0-or-later
/* doctor: the host's IOMMU (firmware, kernel, translation mode) and the vfio modules. */
#include <stdarg.h>

#include "doctor.h"
#include "lib/fileio.h"
#include "lib/string-table.h"
#include "lib/strutil.h"

static const char *const doctor_result_table[_DOCTOR_RESULT_MAX] = {
	[DOCTOR_PASS] = "pass",
	[DOCTOR_WARN] = "warn",
	[DOCTOR_FAIL] = "fail",
	[DOCTOR_SKIP] = "skip",
};

DEFINE_STRING_TABLE_LOOKUP_TO_STRING(doctor_result, enum doctor_result, _DOCTOR_RESULT_MAX, )

int doctor_set(struct doctor_outcome *o, enum doctor_result r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = strdup_vprintf(fmt, ap);
	va_end(ap);
	if (!s)
		return -ENOMEM;
	free(o->detail);
	o->detail = s;
	o->result = r;
	return 0;
}

int doctor_advise(struct doctor_outcome *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = strdup_vprintf(fmt, ap);
	va_end(ap);
	if (!s)
		return -ENOMEM;
	free(o->advice);
	o->advice = s;
	return 0;
}

int doctor_skip_errno(struct doctor_outcome *o, int err, const char *what)
{
	if (err == -EACCES || err == -EPERM)
		return doctor_set(o, DOCTOR_SKIP, "needs root (cannot read %s)", what);
	return doctor_set(o, DOCTOR_SKIP, "cannot read %s: %s", what, strerror(-err));
}

/* The kernel command line's words; NULL when unreadable. */
static char **cmdline_words(const struct sysroot *root)
{
	char buf[4096];
	if (read_attr_at(root->proc_fd, "cmdline", buf, sizeof buf) < 0)
		return NULL;
	char **words = NULL, *save = NULL;
	for (char *w = strtok_r(buf, " \t\n", &save); w; w = strtok_r(NULL, " \t\n", &save))
		if (strv_extend(&words, w) < 0) {
			strv_free(words);
			return NULL;
		}
	return words ?: calloc(1, sizeof(char *));
}

static bool acpi_table(const struct sysroot *root, const char *name)
{
	char path[64];
	snprintf(path, sizeof path, "firmware/acpi/tables/%s", name);
	return exists_at(root->sys_fd, path);
}

int doctor_iommu_firmware(const struct doctor_ctx *ctx, struct doctor_outcome *o)
{
	const struct sysroot *root = ctx->root;
	int r;
	if (acpi_table(root, "DMAR"))
		return doctor_set(o, DOCTOR_PASS, "the firmware announces an Intel VT-d IOMMU (ACPI DMAR)");
	if (acpi_table(root, "IVRS"))
		return doctor_set(o, DOCTOR_PASS, "the firmware announces an AMD-Vi IOMMU (ACPI IVRS)");
	if (!is_dir_at(root->sys_fd, "firmware/acpi/tables"))
		return doctor_set(o, DOCTOR_SKIP, "no ACPI tables to read (not an ACPI machine)");
	if ((r = doctor_set(o, DOCTOR_FAIL, "no ACPI DMAR or IVRS table: the firmware announces "
					    "no IOMMU")) < 0)
		return r;
	return doctor_advise(o, "enable VT-d (Intel) or AMD-Vi/IOMMU (AMD) in the firmware setup");
}

int doctor_iommu_kernel(const struct doctor_ctx *ctx, struct doctor_outcome *o)
{
	_cleanup_strv_free_ char **words = cmdline_words(ctx->root);
	int r;
	if (!ctx->host)
		return doctor_set(o, DOCTOR_SKIP, "the host's devices could not be read");
	if (ctx->host->n_iommu_groups > 0)
		return doctor_set(o, DOCTOR_PASS, "%zu IOMMU groups in /sys/kernel/iommu_groups",
				  ctx->host->n_iommu_groups);
	if ((r = doctor_set(o, DOCTOR_FAIL, "/sys/kernel/iommu_groups is empty: the kernel "
					    "isolates no device")) < 0)
		return r;
	if (strv_contains(words, "intel_iommu=off") || strv_contains(words, "amd_iommu=off") ||
	    strv_contains(words, "iommu=off"))
		return doctor_advise(o, "remove the IOMMU =off option from the kernel command line");
	if (acpi_table(ctx->root, "DMAR") && !strv_contains(words, "intel_iommu=on"))
		return doctor_advise(o, "add intel_iommu=on to the kernel command line and reboot");
	return doctor_advise(o, "enable the IOMMU in the firmware setup, and intel_iommu=on (Intel) "
				"on the kernel command line");
}

int doctor_iommu_passthrough_mode(const struct doctor_ctx *ctx, struct doctor_outcome *o)
{
	_cleanup_strv_free_ char **words = cmdline_words(ctx->root);
	_cleanup_strv_free_ char **groups = NULL;
	char type[64];
	int r;

	if (!ctx->host || ctx->host->n_iommu_groups == 0)
		return doctor_set(o, DOCTOR_SKIP, "no IOMMU groups");
	if (strv_contains(words, "iommu=pt"))
		return doctor_set(o, DOCTOR_PASS, "iommu=pt: devices the host keeps skip DMA "
						  "translation");
	/* Without iommu=pt the groups say what the kernel chose (identity is passthrough). */
	if (dir_list_at(ctx->root->sys_fd, "kernel/iommu_groups", &groups) >= 0 && groups) {
		char path[PATH_MAX];
		snprintf(path, sizeof path, "kernel/iommu_groups/%s/type", groups[0]);
		if (read_attr_at(ctx->root->sys_fd, path, type, sizeof type) > 0 &&
		    streq(type, "identity"))
			return doctor_set(o, DOCTOR_PASS, "host devices use identity mapping "
							  "(passthrough mode)");
	}
	if ((r = doctor_set(o, DOCTOR_WARN, "host devices go through DMA translation "
					    "(no iommu=pt)")) < 0)
		return r;
	return doctor_advise(o, "add iommu=pt to the kernel command line: devices the host keeps "
				"then skip translation, passthrough is unchanged");
}

int doctor_vfio_modules(const struct doctor_ctx *ctx, struct doctor_outcome *o)
{
	const struct host *h = ctx->host;
	int r;
	if (!h)
		return doctor_set(o, DOCTOR_SKIP, "the host's devices could not be read");
	/* Since 6.2 iommufd can stand in for the type1 container. */
	int type1 = host_module_available(h, "vfio_iommu_type1");
	int iommufd = host_module_available(h, "iommufd");
	if (type1 < 0)
		return type1;
	if (iommufd < 0)
		return iommufd;
	bool container = type1 != MODULE_MISSING || iommufd != MODULE_MISSING;
	const char *kernel = strna(h->kernel_release);
	if (h->vfio_pci != VFIO_PCI_MISSING && container)
		return doctor_set(o, DOCTOR_PASS, "vfio-pci %s, %s %s",
				  h->vfio_pci == VFIO_PCI_LOADED ? "loaded" : "available",
				  type1 != MODULE_MISSING ? "vfio_iommu_type1" : "iommufd",
				  (type1 == MODULE_LOADED || (type1 == MODULE_MISSING &&
							      iommufd == MODULE_LOADED)) ?
					  "loaded" : "available");
	if ((r = doctor_set(o, DOCTOR_FAIL, "%s%s%s not found for kernel %s",
			    h->vfio_pci == VFIO_PCI_MISSING ? "vfio-pci" : "",
			    h->vfio_pci == VFIO_PCI_MISSING && !container ? " and " : "",
			    container ? "" : "vfio_iommu_type1", kernel)) < 0)
		return r;
	return doctor_advise(o, "install the kernel's vfio modules (CONFIG_VFIO_PCI, "
				"CONFIG_VFIO_IOMMU_TYPE1) for %s", kernel);
}
