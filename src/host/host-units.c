// SPDX-License-Identifier: GPL-2.0-or-later
/* systemd unit state and AllowedCPUs: sd-bus on a live host, a captured snapshot for fixtures. */
#include <fcntl.h>

#include "host/host.h"
#include "lib/fileio.h"
#include "lib/log.h"
#include "lib/strutil.h"
#include "lib/timing.h"
#include "system/bus.h"

void unit_state_done(struct unit_state *u)
{
	free(u->name);
	free(u->id);
	free(u->active_state);
	*u = (struct unit_state){ 0 };
}

bool unit_state_is_running(const struct unit_state *u)
{
	return streq(u->active_state, "active") || streq(u->active_state, "activating") ||
	       streq(u->active_state, "reloading");
}

static int unit_state_live(sd_bus *bus, const char *name, struct unit_state *ret)
{
	TIMING_WAIT(WAIT_SYSTEMD);
	_cleanup_(sym_sd_bus_error_freep) sd_bus_error error = SD_BUS_ERROR_NULL;
	_cleanup_(sym_sd_bus_message_unrefp) sd_bus_message *reply = NULL;
	const char *object;

	/* GetUnit resolves aliases (display-manager.service) to the loaded unit. */
	int r = sym_sd_bus_call_method(bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
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

static int unit_state(const struct host *h, sd_bus *bus, const char *name,
		      struct unit_state *ret)
{
	int r = bus ? unit_state_live(bus, name, ret) : unit_state_snapshot(h, name, ret);
	if (r >= 0 && !(ret->name = strdup(name))) {
		unit_state_done(ret);
		return -ENOMEM;
	}
	return r;
}

/* The system bus on a live host; NULL for a fixture's snapshot. */
static int units_bus(const struct host *h, sd_bus **ret)
{
	*ret = NULL;
	return h->root->live ? bus_system(ret) : 0;
}

int host_unit_state(const struct host *h, const char *name, struct unit_state *ret)
{
	sd_bus *bus;
	int r = units_bus(h, &bus);
	return r < 0 ? r : unit_state(h, bus, name, ret);
}

static const struct unit_state *loaded_unit(const struct host *h, const char *name)
{
	for (size_t i = 0; i < h->n_units; i++)
		if (streq(h->units[i].name, name) || (h->units[i].id && streq(h->units[i].id, name)))
			return &h->units[i];
	return NULL;
}

int host_find_unit(const struct host *h, const char *name, const struct unit_state **ret)
{
	const struct unit_state *u = loaded_unit(h, name);
	if (!u)
		return -ENOENT;
	if (u->error < 0)
		return u->error;
	*ret = u;
	return 0;
}

int host_load_units(struct host *h, char *const *names)
{
	sd_bus *bus = NULL;
	int bus_error = 0;
	for (char *const *n = names; n && *n; n++) {
		if (loaded_unit(h, *n))
			continue;
		struct unit_state u = { 0 };
		int r = bus || bus_error ? bus_error : units_bus(h, &bus);
		if (r < 0)
			bus_error = r;
		else
			r = unit_state(h, bus, *n, &u);
		if (r == -ENOMEM)
			return r;
		if (r < 0) {
			if (r != -ENOENT)
				log_debug_errno(r, "Cannot ask systemd about %s: %m", *n);
			u = (struct unit_state){ .name = strdup(*n), .error = r };
			if (!u.name)
				return -ENOMEM;
		}
		struct unit_state *l = realloc(h->units, sizeof *l * (h->n_units + 1));
		if (!l) {
			unit_state_done(&u);
			return -ENOMEM;
		}
		h->units = l;
		h->units[h->n_units++] = u;
	}
	return 0;
}

bool unit_file_state_is_masked(const char *state)
{
	return streq(state, "masked") || streq(state, "masked-runtime");
}

/* Fixture format, one unit file per line: "NAME STATE", as systemctl is-enabled says it. */
static int unit_file_snapshot(const struct host *h, const char *name, char **ret)
{
	_cleanup_free_ char *path = sysroot_path(h->root, "/systemd/unit-files"), *text = NULL;
	if (!path)
		return -ENOMEM;
	int r = read_attr_alloc_at(AT_FDCWD, path, 65536, &text);
	if (r < 0)
		return r;
	char *save = NULL;
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char n[256], state[64];
		if (sscanf(l, "%255s %63s", n, state) < 2 || !streq(n, name))
			continue;
		char *s = strdup(state);
		if (!s)
			return -ENOMEM;
		*ret = s;
		return 0;
	}
	return -ENOENT;
}

static int unit_file_state(const struct host *h, sd_bus *bus, const char *name, char **ret)
{
	return bus ? bus_unit_file_state(bus, name, ret) : unit_file_snapshot(h, name, ret);
}

int host_unit_file_state(const struct host *h, const char *name, char **ret)
{
	sd_bus *bus;
	int r = units_bus(h, &bus);
	return r < 0 ? r : unit_file_state(h, bus, name, ret);
}

static const struct unit_file *loaded_unit_file(const struct host *h, const char *name)
{
	for (size_t i = 0; i < h->n_unit_files; i++)
		if (streq(h->unit_files[i].name, name))
			return &h->unit_files[i];
	return NULL;
}

int host_find_unit_file(const struct host *h, const char *name, const struct unit_file **ret)
{
	const struct unit_file *u = loaded_unit_file(h, name);
	if (!u)
		return -ENOENT;
	if (u->error < 0)
		return u->error;
	*ret = u;
	return 0;
}

int host_load_unit_files(struct host *h, char *const *names)
{
	sd_bus *bus = NULL;
	int bus_error = 0;
	for (char *const *n = names; n && *n; n++) {
		if (loaded_unit_file(h, *n))
			continue;
		struct unit_file u = { 0 };
		int r = bus || bus_error ? bus_error : units_bus(h, &bus);
		if (r < 0)
			bus_error = r;
		else
			r = unit_file_state(h, bus, *n, &u.state);
		if (r == -ENOMEM)
			return r;
		if (r < 0) {
			if (r != -ENOENT)
				log_debug_errno(r, "Cannot ask systemd about %s: %m", *n);
			u.error = r;
		}
		if (!(u.name = strdup(*n))) {
			free(u.state);
			return -ENOMEM;
		}
		struct unit_file *l = realloc(h->unit_files, sizeof *l * (h->n_unit_files + 1));
		if (!l) {
			free(u.name);
			free(u.state);
			return -ENOMEM;
		}
		h->unit_files = l;
		h->unit_files[h->n_unit_files++] = u;
	}
	return 0;
}

void host_unit_files_free(struct host *h);
void host_unit_files_free(struct host *h)
{
	for (size_t i = 0; i < h->n_unit_files; i++) {
		free(h->unit_files[i].name);
		free(h->unit_files[i].state);
	}
	free(h->unit_files);
	h->unit_files = NULL;
	h->n_unit_files = 0;
}

const struct cpuset *host_find_unit_cpus(const struct host *h, const char *unit)
{
	for (size_t i = 0; i < h->n_unit_cpus; i++)
		if (streq(h->unit_cpus[i].unit, unit))
			return &h->unit_cpus[i].allowed;
	return NULL;
}

int host_load_unit_cpus(struct host *h, const char *const *units, size_t n)
{
	sd_bus *bus = NULL;
	if (!h->root->live || bus_system(&bus) < 0)
		return 0; /* cannot ask: every unit counts as unrestricted */
	for (size_t i = 0; i < n; i++) {
		struct cpuset allowed;
		if (host_find_unit_cpus(h, units[i]) ||
		    bus_unit_get_allowed_cpus(bus, units[i], &allowed) < 0)
			continue;
		_cleanup_free_ char *unit = strdup(units[i]);
		struct unit_cpus *l = unit ? realloc(h->unit_cpus, sizeof *l * (h->n_unit_cpus + 1)) :
					     NULL;
		if (!l)
			return -ENOMEM;
		h->unit_cpus = l;
		struct unit_cpus entry = { .unit = TAKE_PTR(unit), .allowed = allowed };
		l[h->n_unit_cpus++] = entry;
	}
	return 0;
}

void host_unit_cpus_free(struct host *h);
void host_unit_cpus_free(struct host *h)
{
	for (size_t i = 0; i < h->n_unit_cpus; i++)
		free(h->unit_cpus[i].unit);
	free(h->unit_cpus);
	h->unit_cpus = NULL;
	h->n_unit_cpus = 0;
}
