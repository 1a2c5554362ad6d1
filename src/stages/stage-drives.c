// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Stage drives: filesystems mounted from a disk the VM gets (a <disk type='block'>, or a disk
 * behind a passed storage controller) are unmounted before it starts and mounted back where
 * they were afterwards: partitions of any naming and what is stacked on them (dm, LUKS, LVM).
 * Swap there is swapped off first (a swap file keeps its filesystem busy) and on again after.
 * Refused when the root filesystem or the VM's own images live there, or when memory and the
 * host's other swap have no room for what that swap holds.
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

/* Swap on the VM's disks, off before anything is unmounted; refused when what it holds would
 * not fit in what memory has available plus the free space of the host's other swap. */
static int plan_swaps(struct plan_ctx *ctx)
{
	const struct host *h = ctx->host;
	unsigned long long held = 0, room = h->mem_available_kib;
	const struct swap_area *first = NULL;
	size_t n_on = 0;
	int r;
	if (h->swaps_error < 0)
		return plan_refuse(ctx->plan, "cannot read /proc/swaps: %s",
				   strerror(-h->swaps_error));
	for (size_t i = 0; i < h->n_swaps; i++) {
		const struct swap_area *s = &h->swaps[i];
		if (s->numbered && on_disk(h, s->major, s->minor)) {
			held += s->used_kib;
			first = first ?: s;
			n_on++;
		} else if (s->size_kib > s->used_kib) {
			room += s->size_kib - s->used_kib;
		}
	}
	if (!first)
		return 0;
	if (held > room) {
		_cleanup_free_ char *e = str_escape(first->path, 256);
		return plan_refuse(ctx->plan, "swap %s%s holds %llu MiB, and memory and other swap "
				   "have room for %llu MiB: swapping it off could not work",
				   strna(e), n_on > 1 ? " (and the VM's disks' other swap)" : "",
				   held / 1024, room / 1024);
	}
	for (size_t i = 0; i < h->n_swaps; i++) {
		const struct swap_area *s = &h->swaps[i];
		const char *k = s->numbered ? on_disk(h, s->major, s->minor) : NULL;
		if (!k)
			continue;
		char prio[16];
		snprintf(prio, sizeof prio, "%d", s->priority);
		_cleanup_free_ char *why = strdup_printf("%s on %s, %llu MiB in use",
							 s->is_file ? "swap file" : "swap", k,
							 s->used_kib / 1024);
		if (!why)
			return -ENOMEM;
		if ((r = plan_add(ctx->plan, STAGE_DRIVES, ACTION_SWAPOFF, s->path, prio, why, 0)) < 0)
			return r;
	}
	return 0;
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
	if (r >= 0)
		r = plan_swaps(ctx);
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
