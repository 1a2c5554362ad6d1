// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Stage sleep: mask systemd's sleep targets for the runtime while the VM has the host's
 * devices, so that neither a user nor an idle timer suspends the host under the guest; release
 * unmasks them. logind refuses Suspend, Hibernate and the rest for a target that is masked.
 *
 * Not a logind block inhibitor: an inhibitor lasts as long as the file descriptor that holds
 * it, and the hook exits once prepare is done. A runtime mask outlives the hook, lives in the
 * journal like any other change, and goes with a reboot.
 */
#include "lib/strutil.h"
#include "stages/stages.h"

/* Those logind starts for its sleep operations; sleep.target is what each of them pulls in. */
static char *const sleep_targets[] = {
	(char *)"sleep.target",          (char *)"suspend.target",
	(char *)"hibernate.target",      (char *)"hybrid-sleep.target",
	(char *)"suspend-then-hibernate.target", NULL,
};

int stage_sleep_load(const struct plan_ctx *ctx, struct host *host)
{
	return ctx->n_passed > 0 ? host_load_unit_files(host, sleep_targets) : 0;
}

int stage_sleep_plan(struct plan_ctx *ctx)
{
	bool any = false;
	if (ctx->n_passed == 0)
		return 0;
	for (char *const *t = sleep_targets; *t; t++) {
		const struct unit_file *u;
		int r = host_find_unit_file(ctx->host, *t, &u);
		if (r == -ENOENT)
			continue;
		any = true;
		if (r < 0)
			r = plan_note(ctx->plan, "cannot ask systemd about %s (%s): left as it is", *t,
				      strerror(-r));
		else if (unit_file_state_is_masked(u->state) &&
			 !host_find_held(ctx->host, "mask-unit", *t, NULL))
			/* The admin's, or someone's until the next boot: not ours to unmask. */
			r = plan_note(ctx->plan, "%s is already %s: left as it is", *t, u->state);
		else
			/* Another running VM's mask is joined: the last VM to stop unmasks. */
			r = plan_shared(ctx, STAGE_SLEEP, ACTION_MASK_UNIT, *t, false, u->state,
					"no suspend while the VM has the devices");
		if (r < 0)
			return r;
	}
	return any ? 0 : plan_note(ctx->plan, "no sleep target on this host: nothing to mask");
}
