// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What a journal record may say. Release hands these values, as root, to sysfs paths,
 * libkmod, systemd, mount(2), exportfs, setxattr and override executables: each is held to
 * the form vfio-hook itself writes, so a tampered or corrupted journal is refused before
 * anything acts on it.
 */
#include <ctype.h>
#include <limits.h>

#include "core/journal.h"
#include "input/config.h"
#include "input/cpuset.h"
#include "input/domain.h"
#include "input/pci-addr.h"
#include "lib/strutil.h"
#include "system/firewall.h"
#include "system/sysfs-bind.h"

/* The sysfs form, exactly as the kernel prints it ("0000:01:00.0"). */
static bool is_pci_name(const char *s)
{
	struct pci_addr a;
	char canonical[PCI_ADDR_STR_MAX];
	if (pci_addr_parse(s, &a) < 0)
		return false;
	pci_addr_format(&a, canonical);
	return streq(s, canonical);
}

static bool is_driver_name(const char *s)
{
	return sysfs_name_is_safe(s);
}

static bool is_driver_or_none(const char *s)
{
	return streq(s, "none") || is_driver_name(s);
}

/* What libkmod and /sys/module take: no path, no alias. */
static bool is_module_name(const char *s)
{
	return !isempty(s) && strlen(s) <= 64 && str_is_alnum_or(s, "_-");
}

/* systemd's grammar: prefix[@instance].type, plain characters, below 256 bytes. */
static bool is_unit_with(const char *s, const char *const *types)
{
	const char *dot = strrchr(s, '.');
	if (!dot || dot == s || strlen(s) > 255 || s[0] == '.' || s[0] == '-' ||
	    !str_is_alnum_or(s, ":-_.\\@"))
		return false;
	for (const char *const *t = types; *t; t++)
		if (streq(dot + 1, *t))
			return strchr(s, '@') == strrchr(s, '@');
	return false;
}

static bool is_unit_name(const char *s)
{
	static const char *const types[] = { "service", "socket", "target", "scope", "mount",
					     "timer", "path", "slice", "swap", "device",
					     "automount", NULL };
	return is_unit_with(s, types);
}

static bool is_slice_or_scope(const char *s)
{
	static const char *const types[] = { "slice", "scope", NULL };
	return is_unit_with(s, types);
}

static bool is_session_id(const char *s)
{
	return !isempty(s) && strlen(s) <= 64 && str_is_alnum_or(s, "_-.");
}

/* "<prefix><decimal>" with no leading zero, below max. */
static bool is_numbered(const char *s, const char *prefix, unsigned max)
{
	unsigned n;
	char canonical[64];
	if (!startswith(s, prefix) || safe_atou(s + strlen(prefix), 10, &n) < 0 || n >= max)
		return false;
	snprintf(canonical, sizeof canonical, "%s%u", prefix, n);
	return streq(s, canonical);
}

static bool is_vtcon(const char *s)
{
	return is_numbered(s, "vtcon", 64);
}

static bool is_cpu_name(const char *s)
{
	return is_numbered(s, "cpu", CPUSET_MAX);
}

static bool is_count(const char *s)
{
	return is_numbered(s, "", UINT_MAX);
}

static bool is_governor(const char *s)
{
	if (isempty(s) || strlen(s) > 32)
		return false;
	for (; *s; s++)
		if (!(('a' <= *s && *s <= 'z') || ('0' <= *s && *s <= '9') || *s == '_'))
			return false;
	return true;
}

/* One of the two sysfs pool forms the hugepages stage writes, reprinted identically. */
static bool is_hugepage_pool(const char *s)
{
	unsigned node;
	unsigned long long kib;
	char canonical[PATH_MAX], tail[2];
	if (sscanf(s, "kernel/mm/hugepages/hugepages-%llukB%1s", &kib, tail) == 1)
		snprintf(canonical, sizeof canonical, "kernel/mm/hugepages/hugepages-%llukB", kib);
	else if (sscanf(s, "devices/system/node/node%u/hugepages/hugepages-%llukB%1s", &node, &kib,
			tail) == 2)
		snprintf(canonical, sizeof canonical,
			 "devices/system/node/node%u/hugepages/hugepages-%llukB", node, kib);
	else
		return false;
	return streq(s, canonical);
}

static bool is_cpus_or_all(const char *s)
{
	struct cpuset set;
	return streq(s, "all") || (str_is_alnum_or(s, ",-") && cpuset_parse(s, &set) == 0);
}

/* Absolute, no "." or ".." component, no empty one, no control character: not "/" itself. */
static bool is_clean_abs_path(const char *s)
{
	if (s[0] != '/' || strlen(s) < 2 || strlen(s) >= PATH_MAX || endswith(s, "/"))
		return false;
	for (const unsigned char *c = (const unsigned char *)s; *c; c++)
		if (*c < 0x20 || *c == 0x7f)
			return false;
	_cleanup_free_ char *copy = strdup(s);
	if (!copy)
		return false;
	for (char *p = copy + 1, *end; p; p = end ? end + 1 : NULL) {
		end = strchr(p, '/');
		if (end)
			*end = 0;
		if (!*p || streq(p, ".") || streq(p, ".."))
			return false;
	}
	return true;
}

