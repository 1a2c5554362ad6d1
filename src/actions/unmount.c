// SPDX-License-Identifier: GPL-2.0-or-later
/* unmount: a filesystem on a disk the VM takes, unmounted; mounted back as it was after, a bind
 * mount as the directory it showed. */
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/action-type.h"
#include "host/block.h"
#include "lib/fileio.h"
#include "lib/log.h"
#include "lib/strutil.h"
#include "validate.h"

/* A bind mount's directory in its filesystem, escaped as mountinfo writes it: a clean absolute
 * path other than "/" once decoded. */
static bool is_bind_root(const char *s)
{
	_cleanup_free_ char *decoded = mount_unescape(s);
	return s[0] == '/' && decoded && is_clean_abs_path(decoded);
}

/* "SOURCE FSTYPE OPTIONS SUPER-OPTIONS [BIND-ROOT]" of a block device's mount, as mountinfo
 * wrote them; BIND-ROOT only for a bind mount of a directory (mount_bind_root). */
static bool is_mount_how(const char *s)
{
	char source[PATH_MAX], fstype[256], opts[1024], super[1024], root[PATH_MAX], extra[2];
	if (!str_is_printable_ascii(s))
		return false;
	int n = sscanf(s, "%4095s %255s %1023s %1023s %4095s %1s", source, fstype, opts, super,
		       root, extra);
	if (n != 4 && n != 5)
		return false;
	_cleanup_free_ char *rebuilt = strdup_printf("%s %s %s %s%s%s", source, fstype, opts, super,
						     n == 5 ? " " : "", n == 5 ? root : "");
	return rebuilt && streq(rebuilt, s) && startswith(source, "/dev/") &&
	       !strstr(source, "/..") && !strstr(source, "/./") && strlen(fstype) <= 64 &&
	       str_is_alnum_or(fstype, "._+-") && str_is_alnum_or(opts, ",=_-.:/") &&
	       (n == 4 || is_bind_root(root));
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

/* Per-mount options as mount(2) flags and as mount_setattr(2) attributes (0: none there). */
static const struct {
	const char *name;
	unsigned long flag;
	uint64_t attr;
} mount_flags[] = {
	{ "ro", MS_RDONLY, MOUNT_ATTR_RDONLY },
	{ "nosuid", MS_NOSUID, MOUNT_ATTR_NOSUID },
	{ "nodev", MS_NODEV, MOUNT_ATTR_NODEV },
	{ "noexec", MS_NOEXEC, MOUNT_ATTR_NOEXEC },
	{ "sync", MS_SYNCHRONOUS, 0 },
	{ "dirsync", MS_DIRSYNC, 0 },
	{ "noatime", MS_NOATIME, MOUNT_ATTR_NOATIME },
	{ "nodiratime", MS_NODIRATIME, MOUNT_ATTR_NODIRATIME },
	{ "relatime", MS_RELATIME, MOUNT_ATTR_RELATIME },
	{ "strictatime", MS_STRICTATIME, MOUNT_ATTR_STRICTATIME },
	{ "lazytime", MS_LAZYTIME, 0 },
};

static bool has_opt(const char *opts, const char *name)
{
	_cleanup_free_ char *copy = strdup(opts);
	char *save = NULL;
	for (char *o = copy ? strtok_r(copy, ",", &save) : NULL; o; o = strtok_r(NULL, ",", &save))
		if (streq(o, name))
			return true;
	return false;
}

static unsigned long parse_flags(const char *opts)
{
	unsigned long flags = 0;
	for (size_t i = 0; i < ARRAY_SIZE(mount_flags); i++)
		if (has_opt(opts, mount_flags[i].name))
			flags |= mount_flags[i].flag;
	return flags;
}

static uint64_t parse_attrs(const char *opts)
{
	uint64_t attrs = 0;
	for (size_t i = 0; i < ARRAY_SIZE(mount_flags); i++)
		if (has_opt(opts, mount_flags[i].name))
			attrs |= mount_flags[i].attr;
	return attrs;
}

/* The filesystem just mounted whole at target replaced by a bind mount of its directory root
 * (escaped as mountinfo writes it) with the per-mount options opts. The directory is opened
 * beneath the mount, through no symbolic link and no other mount (the VM has written this
 * filesystem), cloned, and the clone moved in once the whole one is unmounted. */
static int bind_in_place(const char *target, const char *root, const char *opts)
{
	_cleanup_free_ char *dir = mount_unescape(root);
	if (!dir)
		return -ENOMEM;
	_cleanup_close_ int top = open(target, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (top < 0)
		return -errno;
	struct open_how how = { .flags = O_PATH | O_CLOEXEC,
				.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV |
					   RESOLVE_NO_MAGICLINKS };
	_cleanup_close_ int sub = (int)syscall(SYS_openat2, top, dir + 1, &how, sizeof how);
	if (sub < 0)
		return -errno;
	_cleanup_close_ int tree = open_tree(sub, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
							 AT_EMPTY_PATH);
	if (tree < 0)
		return -errno;
	struct mount_attr attr = {
		.attr_set = parse_attrs(opts),
		.attr_clr = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
			    MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NODIRATIME | MOUNT_ATTR__ATIME,
	};
	if (mount_setattr(tree, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0)
		return -errno;
	/* Our descriptors would keep the whole one busy. */
	closep(&top);
	closep(&sub);
	top = sub = -1;
	if (umount2(target, UMOUNT_NOFOLLOW) < 0 ||
	    move_mount(tree, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return -errno;
	return 0;
}

static int undo(struct exec_ctx *ctx, struct action *a)
{
	char source[PATH_MAX], fstype[256], opts[1024], super[1024], root[PATH_MAX] = "";
	if (!ctx->root->live)
		return -EOPNOTSUPP;
	if (!a->prior || sscanf(a->prior, "%4095s %255s %1023s %1023s %4095s", source, fstype,
				opts, super, root) < 4)
		return log_error_errno(-EINVAL, "No record of how %s was mounted", a->target);
	if (is_mounted(ctx, a->target))
		return ACTION_NOOP;
	_cleanup_free_ char *src = mount_unescape(source);
	bool sb_ro = has_opt(super, "ro"); /* before super is cut up below */
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
	unsigned long flags = parse_flags(opts);
	/* A bind mount's filesystem first whole, read-only only if its superblock is: another
	 * mount of it may be writable. The bind's own options come with the bind. */
	if (!!root[0])
		flags = (flags & ~(unsigned long)MS_RDONLY) | (sb_ro ? MS_RDONLY : 0);
	if (!src || mount(src, a->target, fstype, flags, isempty(data) ? NULL : data) < 0)
		return log_error_errno(src ? -errno : -ENOMEM, "Cannot mount %s on %s again: %m",
				       strna(src), a->target);
	if (!root[0]) {
		log_info("Mounted %s on %s again", src, a->target);
		return 0;
	}
	int r = bind_in_place(a->target, root, opts);
	if (r < 0) {
		(void)umount2(a->target, UMOUNT_NOFOLLOW);
		return log_error_errno(r, "Cannot bind %s of %s on %s again: %m", root, src,
				       a->target);
	}
	log_info("Mounted %s of %s on %s again", root, src, a->target);
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
	.prior_is = "a /dev source, file system type and options (and a bound directory)",
	.run = run,
	.undo = undo,
	.undo_text = undo_text,
	.check = check,
};
