// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The planner: (domain, host, config, other VMs' journals) → the ordered plan. Read-only. Every
 * reason the handoff cannot happen is collected, so one dry run tells the whole story.
 */
#include "core/action-type.h"
#include "core/journal.h"
#include "lib/log.h"
#include "lib/strutil.h"
#include "stages/stages.h"

bool plan_ctx_is_passed(const struct plan_ctx *ctx, const char *pci_name)
{
	/* The function's flag, found in O(log n), not a scan of everything passed so far. A name
	 * spelt otherwise than the kernel's ("0000:0A:00.0") was never one of the passed. */
	const struct pci_function *d = pci_name ? host_find_pci_name(ctx->host, pci_name) : NULL;
	return d && ctx->passed_at && ctx->passed_at[d - ctx->host->pci] &&
	       streq(d->name, pci_name);
}

const struct logind_session *plan_ctx_session(const struct plan_ctx *ctx, const char *id)
{
	for (size_t i = 0; id && i < ctx->n_logind; i++)
		if (streq(ctx->logind[i].id, id))
			return &ctx->logind[i];
	return NULL;
}

const char *plan_ctx_holder_session(const struct plan_ctx *ctx, const struct node_holder *h)
{
	/* A process of an ssh or TTY session is no desktop: it is signalled, not its session. */
	if (h->kind == HOLDER_SESSION_SCOPE) {
		const struct logind_session *s = plan_ctx_session(ctx, h->session);
		return s && logind_session_is_graphical(s) ? h->session : NULL;
	}
	if (h->kind != HOLDER_USER_UNIT || audio_unit_is_known(h->unit) ||
	    strv_contains(ctx->cfg->user_units, h->unit))
		return NULL;
	/* The user's graphical session on a seat first: that is the desktop the unit draws. */
	const struct logind_session *found = NULL;
	for (size_t i = 0; i < ctx->n_logind; i++) {
		const struct logind_session *s = &ctx->logind[i];
		if (s->uid != h->uid || !logind_session_is_graphical(s))
			continue;
		if (!found || (s->seat && !found->seat))
			found = s;
	}
	return found ? found->id : NULL;
}

bool plan_ctx_holder_covered(const struct plan_ctx *ctx, const struct node_holder *h)
{
	if (h->kind == HOLDER_SYSTEM_UNIT && strv_contains(ctx->system_units, h->unit))
		return true;
	const char *session = plan_ctx_holder_session(ctx, h);
	if (session && strv_contains(ctx->sessions, session))
		return true;
	if (h->kind == HOLDER_USER_UNIT) {
		char key[512];
		snprintf(key, sizeof key, "%u/%s", (unsigned)h->uid, h->unit);
		if (strv_contains(ctx->user_units, key))
			return true;
	}
	return false;
}

static void plan_ctx_done(struct plan_ctx *ctx)
{
	free(ctx->passed);
	free(ctx->passed_at);
	free(ctx->dm_unit);
	strv_free(ctx->system_units);
	strv_free(ctx->sessions);
	strv_free(ctx->user_units);
}

/* d: as host_find_pci or host_find_pci_name found it. */
static int add_passed(struct plan_ctx *ctx, struct pci_function *d)
{
	if (plan_ctx_is_passed(ctx, d->name))
		return 0;
	/* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers, so a pointer's size */
	struct pci_function **l = realloc(ctx->passed, sizeof *l * (ctx->n_passed + 1));
	if (!l)
		return -ENOMEM;
	ctx->passed = l;
	/* plan->devices names the passed functions, one for one. */
	size_t n_devices = ctx->n_passed;
	ctx->passed[ctx->n_passed++] = d;
	ctx->passed_at[d - ctx->host->pci] = true;
	return strv_extend_n(&ctx->plan->devices, &n_devices, d->name);
}

