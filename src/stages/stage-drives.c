// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Stage drives: filesystems mounted from a disk the VM gets (a <disk type='block'>, or a disk
 * behind a passed storage controller) are unmounted before it starts and mounted back where
 * they were afterwards: partitions of any naming and what is stacked on them (dm, LUKS, LVM).
 * Refused when the root filesystem or the VM's own images live there.
 */
#include <limits.h>
#include <sys/mount.h>

#include "host/block.h"
#include "lib/log.h"
#include "lib/strutil.h"
#include "stages/stages.h"

int stage_drives_load(const struct plan_ctx *ctx, struct host *host)
{
	if (!ctx->dom->block_disks && ctx->n_passed == 0)
		return 0;
	return host_load_vm_disks(host, ctx->dom->block_disks, ctx->passed, ctx->n_passed,
				  ctx->dom->file_disks);
}

/* Which of the devices the VM takes has this number; NULL if none. */
static const char *on_disk(const struct host *h, unsigned maj, unsigned min)
{
	for (size_t i = 0; i < h->n_vm_block_devs; i++) {
		const struct block_dev *b = &h->vm_block_devs[i];
		if (b->numbered && b->major == maj && b->minor == min)
			return b->name;
	}
	return NULL;
}

int stage_drives_plan(struct plan_ctx *ctx)
{
	const struct host *h = ctx->host;
	int r = 0;
	for (char **d = ctx->dom->block_disks; d && *d; d++) {
		if (!strv_contains(h->missing_disks, *d))
			continue;
		_cleanup_free_ char *e = str_escape(*d, 256);
		if ((r = plan_refuse(ctx->plan, "disk %s: no such block device", strna(e))) < 0)
			return r;
	}
	if (h->n_vm_block_devs == 0)
		return 0;
	if (h->mounts_error < 0)
		return plan_refuse(ctx->plan, "cannot read the mount table: %s",
				   strerror(-h->mounts_error));

	/* The VM's own images on a disk it takes would vanish under it. */
	for (size_t i = 0; r >= 0 && i < h->n_image_devs; i++) {
		const struct block_dev *f = &h->image_devs[i];
		const char *k = on_disk(h, f->major, f->minor);
		if (k)
			r = plan_refuse(ctx->plan, "the VM's image %s lives on %s, which it would take",
					f->name, k);
	}
	/* Children before parents: the mount table lists parents first. */
	for (size_t i = h->n_mounts; r >= 0 && i-- > 0;) {
		const struct mount_entry *m = &h->mounts[i];
		const char *k = on_disk(h, m->major, m->minor);
		if (!k)
			continue;
		if (streq(m->target, "/")) {
			r = plan_refuse(ctx->plan, "the root filesystem is on %s, which the VM would take",
					k);
			break;
		}
		_cleanup_free_ char *how = strdup_printf("%s %s %s %s", m->source, m->fstype,
							 m->options, isempty(m->super_opts) ? "-" :
							 m->super_opts);
		_cleanup_free_ char *why = strdup_printf("on %s", k);
		if (!how || !why)
			r = -ENOMEM;
		else
			r = plan_add(ctx->plan, STAGE_DRIVES, ACTION_UNMOUNT, m->target, how, why, 0);
	}
	return r;
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

int unmount_run(struct exec_ctx *ctx, struct action *a)
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

int unmount_undo(struct exec_ctx *ctx, struct action *a)
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
