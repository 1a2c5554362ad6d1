/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "core/action-type.h"

/* A system unit, for stop-unit and start-unit: a start or stop job, within unit_timeout, and what
 * status finds of it. */
_must_check_ int system_unit_job(struct exec_ctx *ctx, const struct action *a, bool start,
				 bool undo);
enum host_match system_unit_check(const struct host *h, const struct action *a, bool want_active,
				  char **ret_detail);
