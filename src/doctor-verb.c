// SPDX-License-Identifier: GPL-2.0-or-later
/* `vfio-hook doctor`. */
#include "log.h"
#include "verbs.h"

int doctor_verb(const struct verb_args *a)
{
	log_error("vfio-hook doctor is not written yet");
	return 1;
}
