/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>

#include "lib/sysroot.h"

/*
 * firewalld, over D-Bus on a live host, or a captured state for fixtures
 * (<root>/firewalld/state: "default ZONE", "interface IFACE ZONE", "service ZONE SERVICE").
 */
_must_check_ int firewall_zone_of(const struct sysroot *root, const char *iface, char **ret_zone);
/* 1 if open, 0 if not. */
_must_check_ int firewall_service_open(const struct sysroot *root, const char *zone,
				       const char *service);
_must_check_ int firewall_set_service(const char *zone, const char *service, bool open);
bool firewall_name_is_valid(const char *s);
/* A libvirt network's bridge and firewalld zone, from its status (or config) XML. */
_must_check_ int libvirt_network_bridge(const struct sysroot *root, const char *net,
					char **ret_bridge, char **ret_zone);
