/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdint.h>

#include "core/plan.h"
#include "input/cpuset.h"
#include "lib/sysroot.h"

/*
 * The journal: one file per prepared VM, /run/vfio-hook/<uuid>.journal, root-only, replaced
 * atomically whenever an action changes state. It is what release undoes, what another VM's
 * prepare checks for device ownership, and what survives a SIGKILLed hook. Text, one record a
 * line, values percent-encoded, ending with an "end" line, parsed as strictly as the domain
 * XML: every value that release would act on is held to the form vfio-hook writes.
 */
#define JOURNAL_DIR "vfio-hook"
#define JOURNAL_VERSION 2
#define JOURNAL_MAX_SIZE (256u << 10) /* 256 KiB */
#define JOURNAL_MAX_ACTIONS 4096
#define JOURNAL_MAX_DEVICES 1024

enum journal_state {
	JOURNAL_PREPARING,  /* prepare is running, or died while running */
	JOURNAL_PREPARED,   /* prepare finished: the VM holds the devices */
	JOURNAL_RELEASING,  /* undo is running, or died while running */
	_JOURNAL_STATE_MAX,
	_JOURNAL_STATE_INVALID = -EINVAL,
};

struct journal {
	enum journal_state state;
	char *boot_id;
	pid_t pid;
	uint64_t since;    /* when prepare began (Unix seconds); 0: not recorded (older journals) */
	struct plan *plan; /* vm name, uuid, devices and actions with their states */
};

struct journal *journal_free(struct journal *j);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct journal *, journal_free);
const char *journal_state_to_string(enum journal_state s);

/* On failure, ret_error (if given) gets one line saying what is wrong and where. */
_must_check_ int journal_format(const struct journal *j, char **ret);
_must_check_ int journal_parse(const char *text, size_t size, struct journal **ret,
			       char **ret_error);
struct strv_index;
/* NULL if the action's values are what vfio-hook itself records, else why not. devices: the
 * plan's devices, indexed once for all its actions. */
char *journal_action_problem(const struct action *a, const struct strv_index *devices);
/* 0 when the journal of a plan, at the largest it can grow to while the plan runs (every
 * action's result and stuck call recorded), is one journal_parse reads back; else 1 with
 * *ret_problem saying why not (too many actions, devices or bytes). */
_must_check_ int journal_plan_problem(const struct plan *p, char **ret_problem);

/*
 * /run/vfio-hook: created 0700 if asked; refused if it is a link or not ours (root's with mode
 * 0700 on a live host; the invoking user's, not writable by others, under --sysroot).
 */
_must_check_ int journal_dir_open(const struct sysroot *root, bool create, int *ret_fd,
				  char **ret_error);
_must_check_ int journal_save(int dir_fd, const struct journal *j);
/* A cheap check for calls with nothing to do, no lock taken: true unless this VM certainly has
 * no journal. Any doubt (an error) says true. */
bool journal_may_exist(const struct sysroot *root, const char *uuid);
/*
 * -ENOENT (and no error text) when the VM has no journal. Refused unless it is a regular file
 * of ours (owned by the invoking user: root on a live host; not writable by others; one link),
 * parses, and names this uuid (and this VM, if vm_name is given).
 */
_must_check_ int journal_load(int dir_fd, const char *uuid, const char *vm_name,
			      struct journal **ret, char **ret_error);
_must_check_ int journal_remove(int dir_fd, const char *uuid);
/* UUIDs of every journal present. */
_must_check_ int journal_list(int dir_fd, char ***ret);
/* UUIDs of the journals that load and name vm_name (NULL when none does). */
_must_check_ int journal_find_by_name(int dir_fd, const char *vm_name, char ***ret);
/* Whether a journal other than self_uuid's holds the target of an action of this kind (the
 * action done, or started or failed and so maybe done): 1 and the VM's name (when ret_vm is
 * given), or 0. A journal that cannot be read holds nothing. */
int journal_other_holder(int dir_fd, const char *self_uuid, enum action_kind kind,
			 const char *target, char **ret_vm);
/* The huge pages every other journal records reserving in pool. */
unsigned long long journal_others_hugepages(int dir_fd, const char *self_uuid, const char *pool);
/* The union of the CPUs every journaled VM but self_uuid pins (CPU isolation composes with
 * them); a journal that cannot be read pins nothing. */
void journal_others_pins(int dir_fd, const char *self_uuid, struct cpuset *ret);
