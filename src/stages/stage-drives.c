// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Stage drives: filesystems mounted from a disk the VM gets (a <disk type='block'>, or a disk
 * behind a passed storage controller) are unmounted before it starts and mounted back where
 * they were afterwards: partitions of any naming and what is stacked on them (dm, LUKS, LVM).
 * Refused when the root filesystem or the VM's own images live there.
 */
#include <limits.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "host/block.h"
#include "lib/strutil.h"
#include "stages/stages.h"

struct devnum {
	unsigned major, minor;
};

static int collect(struct plan_ctx *ctx, char ***names)
{
	int r;
	for (char **d = ctx->dom->block_disks; d && *d; d++) {
		_cleanup_free_ char *k = NULL;
		if (block_resolve(ctx->host, *d, &k) < 0) {
			_cleanup_free_ char *e = str_escape(*d, 256);
			if ((r = plan_refuse(ctx->plan, "disk %s: no such block device", strna(e))) < 0)
				return r;
			continue;
		}
		if ((r = block_tree(ctx->host, k, names)) < 0)
			return r;
	}
	for (size_t i = 0; i < ctx->n_passed; i++) {
		_cleanup_strv_free_ char **disks = NULL;
		if ((r = block_disks_of_pci(ctx->host, ctx->passed[i]->name, &disks)) < 0)
			return r;
		for (char **k = disks; k && *k; k++)
			if ((r = block_tree(ctx->host, *k, names)) < 0)
				return r;
	}
	return 0;
}

static const char *on_disk(const struct plan_ctx *ctx, char **names, unsigned maj, unsigned min)
{
	for (char **n = names; n && *n; n++) {
		unsigned a, b;
		if (block_dev_number(ctx->host, *n, &a, &b) >= 0 && a == maj && b == min)
			return *n;
	}
	return NULL;
}

int stage_drives_plan(struct plan_ctx *ctx)
{
	_cleanup_strv_free_ char **names = NULL;
	struct mount_entry *mounts = NULL;
	size_t n = 0;
	int r = collect(ctx, &names);
	if (r < 0 || !names)
		return r;
	if ((r = mounts_read(ctx->host->root->proc_fd, &mounts, &n)) < 0)
		return plan_refuse(ctx->plan, "cannot read the mount table: %s", strerror(-r));

	/* The VM's own images on a disk it takes would vanish under it. */
	for (char **f = ctx->dom->file_disks; r >= 0 && f && *f; f++) {
		struct stat st;
		_cleanup_free_ char *full = sysroot_path(ctx->host->root, *f);
		const char *k;
		if (full && stat(full, &st) == 0 &&
		    (k = on_disk(ctx, names, major(st.st_dev), minor(st.st_dev))))
			r = plan_refuse(ctx->plan, "the VM's image %s lives on %s, which it would take",
					*f, k);
	}
	/* Children before parents: the mount table lists parents first. */
	for (size_t i = n; r >= 0 && i-- > 0;) {
		const struct mount_entry *m = &mounts[i];
		const char *k = on_disk(ctx, names, m->major, m->minor);
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
	mounts_free(mounts, n);
	return r;
}
