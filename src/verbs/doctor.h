/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "host/host.h"
#include "input/config.h"
#include "input/domain.h"

/*
 * `vfio-hook doctor`: a table of read-only checks, each with a stable id (docs/doctor.md), a
 * result, one line saying what it found and, for warn and fail, one line saying what to do.
 * Host checks live in doctor-host.c, the hook's installation in doctor-install.c, the VM's
 * domain in doctor-domain.c; doctor-verb.c runs the table and prints it.
 */

enum doctor_result {
	DOCTOR_PASS,
	DOCTOR_WARN,
	DOCTOR_FAIL,
	DOCTOR_SKIP, /* could not look (not root, not applicable) */
	_DOCTOR_RESULT_MAX,
	_DOCTOR_RESULT_INVALID = -EINVAL,
};

const char *doctor_result_to_string(enum doctor_result r);

struct doctor_outcome {
	enum doctor_result result;
	char *detail; /* what the check found */
	char *advice; /* what to do: warn and fail only */
};

struct doctor_ctx {
	struct sysroot *root;
	const struct host *host;   /* NULL if the host could not be read */
	const struct domain *dom;  /* NULL: host checks only */
	const struct config *cfg;  /* the VM's configuration, with dom */
	/* The domain's passed functions: its <hostdev>s and their IOMMU groups, bridges left out
	 * (filled in by doctor_domain_collect). */
	struct pci_function **passed;
	size_t n_passed;
};

struct doctor_check {
	const char *id;
	bool domain;   /* runs only when a VM is given */
	int (*run)(const struct doctor_ctx *ctx, struct doctor_outcome *o);
};

/* Record the result and its detail; -ENOMEM only. */
_must_check_ int doctor_set(struct doctor_outcome *o, enum doctor_result r, const char *fmt, ...)
	_printf_(3, 4);
_must_check_ int doctor_advise(struct doctor_outcome *o, const char *fmt, ...) _printf_(2, 3);
/* SKIP for an error that means "not allowed to look" (EACCES, EPERM). */
_must_check_ int doctor_skip_errno(struct doctor_outcome *o, int err, const char *what);

int doctor_iommu_firmware(const struct doctor_ctx *ctx, struct doctor_outcome *o);
int doctor_iommu_kernel(const struct doctor_ctx *ctx, struct doctor_outcome *o);
int doctor_iommu_passthrough_mode(const struct doctor_ctx *ctx, struct doctor_outcome *o);
int doctor_vfio_modules(const struct doctor_ctx *ctx, struct doctor_outcome *o);

int doctor_hook_installed(const struct doctor_ctx *ctx, struct doctor_outcome *o);
int doctor_hook_picked_up(const struct doctor_ctx *ctx, struct doctor_outcome *o);
int doctor_selinux(const struct doctor_ctx *ctx, struct doctor_outcome *o);
int doctor_apparmor(const struct doctor_ctx *ctx, struct doctor_outcome *o);
int doctor_overrides_safe(const struct doctor_ctx *ctx, struct doctor_outcome *o);
int doctor_old_layouts(const struct doctor_ctx *ctx, struct doctor_outcome *o);

int doctor_domain_firmware(const struct doctor_ctx *ctx, struct doctor_outcome *o);
int doctor_group_complete(const struct doctor_ctx *ctx, struct doctor_outcome *o);
int doctor_device_reset(const struct doctor_ctx *ctx, struct doctor_outcome *o);
int doctor_host_display(const struct doctor_ctx *ctx, struct doctor_outcome *o);
int doctor_hugepages(const struct doctor_ctx *ctx, struct doctor_outcome *o);
int doctor_slot_split(const struct doctor_ctx *ctx, struct doctor_outcome *o);
int doctor_power_state(const struct doctor_ctx *ctx, struct doctor_outcome *o);
int doctor_resizable_bar(const struct doctor_ctx *ctx, struct doctor_outcome *o);

/* The functions the domain hands over (whole groups, bridges left out), for the domain checks. */
_must_check_ int doctor_domain_collect(struct doctor_ctx *ctx);
/* An AMD GPU family gnif/vendor-reset knows to need it, or NULL. */
const char *doctor_vendor_reset_family(unsigned vendor, unsigned device);
