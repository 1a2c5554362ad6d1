// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Stage drives: filesystems mounted from a disk the VM gets (a <disk type='block'>, or a disk
 * behind a passed storage controller) are unmounted before it starts and mounted back where
 * they were afterwards: partitions of any naming and what is stacked on them (dm, LUKS, LVM).
 * Refused when the root filesystem or the VM's own images live there.
 */
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
		/* A bind mount's directory last: it comes back as that, not the whole
		 * filesystem. */
		const char *bind = mount_bind_root(m);
		_cleanup_free_ char *how = strdup_printf("%s %s %s %s%s%s", m->source, m->fstype,
							 m->options, isempty(m->super_opts) ? "-" :
							 m->super_opts, bind ? " " : "", bind ?: "");
		_cleanup_free_ char *why = strdup_printf("on %s", k);
		if (!how || !why)
			r = -ENOMEM;
		else
			r = plan_add(ctx->plan, STAGE_DRIVES, ACTION_UNMOUNT, m->target, how, why, 0);
	}
	return r;
}
