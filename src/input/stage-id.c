// SPDX-License-Identifier: GPL-2.0-or-later
/* The stages' names: what disable= in a configuration and a plan's STAGE column say. */
#include "input/stage-id.h"
#include "lib/string-table.h"

static const char *const stage_table[_STAGE_MAX] = {
	[STAGE_DISPLAY_MANAGER] = "display-manager",
	[STAGE_SESSIONS] = "sessions",
	[STAGE_AUDIO] = "audio",
	[STAGE_HOLDERS] = "holders",
	[STAGE_VTCONSOLE] = "vtconsole",
	[STAGE_FRAMEBUFFER] = "framebuffer",
	[STAGE_DRIVERS] = "drivers",
	[STAGE_VFIO] = "vfio",
	[STAGE_CPU_ISOLATION] = "cpu-isolation",
	[STAGE_HUGEPAGES] = "hugepages",
	[STAGE_CPU_GOVERNOR] = "cpu-governor",
	[STAGE_DRIVES] = "drives",
	[STAGE_FIREWALL] = "firewall",
	[STAGE_SHARES] = "shares",
	[STAGE_SLEEP] = "sleep",
};

DEFINE_STRING_TABLE_LOOKUP(stage, enum stage_id, _STAGE_MAX)
