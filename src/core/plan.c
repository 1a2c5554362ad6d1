// SPDX-License-Identifier: GPL-2.0-or-later
/* The plan and its actions: string tables, construction. */
#include <stdarg.h>

#include "core/plan.h"
#include "lib/string-table.h"
#include "lib/strutil.h"

static const char *const action_kind_table[_ACTION_KIND_MAX] = {
	[ACTION_STOP_UNIT] = "stop-unit",
	[ACTION_TERMINATE_SESSION] = "terminate-session",
	[ACTION_STOP_USER_UNIT] = "stop-user-unit",
	[ACTION_RELEASE_NODES] = "release-nodes",
	[ACTION_UNBIND_VTCON] = "unbind-vtcon",
	[ACTION_UNBIND_PLATFORM] = "unbind-platform",
	[ACTION_UNBIND_PCI] = "unbind-pci",
	[ACTION_UNLOAD_MODULE] = "unload-module",
	[ACTION_LOAD_MODULE] = "load-module",
	[ACTION_BIND_VFIO] = "bind-vfio",
	[ACTION_RUN_SCRIPT] = "run-script",
	[ACTION_SET_ALLOWED_CPUS] = "set-allowed-cpus",
	[ACTION_ALLOC_HUGEPAGES] = "alloc-hugepages",
	[ACTION_SET_GOVERNOR] = "set-governor",
	[ACTION_UNMOUNT] = "unmount",
	[ACTION_OPEN_SERVICE] = "open-service",
	[ACTION_START_UNIT] = "start-unit",
	[ACTION_EXPORT_NFS] = "export-nfs",
	[ACTION_LABEL_SMB] = "label-smb",
};

static const char *const action_kind_verbs[_ACTION_KIND_MAX] = {
	[ACTION_STOP_UNIT] = "stop unit",
	[ACTION_TERMINATE_SESSION] = "end session",
	[ACTION_STOP_USER_UNIT] = "stop user unit",
	[ACTION_RELEASE_NODES] = "free device nodes",
	[ACTION_UNBIND_VTCON] = "unbind console",
	[ACTION_UNBIND_PLATFORM] = "unbind framebuffer",
	[ACTION_UNBIND_PCI] = "unbind driver",
	[ACTION_UNLOAD_MODULE] = "unload module",
	[ACTION_LOAD_MODULE] = "load module",
	[ACTION_BIND_VFIO] = "bind vfio-pci",
	[ACTION_RUN_SCRIPT] = "run override",
	[ACTION_SET_ALLOWED_CPUS] = "keep host off CPUs",
	[ACTION_ALLOC_HUGEPAGES] = "reserve huge pages",
	[ACTION_SET_GOVERNOR] = "set governor",
	[ACTION_UNMOUNT] = "unmount",
	[ACTION_OPEN_SERVICE] = "open firewall service",
	[ACTION_START_UNIT] = "start unit",
	[ACTION_EXPORT_NFS] = "export over NFS",
	[ACTION_LABEL_SMB] = "label for Samba",
};

static const char *const action_state_table[_ACTION_STATE_MAX] = {
	[ACTION_PLANNED] = "planned", [ACTION_STARTED] = "started", [ACTION_DONE] = "done",
	[ACTION_SKIPPED] = "skipped", [ACTION_UNDONE] = "undone",   [ACTION_FAILED] = "failed",
};

DEFINE_STRING_TABLE_LOOKUP(action_kind, enum action_kind, _ACTION_KIND_MAX)
DEFINE_STRING_TABLE_LOOKUP(action_state, enum action_state, _ACTION_STATE_MAX)

const char *action_kind_verb(enum action_kind k)
{
	return k >= 0 && k < _ACTION_KIND_MAX ? action_kind_verbs[k] : "?";
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
