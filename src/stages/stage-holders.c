// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Stage holders: for each passed function whose nodes something holds, a release-nodes action
 * (src/actions/release-nodes.c), with what holds them and what becomes of each in its reason.
 */
#include "lib/strutil.h"
#include "stages/stages.h"

static void describe_holder(struct plan_ctx *ctx, const struct node_holder *h, FILE *f)
{
	_cleanup_free_ char *comm = str_escape(strna(h->comm), 32);
	const char *session = plan_ctx_holder_session(ctx, h);
	if (node_holder_is_logind_copy(h))
		fprintf(f, "%s[%d] (logind's copy) goes with its session", strna(comm),
			(int)h->pid);
	else if (!plan_ctx_holder_covered(ctx, h))
		fprintf(f, "kill %s[%d]", strna(comm), (int)h->pid);
	else if (session)
		fprintf(f, "%s[%d] ends with session %s", strna(comm), (int)h->pid, session);
	else /* covered by a unit being stopped: a system or a user unit */
		fprintf(f, "%s[%d] stops with %s", strna(comm), (int)h->pid, strna(h->unit));
}

static int describe(struct plan_ctx *ctx, const struct dev_node *nodes, size_t n_nodes,
		    char **ret)
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
		for (size_t k = 0; k < n_nodes; k++)
			mine |= streq(nodes[k].devname, h->devname);
		if (!mine)
			continue;
		fputs(sep, f);
		describe_holder(ctx, h, f);
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
	for (size_t i = 0; i < ctx->n_passed; i++) {
		const struct pci_function *d = ctx->passed[i];
		_cleanup_free_ struct dev_node *nodes = NULL;
		size_t n_nodes = 0;
		int r = host_nodes_handed_over(ctx->host, d, ctx->plan->devices, &nodes, &n_nodes);
		if (r < 0)
			return r;
		if (n_nodes == 0)
			continue;
		_cleanup_free_ char *why = NULL;
		r = describe(ctx, nodes, n_nodes, &why);
		if (r < 0)
			return r;
		r = plan_add(ctx->plan, STAGE_HOLDERS, ACTION_RELEASE_NODES, d->name, NULL, why, 0);
		if (r < 0)
			return r;
	}
	return 0;
}
