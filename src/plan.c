// SPDX-License-Identifier: GPL-2.0-or-later
/* The plan and its actions: string tables, construction. */
#include <stdarg.h>

#include "plan.h"
#include "strutil.h"

static const char *const stage_names[_STAGE_MAX] = {
	[STAGE_DISPLAY_MANAGER] = "display-manager",
	[STAGE_SESSIONS] = "sessions",
	[STAGE_AUDIO] = "audio",
	[STAGE_HOLDERS] = "holders",
	[STAGE_VTCONSOLE] = "vtconsole",
	[STAGE_FRAMEBUFFER] = "framebuffer",
	[STAGE_DRIVERS] = "drivers",
	[STAGE_VFIO] = "vfio",
	[STAGE_CPU_ISOLATION] = "cpu-isolation",
	[STAGE_HUGEPAGES] = "hugepages",
	[STAGE_CPU_GOVERNOR] = "cpu-governor",
	[STAGE_DRIVES] = "drives",
	[STAGE_FIREWALL] = "firewall",
	[STAGE_SHARES] = "shares",
};

static const struct {
	const char *name;
	const char *verb;
} kinds[_ACTION_KIND_MAX] = {
	[ACTION_STOP_UNIT] = { "stop-unit", "stop unit" },
	[ACTION_TERMINATE_SESSION] = { "terminate-session", "end session" },
	[ACTION_STOP_USER_UNIT] = { "stop-user-unit", "stop user unit" },
	[ACTION_RELEASE_NODES] = { "release-nodes", "free device nodes" },
	[ACTION_UNBIND_VTCON] = { "unbind-vtcon", "unbind console" },
	[ACTION_UNBIND_PLATFORM] = { "unbind-platform", "unbind framebuffer" },
	[ACTION_UNBIND_PCI] = { "unbind-pci", "unbind driver" },
	[ACTION_UNLOAD_MODULE] = { "unload-module", "unload module" },
	[ACTION_LOAD_MODULE] = { "load-module", "load module" },
	[ACTION_BIND_VFIO] = { "bind-vfio", "bind vfio-pci" },
	[ACTION_RUN_SCRIPT] = { "run-script", "run override" },
	[ACTION_SET_ALLOWED_CPUS] = { "set-allowed-cpus", "keep host off CPUs" },
	[ACTION_ALLOC_HUGEPAGES] = { "alloc-hugepages", "reserve huge pages" },
	[ACTION_SET_GOVERNOR] = { "set-governor", "set governor" },
	[ACTION_UNMOUNT] = { "unmount", "unmount" },
	[ACTION_OPEN_SERVICE] = { "open-service", "open firewall service" },
	[ACTION_START_UNIT] = { "start-unit", "start unit" },
	[ACTION_EXPORT_NFS] = { "export-nfs", "export over NFS" },
	[ACTION_LABEL_SMB] = { "label-smb", "label for Samba" },
};

static const char *const state_names[_ACTION_STATE_MAX] = {
	[ACTION_PLANNED] = "planned", [ACTION_STARTED] = "started", [ACTION_DONE] = "done",
	[ACTION_SKIPPED] = "skipped", [ACTION_UNDONE] = "undone",   [ACTION_FAILED] = "failed",
};

const char *stage_to_string(enum stage_id s)
{
	return s >= 0 && s < _STAGE_MAX ? stage_names[s] : NULL;
}

enum stage_id stage_from_string(const char *s)
{
	for (int i = 0; i < _STAGE_MAX; i++)
		if (streq(stage_names[i], s))
			return (enum stage_id)i;
	return _STAGE_INVALID;
}

const char *action_kind_to_string(enum action_kind k)
{
	return k >= 0 && k < _ACTION_KIND_MAX ? kinds[k].name : NULL;
}

enum action_kind action_kind_from_string(const char *s)
{
	for (int i = 0; i < _ACTION_KIND_MAX; i++)
		if (streq(kinds[i].name, s))
			return (enum action_kind)i;
	return _ACTION_KIND_INVALID;
}

const char *action_state_to_string(enum action_state s)
{
	return s >= 0 && s < _ACTION_STATE_MAX ? state_names[s] : NULL;
}

enum action_state action_state_from_string(const char *s)
{
	for (int i = 0; i < _ACTION_STATE_MAX; i++)
		if (streq(state_names[i], s))
			return (enum action_state)i;
	return _ACTION_STATE_INVALID;
}

