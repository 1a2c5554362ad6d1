// SPDX-License-Identifier: GPL-2.0-or-later
/* Stage holders: whatever still has a passed device's node open gets SIGTERM, then SIGKILL. */
#include "stages.h"
#include "strutil.h"

static int describe(struct plan_ctx *ctx, const struct pci_function *d, char **ret)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	if (!f)
		return -ENOMEM;
	const char *sep = "";
	for (size_t i = 0; i < ctx->n_holders; i++) {
		const struct node_holder *h = &ctx->holders[i];
		bool mine = false;
		for (size_t k = 0; k < d->n_nodes; k++)
			mine |= streq(d->nodes[k].devname, h->devname);
		if (!mine)
			continue;
		_cleanup_free_ char *comm = str_escape(strna(h->comm), 32);
		fprintf(f, "%s%s%s[%d]", sep, plan_ctx_holder_covered(ctx, h) ? "" : "kill ",
			strna(comm), (int)h->pid);
		sep = ", ";
	}
	if (!*sep)
		fputs("nothing holds them now", f);
	if (fclose(f) != 0) {
		free(buf);
		return -ENOMEM;
	}
	*ret = buf;
	return 0;
}

int stage_holders_plan(struct plan_ctx *ctx)
{
	for (size_t i = 0; i < ctx->n_holders; i++) {
		const struct node_holder *h = &ctx->holders[i];
		if (plan_ctx_holder_covered(ctx, h))
			continue;
		/* Never signal init or anything in its scope: that is not a desktop app. */
		if (h->pid == 1 || (h->cgroup && streq(h->cgroup, "/init.scope"))) {
			int r = plan_refuse(ctx->plan, "PID %d (%s) holds /dev/%s and cannot be stopped",
					    (int)h->pid, strna(h->comm), h->devname);
			if (r < 0)
				return r;
		}
	}
	for (size_t i = 0; i < ctx->n_passed; i++) {
		const struct pci_function *d = ctx->passed[i];
		if (d->n_nodes == 0)
			continue;
		_cleanup_free_ char *why = NULL;
		int r = describe(ctx, d, &why);
		if (r < 0)
			return r;
		r = plan_add(ctx->plan, STAGE_HOLDERS, ACTION_RELEASE_NODES, d->name, NULL, why, 0);
		if (r < 0)
			return r;
	}
	return 0;
}
