// SPDX-License-Identifier: GPL-2.0-or-later
/* Checking a journaled action against the host as it is now; reads only. */
#include <limits.h>

#include "core/host-check.h"
#include "lib/fileio.h"
#include "lib/string-table.h"
#include "lib/strutil.h"
#include "system/modules.h"
#include "system/sysfs-bind.h"

static const char *const host_match_table[_HOST_MATCH_MAX] = {
	[HOST_MATCHES] = "matches",
	[HOST_DIFFERS] = "does not match",
	[HOST_NOT_CHECKED] = "not checked",
};

DEFINE_STRING_TABLE_LOOKUP_TO_STRING(host_match, enum host_match, _HOST_MATCH_MAX, )

/* The verdict, with its detail handed out only when asked for. */
static enum host_match say(enum host_match m, char **ret_detail, char *detail)
{
	if (ret_detail)
		*ret_detail = detail;
	else
		free(detail);
	return m;
}

static enum host_match check_pci_driver(const struct host *h, const struct action *a,
					char **ret_detail)
{
	char drv[256];
	int r = sysfs_driver_of(h->root->sys_fd, "pci", a->target, drv, sizeof drv);
	if (r == -ENODEV)
		return say(HOST_DIFFERS, ret_detail, strdup("the device is gone"));
	if (r < 0 && r != -ENOENT)
		return say(HOST_NOT_CHECKED, ret_detail, strdup_printf("cannot read its driver: %s",
								       strerror(-r)));
	bool bound = r >= 0;
	char *detail = bound ? strdup_printf("on %s", drv) : strdup("no driver");
	if (a->kind == ACTION_BIND_VFIO)
		return say(bound && streq(drv, "vfio-pci") ? HOST_MATCHES : HOST_DIFFERS, ret_detail,
			   detail);
	/* unbind-pci: anything but the driver it had (vfio-pci, or none yet). Back on it, the
	 * card may still not have come to life: a release whose health check failed. */
	bool back = bound && a->prior && streq(drv, a->prior);
	const char *missing = NULL;
	if (back && host_pci_function_alive(h->root, a->target, drv, &missing) == 0) {
		free(detail);
		detail = strdup_printf("on %s, %s", drv, strna(missing));
	}
	return say(back ? HOST_DIFFERS : HOST_MATCHES, ret_detail, detail);
}

static enum host_match check_unit(const struct host *h, const struct action *a, bool want_active,
				  char **ret_detail)
{
	struct unit_state u = { 0 };
	int r = host_unit_state(h, a->target, &u);
	if (r == -ENOENT)
		return say(want_active ? HOST_DIFFERS : HOST_MATCHES, ret_detail,
			   strdup("not loaded"));
	if (r < 0)
		return say(HOST_NOT_CHECKED, ret_detail, strdup_printf("cannot ask systemd: %s",
								       strerror(-r)));
	bool active = streq(u.active_state, "active") || streq(u.active_state, "activating") ||
		      streq(u.active_state, "reloading");
	char *detail = strdup(u.active_state);
	unit_state_done(&u);
	return say(active == want_active ? HOST_MATCHES : HOST_DIFFERS, ret_detail, detail);
}

/* A user's service is running when it has processes in user@UID.service (sockets have
 * none to look at: not checked). */
static enum host_match check_user_unit(const struct host *h, const struct action *a,
				       char **ret_detail)
{
	_cleanup_strv_free_ char **running = NULL;
	if (!endswith(a->target, ".service"))
		return say(HOST_NOT_CHECKED, ret_detail, NULL);
	int r = host_user_services(h, a->uid, &running);
	if (r < 0)
		return say(HOST_NOT_CHECKED, ret_detail, strdup_printf("cannot read /proc: %s",
								       strerror(-r)));
	return strv_contains(running, a->target) ?
		       say(HOST_DIFFERS, ret_detail, strdup("running")) :
		       say(HOST_MATCHES, ret_detail, strdup("not running"));
}

static enum host_match check_vtcon(const struct host *h, const struct action *a,
				   char **ret_detail)
{
	char path[PATH_MAX];
	unsigned bind;
	if (!sysfs_name_is_safe(a->target))
		return say(HOST_NOT_CHECKED, ret_detail, NULL);
	snprintf(path, sizeof path, "class/vtconsole/%s/bind", a->target);
	int r = read_attr_uint_at(h->root->sys_fd, path, 10, &bind);
	/* A framebuffer console goes away with its framebuffer (the GPU's driver unloaded). */
	if (r == -ENOENT)
		return say(HOST_MATCHES, ret_detail, strdup("gone"));
	if (r < 0)
		return say(HOST_NOT_CHECKED, ret_detail, strdup_printf("cannot read %s: %s", path,
								       strerror(-r)));
	return say(bind == 0 ? HOST_MATCHES : HOST_DIFFERS, ret_detail,
		   strdup(bind == 0 ? "unbound" : "bound"));
}

static enum host_match check_platform(const struct host *h, const struct action *a,
				      char **ret_detail)
{
	char drv[256];
	int r = sysfs_driver_of(h->root->sys_fd, "platform", a->target, drv, sizeof drv);
	if (r == -ENOENT || r == -ENODEV)
		return say(HOST_MATCHES, ret_detail, strdup(r == -ENOENT ? "unbound" : "gone"));
	if (r < 0)
		return say(HOST_NOT_CHECKED, ret_detail, strdup_printf("cannot read its driver: %s",
								       strerror(-r)));
	return say(HOST_DIFFERS, ret_detail, strdup_printf("on %s", drv));
}

