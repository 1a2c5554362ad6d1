/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "lib/macro.h"

/* Field 22 of /proc/PID/stat (clock ticks since boot), under a /proc directory fd: with the
 * pid, it names one process for as long as the machine runs. */
_must_check_ int proc_starttime(int proc_fd, const char *pid, unsigned long long *ret);
