/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <sys/types.h>

#include "lib/sysroot.h"

/*
 * What libvirt's own status files say about a VM, read through the injectable roots and never
 * by asking libvirt: /run/libvirt/qemu/<name>.pid names the qemu process while the VM runs.
 * Returns 1 when that file names a live process (in the root's /proc), with ret_pid set; 0 when
 * there is no such file or its process is gone (libvirtd died with the VM); -EINVAL for a name
 * that is not a plain file name.
 */
_must_check_ int libvirt_vm_running(const struct sysroot *root, const char *name,
				    pid_t *ret_pid);
