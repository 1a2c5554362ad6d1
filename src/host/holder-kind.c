// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What a process that holds a device node is, read from the kernel: its pid and its cgroup,
 * which systemd names after the unit, scope or session the process belongs to. A process's
 * name says nothing about what it is: a compositor, a CUDA daemon and a shell script may all
 * be called anything.
 */
#include "host/host.h"
#include "lib/strutil.h"

/* The unit that systemd-logind runs as: its copies of session devices live in it. */
#define LOGIND_CGROUP "/system.slice/systemd-logind.service"

char *cgroup_session_id(const char *cgroup)
{
	const char *s = cgroup ? strstr(cgroup, "/session-") : NULL;
	if (!s)
		return NULL;
	s += strlen("/session-");
	size_t n = strcspn(s, "/");
	if (n <= strlen(".scope") || !strneq(s + n - strlen(".scope"), ".scope", strlen(".scope")))
		return NULL;
	char *id = strndup(s, n - strlen(".scope"));
	if (id && (!*id || !str_is_printable_ascii(id) || strpbrk(id, " %"))) {
		free(id);
		return NULL;
	}
	return id;
}

/* The innermost ".service" component under prefix, which must be a whole path component. */
static char *service_under(const char *cgroup, const char *prefix)
{
	const char *s = cgroup ? strstr(cgroup, prefix) : NULL;
	if (!s)
		return NULL;
	const char *last = strrchr(s, '/') + 1;
	if (!endswith(last, ".service") || !str_is_printable_ascii(last) || strchr(last, ' '))
		return NULL;
	return strdup(last);
}

char *cgroup_user_unit(const char *cgroup, uid_t uid)
{
	char mgr[64];
	snprintf(mgr, sizeof mgr, "/user@%u.service/", (unsigned)uid);
	return service_under(cgroup, mgr);
}

char *cgroup_system_unit(const char *cgroup)
{
	return cgroup && startswith(cgroup, "/system.slice/") ? service_under(cgroup, "/") : NULL;
}

void node_holder_classify(struct node_holder *h)
{
	h->kind = HOLDER_OTHER;
	if (h->pid == 1 || (h->cgroup && streq(h->cgroup, "/init.scope"))) {
		h->kind = HOLDER_INIT;
		return;
	}
	if (!h->cgroup)
		return;
	if (streq(h->cgroup, LOGIND_CGROUP)) {
		h->kind = HOLDER_LOGIND;
		return;
	}
	/* A user's own services before sessions: user@UID.service sits beside session scopes. */
	if ((h->unit = cgroup_user_unit(h->cgroup, h->uid))) {
		h->kind = HOLDER_USER_UNIT;
		return;
	}
	if ((h->session = cgroup_session_id(h->cgroup))) {
		h->kind = HOLDER_SESSION_SCOPE;
		return;
	}
	if ((h->unit = cgroup_system_unit(h->cgroup)))
		h->kind = HOLDER_SYSTEM_UNIT;
}
