/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdint.h>
#include <sys/types.h>

#include "lib/macro.h"

/*
 * Waiting for real conditions with a deadline, never a fixed sleep. Where the kernel offers a
 * notification we use it (pidfd, D-Bus signals); where it offers none (a module's refcount, a
 * sysfs link) the condition is re-checked with a short, growing back-off until the deadline.
 */
uint64_t now_usec(void);

/* Returns 1 when the condition holds, 0 when not yet, <0 on error. */
typedef int (*wait_cond_fn)(void *data);
/* 0 when the condition held (elapsed in *ret_usec), -ETIMEDOUT, or the condition's error. */
_must_check_ int wait_for(wait_cond_fn cond, void *data, unsigned timeout_ms, uint64_t *ret_usec);

/* Wait for a process (by pidfd) to exit. */
_must_check_ int wait_pidfd_exit(int pidfd, unsigned timeout_ms);
int pidfd_open_pid(pid_t pid);
int pidfd_signal(int pidfd, int sig);
