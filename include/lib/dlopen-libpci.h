/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <pci/pci.h>

#include "lib/dlopen-lib.h"

/* libpci, loaded when the host's PCI devices are first read: only for their names. */
#define LIBPCI_SYMBOLS(X)                                                                          \
	X(pci_alloc)                                                                               \
	X(pci_cleanup)                                                                             \
	X(pci_lookup_name)                                                                         \
	X(pci_set_name_list_path)                                                                  \
	X(pci_set_param)

LIBPCI_SYMBOLS(DLSYM_DECLARE)

/* 0 once libpci and every sym_ above are there; negative errno if not, logged once at debug
 * level: without libpci, devices only lack their names. */
_must_check_ int dlopen_libpci(void);