static int describe_device(const struct pci_function *d, char **ret)
{
	*ret = strdup_printf("%s %s [%04x:%04x] (%s)", d->name, pci_function_label(d), d->vendor,
			     d->device, d->driver ?: "no driver");
	return *ret ? 0 : -ENOMEM;
}

/* Whole IOMMU groups go: bridges stay, anything else must be in the XML or allowed. */
static int expand_groups(struct plan_ctx *ctx)
{
	const struct host *h = ctx->host;
	struct plan *p = ctx->plan;
	int r;

	/* Without hostdevs there is nothing to hand over: other stages may still apply. */
	if (h->n_iommu_groups == 0 && ctx->dom->n_pci > 0)
		return plan_refuse(p, "the IOMMU is off: %s/sys/kernel/iommu_groups is empty (enable "
				      "VT-d or AMD-Vi in the firmware, and intel_iommu=on on Intel)",
				   h->root->prefix);
	/* Flags by position in h->pci, so that each group member costs a lookup, not a scan of
	 * the domain's devices or of the refusals so far. */
	_cleanup_free_ bool *in_domain_at = calloc(h->n_pci ?: 1, sizeof *in_domain_at),
			    *reported_at = calloc(h->n_pci ?: 1, sizeof *reported_at);
	ctx->passed_at = calloc(h->n_pci ?: 1, sizeof *ctx->passed_at);
	if (!in_domain_at || !reported_at || !ctx->passed_at)
		return -ENOMEM;
	for (size_t i = 0; i < ctx->dom->n_pci; i++) {
		const struct pci_function *d = host_find_pci(h, &ctx->dom->pci[i].addr);
		if (d)
			in_domain_at[d - h->pci] = true;
	}
	for (size_t i = 0; i < ctx->dom->n_pci; i++) {
		char name[PCI_ADDR_STR_MAX];
		pci_addr_format(&ctx->dom->pci[i].addr, name);
		struct pci_function *d = host_find_pci(h, &ctx->dom->pci[i].addr);
		if (!d) {
			if ((r = plan_refuse(p, "%s is in the domain XML but no such PCI device "
						"exists on this host", name)) < 0)
				return r;
			continue;
		}
		if (pci_function_is_bridge(d)) {
			if ((r = plan_refuse(p, "%s is a PCI bridge and cannot be passed through",
					     name)) < 0)
				return r;
			continue;
		}
		if (d->iommu_group < 0) {
			if ((r = plan_refuse(p, "%s has no IOMMU group", name)) < 0)
				return r;
			continue;
		}
		_cleanup_strv_free_ char **members = NULL;
		if ((r = host_iommu_group_members(h, d->iommu_group, &members)) < 0)
			return log_error_errno(r, "Cannot read IOMMU group %d: %m", d->iommu_group);
		for (char **m = members; m && *m; m++) {
			struct pci_function *md = host_find_pci_name(h, *m);
			if (!md || pci_function_is_bridge(md))
				continue;
			if (!in_domain_at[md - h->pci] &&
			    !strv_contains(ctx->cfg->allow_group_members, md->name)) {
				if (plan_ctx_is_passed(ctx, md->name))
					continue;
				_cleanup_free_ char *desc = NULL;
				if ((r = describe_device(md, &desc)) < 0)
					return r;
				/* Report each missing member once, however many listed devices share it. */
				if (reported_at[md - h->pci])
					continue;
				reported_at[md - h->pci] = true;
				if ((r = plan_refuse(p, "%s is in IOMMU group %d with %s but not in the "
							"domain XML: add it as a <hostdev>, or list it "
							"in allow_group_members",
						     desc, d->iommu_group, d->name)) < 0)
					return r;
				continue;
			}
			if ((r = add_passed(ctx, md)) < 0)
				return r;
		}
	}
	return 0;
}

