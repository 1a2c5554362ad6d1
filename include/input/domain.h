/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "input/cpuset.h"
#include "input/pci-addr.h"
#include "input/vm-flags.h"

/* What we read from the domain XML libvirt passes on stdin. */

#define DOMAIN_XML_MAX (4u << 20) /* 4 MiB: libvirt's own string limit (REMOTE_STRING_MAX) */

struct pci_hostdev {
	struct pci_addr addr;
	bool managed;
};

struct interface {
	char *type;   /* network, bridge, direct, ... */
	char *source; /* network name, bridge, or host device */
	char *mac;
};

struct domain {
	char *name;
	char *uuid;
	char *description;
	struct pci_hostdev *pci;
	size_t n_pci;
	char **usb;       /* "vvvv:pppp" or "bus.device" */
	char **scsi;      /* adapter:bus:target:unit or protocol://host/name */
	char **scsi_host; /* protocol://wwpn */
	char **mdev;      /* uuid */
	char **block_disks; /* <disk type='block'> source dev, as written */
	char **file_disks;  /* <disk type='file'> source file: the VM's own images */
	struct interface *ifaces;
	size_t n_ifaces;
	struct cpuset vcpupin, emulatorpin, iothreadpin; /* unions of the pinned cpusets */
	unsigned long long memory_kib;
	bool hugepages;
	unsigned long long hugepage_kib; /* 0: the default size */
	char *firmware;   /* <os firmware='efi'>: "efi", "bios", or NULL when not given */
	char *loader;     /* <os><loader> path (OVMF_CODE.fd...), NULL if none */
	struct vm_flags flags;
};

struct domain *domain_free(struct domain *d);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct domain *, domain_free);

/*
 * Parse untrusted XML: no DTD, no entities, no network, UTF-8 only, root <domain>, name and uuid
 * required. On failure *ret_error (if given) gets one line fit for `virsh start`.
 */
_must_check_ int domain_parse(const char *xml, size_t size, struct domain **ret, char **ret_error);
/* The one rule for a VM name that becomes part of a path (its log file, its override
 * directory, libvirt's files): one libvirt could have saved as a file name. Any other name is
 * kept for messages and keyed by UUID only. */
#define VM_NAME_MAX 200
bool vm_name_is_valid(const char *name);
bool uuid_is_valid(const char *s);
