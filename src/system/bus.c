// SPDX-License-Identifier: GPL-2.0-or-later
/* sd-bus helpers for systemd (system and user instances) and logind. */
#include "lib/log.h"
#include "lib/strutil.h"
#include "lib/timing.h"
#include "lib/wait.h"
#include "system/bus.h"

#define SYSTEMD "org.freedesktop.systemd1"
#define SYSTEMD_PATH "/org/freedesktop/systemd1"
#define SYSTEMD_MANAGER "org.freedesktop.systemd1.Manager"
#define LOGIND "org.freedesktop.login1"
#define LOGIND_PATH "/org/freedesktop/login1"
#define LOGIND_MANAGER "org.freedesktop.login1.Manager"

static int bus_open_system(sd_bus **ret)
{
	int r = dlopen_libsystemd();
	if (r < 0)
		return r;
	return sym_sd_bus_open_system(ret);
}

static sd_bus *system_bus;

int bus_system(sd_bus **ret)
{
	if (!system_bus) {
		TIMING_WAIT(WAIT_SYSTEMD);
		int r = bus_open_system(&system_bus);
		if (r < 0)
			return r;
	}
	*ret = system_bus;
	return 0;
}

void bus_system_close(void)
{
	/* Set only once libsystemd was loaded. */
	if (system_bus)
		sym_sd_bus_flush_close_unref(system_bus);
	system_bus = NULL;
}

