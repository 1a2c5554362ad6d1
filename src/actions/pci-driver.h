/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "core/action-type.h"

/* The driver a journaled PCI function is on, for unbind-pci and bind-vfio: with want_vfio,
 * vfio-pci; without, anything but the driver it had (vfio-pci, or none yet). */
enum host_match pci_driver_check(const struct host *h, const struct action *a, bool want_vfio,
				 char **ret_detail);