static int check_other_vms(struct plan_ctx *ctx)
{
	for (size_t i = 0; i < ctx->host->n_other_vms; i++) {
		const struct vm_claim *vm = &ctx->host->other_vms[i];
		for (char **d = vm->devices; d && *d; d++) {
			int r;
			if (plan_ctx_is_passed(ctx, *d) &&
			    (r = plan_refuse(ctx->plan, "%s is in use by VM '%s' (%s)", *d, vm->name,
					     vm->uuid)) < 0)
				return r;
		}
	}
	return 0;
}

/* Whether a journal's action holds a shared thing: done, or started and so maybe done. */
static bool holds_shared(const struct action *a)
{
	const struct action_type *t = action_type_of(a->kind);
	return t && t->shared &&
	       (a->state == ACTION_DONE || a->state == ACTION_STARTED || a->state == ACTION_FAILED);
}

/* The shared things a journal's plan holds, moved into the claim. */
static int held_things(struct plan *p, struct vm_claim *claim)
{
	size_t n = 0;
	for (size_t i = 0; i < p->n_actions; i++)
		n += holds_shared(&p->actions[i]);
	if (n == 0)
		return 0;
	if (!(claim->held = calloc(n, sizeof *claim->held)))
		return -ENOMEM;
	for (size_t i = 0; i < p->n_actions; i++) {
		struct action *a = &p->actions[i];
		if (!holds_shared(a))
			continue;
		struct held_thing *h = &claim->held[claim->n_held++];
		h->kind = action_type_of(a->kind)->name;
		h->target = TAKE_PTR(a->target);
		h->prior = TAKE_PTR(a->prior);
	}
	return 0;
}

int plan_shared(const struct plan_ctx *ctx, enum stage_id stage, enum action_kind kind,
		const char *target, bool already, const char *prior, const char *why)
{
	const char *vm = NULL;
	const struct held_thing *held = host_find_held(ctx->host, action_kind_to_string(kind),
						       target, &vm);
	if (!held)
		return already ? 0 : plan_add(ctx->plan, stage, kind, target, prior, why, 0);
	_cleanup_free_ char *joined = strdup_printf("%s, held by VM '%s' too", why, vm);
	if (!joined)
		return -ENOMEM;
	return plan_add(ctx->plan, stage, kind, target, held->prior, joined, 0);
}

/* What the other VMs' journals say they hold, into host->other_vms. */
static int load_other_vms(const struct domain *dom, int journal_dir_fd, struct host *host)
{
	_cleanup_strv_free_ char **uuids = NULL;
	if (journal_dir_fd < 0 || journal_list(journal_dir_fd, &uuids) < 0)
		return 0;
	for (char **u = uuids; u && *u; u++) {
		if (streq(*u, dom->uuid))
			continue;
		_cleanup_(journal_freep) struct journal *j = NULL;
		_cleanup_free_ char *err = NULL;
		int r = journal_load(journal_dir_fd, *u, NULL, &j, &err);
		if (r < 0) {
			log_warning_errno(r, "Ignoring the journal of %s (%s)", *u, err ?: strerror(-r));
			continue;
		}
		/* A record from before the last reboot describes a host that no longer exists. */
		if (host->boot_id && j->boot_id && !streq(host->boot_id, j->boot_id))
			continue;
		struct vm_claim *l = realloc(host->other_vms, sizeof *l * (host->n_other_vms + 1));
		if (!l)
			return -ENOMEM;
		host->other_vms = l;
		struct plan *p = j->plan;
		struct vm_claim *claim = &l[host->n_other_vms++];
		*claim = (struct vm_claim){ 0 };
		claim->uuid = TAKE_PTR(p->vm_uuid);
		claim->name = TAKE_PTR(p->vm_name);
		claim->devices = TAKE_PTR(p->devices);
		claim->pinned_cpus = TAKE_PTR(p->pinned_cpus);
		r = held_things(p, claim);
		if (r < 0)
			return r;
	}
	return 0;
}