int bus_open_user_manager(const char *run_prefix, uid_t uid, sd_bus **ret)
{
	TIMING_WAIT(WAIT_SYSTEMD);
	_cleanup_(sym_sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
	int r = dlopen_libsystemd();
	if (r < 0)
		return r;
	_cleanup_free_ char *addr = strdup_printf("unix:path=%s/run/user/%u/systemd/private",
						  run_prefix, (unsigned)uid);
	if (!addr)
		return -ENOMEM;
	if ((r = sym_sd_bus_new(&bus)) < 0 || (r = sym_sd_bus_set_address(bus, addr)) < 0 ||
	    (r = sym_sd_bus_start(bus)) < 0)
		return r;
	*ret = TAKE_PTR(bus);
	return 0;
}

int bus_unit_active_state(sd_bus *bus, const char *unit, char **ret)
{
	TIMING_WAIT(WAIT_SYSTEMD);
	_cleanup_(sym_sd_bus_error_freep) sd_bus_error error = SD_BUS_ERROR_NULL;
	_cleanup_(sym_sd_bus_message_unrefp) sd_bus_message *reply = NULL;
	const char *path;
	int r = sym_sd_bus_call_method(bus, SYSTEMD, SYSTEMD_PATH, SYSTEMD_MANAGER, "GetUnit",
				       &error, &reply, "s", unit);
	if (r < 0) {
		if (sym_sd_bus_error_has_name(&error, "org.freedesktop.systemd1.NoSuchUnit")) {
			*ret = strdup("inactive");
			return *ret ? 0 : -ENOMEM;
		}
		return r;
	}
	if ((r = sym_sd_bus_message_read(reply, "o", &path)) < 0)
		return r;
	return sym_sd_bus_get_property_string(bus, SYSTEMD, path, "org.freedesktop.systemd1.Unit",
					      "ActiveState", &error, ret);
}

struct job_wait {
	const char *job;
	char *result;
	bool done;
};

static int on_job_removed(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	struct job_wait *w = userdata;
	uint32_t id;
	const char *path, *unit, *result;
	if (sym_sd_bus_message_read(m, "uoss", &id, &path, &unit, &result) < 0)
		return 0;
	if (w->job && streq(path, w->job)) {
		w->result = strdup(result);
		w->done = true;
	}
	return 0;
}

/* Process messages until *done or the deadline. */
static int bus_wait_until(sd_bus *bus, const bool *done, uint64_t deadline)
{
	while (!*done) {
		int r = sym_sd_bus_process(bus, NULL);
		if (r < 0)
			return r;
		if (r > 0)
			continue;
		uint64_t now = now_usec();
		if (now >= deadline)
			return -ETIMEDOUT;
		r = sym_sd_bus_wait(bus, deadline - now);
		if (r < 0 && r != -EINTR)
			return r;
	}
	return 0;
}

int bus_unit_job(sd_bus *bus, const char *method, const char *unit, unsigned timeout_s,
		 char **ret_result, uint64_t *ret_usec, char **ret_why)
{
	TIMING_WAIT(WAIT_SYSTEMD);
	_cleanup_(sym_sd_bus_error_freep) sd_bus_error error = SD_BUS_ERROR_NULL;
	_cleanup_(sym_sd_bus_message_unrefp) sd_bus_message *reply = NULL;
	_cleanup_(sym_sd_bus_slot_unrefp) sd_bus_slot *slot = NULL;
	struct job_wait w = { 0 };
	uint64_t start = now_usec();
	int r;

	r = sym_sd_bus_match_signal(bus, &slot, SYSTEMD, SYSTEMD_PATH, SYSTEMD_MANAGER,
				    "JobRemoved", on_job_removed, &w);
	if (r < 0)
		return r;
	/* systemd only sends job signals to subscribed clients. */
	(void)sym_sd_bus_call_method(bus, SYSTEMD, SYSTEMD_PATH, SYSTEMD_MANAGER, "Subscribe", NULL,
				     NULL, "");
	r = sym_sd_bus_call_method(bus, SYSTEMD, SYSTEMD_PATH, SYSTEMD_MANAGER, method, &error,
				   &reply, "ss", unit, "replace");
	if (r < 0) {
		if (ret_why && error.message)
			*ret_why = strdup(error.message);
		return r;
	}
	if ((r = sym_sd_bus_message_read(reply, "o", &w.job)) < 0)
		return r;
	r = bus_wait_until(bus, &w.done, start + (uint64_t)timeout_s * 1000000u);
	if (r < 0) {
		free(w.result);
		return r;
	}
	if (!w.result)
		return -ENOMEM; /* the signal came, copying its result failed */
	if (ret_usec)
		*ret_usec = now_usec() - start;
	*ret_result = w.result;
	return 0;
}

struct session_wait {
	const char *id;
	bool done;
};

static int on_session_removed(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	struct session_wait *w = userdata;
	const char *id, *path;
	if (sym_sd_bus_message_read(m, "so", &id, &path) >= 0 && streq(id, w->id))
		w->done = true;
	return 0;
}

int bus_terminate_session(sd_bus *bus, const char *id, unsigned timeout_s, uint64_t *ret_usec)
{
	TIMING_WAIT(WAIT_SYSTEMD);
	_cleanup_(sym_sd_bus_error_freep) sd_bus_error error = SD_BUS_ERROR_NULL;
	_cleanup_(sym_sd_bus_slot_unrefp) sd_bus_slot *slot = NULL;
	struct session_wait w = { .id = id };
	uint64_t start = now_usec();
	int r = sym_sd_bus_match_signal(bus, &slot, LOGIND, LOGIND_PATH, LOGIND_MANAGER,
					"SessionRemoved", on_session_removed, &w);
	if (r < 0)
		return r;
	r = sym_sd_bus_call_method(bus, LOGIND, LOGIND_PATH, LOGIND_MANAGER, "TerminateSession",
				   &error, NULL, "s", id);
	if (r < 0) {
		if (sym_sd_bus_error_has_name(&error, "org.freedesktop.login1.NoSuchSession"))
			return ACTION_GONE;
		return r;
	}
	r = bus_wait_until(bus, &w.done, start + (uint64_t)timeout_s * 1000000u);
	if (r < 0)
		return r;
	if (ret_usec)
		*ret_usec = now_usec() - start;
	return 0;
}

int bus_unit_stop(sd_bus *bus, const char *unit, unsigned timeout_s, uint64_t *ret_usec,
		  char **ret_why)
{
	_cleanup_free_ char *state = NULL, *result = NULL;
	int r = bus_unit_active_state(bus, unit, &state);
	if (r < 0)
		return r;
	if (streq(state, "inactive") || streq(state, "failed"))
		return 1;
	if ((r = bus_unit_job(bus, "StopUnit", unit, timeout_s, &result, ret_usec, ret_why)) < 0)
		return r;
	free(state);
	state = NULL;
	if ((r = bus_unit_active_state(bus, unit, &state)) < 0)
		return r;
	/* The job's word is not enough: the unit must really be down. */
	if (!streq(state, "inactive") && !streq(state, "failed"))
		return -EBUSY;
	/* Many display managers exit non-zero on SIGTERM: that is our stop, not a failure to
	 * show in `systemctl --failed` while the VM runs. */
	if (streq(state, "failed"))
		(void)sym_sd_bus_call_method(bus, SYSTEMD, SYSTEMD_PATH, SYSTEMD_MANAGER,
					     "ResetFailedUnit", NULL, NULL, "s", unit);
	return 0;
}

int bus_unit_start(sd_bus *bus, const char *unit, unsigned timeout_s, uint64_t *ret_usec,
		   char **ret_why)
{
	_cleanup_free_ char *state = NULL, *result = NULL;
	int r = bus_unit_active_state(bus, unit, &state);
	if (r < 0)
		return r;
	if (streq(state, "active"))
		return 1;
	if ((r = bus_unit_job(bus, "StartUnit", unit, timeout_s, &result, ret_usec, ret_why)) < 0)
		return r;
	if (!streq(result, "done")) {
		if (ret_why)
			*ret_why = strdup_printf("the start job ended with '%s'", result);
		return -EIO;
	}
	return 0;
}

int bus_unit_file_state(sd_bus *bus, const char *unit, char **ret)
{
	TIMING_WAIT(WAIT_SYSTEMD);
	_cleanup_(sym_sd_bus_error_freep) sd_bus_error error = SD_BUS_ERROR_NULL;
	_cleanup_(sym_sd_bus_message_unrefp) sd_bus_message *reply = NULL;
	const char *state;
	/* systemd answers a unit file it cannot find with FileNotFound, which is -ENOENT. */
	int r = sym_sd_bus_call_method(bus, SYSTEMD, SYSTEMD_PATH, SYSTEMD_MANAGER,
				       "GetUnitFileState", &error, &reply, "s", unit);
	if (r < 0 || (r = sym_sd_bus_message_read(reply, "s", &state)) < 0)
		return r;
	char *s = strdup(state);
	if (!s)
		return -ENOMEM;
	*ret = s;
	return 0;
}

/* A call of the manager's with what is left of the deadline; systemd's reason into ret_why. */
static int manager_call(sd_bus *bus, sd_bus_message *m, uint64_t deadline,
			sd_bus_message **ret_reply, char **ret_why)
{
	_cleanup_(sym_sd_bus_error_freep) sd_bus_error error = SD_BUS_ERROR_NULL;
	uint64_t now = now_usec();
	if (now >= deadline)
		return -ETIMEDOUT;
	int r = sym_sd_bus_call(bus, m, deadline - now, &error, ret_reply);
	if (r < 0 && ret_why && error.message && !*ret_why)
		*ret_why = strdup(error.message);
	return r;
}

/* The number of changes a MaskUnitFiles or UnmaskUnitFiles reply lists. */
static int unit_file_changes(sd_bus_message *reply, size_t *ret)
{
	const char *type, *path, *source;
	size_t n = 0;
	int r = sym_sd_bus_message_enter_container(reply, 'a', "(sss)");
	while (r >= 0 && (r = sym_sd_bus_message_read(reply, "(sss)", &type, &path, &source)) > 0)
		n++;
	if (r >= 0)
		r = sym_sd_bus_message_exit_container(reply);
	if (r < 0)
		return r;
	*ret = n;
	return 0;
}

int bus_unit_mask_runtime(sd_bus *bus, const char *unit, bool mask, unsigned timeout_s,
			  char **ret_why)
{
	TIMING_WAIT(WAIT_SYSTEMD);
	_cleanup_(sym_sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
	uint64_t deadline = now_usec() + (uint64_t)timeout_s * 1000000u;
	size_t changes;
	int r = sym_sd_bus_message_new_method_call(bus, &m, SYSTEMD, SYSTEMD_PATH, SYSTEMD_MANAGER,
						   mask ? "MaskUnitFiles" : "UnmaskUnitFiles");
	/* Runtime only: a reboot, or a crash of ours, never leaves the host unable to sleep. Not
	 * forced: a runtime unit file of that name is someone else's, and unmasking could not
	 * give it back. */
	if (r >= 0)
		r = mask ? sym_sd_bus_message_append(m, "asbb", 1, unit, 1, 0) :
			   sym_sd_bus_message_append(m, "asb", 1, unit, 1);
	if (r >= 0)
		r = manager_call(bus, m, deadline, &reply, ret_why);
	if (r >= 0)
		r = unit_file_changes(reply, &changes);
	if (r < 0)
		return r;
	return changes > 0 ? 0 : 1;
}

int bus_unit_load_state(sd_bus *bus, const char *unit, char **ret)
{
	TIMING_WAIT(WAIT_SYSTEMD);
	_cleanup_(sym_sd_bus_error_freep) sd_bus_error error = SD_BUS_ERROR_NULL;
	_cleanup_(sym_sd_bus_message_unrefp) sd_bus_message *reply = NULL;
	const char *path;
	int r = sym_sd_bus_call_method(bus, SYSTEMD, SYSTEMD_PATH, SYSTEMD_MANAGER, "LoadUnit",
				       &error, &reply, "s", unit);
	if (r < 0 || (r = sym_sd_bus_message_read(reply, "o", &path)) < 0)
		return r;
	return sym_sd_bus_get_property_string(bus, SYSTEMD, path, "org.freedesktop.systemd1.Unit",
					      "LoadState", &error, ret);
}

int bus_manager_reload(sd_bus *bus, unsigned timeout_s, char **ret_why)
{
	TIMING_WAIT(WAIT_SYSTEMD);
	_cleanup_(sym_sd_bus_message_unrefp) sd_bus_message *m = NULL;
	uint64_t deadline = now_usec() + (uint64_t)timeout_s * 1000000u;
	int r = sym_sd_bus_message_new_method_call(bus, &m, SYSTEMD, SYSTEMD_PATH, SYSTEMD_MANAGER,
						   "Reload");
	return r < 0 ? r : manager_call(bus, m, deadline, NULL, ret_why);
}

static int unit_interface(const char *unit, const char **ret)
{
	if (endswith(unit, ".slice"))
		*ret = "org.freedesktop.systemd1.Slice";
	else if (endswith(unit, ".scope"))
		*ret = "org.freedesktop.systemd1.Scope";
	else if (endswith(unit, ".service"))
		*ret = "org.freedesktop.systemd1.Service";
	else
		return -EINVAL;
	return 0;
}

int bus_unit_get_allowed_cpus(sd_bus *bus, const char *unit, struct cpuset *ret)
{
	TIMING_WAIT(WAIT_SYSTEMD);
	_cleanup_(sym_sd_bus_error_freep) sd_bus_error error = SD_BUS_ERROR_NULL;
	_cleanup_(sym_sd_bus_message_unrefp) sd_bus_message *reply = NULL, *prop = NULL;
	const char *path, *iface;
	const void *bytes;
	size_t n;
	int r = unit_interface(unit, &iface);
	if (r < 0)
		return r;
	r = sym_sd_bus_call_method(bus, SYSTEMD, SYSTEMD_PATH, SYSTEMD_MANAGER, "GetUnit", &error,
				   &reply, "s", unit);
	if (r < 0 || (r = sym_sd_bus_message_read(reply, "o", &path)) < 0)
		return r;
	r = sym_sd_bus_get_property(bus, SYSTEMD, path, iface, "AllowedCPUs", &error, &prop, "ay");
	if (r < 0 || (r = sym_sd_bus_message_read_array(prop, 'y', &bytes, &n)) < 0)
		return r;
	struct cpuset set = { 0 };
	for (size_t i = 0; i < n && i * 8 < CPUSET_MAX; i++)
		for (unsigned b = 0; b < 8; b++)
			if (((const uint8_t *)bytes)[i] & (1u << b))
				cpuset_add(&set, (unsigned)(i * 8 + b));
	*ret = set;
	return 0;
}

int bus_unit_set_allowed_cpus(sd_bus *bus, const char *unit, const struct cpuset *set)
{
	TIMING_WAIT(WAIT_SYSTEMD);
	_cleanup_(sym_sd_bus_error_freep) sd_bus_error error = SD_BUS_ERROR_NULL;
	_cleanup_(sym_sd_bus_message_unrefp) sd_bus_message *m = NULL;
	uint8_t bytes[CPUSET_MAX / 8] = { 0 };
	size_t n = 0;
	for (unsigned c = 0; set && c < CPUSET_MAX; c++)
		if (cpuset_has(set, c)) {
			bytes[c / 8] |= (uint8_t)(1u << (c % 8));
			n = c / 8 + 1;
		}
	int r = sym_sd_bus_message_new_method_call(bus, &m, SYSTEMD, SYSTEMD_PATH, SYSTEMD_MANAGER,
						   "SetUnitProperties");
	/* Runtime only: a reboot, or a crash of ours, never leaves the host confined. */
	if (r >= 0)
		r = sym_sd_bus_message_append(m, "sb", unit, 1);
	if (r >= 0)
		r = sym_sd_bus_message_open_container(m, 'a', "(sv)");
	if (r >= 0)
		r = sym_sd_bus_message_open_container(m, 'r', "sv");
	if (r >= 0)
		r = sym_sd_bus_message_append(m, "s", "AllowedCPUs");
	if (r >= 0)
		r = sym_sd_bus_message_open_container(m, 'v', "ay");
	if (r >= 0)
		r = sym_sd_bus_message_append_array(m, 'y', bytes, n);
	for (int i = 0; r >= 0 && i < 3; i++)
		r = sym_sd_bus_message_close_container(m);
	if (r < 0)
		return r;
	return sym_sd_bus_call(bus, m, 0, &error, NULL);
}
