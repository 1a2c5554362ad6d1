// SPDX-License-Identifier: GPL-2.0-or-later
/* logind's sessions: sd-bus on a live host, a captured snapshot for fixtures. */
#include <fcntl.h>

#include "host/host.h"
#include "lib/fileio.h"
#include "lib/strutil.h"
#include "lib/timing.h"
#include "system/bus.h"

#define LOGIND "org.freedesktop.login1"
#define LOGIND_SESSION "org.freedesktop.login1.Session"

static void logind_session_done(struct logind_session *s)
{
	free(s->id);
	free(s->user);
	free(s->seat);
	free(s->type);
	free(s->class);
	free(s->service);
}

void logind_sessions_free(struct logind_session *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		logind_session_done(&list[i]);
	free(list);
}

bool logind_session_is_graphical(const struct logind_session *s)
{
	return s->type && (streq(s->type, "wayland") || streq(s->type, "x11") ||
			   streq(s->type, "mir"));
}

struct session_list {
	struct logind_session *v;
	size_t n;
};

/* Adopts s's strings; -ENOMEM (freeing them) when one it needs could not be made. */
static int append(struct session_list *l, struct logind_session s)
{
	struct logind_session *v = s.id && s.user ? realloc(l->v, sizeof *v * (l->n + 1)) : NULL;
	if (!v) {
		logind_session_done(&s);
		return -ENOMEM;
	}
	l->v = v;
	l->v[l->n++] = s;
	return 0;
}

static int sessions_live(struct session_list *l)
{
	TIMING_WAIT(WAIT_SYSTEMD);
	_cleanup_(sym_sd_bus_error_freep) sd_bus_error error = SD_BUS_ERROR_NULL;
	_cleanup_(sym_sd_bus_message_unrefp) sd_bus_message *reply = NULL;
	sd_bus *bus;

	int r = bus_system(&bus);
	if (r < 0)
		return r;
	r = sym_sd_bus_call_method(bus, LOGIND, "/org/freedesktop/login1",
				   "org.freedesktop.login1.Manager", "ListSessions", &error, &reply,
				   NULL);
	if (r < 0)
		return r;
	if ((r = sym_sd_bus_message_enter_container(reply, 'a', "(susso)")) < 0)
		return r;
	for (;;) {
		const char *id, *user, *seat, *path;
		uint32_t uid;
		r = sym_sd_bus_message_read(reply, "(susso)", &id, &uid, &user, &seat, &path);
		if (r <= 0)
			return r;
		struct logind_session s = { .id = strdup(id), .uid = uid, .user = strdup(user),
					    .seat = *seat ? strdup(seat) : NULL };
		/* A session that ends while we ask is one fewer to deal with. */
		(void)!sym_sd_bus_get_property_string(bus, LOGIND, path, LOGIND_SESSION, "Type",
						      NULL, &s.type);
		(void)!sym_sd_bus_get_property_string(bus, LOGIND, path, LOGIND_SESSION, "Class",
						      NULL, &s.class);
		(void)!sym_sd_bus_get_property_string(bus, LOGIND, path, LOGIND_SESSION, "Service",
						      NULL, &s.service);
		if ((r = append(l, s)) < 0)
			return r;
	}
}

/* "-" for an empty field, as the capture writes it. */
static char *field(const char *s)
{
	return streq(s, "-") ? NULL : strdup(s);
}

/* Fixture format, one session per line: "ID UID USER SEAT TYPE CLASS SERVICE" ("-": empty). */
static int sessions_snapshot(const struct host *h, struct session_list *l)
{
	_cleanup_free_ char *path = sysroot_path(h->root, "/logind/sessions"), *text = NULL;
	if (!path)
		return -ENOMEM;
	int r = read_attr_alloc_at(AT_FDCWD, path, 65536, &text);
	if (r == -ENOENT)
		return 0; /* captured before logind was: no session known */
	if (r < 0)
		return r;
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char id[64], user[64], seat[64], type[32], class[32], service[64];
		unsigned uid;
		if (sscanf(line, "%63s %u %63s %63s %31s %31s %63s", id, &uid, user, seat, type,
			   class, service) != 7)
			continue;
		struct logind_session s = { .id = strdup(id), .uid = uid, .user = strdup(user),
					    .seat = field(seat), .type = field(type),
					    .class = field(class), .service = field(service) };
		if ((r = append(l, s)) < 0)
			return r;
	}
	return 0;
}

int host_logind_sessions(const struct host *h, struct logind_session **ret, size_t *ret_n)
{
	struct session_list l = { 0 };
	int r = h->root->live ? sessions_live(&l) : sessions_snapshot(h, &l);
	if (r < 0) {
		logind_sessions_free(l.v, l.n);
		return r;
	}
	*ret = l.v;
	*ret_n = l.n;
	return 0;
}

int host_load_sessions(struct host *h)
{
	logind_sessions_free(h->sessions, h->n_sessions);
	h->sessions = NULL;
	h->n_sessions = 0;
	int r = host_logind_sessions(h, &h->sessions, &h->n_sessions);
	h->sessions_error = r < 0 ? r : 0;
	return r == -ENOMEM ? r : 0;
}
