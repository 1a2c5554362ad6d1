/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdint.h>
#include <sys/types.h>

#include "input/stage-id.h"
#include "lib/macro.h"

/*
 * A plan is the ordered list of concrete actions one hook operation will take. The planner
 * builds it read-only from (host, domain, config); --dry-run prints it; the executor runs it,
 * journaling each action, and undoes it in reverse.
 */


enum action_kind {
	ACTION_STOP_UNIT,          /* target: system unit */
	ACTION_TERMINATE_SESSION,  /* target: logind session id */
	ACTION_STOP_USER_UNIT,     /* target: unit, uid: its user */
	ACTION_RELEASE_NODES,      /* target: PCI device; SIGTERM/SIGKILL what still holds its nodes */
	ACTION_UNBIND_VTCON,       /* target: vtconN */
	ACTION_UNBIND_PLATFORM,    /* target: platform device, prior: its driver */
	ACTION_UNBIND_PCI,         /* target: PCI device, prior: its driver */
	ACTION_UNLOAD_MODULE,      /* target: module */
	ACTION_LOAD_MODULE,        /* target: module */
	ACTION_BIND_VFIO,          /* target: PCI device, prior: its driver, result: its driver_override */
	ACTION_RUN_SCRIPT,         /* target: an override executable, prior: before|after */
	ACTION_SET_ALLOWED_CPUS,   /* target: slice or scope, prior: its CPUs before ("all") */
	ACTION_ALLOC_HUGEPAGES,    /* target: a hugepages pool in sysfs, prior: pages wanted */
	ACTION_SET_GOVERNOR,       /* target: cpuN, prior: its governor */
	ACTION_UNMOUNT,            /* target: mount point, prior: "source fstype opts superopts" */
	ACTION_OPEN_SERVICE,       /* target: "zone:service" in firewalld */
	ACTION_START_UNIT,         /* target: system unit, prior: its state */
	ACTION_EXPORT_NFS,         /* target: "client:/path", prior: export options */
	ACTION_LABEL_SMB,          /* target: directory, prior: its SELinux context */
	ACTION_MASK_UNIT,          /* target: a sleep .target, prior: its unit file state */
	ACTION_SWAPOFF,            /* target: swap partition or file, prior: its priority */
	_ACTION_KIND_MAX,
	_ACTION_KIND_INVALID = -EINVAL,
};

/* Where an action stands; journaled before and after it runs. */
enum action_state {
	ACTION_PLANNED,
	ACTION_STARTED,   /* journaled before the change: undo must check what really happened */
	ACTION_DONE,
	ACTION_SKIPPED,   /* nothing to do when it ran (already so): nothing to undo */
	ACTION_UNDONE,
	ACTION_FAILED,
	_ACTION_STATE_MAX,
	_ACTION_STATE_INVALID = -EINVAL,
};

struct action {
	enum action_kind kind;
	enum stage_id stage;
	char *target;
	char *prior;   /* what it expects to find first */
	char *reason;  /* why the planner chose it, for people */
	uid_t uid;
	enum action_state state;
	char *result;  /* what running it changed, for its undo (journaled) */
	/* A call of its run or undo left waiting in the kernel at its deadline (journaled): the
	 * action is not undone while that process lives. */
	pid_t stuck_pid;
	uint64_t stuck_start;
};

enum plan_op {
	PLAN_PREPARE,
	PLAN_RELEASE,
};

struct plan {
	enum plan_op op;
	char *vm_name;
	char *vm_uuid;
	struct action *actions;
	size_t n_actions;
	char **devices;   /* PCI functions handed over: whole IOMMU groups, bridges excluded */
	char **notes;     /* what the planner decided, one line each */
	char **refusals;  /* every reason the operation cannot go ahead */
	size_t n_notes, n_refusals; /* kept by plan_note and plan_refuse */
	bool host_graphics_go;
	char *pinned_cpus; /* CPUs the VM's vCPUs and emulator are pinned to, if it isolates them */
};

const char *action_kind_to_string(enum action_kind k);
enum action_kind action_kind_from_string(const char *s);
const char *action_state_to_string(enum action_state s);
enum action_state action_state_from_string(const char *s);
/* "stop unit", and what undoing it means ("start nodm.service"). */
const char *action_kind_verb(enum action_kind k);
/* The kind's journal name for its plan verb ("unbind driver" → "unbind-pci"), NULL if no kind
 * has that verb: each kind's verb is its own (test-action-types). */
const char *action_kind_name_of_verb(const char *verb);
char *action_undo_text(const struct action *a);

struct plan *plan_new(enum plan_op op, const char *vm_name, const char *vm_uuid);
struct plan *plan_free(struct plan *p);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct plan *, plan_free);
_must_check_ int plan_add(struct plan *p, enum stage_id stage, enum action_kind kind,
			  const char *target, const char *prior, const char *reason, uid_t uid);
_must_check_ int plan_note(struct plan *p, const char *fmt, ...) _printf_(2, 3);
_must_check_ int plan_refuse(struct plan *p, const char *fmt, ...) _printf_(2, 3);
static inline bool plan_refused(const struct plan *p)
{
	return p->refusals && p->refusals[0];
}

/* Human table (libsmartcols) or JSON, to a stream. */
_must_check_ int plan_print(const struct plan *p, FILE *out, bool json);