static int check_flags(struct plan_ctx *ctx)
{
	const struct vm_flags *f = ctx->flags;
	int r;
	for (char **u = f->unknown; u && *u; u++) {
		_cleanup_free_ char *e = str_escape(*u, 64);
		if ((r = plan_refuse(ctx->plan, "unknown flag '%s' in the VM description",
				     strna(e))) < 0)
			return r;
	}
	return 0;
}

static int decide_host_graphics(struct plan_ctx *ctx)
{
	const struct host *h = ctx->host;
	struct plan *p = ctx->plan;
	size_t displays = 0, passed = 0;
	const char *kept = NULL;

	for (size_t i = 0; i < h->n_pci; i++) {
		if (!pci_function_drives_display(&h->pci[i]))
			continue;
		displays++;
		if (plan_ctx_is_passed(ctx, h->pci[i].name))
			passed++;
		else if (!kept)
			kept = h->pci[i].name;
	}
	bool forced = vm_flags_has(ctx->flags, VM_FLAG_NO_HOST_GRAPHICS);
	p->host_graphics_go = forced || (passed > 0 && passed == displays);
	if (forced)
		return plan_note(p, "host graphics: stop (--no-host-graphics)");
	if (p->host_graphics_go)
		return plan_note(p, "host graphics: stop (every GPU with a display is passed)");
	if (kept)
		return plan_note(p, "host graphics: stay on %s", kept);
	return plan_note(p, "host graphics: stay (no display GPU is passed)");
}

/* What holds the nodes that go with the passed functions, and, if anything does, logind's
 * sessions: which holders belong to a graphical session is logind's to say. */
static int load_holders(const struct plan_ctx *ctx, struct host *host)
{
	size_t n = 0;
	for (size_t i = 0; i < ctx->n_passed; i++)
		n += ctx->passed[i]->n_nodes;
	if (n == 0)
		return 0;
	_cleanup_free_ struct dev_node *nodes = calloc(n, sizeof *nodes);
	if (!nodes)
		return -ENOMEM;
	n = 0;
	for (size_t i = 0; i < ctx->n_passed; i++) {
		_cleanup_free_ struct dev_node *mine = NULL;
		size_t n_mine = 0;
		int r = host_nodes_handed_over(ctx->host, ctx->passed[i], ctx->plan->devices, &mine,
					       &n_mine);
		if (r < 0)
			return r;
		for (size_t k = 0; k < n_mine; k++)
			nodes[n++] = mine[k];
	}
	if (n == 0)
		return 0;
	int r = host_load_holders(host, nodes, n);
	if (r < 0)
		return log_error_errno(r, "Cannot scan %s/proc: %m", host->root->prefix);
	return host->n_holders > 0 ? host_load_sessions(host) : 0;
}

static int collect_holders(struct plan_ctx *ctx)
{
	ctx->holders = ctx->host->holders;
	ctx->n_holders = ctx->host->n_holders;
	ctx->logind = ctx->host->sessions;
	ctx->n_logind = ctx->host->n_sessions;
	if (ctx->n_holders > 0 && ctx->host->sessions_error < 0)
		return plan_refuse(ctx->plan, "cannot ask logind which sessions hold the devices: %s",
				   strerror(-ctx->host->sessions_error));
	return 0;
}

/* USB hostdevs are libvirt's and QEMU's to take (QEMU detaches the host driver through
 * libusb): the plan says whether each is connected and what holds it now. */
static int note_usb(struct plan_ctx *ctx)
{
	const struct host *h = ctx->host;
	int r;
	for (char **u = ctx->dom->usb; u && *u; u++) {
		unsigned want_v, want_p;
		const char *found = NULL;
		if (sscanf(*u, "%x:%x", &want_v, &want_p) != 2) {
			if ((r = plan_note(ctx->plan, "USB device %s (by bus and address): libvirt "
						      "hands it over", *u)) < 0)
				return r;
			continue;
		}
		for (size_t i = 0; i < h->n_usb && !found; i++)
			if (h->usb[i].vendor == want_v && h->usb[i].product == want_p)
				found = h->usb[i].name;
		r = found ? plan_note(ctx->plan, "USB device %04x:%04x at %s: QEMU detaches its host "
						 "driver when the VM starts", want_v, want_p, found) :
			    plan_note(ctx->plan, "USB device %04x:%04x is not connected: libvirt will "
						 "not start the VM without it", want_v, want_p);
		if (r < 0)
			return r;
	}
	return 0;
}

