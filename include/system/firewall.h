/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>

#include "lib/sysroot.h"

#define FIREWALLD "org.fedoraproject.FirewallD1"
#define FIREWALLD_PATH "/org/fedoraproject/FirewallD1"
#define FIREWALLD_ZONE "org.fedoraproject.FirewallD1.zone"

/* firewalld over D-Bus: a service opened or closed in a zone, at runtime only. What it says is
 * read through include/host/host-firewall.h. */
_must_check_ int firewall_set_service(const char *zone, const char *service, bool open);
bool firewall_name_is_valid(const char *s);
