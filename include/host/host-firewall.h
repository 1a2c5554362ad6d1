/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "host/host.h"

/*
 * firewalld, over D-Bus on a live host, or a captured state for fixtures
 * (<root>/firewalld/state: "default ZONE", "interface IFACE ZONE", "service ZONE SERVICE").
 */

/* The firewalld zone of one of the VM's interfaces (by its place in the domain XML). */
struct iface_zone {
	size_t index;
	char *zone;   /* NULL when none was found */
	int error;    /* <0: why none was found */
};

/* Whether a service is open in a zone, as firewalld said at load. */
struct firewall_service {
	char *zone, *service;
	int open;     /* 1 open, 0 not, <0 firewalld could not say (-EHOSTDOWN: not running) */
};

_must_check_ int firewall_zone_of(const struct sysroot *root, const char *iface, char **ret_zone);
/* 1 if open, 0 if not, read now. */
_must_check_ int firewall_service_open(const struct sysroot *root, const char *zone,
				       const char *service);
/* A libvirt network's bridge and firewalld zone, from its status (or config) XML. */
_must_check_ int libvirt_network_bridge(const struct sysroot *root, const char *net,
					char **ret_bridge, char **ret_zone);

/* The zone of interface index (TYPE network, bridge or direct, and its SOURCE) into
 * h->iface_zones: its network's zone, or the zone of its network's bridge, its bridge or its
 * device. */
_must_check_ int host_load_iface_zone(struct host *h, size_t index, const char *type,
				      const char *source);
/* As loaded; NULL if never asked. */
const struct iface_zone *host_find_iface_zone(const struct host *h, size_t index);
/* Whether the service is open in the zone into h->firewall_services. */
_must_check_ int host_load_firewall_service(struct host *h, const char *zone, const char *service);
/* As loaded (struct firewall_service's open); -ENODATA if never asked. */
int host_firewall_service_state(const struct host *h, const char *zone, const char *service);
void host_firewall_free(struct host *h);
