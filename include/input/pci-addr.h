/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "lib/macro.h"

/* A PCI function address, DDDD:BB:SS.F. Validated before it ever becomes part of a path. */
struct pci_addr {
	unsigned domain, bus, slot, function;
};

#define PCI_ADDR_STR_MAX sizeof("ffffffff:ff:1f.7")

/* Parse the sysfs form "0000:01:00.0" (hex only, exact widths for bus/slot/function). */
_must_check_ int pci_addr_parse(const char *s, struct pci_addr *ret);
/* Parse libvirt's attributes: each in any base libvirt accepts (0x1f, 31, 037). */
_must_check_ int pci_addr_from_parts(const char *domain, const char *bus, const char *slot,
				     const char *function, struct pci_addr *ret);
void pci_addr_format(const struct pci_addr *a, char buf[static PCI_ADDR_STR_MAX]);
int pci_addr_compare(const struct pci_addr *a, const struct pci_addr *b);
bool pci_addr_equal(const struct pci_addr *a, const struct pci_addr *b);
