/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdint.h>
#include <sys/types.h>

#include "lib/macro.h"

/*
 * Calls into driver code with a deadline. A write to unbind, bind or drivers_probe runs the
 * driver's remove() or probe(), a module removal its exit code, a load its init; any of them can
 * wait forever (an unbind whose usage count never drops), and a task waiting in the kernel
 * cannot be killed. So the call runs in a child the hook can leave behind: on expiry the caller
 * gets -ETIMEDOUT and the child's identity, to journal and to tell people about, and libvirt
 * gets its answer. The child keeps no descriptor but the one it writes to: not the state
 * directory's lock, not the pipes libvirt reads the hook's output from.
 */
struct kernel_deadline {
	unsigned timeout_ms;
	pid_t stuck_pid;      /* set when a call was left running in the kernel */
	uint64_t stuck_start; /* its start time (clock ticks since boot), so a reused pid is not it */
};

/* Runs in the child: fd is the caller's descriptor (or -1); 0 or a negative errno. */
typedef int (*kernel_call_fn)(int fd, void *data);

/* fn's result, -ETIMEDOUT (with d->stuck_*) or the error of starting the child. */
_must_check_ int kernel_call(struct kernel_deadline *d, kernel_call_fn fn, int fd, void *data);
/* One write() of value to the attribute at dir_fd/path, in a child with d's deadline. */
_must_check_ int kernel_write_attr(struct kernel_deadline *d, int dir_fd, const char *path,
				   const char *value);
/* Whether a call left behind (pid, start time) is still running: 1 yes, 0 no. */
int kernel_call_running(pid_t pid, uint64_t start);
