// SPDX-License-Identifier: GPL-2.0-or-later
/* The journal entries the log sends: the fields `journalctl VFIO_HOOK_...=` finds them by. */
#include "core/plan.h"
#include "lib/log.h"
#include "lib/strutil.h"
#include "lib/timing.h"
#include "test.h"

static char **sent; /* the last entry's fields, as sent */

static int capture(const struct iovec *iov, int n)
{
	strv_free(sent);
	sent = NULL;
	for (int i = 0; i < n; i++) {
		_cleanup_free_ char *f = strndup(iov[i].iov_base, iov[i].iov_len);
		ASSERT_NOT_NULL(f);
		ASSERT_OK(strv_extend(&sent, f));
	}
	return 0;
}

/* The names of the last entry's fields, space-separated, in order. */
static char *field_names(void)
{
	char *names = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&names, &size);
	ASSERT_NOT_NULL(f);
	for (char **s = sent; s && *s; s++)
		fprintf(f, "%s%.*s", s == sent ? "" : " ", (int)strcspn(*s, "="), *s);
	ASSERT_TRUE(fclose(f) == 0);
	return names;
}

static const char *field(const char *name)
{
	size_t n = strlen(name);
	for (char **s = sent; s && *s; s++)
		if (strncmp(*s, name, n) == 0 && (*s)[n] == '=')
			return *s + n + 1;
	return NULL;
}

static void setup(void)
{
	log_setup(LOG_DEBUG, false);
	log_set_journal_sink(capture);
	log_enable_journal(true);
	log_set_action_namer(action_kind_name_of_verb);
	log_set_context("Windows 11", "prepare");
	timing_reset();
}

TEST(every_entry_names_the_vm_and_operation)
{
	setup();
	timing_phase("plan");
	log_info("Planning %s", "x");
	_cleanup_free_ char *names = field_names();
	ASSERT_STREQ(names, "MESSAGE PRIORITY SYSLOG_IDENTIFIER VFIO_HOOK_VM VFIO_HOOK_OP CODE_FILE "
			    "CODE_LINE");
	ASSERT_STREQ(field("MESSAGE"), "Planning x");
	ASSERT_STREQ(field("PRIORITY"), "6");
	ASSERT_STREQ(field("SYSLOG_IDENTIFIER"), "vfio-hook");
	ASSERT_STREQ(field("VFIO_HOOK_VM"), "Windows 11");
	ASSERT_STREQ(field("VFIO_HOOK_OP"), "prepare");

	log_set_context(NULL, NULL);
	log_debug("no VM");
	ASSERT_STREQ(field("VFIO_HOOK_VM"), "n/a");
	ASSERT_STREQ(field("VFIO_HOOK_OP"), "n/a");
}

/* While the executor runs or undoes an action (it times each with timing_action or
 * timing_undo), the entries also say its stage, its kind's journal name and its target; the
 * next phase drops them. */
TEST(an_action_entry_names_stage_kind_and_target)
{
	setup();
	timing_action("drivers", "unbind driver", "0000:01:00.0");
	log_error("Cannot unbind %s", "0000:01:00.0");
	_cleanup_free_ char *names = field_names();
	ASSERT_STREQ(names, "MESSAGE PRIORITY SYSLOG_IDENTIFIER VFIO_HOOK_VM VFIO_HOOK_OP "
			    "VFIO_HOOK_STAGE VFIO_HOOK_ACTION VFIO_HOOK_TARGET CODE_FILE CODE_LINE");
	ASSERT_STREQ(field("PRIORITY"), "3");
	ASSERT_STREQ(field("VFIO_HOOK_STAGE"), "drivers");
	ASSERT_STREQ(field("VFIO_HOOK_ACTION"), "unbind-pci");
	ASSERT_STREQ(field("VFIO_HOOK_TARGET"), "0000:01:00.0");

	log_set_context("Windows 11", "release");
	timing_undo("vfio", "bind vfio-pci", "0000:01:00.1");
	log_info("Gave back %s", "0000:01:00.1");
	ASSERT_STREQ(field("VFIO_HOOK_OP"), "release");
	ASSERT_STREQ(field("VFIO_HOOK_STAGE"), "vfio");
	ASSERT_STREQ(field("VFIO_HOOK_ACTION"), "bind-vfio");
	ASSERT_STREQ(field("VFIO_HOOK_TARGET"), "0000:01:00.1");

	timing_phase("journal");
	log_info("done");
	ASSERT_NULL(field("VFIO_HOOK_STAGE"));
	ASSERT_NULL(field("VFIO_HOOK_ACTION"));
	ASSERT_NULL(field("VFIO_HOOK_TARGET"));

	timing_action("drivers", "unload module", "nvidia");
	timing_end();
	log_info("exit");
	ASSERT_NULL(field("VFIO_HOOK_STAGE"));
}

TEST_MAIN("log")
