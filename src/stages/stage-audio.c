// SPDX-License-Identifier: GPL-2.0-or-later
/* Stage audio: a user's PipeWire or PulseAudio that holds the GPU's HDMI audio (or the GPU). */
#include "lib/strutil.h"
#include "stages/stages.h"

/*
 * Stop order: clients before the server, then the sockets, so every running service is
 * stopped by us (and so restarted on release) rather than taken down with its socket.
 */
static const struct {
	const char *service;
	const char *socket;
} audio_units[] = {
	{ "pipewire-pulse.service", "pipewire-pulse.socket" },
	{ "wireplumber.service", NULL },
	{ "pipewire-media-session.service", NULL },
	{ "pipewire.service", "pipewire.socket" },
	{ "pulseaudio.service", "pulseaudio.socket" },
};

bool audio_unit_is_known(const char *unit)
{
	for (size_t i = 0; i < ARRAY_SIZE(audio_units); i++)
		if (streq(audio_units[i].service, unit))
			return true;
	return false;
}

static int plan_user(struct plan_ctx *ctx, uid_t uid, const char *why)
{
	char *const *running = host_find_user_services(ctx->host, uid);
	int r;
	for (size_t pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < ARRAY_SIZE(audio_units); i++) {
			if (!strv_contains(running, audio_units[i].service))
				continue;
			const char *unit = pass == 0 ? audio_units[i].service : audio_units[i].socket;
			if (!unit)
				continue;
			_cleanup_free_ char *key = strdup_printf("%u/%s", (unsigned)uid, unit);
			if (!key || strv_extend(&ctx->user_units, key) < 0)
				return -ENOMEM;
			r = plan_add(ctx->plan, STAGE_AUDIO, ACTION_STOP_USER_UNIT, unit,
				     pass == 0 ? "active" : "listening", why, uid);
			if (r < 0)
				return r;
		}
	/* And what the admin listed in user_units, if it runs for this user. */
	for (char **u = ctx->cfg->user_units; u && *u; u++) {
		if (!strv_contains(running, *u) || audio_unit_is_known(*u))
			continue;
		_cleanup_free_ char *key = strdup_printf("%u/%s", (unsigned)uid, *u);
		if (!key || strv_extend(&ctx->user_units, key) < 0)
			return -ENOMEM;
		if ((r = plan_add(ctx->plan, STAGE_AUDIO, ACTION_STOP_USER_UNIT, *u, "active",
				  "user_units", uid)) < 0)
			return r;
	}
	return 0;
}

/* Which services run for each user whose audio server holds a device. */
int stage_audio_load(const struct plan_ctx *ctx, struct host *host)
{
	for (size_t i = 0; i < ctx->n_holders; i++) {
		const struct node_holder *h = &ctx->holders[i];
		int r;
		if (h->kind == HOLDER_USER_UNIT && audio_unit_is_known(h->unit) &&
		    (r = host_load_user_services(host, h->uid)) < 0)
			return r;
	}
	return 0;
}

int stage_audio_plan(struct plan_ctx *ctx)
{
	_cleanup_free_ uid_t *done = calloc(ctx->n_holders + 1, sizeof *done);
	size_t n_done = 0;
	if (!done)
		return -ENOMEM;
	for (size_t i = 0; i < ctx->n_holders; i++) {
		const struct node_holder *h = &ctx->holders[i];
		if (h->kind != HOLDER_USER_UNIT || !audio_unit_is_known(h->unit))
			continue;
		bool seen = false;
		for (size_t k = 0; k < n_done; k++)
			seen |= done[k] == h->uid;
		if (seen)
			continue;
		done[n_done++] = h->uid;
		_cleanup_free_ char *why = strdup_printf("%s[%d] holds /dev/%s", strna(h->comm),
							 (int)h->pid, h->devname);
		if (!why)
			return -ENOMEM;
		int r = plan_user(ctx, h->uid, why);
		if (r < 0)
			return r;
	}
	return 0;
}