static bool is_mount_point(const char *s)
{
	return is_clean_abs_path(s);
}

/* The grammar config.c accepts for nfs_shares and smb_shares. */
static bool is_share_path(const char *s)
{
	return is_clean_abs_path(s) && strlen(s) < 256 && str_is_alnum_or(s, "/._+-@");
}

/* "SOURCE FSTYPE OPTIONS SUPER-OPTIONS" of a block device's mount, as mountinfo wrote them. */
static bool is_mount_how(const char *s)
{
	char source[PATH_MAX], fstype[256], opts[1024], super[1024], extra[2];
	if (!str_is_printable_ascii(s) ||
	    sscanf(s, "%4095s %255s %1023s %1023s %1s", source, fstype, opts, super, extra) != 4)
		return false;
	_cleanup_free_ char *rebuilt = strdup_printf("%s %s %s %s", source, fstype, opts, super);
	return rebuilt && streq(rebuilt, s) && startswith(source, "/dev/") &&
	       !strstr(source, "/..") && !strstr(source, "/./") && strlen(fstype) <= 64 &&
	       str_is_alnum_or(fstype, "._+-") && str_is_alnum_or(opts, ",=_-.:/");
}

/* "zone:service" in firewalld. */
static bool is_zone_service(const char *s)
{
	const char *colon = strchr(s, ':');
	if (!colon || colon == s)
		return false;
	_cleanup_free_ char *zone = strndup(s, (size_t)(colon - s));
	return zone && firewall_name_is_valid(zone) && firewall_name_is_valid(colon + 1);
}

/* "client:/path" as exportfs takes it: the client never starts like an option. */
static bool is_nfs_export(const char *s)
{
	const char *colon = strchr(s, ':');
	if (!colon || colon == s || s[0] == '-' || (size_t)(colon - s) >= 128)
		return false;
	_cleanup_free_ char *client = strndup(s, (size_t)(colon - s));
	return client && str_is_alnum_or(client, "./*-_[]") && is_share_path(colon + 1);
}

static bool is_nfs_options(const char *s)
{
	return !isempty(s) && strlen(s) <= 256 && str_is_alnum_or(s, ",=_");
}

/* user:role:type:level[...], what getxattr("security.selinux") gave. */
static bool is_selinux_context(const char *s)
{
	size_t colons = 0;
	for (const char *c = s; *c; c++)
		colons += *c == ':';
	return strlen(s) < 256 && colons >= 3 && s[0] != ':' && str_is_alnum_or(s, ":_.,-");
}

static bool is_before_or_after(const char *s)
{
	return streq(s, "before") || streq(s, "after");
}

/* OVERRIDE_DIR/{default,<vm>,<uuid>}/{before,after}-<stage>...: an executable we may run. */
static bool is_override_path(const char *s)
{
	if (!startswith(s, OVERRIDE_DIR "/") || !is_clean_abs_path(s) || !str_is_printable_ascii(s))
		return false;
	const char *sub = s + strlen(OVERRIDE_DIR "/"), *slash = strchr(sub, '/');
	if (!slash || strchr(slash + 1, '/') || strchr(slash + 1, ' ') ||
	    !(startswith(slash + 1, "before-") || startswith(slash + 1, "after-")))
		return false;
	_cleanup_free_ char *dir = strndup(sub, (size_t)(slash - sub));
	return dir && (streq(dir, "default") || vm_name_is_valid(dir) || uuid_is_valid(dir));
}

/* Words the plan shows as what an action expects ("active", "not loaded"): never used. */
static bool is_label(const char *s)
{
	return strlen(s) <= 256 && str_is_printable_ascii(s);
}

struct rule {
	bool (*target)(const char *s);
	const char *target_is;
	bool (*prior)(const char *s); /* NULL: a label, or nothing */
	const char *prior_is;
	enum stage_id stage;
	bool any_stage;
	bool one_of_the_devices;      /* the target is a PCI function the VM took */
	bool result;                  /* a count of what was added */
};

