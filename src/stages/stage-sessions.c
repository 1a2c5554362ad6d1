// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Stage sessions: end the graphical sessions whose processes hold the GPU. A compositor is
 * in its session's scope (sway, Xorg under most display managers) or runs as a service of
 * its user's systemd instance (gnome-shell, kwin_wayland, uwsm's compositors); either way it
 * ends with its session, and the display manager brings a new session at release.
 */
#include "lib/strutil.h"
#include "stages/stages.h"

/* "gnome-shell[812] (user unit org.gnome.Shell@wayland.service)", "sway[640]" */
static char *describe_process(const struct node_holder *h)
{
	_cleanup_free_ char *comm = str_escape(strna(h->comm), 32);
	if (h->kind == HOLDER_USER_UNIT)
		return strdup_printf("%s[%d] (user unit %s)", strna(comm), (int)h->pid, h->unit);
	return strdup_printf("%s[%d]", strna(comm), (int)h->pid);
}

/* With host graphics staying, a session on the passed card is the user's to close. */
static int refuse(struct plan_ctx *ctx, const struct node_holder *h, const char *id)
{
	const struct logind_session *s = plan_ctx_session(ctx, id);
	_cleanup_free_ char *who = describe_process(h);
	_cleanup_free_ char *user = s ? strdup_printf("user %s, uid %u, %s via %s", s->user,
						      (unsigned)s->uid, strna(s->type),
						      strna(s->service)) :
					strdup_printf("uid %u", (unsigned)h->uid);
	if (!who || !user)
		return -ENOMEM;
	return plan_refuse(ctx->plan, "session %s (%s) holds /dev/%s of a passed device: its "
				      "compositor %s has it open while the host keeps its graphics; "
				      "log out of that session first, or tell its compositor to leave "
				      "that card alone (docs/troubleshooting.md, \"Two GPUs\")",
			   id, user, h->devname, who);
}

int stage_sessions_plan(struct plan_ctx *ctx)
{
	_cleanup_strv_free_ char **refused = NULL;
	for (size_t i = 0; i < ctx->n_holders; i++) {
		const struct node_holder *h = &ctx->holders[i];
		if (plan_ctx_holder_covered(ctx, h))
			continue;
		const char *id = plan_ctx_holder_session(ctx, h);
		if (!id || strv_contains(refused, id))
			continue;
		int r;
		if (!ctx->plan->host_graphics_go) {
			/* The desktop stays up on another GPU: ending it is not ours to decide. */
			if ((r = refuse(ctx, h, id)) < 0 || (r = strv_extend(&refused, id)) < 0)
				return r;
			continue;
		}
		_cleanup_free_ char *who = describe_process(h);
		_cleanup_free_ char *why = who ? strdup_printf("%s holds /dev/%s", who, h->devname) :
						 NULL;
		if (!why || strv_extend(&ctx->sessions, id) < 0)
			return -ENOMEM;
		r = plan_add(ctx->plan, STAGE_SESSIONS, ACTION_TERMINATE_SESSION, id, "active", why,
			     h->uid);
		if (r < 0)
			return r;
	}
	return 0;
}
