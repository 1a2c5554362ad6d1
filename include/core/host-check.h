/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "core/plan.h"
#include "host/host.h"

/*
 * Does the host still look the way a journaled action left it? Read-only, cheap, and only where
 * one file or one systemd property says so: bind-vfio on vfio-pci, an unbound driver not back,
 * an unloaded module not loaded, a stopped unit not active, a console unbound, and so on.
 */
enum host_match {
	HOST_MATCHES,
	HOST_DIFFERS,
	HOST_NOT_CHECKED,
	_HOST_MATCH_MAX,
};

const char *host_match_to_string(enum host_match m);
/* ret_detail (may be NULL) gets what was found, for people: "on snd_hda_intel", "active". */
enum host_match host_check_action(const struct host *h, const struct action *a, char **ret_detail);
/* For the action types' checks: the verdict m, with detail (owned) handed to ret_detail only
 * when asked for. */
enum host_match host_check_say(enum host_match m, char **ret_detail, char *detail);