static int note_devices(struct plan_ctx *ctx)
{
	for (size_t i = 0; i < ctx->n_passed; i++) {
		_cleanup_free_ char *desc = NULL;
		int r = describe_device(ctx->passed[i], &desc);
		if (r < 0 || (r = plan_note(ctx->plan, "pass %s, IOMMU group %d", desc,
					    ctx->passed[i]->iommu_group)) < 0)
			return r;
	}
	return 0;
}

/* The admin's executables for one side of one stage, in the order they were found. */
static int plan_scripts(struct plan_ctx *ctx, enum stage_id stage, bool after)
{
	for (size_t i = 0; i < ctx->cfg->n_scripts; i++) {
		const struct override_script *s = &ctx->cfg->scripts[i];
		if (s->stage != stage || s->after != after)
			continue;
		int r = plan_add(ctx->plan, stage, ACTION_RUN_SCRIPT, s->path,
				 after ? "after" : "before", "override", 0);
		if (r < 0)
			return r;
	}
	return 0;
}

static int plan_all(struct plan_ctx *ctx)
{
	const struct host *host = ctx->host;
	struct plan *p = ctx->plan;
	int r;

	if ((r = check_flags(ctx)) < 0 || (r = expand_groups(ctx)) < 0)
		return r;
	/* No PCI devices: nothing of the GPU stages, but optional stages (CPUs) still apply. */
	if (ctx->n_passed == 0 && !plan_refused(p) &&
	    !vm_flags_has(ctx->flags, VM_FLAG_NO_HOST_GRAPHICS) &&
	    (r = plan_note(p, "no PCI host devices to hand over")) < 0)
		return r;
	/* Said even when no group could be expanded: a host without an IOMMU often lacks vfio too. */
	if (ctx->dom->n_pci > 0 && host->vfio_pci == VFIO_PCI_MISSING &&
	    (r = plan_refuse(p, "vfio-pci is not available: no such driver or module for kernel %s",
			     strna(host->kernel_release))) < 0)
		return r;
	if ((r = check_other_vms(ctx)) < 0)
		return r;
	if (ctx->n_passed == 0 && plan_refused(p))
		return 0;
	if ((r = note_devices(ctx)) < 0 || (r = note_usb(ctx)) < 0 ||
	    (r = collect_holders(ctx)) < 0)
		return r;
	if ((ctx->n_passed > 0 || vm_flags_has(ctx->flags, VM_FLAG_NO_HOST_GRAPHICS)) &&
	    (r = decide_host_graphics(ctx)) < 0)
		return r;
	for (char **n = ctx->cfg->notes; n && *n; n++)
		if ((r = plan_note(p, "%s", *n)) < 0)
			return r;
	for (size_t i = 0; i < ARRAY_SIZE(stage_order); i++) {
		enum stage_id id = stage_order[i].id;
		if ((r = plan_scripts(ctx, id, false)) < 0)
			return r;
		if (!config_stage_disabled(ctx->cfg, id) && (r = stage_order[i].plan(ctx)) < 0)
			return r;
		if ((r = plan_scripts(ctx, id, true)) < 0)
			return r;
	}
	return 0;
}

