/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "lib/macro.h"

/* USB devices behind a PCI USB controller, from sysfs (what lsusb shows for its buses). */
struct usb_device {
	char *name;          /* sysfs name: "usb1" (root hub), "1-1", "1-1.2" */
	unsigned vendor, product;
	unsigned busnum, devnum; /* 0: unknown */
	char *manufacturer;  /* NULL if the device gives none */
	char *product_name;
	bool root_hub;
};

/* Sorted by bus, then name; *ret_n == 0 when the function has no USB buses. */
_must_check_ int usb_devices_of_pci(int sys_fd, const char *bdf, struct usb_device **ret,
				    size_t *ret_n);
void usb_devices_free(struct usb_device *l, size_t n);
