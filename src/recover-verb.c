// SPDX-License-Identifier: GPL-2.0-or-later
/* `vfio-hook recover`. */
#include "log.h"
#include "verbs.h"

int recover_verb(const struct verb_args *a)
{
	log_error("vfio-hook recover is not written yet");
	return 1;
}
