/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "lib/macro.h"
#include "system/kernel-call.h"

/*
 * Swap areas, through swapoff(2) and swapon(2). Swapping off reads everything the area holds
 * back into memory, which takes as long as the disk needs: it runs as a call with the deadline
 * d, and one still running at it is killed, which swapoff(2) heeds (what it read stays in
 * memory, the area stays on). The path is an absolute path with no "." or ".." in it.
 */
_must_check_ int swap_off(struct kernel_deadline *d, const char *path);
/* priority: the one it had (/proc/swaps); a negative one is the kernel's to give again. */
_must_check_ int swap_on(const char *path, int priority);
