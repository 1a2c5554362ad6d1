/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "lib/macro.h"

/*
 * Run a program by absolute path: no shell, a clean environment, stdin from /dev/null,
 * stdout and stderr into out_fd (never ours: libvirt waits on our pipes), in a session of its
 * own whose whole process group is killed at the deadline.
 */
_must_check_ int spawn_and_wait(const char *path, char *const argv[], char *const envp[],
				int out_fd, unsigned timeout_s, int *ret_status);
