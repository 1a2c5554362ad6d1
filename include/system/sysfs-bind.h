/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "lib/macro.h"
#include "system/kernel-call.h"

/*
 * Driver binding through sysfs, for PCI and platform devices. Every name is validated before it
 * becomes part of a path; every write is one write() of the whole value, and callers check the
 * result by reading the driver link back (drivers_probe "succeeds" even when nothing binds).
 * Writes that run driver code (unbind, bind, drivers_probe) run with the deadline d.
 */
bool sysfs_name_is_safe(const char *name);
/* The bound driver of bus/<bus>/devices/<dev> into buf; -ENOENT when unbound. */
_must_check_ int sysfs_driver_of(int sys_fd, const char *bus, const char *dev, char *buf,
				 size_t size);
_must_check_ int sysfs_unbind(struct kernel_deadline *d, int sys_fd, const char *bus, const char *dev);
_must_check_ int sysfs_bind(struct kernel_deadline *d, int sys_fd, const char *bus, const char *dev,
			    const char *driver);
/* driver_override: a driver name, or NULL to clear it. */
_must_check_ int sysfs_pci_set_override(int sys_fd, const char *dev, const char *driver);
/* driver_override as it is into buf, "" when none (empty, "(null)" on old kernels, or no such
 * attribute). Reading it waits for the device's lock, as writing it does: only for a function
 * about to be written to, never for status. */
_must_check_ int sysfs_pci_get_override(int sys_fd, const char *dev, char *buf, size_t size);
_must_check_ int sysfs_pci_probe(struct kernel_deadline *d, int sys_fd, const char *dev);
bool sysfs_device_exists(int sys_fd, const char *bus, const char *dev);
