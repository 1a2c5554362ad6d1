// SPDX-License-Identifier: GPL-2.0-or-later
/* unmount: a filesystem on a disk the VM takes, unmounted; mounted back as it was after. */
#include <limits.h>
#include <sys/mount.h>

#include "core/action-type.h"
#include "host/block.h"
#include "lib/fileio.h"
#include "lib/log.h"
#include "lib/strutil.h"
#include "validate.h"

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

static bool is_mounted(struct exec_ctx *ctx, const char *target)
{
	struct mount_entry *m = NULL;
	size_t n = 0;
	bool found = false;
	if (mounts_read(ctx->root->proc_fd, &m, &n) < 0)
		return false;
	for (size_t i = 0; i < n; i++)
		found |= streq(m[i].target, target);
	mounts_free(m, n);
	return found;
}

static int run(struct exec_ctx *ctx, struct action *a)
{
	if (!ctx->root->live)
		return -EOPNOTSUPP;
	if (a->target[0] != '/' || strstr(a->target, "/../") || !is_mounted(ctx, a->target))
		return ACTION_NOOP;
	/* Never lazy, never forced: a busy filesystem is a reason not to start the VM. */
	if (umount2(a->target, UMOUNT_NOFOLLOW) < 0)
		return log_error_errno(-errno, "Cannot unmount %s%s: %m", a->target,
				       errno == EBUSY ? " (a process is using it)" : "");
	log_info("Unmounted %s", a->target);
	return 0;
}

static const struct {
	const char *name;
	unsigned long flag;
} mount_flags[] = {
	{ "ro", MS_RDONLY },	     { "nosuid", MS_NOSUID },	  { "nodev", MS_NODEV },
	{ "noexec", MS_NOEXEC },     { "sync", MS_SYNCHRONOUS }, { "dirsync", MS_DIRSYNC },
	{ "noatime", MS_NOATIME },   { "nodiratime", MS_NODIRATIME },
	{ "relatime", MS_RELATIME }, { "strictatime", MS_STRICTATIME },
	{ "lazytime", MS_LAZYTIME },
};

static unsigned long parse_flags(const char *opts)
{
	unsigned long flags = 0;
	_cleanup_free_ char *copy = strdup(opts);
	char *save = NULL;
	for (char *o = copy ? strtok_r(copy, ",", &save) : NULL; o; o = strtok_r(NULL, ",", &save))
		for (size_t i = 0; i < ARRAY_SIZE(mount_flags); i++)
			if (streq(o, mount_flags[i].name))
				flags |= mount_flags[i].flag;
	return flags;
}

static int undo(struct exec_ctx *ctx, struct action *a)
{
	char source[PATH_MAX], fstype[256], opts[1024], super[1024];
	if (!ctx->root->live)
		return -EOPNOTSUPP;
	if (!a->prior || sscanf(a->prior, "%4095s %255s %1023s %1023s", source, fstype, opts,
				super) != 4)
		return log_error_errno(-EINVAL, "No record of how %s was mounted", a->target);
	if (is_mounted(ctx, a->target))
		return ACTION_NOOP;
	_cleanup_free_ char *src = mount_unescape(source);
	/* Superblock options (errors=remount-ro, ...) as data; "rw"/"ro" live in the flags. */
	_cleanup_free_ char *data = NULL;
	if (!streq(super, "-")) {
		/* Mounting without them would bring the filesystem back with other options. */
		if (!(data = calloc(1, strlen(super) + 1)))
			return log_error_errno(-ENOMEM, "Cannot mount %s on %s again: %m", source,
					       a->target);
		char *save = NULL;
		for (char *o = strtok_r(super, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
			if (streq(o, "rw") || streq(o, "ro"))
				continue;
			if (*data)
				strcat(data, ",");
			strcat(data, o);
		}
	}
	if (!src || mount(src, a->target, fstype, parse_flags(opts), isempty(data) ? NULL : data) < 0)
		return log_error_errno(src ? -errno : -ENOMEM, "Cannot mount %s on %s again: %m",
				       strna(src), a->target);
	log_info("Mounted %s on %s again", src, a->target);
	return 0;
}

static char *undo_text(const struct action *a)
{
	return strdup("mount it again");
}

static enum host_match check(const struct host *h, const struct action *a, char **ret_detail)
{
	_cleanup_free_ char *text = NULL;
	if (read_attr_alloc_at(h->root->proc_fd, "self/mountinfo", 4u << 20, &text) < 0)
		return host_check_say(HOST_NOT_CHECKED, ret_detail, NULL);
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
		_cleanup_free_ char *point = mount_unescape(f);
		if (point && streq(point, a->target))
			return host_check_say(HOST_DIFFERS, ret_detail, strdup("mounted"));
	}
	return host_check_say(HOST_MATCHES, ret_detail, strdup("not mounted"));
}

const struct action_type action_unmount = {
	.name = "unmount",
	.verb = "unmount",
	.stage = STAGE_DRIVES,
	.target_ok = is_clean_abs_path,
	.target_is = "a mount point other than /",
	.prior_ok = is_mount_how,
	.prior_is = "a /dev source, file system type and options",
	.run = run,
	.undo = undo,
	.undo_text = undo_text,
	.check = check,
};
