/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "lib/macro.h"

/*
 * The verbs of `vfio-hook VERB`, one file each (src/<verb>-verb.c). Each returns the process
 * exit status: 0 success, 1 refused or failed, 2 bad usage or input (doctor: see its help).
 */

enum color_mode {
	COLOR_AUTO,   /* on a terminal, unless NO_COLOR is set or TERM is dumb */
	COLOR_ALWAYS,
	COLOR_NEVER,
};

struct verb_args {
	const char *sysroot;  /* NULL: the real host */
	const char *xml_path; /* NULL: stdin */
	bool json;
	bool release;
	bool dry_run;
	enum color_mode color;
	char **positional;    /* what follows the verb and its options */
	int n_positional;
};

/* Whether output to this stream gets colour. */
bool verb_use_color(const struct verb_args *a, FILE *out);

int plan_verb(const struct verb_args *a);
int list_verb(const struct verb_args *a);
int status_verb(const struct verb_args *a);
int recover_verb(const struct verb_args *a);
int doctor_verb(const struct verb_args *a);
