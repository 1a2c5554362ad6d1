/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "lib/macro.h"

/*
 * Per-VM switches, written by the VM's owner in the domain description (the mini-language of the
 * scripts we replace: `args[ --flag ... ]`, `host_services[ zone:svc,svc ]`,
 * `internal_services[ svc ... ]`) or in our <metadata> namespace. They only ever select entries
 * of compiled-in tables: nothing here becomes a path, unit or module name.
 */
enum vm_flag {
	VM_FLAG_NO_HOST_GRAPHICS,
	VM_FLAG_ENABLE_INTERNAL_SERVICES,
	VM_FLAG_ENABLE_EXTERNAL_SERVICES,
	VM_FLAG_ENABLE_NFS,
	VM_FLAG_ENABLE_SMB,
	VM_FLAG_PIN_CPU_CORES,
	VM_FLAG_DEBUG,
	VM_FLAG_DRY_RUN,
	VM_FLAG_CPU_PERFORMANCE,
	_VM_FLAG_MAX,
	_VM_FLAG_INVALID = -EINVAL,
};

struct vm_flags {
	unsigned set;              /* 1u << enum vm_flag */
	char **unknown;            /* well-formed flags we do not know, by name */
	char **host_services;      /* "zone:svc,svc" */
	char **internal_services;  /* one entry per interface, positional, "" allowed */
	bool args_seen, host_services_seen;
};

#define VM_METADATA_NS "urn:vfio-hook:domain:1"

const char *vm_flag_to_string(enum vm_flag f);
enum vm_flag vm_flag_from_string(const char *s);
/* "--word(-word)*": one flag args[ ] accepts, known or not. */
bool vm_flag_is_well_formed(const char *s);
static inline bool vm_flags_has(const struct vm_flags *f, enum vm_flag flag)
{
	return f->set & (1u << flag);
}

void vm_flags_done(struct vm_flags *f);
_must_check_ int vm_flags_copy(struct vm_flags *dst, const struct vm_flags *src);
/* Parse a whole description; lines that do not fit the grammar are ignored, as before. */
_must_check_ int vm_flags_parse_description(struct vm_flags *f, const char *text);
/* One array body from <metadata> (`--a --b`, `zone:svc`, `svc svc`); -EINVAL if malformed. */
_must_check_ int vm_flags_add_args(struct vm_flags *f, const char *body);
_must_check_ int vm_flags_add_host_services(struct vm_flags *f, const char *body);
_must_check_ int vm_flags_add_internal_services(struct vm_flags *f, const char *body);
