// SPDX-License-Identifier: GPL-2.0-or-later
/* Stage audio: a user's PipeWire or PulseAudio that holds the GPU's HDMI audio (or the GPU). */
#include "bus.h"
#include "log.h"
#include "stages.h"
#include "strutil.h"

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

static bool is_audio_service(const char *unit)
{
	for (size_t i = 0; i < ARRAY_SIZE(audio_units); i++)
		if (streq(audio_units[i].service, unit))
			return true;
	return false;
}

static int plan_user(struct plan_ctx *ctx, uid_t uid, const char *why)
{
	_cleanup_strv_free_ char **running = NULL;
	int r = host_user_services(ctx->host, uid, &running);
	if (r < 0)
		return r;
	for (size_t pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < ARRAY_SIZE(audio_units); i++) {
			if (!strv_contains(running, audio_units[i].service))
				continue;
			const char *unit = pass == 0 ? audio_units[i].service : audio_units[i].socket;
			if (!unit)
				continue;
			_cleanup_free_ char *key = strdup_printf("%u/%s", (unsigned)uid, unit);
			if (!key || (r = strv_extend(&ctx->user_units, key)) < 0)
				return -ENOMEM;
			r = plan_add(ctx->plan, STAGE_AUDIO, ACTION_STOP_USER_UNIT, unit,
				     pass == 0 ? "active" : "listening", why, uid);
			if (r < 0)
				return r;
		}
	/* And what the admin listed in user_units, if it runs for this user. */
	for (char **u = ctx->cfg->user_units; u && *u; u++) {
		if (!strv_contains(running, *u) || is_audio_service(*u))
			continue;
		if ((r = plan_add(ctx->plan, STAGE_AUDIO, ACTION_STOP_USER_UNIT, *u, "active",
				  "user_units", uid)) < 0)
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
		_cleanup_free_ char *unit = cgroup_user_unit(h->cgroup, h->uid);
		if (!unit || !is_audio_service(unit))
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

static int user_unit(struct exec_ctx *ctx, const struct action *a, bool start)
{
	_cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
	uint64_t usec = 0;
	int r = bus_open_user_manager(ctx->root->prefix, a->uid, &bus);
	if (r < 0) {
		/* No user manager any more (the user logged out): nothing of theirs is running. */
		if (r == -ENOENT || r == -ECONNREFUSED)
			return ACTION_NOOP;
		return log_error_errno(r, "Cannot reach the systemd instance of uid %u: %m",
				       (unsigned)a->uid);
	}
	r = start ? bus_unit_start(bus, a->target, ctx->cfg->unit_timeout_s, &usec) :
		    bus_unit_stop(bus, a->target, ctx->cfg->unit_timeout_s, &usec);
	if (r == 1)
		return ACTION_NOOP;
	if (r < 0)
		return log_error_errno(r, "Cannot %s %s of uid %u: %m", start ? "start" : "stop",
				       a->target, (unsigned)a->uid);
	log_info("%s %s of uid %u in %.2f s", start ? "Started" : "Stopped", a->target,
		 (unsigned)a->uid, usec_to_s(usec));
	return 0;
}

int user_unit_stop_run(struct exec_ctx *ctx, struct action *a)
{
	return user_unit(ctx, a, false);
}

int user_unit_stop_undo(struct exec_ctx *ctx, struct action *a)
{
	return user_unit(ctx, a, true);
}