/* Release refuses a journal with values it would not act on: never start what it could not undo. */
static int check_recordable(struct plan *p)
{
	_cleanup_(strv_index_done) struct strv_index devices = { 0 };
	int r = strv_index_build(&devices, p->devices);
	if (r < 0)
		return r;
	for (size_t i = 0; i < p->n_actions; i++) {
		_cleanup_free_ char *problem = journal_action_problem(&p->actions[i], &devices);
		if (problem && (r = plan_refuse(p, "cannot record what release would undo: %s",
						problem)) < 0)
			return r;
	}
	_cleanup_free_ char *problem = NULL;
	if ((r = journal_plan_problem(p, &problem)) <= 0)
		return r;
	return plan_refuse(p, "cannot record what release would undo: %s", problem);
}

bool planner_may_act(const struct domain *dom, const struct config *cfg)
{
	const struct vm_flags *f = &dom->flags;
	/* Every stage's trigger, from the domain or the configuration; keep in step with the
	 * stages (test-planner checks every fixture domain against a full plan). Unknown flags
	 * and a malformed args[ ] are refusals: the planner says so. */
	return dom->n_pci > 0 || f->set || f->args_seen || f->host_services_seen || f->unknown ||
	       dom->hugepages || dom->block_disks || cfg->n_scripts > 0 || cfg->stop_units ||
	       cfg->user_units || cfg->flags;
}

/* A pass over the stages: a plan of its own, and the VM's flags with the configured ones. */
static int plan_ctx_init(struct plan_ctx *ctx, const struct domain *dom, const struct host *host,
			 const struct config *cfg, struct vm_flags *flags)
{
	int r = config_vm_flags(cfg, &dom->flags, flags);
	if (r < 0)
		return r;
	*ctx = (struct plan_ctx){ .dom = dom, .host = host, .cfg = cfg, .flags = flags,
				  .plan = plan_new(PLAN_PREPARE, dom->name, dom->uuid) };
	return ctx->plan ? 0 : -ENOMEM;
}

int planner_load(const struct domain *dom, const struct config *cfg, int journal_dir_fd,
		 struct host *host)
{
	/* The functions handed over, as planning will find them: a scratch plan keeps them. */
	_cleanup_(vm_flags_done) struct vm_flags flags = { 0 };
	struct plan_ctx ctx;
	int r = plan_ctx_init(&ctx, dom, host, cfg, &flags);
	if (r < 0)
		return r;
	host_forget_plan_reads(host);
	r = expand_groups(&ctx);
	if (r >= 0)
		r = load_other_vms(dom, journal_dir_fd, host);
	if (r >= 0)
		r = load_holders(&ctx, host);
	/* note_usb says where each of the domain's USB devices is connected. */
	if (r >= 0 && dom->usb)
		r = host_load_usb_ids(host);
	ctx.holders = host->holders;
	ctx.n_holders = host->n_holders;
	ctx.logind = host->sessions;
	ctx.n_logind = host->n_sessions;
	for (size_t i = 0; r >= 0 && i < ARRAY_SIZE(stage_order); i++)
		if (stage_order[i].load && !config_stage_disabled(cfg, stage_order[i].id))
			r = stage_order[i].load(&ctx, host);
	plan_ctx_done(&ctx);
	plan_free(ctx.plan);
	return r;
}

int planner_plan(const struct domain *dom, const struct host *host, const struct config *cfg,
		 struct plan **ret)
{
	_cleanup_(vm_flags_done) struct vm_flags flags = { 0 };
	struct plan_ctx ctx;
	int r = plan_ctx_init(&ctx, dom, host, cfg, &flags);
	if (r < 0)
		return r;
	_cleanup_(plan_freep) struct plan *p = ctx.plan;
	r = plan_all(&ctx);
	plan_ctx_done(&ctx);
	if (r < 0 || (r = check_recordable(p)) < 0)
		return r;
	*ret = TAKE_PTR(p);
	return 0;
}

int planner_prepare(const struct domain *dom, struct host *host, const struct config *cfg,
		    int journal_dir_fd, struct plan **ret)
{
	int r = planner_load(dom, cfg, journal_dir_fd, host);
	return r < 0 ? r : planner_plan(dom, host, cfg, ret);
}
