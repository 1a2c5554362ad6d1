// SPDX-License-Identifier: GPL-2.0-or-later
/* unmount: a filesystem on a disk the VM takes, unmounted; mounted back as it was after. */
#include <limits.h>

#include "core/action-type.h"
#include "lib/fileio.h"
#include "lib/strutil.h"
#include "validate.h"

/* "SOURCE FSTYPE OPTIONS SUPER-OPTIONS" of a block device's mount, as mountinfo wrote them. */
static bool is_mount_how(const char *s)
{
	char source[PATH_MAX], fstype[256], opts[1024], super[1024], extra[2];
	if (!str_is_printable_ascii(s) ||
	    sscanf(s, "%4095s %255s %1023s %1023s %1s", source, fstype, opts, super, extra) != 4)
		return false;
	_cleanup_free_ char *rebuilt = strdup_printf("%s %s %s %s", source, fstype, opts, super);
	return rebuilt && streq(rebuilt, s) && startswith(source, "/dev/") &&
	       !strstr(source, "/..") && !strstr(source, "/./") && strlen(fstype) <= 64 &&
	       str_is_alnum_or(fstype, "._+-") && str_is_alnum_or(opts, ",=_-.:/");
}

static char *undo_text(const struct action *a)
{
	return strdup("mount it again");
}

/* mountinfo's mount point field, with its octal escapes (\040 for a space) undone in place. */
static void unescape_octal(char *s)
{
	char *o = s;
	for (char *c = s; *c; c++) {
		if (c[0] == '\\' && c[1] >= '0' && c[1] <= '3' && c[2] >= '0' && c[2] <= '7' &&
		    c[3] >= '0' && c[3] <= '7') {
			*o++ = (char)((c[1] - '0') * 64 + (c[2] - '0') * 8 + (c[3] - '0'));
			c += 3;
		} else
			*o++ = *c;
	}
	*o = 0;
}

static enum host_match check(const struct host *h, const struct action *a, char **ret_detail)
{
	_cleanup_free_ char *text = NULL;
	if (read_attr_alloc_at(h->root->proc_fd, "self/mountinfo", 4u << 20, &text) < 0)
		return host_check_say(HOST_NOT_CHECKED, ret_detail, NULL);
	char *save = NULL;
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *f = NULL, *s2 = NULL;
		unsigned n = 0;
		for (char *t = strtok_r(l, " ", &s2); t; t = strtok_r(NULL, " ", &s2))
			if (++n == 5) {
				f = t;
				break;
			}
		if (!f)
			continue;
		unescape_octal(f);
		if (streq(f, a->target))
			return host_check_say(HOST_DIFFERS, ret_detail, strdup("mounted"));
	}
	return host_check_say(HOST_MATCHES, ret_detail, strdup("not mounted"));
}

const struct action_type action_unmount = {
	.name = "unmount",
	.verb = "unmount",
	.stage = STAGE_DRIVES,
	.target_ok = is_clean_abs_path,
	.target_is = "a mount point other than /",
	.prior_ok = is_mount_how,
	.prior_is = "a /dev source, file system type and options",
	.undo_text = undo_text,
	.check = check,
};