const char *action_kind_verb(enum action_kind k)
{
	return k >= 0 && k < _ACTION_KIND_MAX ? kinds[k].verb : "?";
}

char *action_undo_text(const struct action *a)
{
	switch (a->kind) {
	case ACTION_STOP_UNIT:
	case ACTION_STOP_USER_UNIT:
		return strdup_printf("start %s", a->target);
	case ACTION_UNBIND_VTCON:
		return strdup_printf("bind %s", a->target);
	case ACTION_UNBIND_PLATFORM:
	case ACTION_UNBIND_PCI:
		return strdup_printf("bind %s", strna(a->prior));
	case ACTION_UNLOAD_MODULE:
		return strdup_printf("load %s", a->target);
	case ACTION_LOAD_MODULE:
		return strdup_printf("unload %s if unused", a->target);
	case ACTION_BIND_VFIO:
		return strdup("clear override, reprobe");
	case ACTION_RUN_SCRIPT:
		return strdup("run it for release");
	case ACTION_SET_ALLOWED_CPUS:
		return strdup_printf("AllowedCPUs=%s", strna(a->prior));
	case ACTION_ALLOC_HUGEPAGES:
		return strdup("free what was reserved");
	case ACTION_UNMOUNT:
		return strdup("mount it again");
	case ACTION_OPEN_SERVICE:
		return strdup("close it");
	case ACTION_START_UNIT:
		return strdup_printf("stop %s", a->target);
	case ACTION_EXPORT_NFS:
		return strdup("withdraw the export");
	case ACTION_LABEL_SMB:
		return strdup_printf("label %s", strna(a->prior));
	case ACTION_SET_GOVERNOR:
		return strdup_printf("back to %s", strna(a->prior));
	case ACTION_TERMINATE_SESSION:
	case ACTION_RELEASE_NODES:
	case _ACTION_KIND_MAX:
	case _ACTION_KIND_INVALID:
		break;
	}
	return strdup("-");
}

struct plan *plan_new(enum plan_op op, const char *vm_name, const char *vm_uuid)
{
	struct plan *p = calloc(1, sizeof *p);
	if (!p)
		return NULL;
	p->op = op;
	p->vm_name = strdup(vm_name ?: "");
	p->vm_uuid = strdup(vm_uuid ?: "");
	if (!p->vm_name || !p->vm_uuid)
		return plan_free(p);
	return p;
}

struct plan *plan_free(struct plan *p)
{
	if (!p)
		return NULL;
	for (size_t i = 0; i < p->n_actions; i++) {
		free(p->actions[i].target);
		free(p->actions[i].prior);
		free(p->actions[i].result);
		free(p->actions[i].reason);
	}
	free(p->actions);
	free(p->vm_name);
	free(p->vm_uuid);
	strv_free(p->devices);
	strv_free(p->notes);
	strv_free(p->refusals);
	free(p->pinned_cpus);
	free(p);
	return NULL;
}

int plan_add(struct plan *p, enum stage_id stage, enum action_kind kind, const char *target,
	     const char *prior, const char *reason, uid_t uid)
{
	struct action *l = realloc(p->actions, sizeof *l * (p->n_actions + 1));
	if (!l)
		return -ENOMEM;
	p->actions = l;
	struct action *a = &p->actions[p->n_actions];
	*a = (struct action){
		.kind = kind,
		.stage = stage,
		.target = strdup(target),
		.prior = prior ? strdup(prior) : NULL,
		.reason = reason ? strdup(reason) : NULL,
		.uid = uid,
		.state = ACTION_PLANNED,
	};
	p->n_actions++;
	if (!a->target || (prior && !a->prior) || (reason && !a->reason))
		return -ENOMEM;
	return 0;
}

_printf_(3, 0) static int push_vprintf(char ***l, size_t *n, const char *fmt, va_list ap)
{
	char *s;
	if (vasprintf(&s, fmt, ap) < 0)
		return -ENOMEM;
	return strv_push_n(l, n, s);
}

int plan_note(struct plan *p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = push_vprintf(&p->notes, &p->n_notes, fmt, ap);
	va_end(ap);
	return r;
}

int plan_refuse(struct plan *p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = push_vprintf(&p->refusals, &p->n_refusals, fmt, ap);
	va_end(ap);
	return r;
}
