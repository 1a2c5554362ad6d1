/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "sysroot.h"

/*
 * Admin configuration: /etc/libvirt/hooks/vfio-hook.conf, "key = value" lines. Only root can
 * write it: a file anyone else could change is refused, since what it says runs as root.
 */
#define CONFIG_PATH "/etc/libvirt/hooks/vfio-hook.conf"

struct config {
	char **allow_group_members; /* PCI functions that may go along with a group */
	bool debug;
	unsigned unit_timeout_s;    /* stopping or starting a unit */
	unsigned process_timeout_s; /* a process to exit after SIGTERM */
	unsigned module_timeout_s;  /* a module's users to go away */
	unsigned lock_timeout_s;    /* waiting for another VM's hook */
};

void config_init(struct config *c);
void config_done(struct config *c);
/* Missing file: defaults. ret_error gets one line naming the file, the line and the problem. */
_must_check_ int config_load(const struct sysroot *root, struct config *c, char **ret_error);
_must_check_ int config_parse(struct config *c, const char *text, char **ret_error);
