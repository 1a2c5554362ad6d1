/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "host/block.h"
#include "host/host.h"

/*
 * Can an IOMMU group be handed to a VM as it is, and what goes with it? vfio-pci takes a
 * group whole: every function in it leaves the host together.
 */

enum group_verdict_kind {
	GROUP_READY,          /* one device's functions, nothing else */
	GROUP_TAKES_OTHERS,   /* passable, but other devices go too */
	GROUP_NOT_AS_IS,      /* the host uses something in it (mounted filesystems) */
	GROUP_NOT_PASSABLE,   /* host or ISA bridges, or nothing but PCI bridges */
	_GROUP_VERDICT_MAX,
};
/* "ready", "takes-others", "not-as-is", "not-passable" */
const char *group_verdict_kind_to_string(enum group_verdict_kind k);

/* What the decision needs to know of one function. */
struct group_member {
	const char *name;       /* "0000:00:1f.2" */
	unsigned class_code;    /* 24 bits */
	const char *label;      /* "SATA controller" */
	char *const *mounts;    /* "MOUNTPOINT (KNAME)" of its disks, may be NULL */
};

struct group_verdict {
	enum group_verdict_kind kind;
	char *text;             /* "ready: the whole group goes (2 functions)" */
};
void group_verdict_done(struct group_verdict *v);

/* Pure: members sorted by address. -EINVAL for an empty group. */
_must_check_ int group_verdict_decide(const struct group_member *members, size_t n,
				      struct group_verdict *ret);
/* The verdict for a group of the host, its disks' mounts looked up in mounts. */
_must_check_ int group_verdict_for(const struct host *h, int group,
				   const struct mount_entry *mounts, size_t n_mounts,
				   struct group_verdict *ret);
