/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "core/executor.h"
#include "core/plan.h"
#include "host/host.h"
#include "input/config.h"
#include "input/domain.h"

/*
 * The handoff is a table of stages, run in order on prepare and undone in reverse on release.
 * Each stage lives in src/stages/stage-<name>.c and turns what the planner found into actions
 * (each kind of action is src/actions/<kind>.c).
 */

struct plan_ctx {
	const struct domain *dom;
	const struct host *host;
	const struct config *cfg;
	const struct vm_flags *flags;     /* the domain's, with the configuration's added */
	struct plan *plan;
	struct pci_function **passed;     /* every function handed over */
	size_t n_passed;
	bool *passed_at;             /* by position in host->pci: that function is in passed */
	const struct node_holder *holders; /* host->holders: what holds the passed nodes */
	size_t n_holders;
	const struct logind_session *logind; /* host->sessions */
	size_t n_logind;
	char *dm_unit;               /* the display manager (display-manager.service's unit) */
	char **system_units;         /* system units being stopped */
	char **sessions;             /* logind sessions being ended */
	char **user_units;           /* "UID/unit" being stopped */
};

/*
 * A stage: its planner reads only the plan context and struct host. What it needs from the
 * host beyond the PCI functions, consoles and modules, its load reads into the host first
 * (planner_load), with the functions handed over already known (ctx->passed).
 */
struct stage {
	enum stage_id id;
	const char *summary;
	int (*plan)(struct plan_ctx *ctx);
	int (*load)(const struct plan_ctx *ctx, struct host *host); /* NULL: nothing to read */
};

extern const struct stage stage_order[_STAGE_MAX];

int stage_display_manager_plan(struct plan_ctx *ctx);
int stage_sessions_plan(struct plan_ctx *ctx);
int stage_audio_plan(struct plan_ctx *ctx);
int stage_holders_plan(struct plan_ctx *ctx);
int stage_vtconsole_plan(struct plan_ctx *ctx);
int stage_framebuffer_plan(struct plan_ctx *ctx);
int stage_drivers_plan(struct plan_ctx *ctx);
int stage_vfio_plan(struct plan_ctx *ctx);
int stage_cpu_isolation_plan(struct plan_ctx *ctx);
int stage_hugepages_plan(struct plan_ctx *ctx);
int stage_drives_plan(struct plan_ctx *ctx);
int stage_firewall_plan(struct plan_ctx *ctx);
int stage_shares_plan(struct plan_ctx *ctx);
int stage_cpu_governor_plan(struct plan_ctx *ctx);
int stage_sleep_plan(struct plan_ctx *ctx);
int stage_display_manager_load(const struct plan_ctx *ctx, struct host *host);
int stage_audio_load(const struct plan_ctx *ctx, struct host *host);
int stage_cpu_isolation_load(const struct plan_ctx *ctx, struct host *host);
int stage_hugepages_load(const struct plan_ctx *ctx, struct host *host);
int stage_drives_load(const struct plan_ctx *ctx, struct host *host);
int stage_shares_load(const struct plan_ctx *ctx, struct host *host);
int stage_firewall_load(const struct plan_ctx *ctx, struct host *host);
int stage_cpu_governor_load(const struct plan_ctx *ctx, struct host *host);
int stage_sleep_load(const struct plan_ctx *ctx, struct host *host);

bool plan_ctx_is_passed(const struct plan_ctx *ctx, const char *pci_name);
/*
 * A shared thing (an action kind marked .shared) the VM needs: when another running VM holds it
 * already, the action is planned all the same, joining it with that VM's prior, so that only the
 * last of them gives it back; when nobody holds it and it is already so, nothing is planned
 * (returns 0 and plans nothing, so the host keeps it afterwards). already: whether the host
 * already has it. Returns plan_add's result, or 0.
 */
_must_check_ int plan_shared(const struct plan_ctx *ctx, enum stage_id stage, enum action_kind kind,
			     const char *target, bool already, const char *prior, const char *why);
/* A holder whose process goes away with something already planned (its unit, its session). */
bool plan_ctx_holder_covered(const struct plan_ctx *ctx, const struct node_holder *h);
/* The graphical logind session a holder belongs to, by id: its scope's, or, for a service of a user's
 * own systemd instance (gnome-shell, kwin_wayland, a uwsm compositor), that user's graphical
 * session. The audio stage's units and the admin's user_units are not the session's: they
 * are stopped and started as units. NULL when it belongs to none. */
const char *plan_ctx_holder_session(const struct plan_ctx *ctx, const struct node_holder *h);
/* What logind says of a session; NULL if it does not know it. */
const struct logind_session *plan_ctx_session(const struct plan_ctx *ctx, const char *id);
/* Whether the audio stage stops this user unit (PipeWire, PulseAudio and their sockets). */
bool audio_unit_is_known(const char *unit);

/* Where a domain's huge pages come from and how many it needs. */
struct hugepages_need {
	char pool[4096];          /* relative to /sys: kernel/mm/hugepages/hugepages-2048kB */
	unsigned long long page_kib;
	unsigned long long pages; /* wanted */
	unsigned nr, free_pages;  /* the pool now */
	int node;                 /* the pinned CPUs' NUMA node, -1: the host-wide pool */
};
/* What hugepages_need weighs, into the host model: the default page size, the pinned CPUs'
 * nodes, the pool. */
_must_check_ int hugepages_load(struct host *h, const struct domain *d);
/* From the host model alone. -ENOENT when the kernel cannot provide them, with ret_problem
 * saying why. */
_must_check_ int hugepages_need(const struct host *h, const struct domain *d,
				struct hugepages_need *ret, char **ret_problem);

/* False when no stage could plan anything for this domain and configuration, whatever the host
 * looks like: no PCI device, flag, huge pages, block disk, extra unit or override script. A
 * start of such a VM needs neither the host's devices nor the lock. */
bool planner_may_act(const struct domain *dom, const struct config *cfg);

/*
 * Planning is two steps. planner_load reads into the host model what the stages will weigh
 * (other VMs' journals, what holds the devices, logind's sessions, and each stage's load);
 * planner_plan then turns (domain, host, config) into the plan and reads nothing else, so a
 * test can give it a host built by hand. Refusals live in the plan.
 */
_must_check_ int planner_load(const struct domain *dom, const struct config *cfg,
			      int journal_dir_fd, struct host *host);
_must_check_ int planner_plan(const struct domain *dom, const struct host *host,
			      const struct config *cfg, struct plan **ret);
/* Both. */
_must_check_ int planner_prepare(const struct domain *dom, struct host *host,
				 const struct config *cfg, int journal_dir_fd, struct plan **ret);
