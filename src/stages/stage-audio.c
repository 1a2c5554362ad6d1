// SPDX-License-Identifier: GPL-2.0-or-later
/* Stage audio: a user's PipeWire or PulseAudio that holds the GPU's HDMI audio (or the GPU). */
#include "lib/log.h"
#include "lib/strutil.h"
#include "stages/stages.h"
#include "system/bus.h"

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

/*
 * The user's systemd instance lives only while they have a session: once the display manager
 * is gone it stops after a short delay, taking their units with it, and the next login starts
 * them again. So a manager that is not (or no longer) running means nothing to do.
 */
static bool user_manager_running(struct exec_ctx *ctx, uid_t uid)
{
	_cleanup_free_ char *unit = strdup_printf("user@%u.service", (unsigned)uid), *state = NULL;
	sd_bus *bus;
	if (!unit || exec_system_bus(ctx, &bus) < 0 || bus_unit_active_state(bus, unit, &state) < 0)
		return true; /* cannot tell: try, and report what happens */
	return streq(state, "active");
}

static int user_unit(struct exec_ctx *ctx, struct action *a, bool start)
{
	_cleanup_(sym_sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
	_cleanup_free_ char *why = NULL;
	uint64_t usec = 0;
	const char *verb = start ? "start" : "stop";
	int r = user_manager_running(ctx, a->uid) ?
			bus_open_user_manager(ctx->root->prefix, a->uid, &bus) :
			-ENOENT;
	if (r >= 0)
		r = start ? bus_unit_start(bus, a->target, ctx->cfg->unit_timeout_s, &usec, &why) :
			    bus_unit_stop(bus, a->target, ctx->cfg->unit_timeout_s, &usec, &why);
	if (r == 1)
		return ACTION_NOOP;
	if (r < 0 && !user_manager_running(ctx, a->uid)) {
		log_info("The systemd instance of uid %u is gone: no %s of %s needed (the next login "
			 "starts it)", (unsigned)a->uid, verb, a->target);
		return ACTION_NOOP;
	}
	if (r < 0 && why)
		return log_error_errno(r, "Cannot %s %s of uid %u: %s", verb, a->target,
				       (unsigned)a->uid, why);
	if (r < 0)
		return log_error_errno(r, "Cannot %s %s of uid %u: %m", verb, a->target,
				       (unsigned)a->uid);
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