#define TARGET(fn, what) .target = (fn), .target_is = (what)
#define PRIOR(fn, what) .prior = (fn), .prior_is = (what)
static const struct rule rules[_ACTION_KIND_MAX] = {
	[ACTION_STOP_UNIT] = { .stage = STAGE_DISPLAY_MANAGER, TARGET(is_unit_name, "a unit name") },
	[ACTION_TERMINATE_SESSION] = { .stage = STAGE_SESSIONS,
				       TARGET(is_session_id, "a session id") },
	[ACTION_STOP_USER_UNIT] = { .stage = STAGE_AUDIO, TARGET(is_unit_name, "a unit name") },
	[ACTION_RELEASE_NODES] = { .stage = STAGE_HOLDERS, TARGET(is_pci_name, "a PCI address"),
				   .one_of_the_devices = true },
	[ACTION_UNBIND_VTCON] = { .stage = STAGE_VTCONSOLE,
				  TARGET(is_vtcon, "a vtconN console") },
	[ACTION_UNBIND_PLATFORM] = { .stage = STAGE_FRAMEBUFFER,
				     TARGET(is_driver_name, "a platform device"),
				     PRIOR(is_driver_name, "a driver name") },
	[ACTION_UNBIND_PCI] = { .stage = STAGE_DRIVERS, TARGET(is_pci_name, "a PCI address"),
				PRIOR(is_driver_name, "a driver name"), .one_of_the_devices = true },
	[ACTION_UNLOAD_MODULE] = { .stage = STAGE_DRIVERS,
				   TARGET(is_module_name, "a module name") },
	[ACTION_LOAD_MODULE] = { .stage = STAGE_VFIO, TARGET(is_module_name, "a module name") },
	[ACTION_BIND_VFIO] = { .stage = STAGE_VFIO, TARGET(is_pci_name, "a PCI address"),
			       PRIOR(is_driver_or_none, "a driver name or none"),
			       .one_of_the_devices = true },
	[ACTION_RUN_SCRIPT] = { .any_stage = true,
				TARGET(is_override_path, "an executable in " OVERRIDE_DIR),
				PRIOR(is_before_or_after, "before or after") },
	[ACTION_SET_ALLOWED_CPUS] = { .stage = STAGE_CPU_ISOLATION,
				      TARGET(is_slice_or_scope, "a slice or scope"),
				      PRIOR(is_cpus_or_all, "a CPU list or all") },
	[ACTION_ALLOC_HUGEPAGES] = { .stage = STAGE_HUGEPAGES,
				     TARGET(is_hugepage_pool, "a sysfs huge page pool"),
				     PRIOR(is_count, "a page count"), .result = true },
	[ACTION_SET_GOVERNOR] = { .stage = STAGE_CPU_GOVERNOR, TARGET(is_cpu_name, "a cpuN name"),
				  PRIOR(is_governor, "a governor name") },
	[ACTION_UNMOUNT] = { .stage = STAGE_DRIVES,
			     TARGET(is_mount_point, "a mount point other than /"),
			     PRIOR(is_mount_how, "a /dev source, file system type and options") },
	[ACTION_OPEN_SERVICE] = { .stage = STAGE_FIREWALL,
				  TARGET(is_zone_service, "zone:service") },
	[ACTION_START_UNIT] = { .stage = STAGE_SHARES, TARGET(is_unit_name, "a unit name") },
	[ACTION_EXPORT_NFS] = { .stage = STAGE_SHARES, TARGET(is_nfs_export, "client:/path"),
				PRIOR(is_nfs_options, "export options") },
	[ACTION_LABEL_SMB] = { .stage = STAGE_SHARES, TARGET(is_share_path, "a share directory"),
			       PRIOR(is_selinux_context, "an SELinux context") },
};
#undef TARGET
#undef PRIOR

static char *bad_value(const struct action *a, const char *field, const char *value,
		       const char *expected)
{
	_cleanup_free_ char *e = str_escape(value, 64);
	return strdup_printf("%s %s '%s' is not %s", action_kind_to_string(a->kind), field,
			     strna(e), expected);
}

char *journal_action_problem(const struct action *a, const struct strv_index *devices)
{
	const struct rule *r = &rules[a->kind];
	if (!r->any_stage && a->stage != r->stage)
		return strdup_printf("%s in stage %s, which never does that",
				     action_kind_to_string(a->kind), stage_to_string(a->stage));
	if (!r->target(a->target))
		return bad_value(a, "target", a->target, r->target_is);
	if (r->one_of_the_devices && !strv_index_contains(devices, a->target))
		return strdup_printf("%s of %s, which is not one of the VM's devices",
				     action_kind_to_string(a->kind), a->target);
	if (r->prior && !a->prior)
		return strdup_printf("%s of %s lacks its expectation, %s",
				     action_kind_to_string(a->kind), a->target, r->prior_is);
	if (a->prior && !(r->prior ? r->prior(a->prior) : is_label(a->prior)))
		return bad_value(a, "expectation", a->prior, r->prior ? r->prior_is : "a label");
	if (a->result && !(r->result && is_count(a->result)))
		return bad_value(a, "result", a->result, r->result ? "a count" : "empty");
	if (a->uid == (uid_t)-1)
		return strdup_printf("%s of %s for uid -1", action_kind_to_string(a->kind),
				     a->target);
	return NULL;
}