static enum host_match check_hugepages(const struct host *h, const struct action *a,
				       char **ret_detail)
{
	char path[PATH_MAX];
	unsigned nr, added;
	if (!a->result || safe_atou(a->result, 10, &added) < 0)
		return say(HOST_NOT_CHECKED, ret_detail, NULL);
	snprintf(path, sizeof path, "%s/nr_hugepages", a->target);
	if (read_attr_uint_at(h->root->sys_fd, path, 10, &nr) < 0)
		return say(HOST_NOT_CHECKED, ret_detail, NULL);
	return say(nr >= added ? HOST_MATCHES : HOST_DIFFERS, ret_detail,
		   strdup_printf("%u pages", nr));
}

static enum host_match check_governor(const struct host *h, const struct action *a,
				      char **ret_detail)
{
	char path[PATH_MAX], gov[64];
	snprintf(path, sizeof path, "devices/system/cpu/%s/cpufreq/scaling_governor", a->target);
	if (read_attr_at(h->root->sys_fd, path, gov, sizeof gov) < 0)
		return say(HOST_NOT_CHECKED, ret_detail, NULL);
	return say(streq(gov, "performance") ? HOST_MATCHES : HOST_DIFFERS, ret_detail,
		   strdup(gov));
}

/* mountinfo's mount point field, with its octal escapes (\040 for a space) undone in place. */
static void unescape_octal(char *s)
{
	char *o = s;
	for (char *c = s; *c; c++) {
		if (c[0] == '\\' && c[1] >= '0' && c[1] <= '3' && c[2] >= '0' && c[2] <= '7' &&
		    c[3] >= '0' && c[3] <= '7') {
			*o++ = (char)((c[1] - '0') * 64 + (c[2] - '0') * 8 + (c[3] - '0'));
			c += 3;
		} else
			*o++ = *c;
	}
	*o = 0;
}

static enum host_match check_unmounted(const struct host *h, const struct action *a,
				       char **ret_detail)
{
	_cleanup_free_ char *text = NULL;
	if (read_attr_alloc_at(h->root->proc_fd, "self/mountinfo", 4u << 20, &text) < 0)
		return say(HOST_NOT_CHECKED, ret_detail, NULL);
	char *save = NULL;
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *f = NULL, *s2 = NULL;
		unsigned n = 0;
		for (char *t = strtok_r(l, " ", &s2); t; t = strtok_r(NULL, " ", &s2))
			if (++n == 5) {
				f = t;
				break;
			}
		if (!f)
			continue;
		unescape_octal(f);
		if (streq(f, a->target))
			return say(HOST_DIFFERS, ret_detail, strdup("mounted"));
	}
	return say(HOST_MATCHES, ret_detail, strdup("not mounted"));
}

enum host_match host_check_action(const struct host *h, const struct action *a, char **ret_detail)
{
	switch (a->kind) {
	case ACTION_BIND_VFIO:
	case ACTION_UNBIND_PCI:
		return check_pci_driver(h, a, ret_detail);
	case ACTION_UNLOAD_MODULE:
		return module_is_loaded(h->root->sys_fd, a->target) ?
			       say(HOST_DIFFERS, ret_detail, strdup("loaded")) :
			       say(HOST_MATCHES, ret_detail, strdup("not loaded"));
	case ACTION_LOAD_MODULE:
		/* vfio-pci may be built in: then its registered driver is what host_load saw. */
		return module_is_loaded(h->root->sys_fd, a->target) ||
				       (streq(a->target, "vfio-pci") &&
					h->vfio_pci == VFIO_PCI_LOADED) ?
			       say(HOST_MATCHES, ret_detail, strdup("loaded")) :
			       say(HOST_DIFFERS, ret_detail, strdup("not loaded"));
	case ACTION_STOP_UNIT:
		return check_unit(h, a, false, ret_detail);
	case ACTION_START_UNIT:
		return check_unit(h, a, true, ret_detail);
	case ACTION_STOP_USER_UNIT:
		return check_user_unit(h, a, ret_detail);
	case ACTION_UNBIND_VTCON:
		return check_vtcon(h, a, ret_detail);
	case ACTION_UNBIND_PLATFORM:
		return check_platform(h, a, ret_detail);
	case ACTION_ALLOC_HUGEPAGES:
		return check_hugepages(h, a, ret_detail);
	case ACTION_SET_GOVERNOR:
		return check_governor(h, a, ret_detail);
	case ACTION_UNMOUNT:
		return check_unmounted(h, a, ret_detail);
	/* Sessions, processes, cgroups, firewalld, exports, labels, scripts: more than one cheap
	 * read would say, or nothing to compare with. */
	case ACTION_TERMINATE_SESSION:
	case ACTION_RELEASE_NODES:
	case ACTION_RUN_SCRIPT:
	case ACTION_SET_ALLOWED_CPUS:
	case ACTION_OPEN_SERVICE:
	case ACTION_EXPORT_NFS:
	case ACTION_LABEL_SMB:
	case _ACTION_KIND_MAX:
	case _ACTION_KIND_INVALID:
		break;
	}
	return say(HOST_NOT_CHECKED, ret_detail, NULL);
}
