/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "lib/macro.h"

/* The built-in stages, by the names a configuration's disable= and a plan use. The order they
 * run in is src/stages.c's. */
enum stage_id {
	STAGE_DISPLAY_MANAGER,
	STAGE_SESSIONS,
	STAGE_AUDIO,
	STAGE_HOLDERS,
	STAGE_VTCONSOLE,
	STAGE_FRAMEBUFFER,
	STAGE_DRIVERS,
	STAGE_VFIO,
	STAGE_CPU_ISOLATION,
	STAGE_HUGEPAGES,
	STAGE_CPU_GOVERNOR,
	STAGE_DRIVES,
	STAGE_FIREWALL,
	STAGE_SHARES,
	STAGE_SLEEP,
	_STAGE_MAX,
	_STAGE_INVALID = -EINVAL,
};

const char *stage_to_string(enum stage_id s);
/* -EINVAL (_STAGE_INVALID) for a name that is no stage's. */
enum stage_id stage_from_string(const char *s);
