// SPDX-License-Identifier: GPL-2.0-or-later
/* What a holder of a device node is, from its pid and cgroup alone. */
#include "host/host.h"
#include "lib/strutil.h"
#include "test.h"

static const struct {
	pid_t pid;
	uid_t uid;
	const char *cgroup;
	enum holder_kind kind;
	const char *unit, *session;
} cases[] = {
	/* logind's copies: PID 1's fd store, and systemd-logind itself */
	{ 1, 0, "/init.scope", HOLDER_INIT, NULL, NULL },
	{ 1, 0, NULL, HOLDER_INIT, NULL, NULL },
	{ 412, 0, "/system.slice/systemd-logind.service", HOLDER_LOGIND, NULL, NULL },
	/* sway, Xorg under most display managers: the session's scope */
	{ 900, 1000, "/user.slice/user-1000.slice/session-3.scope", HOLDER_SESSION_SCOPE, NULL,
	  "3" },
	{ 901, 124, "/user.slice/user-124.slice/session-c1.scope", HOLDER_SESSION_SCOPE, NULL,
	  "c1" },
	/* GNOME >= 40, Plasma 6, uwsm: the compositor is a user unit */
	{ 812, 1000,
	  "/user.slice/user-1000.slice/user@1000.service/session.slice/org.gnome.Shell@wayland.service",
	  HOLDER_USER_UNIT, "org.gnome.Shell@wayland.service", NULL },
	{ 813, 1000,
	  "/user.slice/user-1000.slice/user@1000.service/app.slice/app-graphical.slice/"
	  "wayland-wm@Hyprland.service",
	  HOLDER_USER_UNIT, "wayland-wm@Hyprland.service", NULL },
	/* a user's manager seen from another uid is not that uid's unit */
	{ 814, 0, "/user.slice/user-1000.slice/user@1000.service/app.slice/x.service", HOLDER_OTHER,
	  NULL, NULL },
	/* system services, nested slices included */
	{ 264, 0, "/system.slice/nodm.service", HOLDER_SYSTEM_UNIT, "nodm.service", NULL },
	{ 300, 0, "/system.slice/system-nvidia.slice/nvidia-persistenced.service",
	  HOLDER_SYSTEM_UNIT, "nvidia-persistenced.service", NULL },
	/* anything else */
	{ 611, 1000, "/machine.slice/libpod-4f2a.scope", HOLDER_OTHER, NULL, NULL },
	{ 612, 0, "/system.slice/run-u12.scope", HOLDER_OTHER, NULL, NULL },
	{ 613, 0, NULL, HOLDER_OTHER, NULL, NULL },
	{ 614, 1000, "/user.slice/user-1000.slice/session-.scope", HOLDER_OTHER, NULL, NULL },
};

static bool same(const char *a, const char *b)
{
	return a && b ? streq(a, b) : a == b;
}

TEST(holders_are_what_their_cgroup_says)
{
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct node_holder h = { .pid = cases[i].pid, .uid = cases[i].uid,
					 .cgroup = (char *)cases[i].cgroup };
		node_holder_classify(&h);
		if (h.kind != cases[i].kind || !same(h.unit, cases[i].unit) ||
		    !same(h.session, cases[i].session))
			FAIL_AT("%s: kind %d unit %s session %s, expected kind %d unit %s session %s",
				strna(cases[i].cgroup), h.kind, strna(h.unit), strna(h.session),
				cases[i].kind, strna(cases[i].unit), strna(cases[i].session));
		ASSERT_EQ(node_holder_is_logind_copy(&h),
			  cases[i].kind == HOLDER_INIT || cases[i].kind == HOLDER_LOGIND);
		free(h.unit);
		free(h.session);
	}
}

TEST_MAIN("holder-kind")
