/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "core/action-type.h"

/* A system unit, for stop-unit and start-unit: what status finds of it. */
enum host_match system_unit_check(const struct host *h, const struct action *a, bool want_active,
				  char **ret_detail);
