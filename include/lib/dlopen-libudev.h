/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <libudev.h>

#include "lib/dlopen-lib.h"

/* libudev, loaded when a disk of the live host is first described. */
#define LIBUDEV_SYMBOLS(X)                                                                         \
	X(udev_device_get_property_value)                                                          \
	X(udev_device_new_from_subsystem_sysname)                                                  \
	X(udev_device_unref)                                                                       \
	X(udev_new)                                                                                \
	X(udev_unref)

LIBUDEV_SYMBOLS(DLSYM_DECLARE)

/* 0 once libudev and every sym_ above are there; negative errno (logged once) if not. */
_must_check_ int dlopen_libudev(void);

DEFINE_TRIVIAL_CLEANUP_FUNC(struct udev *, sym_udev_unref);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct udev_device *, sym_udev_device_unref);
