// SPDX-License-Identifier: GPL-2.0-or-later
/* systemd unit state: sd-bus on a live host, a captured snapshot for fixtures. */
#include <fcntl.h>

#include "host/host.h"
#include "lib/fileio.h"
#include "lib/log.h"
#include "lib/strutil.h"
#include "lib/timing.h"
#include "system/bus.h"

void unit_state_done(struct unit_state *u)
{
	free(u->id);
	free(u->active_state);
	*u = (struct unit_state){ 0 };
}

bool unit_state_is_running(const struct unit_state *u)
{
	return streq(u->active_state, "active") || streq(u->active_state, "activating") ||
	       streq(u->active_state, "reloading");
}

static int unit_state_live(const char *name, struct unit_state *ret)
{
	TIMING_WAIT(WAIT_SYSTEMD);
	_cleanup_(sym_sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
	_cleanup_(sym_sd_bus_error_freep) sd_bus_error error = SD_BUS_ERROR_NULL;
	_cleanup_(sym_sd_bus_message_unrefp) sd_bus_message *reply = NULL;
	const char *object;

	int r = bus_open_system(&bus);
	if (r < 0)
		return r;
	/* GetUnit resolves aliases (display-manager.service) to the loaded unit. */
	r = sym_sd_bus_call_method(bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
				   "org.freedesktop.systemd1.Manager", "GetUnit", &error, &reply,
				   "s", name);
	if (r < 0) {
		if (sym_sd_bus_error_has_name(&error, "org.freedesktop.systemd1.NoSuchUnit"))
			return -ENOENT;
		return r;
	}
	r = sym_sd_bus_message_read(reply, "o", &object);
	if (r < 0)
		return r;
	struct unit_state u = { 0 };
	r = sym_sd_bus_get_property_string(bus, "org.freedesktop.systemd1", object,
					   "org.freedesktop.systemd1.Unit", "Id", &error, &u.id);
	if (r >= 0)
		r = sym_sd_bus_get_property_string(bus, "org.freedesktop.systemd1", object,
						   "org.freedesktop.systemd1.Unit", "ActiveState",
						   &error, &u.active_state);
	if (r < 0) {
		unit_state_done(&u);
		return r;
	}
	/* Made by systemd-run or a scope: once stopped it is gone, and nothing could start it. */
	_cleanup_(sym_sd_bus_message_unrefp) sd_bus_message *transient = NULL;
	int b = 0;
	if (sym_sd_bus_get_property(bus, "org.freedesktop.systemd1", object,
				    "org.freedesktop.systemd1.Unit", "Transient", &error, &transient,
				    "b") >= 0 &&
	    sym_sd_bus_message_read(transient, "b", &b) >= 0)
		u.transient = b;
	*ret = u;
	return 0;
}

/* Fixture format, one unit per line: "NAME ID ACTIVE_STATE [transient]". */
static int unit_state_snapshot(const struct host *h, const char *name, struct unit_state *ret)
{
	_cleanup_free_ char *path = sysroot_path(h->root, "/systemd/units"), *text = NULL;
	if (!path)
		return -ENOMEM;
	int r = read_attr_alloc_at(AT_FDCWD, path, 65536, &text);
	if (r < 0)
		return r == -ENOENT ? -ENOENT : r;
	char *save = NULL;
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char n[256], id[256], state[64], flag[16] = "";
		/* By name or by the unit it resolved to, as GetUnit on a live host. */
		if (sscanf(l, "%255s %255s %63s %15s", n, id, state, flag) < 3 ||
		    !(streq(n, name) || streq(id, name)))
			continue;
		ret->transient = streq(flag, "transient");
		ret->id = strdup(id);
		ret->active_state = strdup(state);
		if (!ret->id || !ret->active_state) {
			unit_state_done(ret);
			return -ENOMEM;
		}
		return 0;
	}
	return -ENOENT;
}

int host_unit_state(const struct host *h, const char *name, struct unit_state *ret)
{
	return h->root->live ? unit_state_live(name, ret) : unit_state_snapshot(h, name, ret);
}
