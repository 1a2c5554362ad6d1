// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bind-vfio against a sysfs tree in TMPDIR: the driver_override a function had is journaled
 * before it is overwritten, and its undo writes it back. The tree is no kernel (nothing binds),
 * so each case looks at what was written to driver_override.
 */
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>

#include "core/action-type.h"
#include "core/journal.h"
#include "input/config.h"
#include "lib/fileio.h"
#include "lib/strutil.h"
#include "test.h"

#define DEV "0000:01:00.0"
#define DEV_DIR "bus/pci/devices/0000:01:00.0"

struct tree {
	char path[PATH_MAX];
	struct sysroot root;
	struct config cfg;
	struct exec_ctx ctx;
};

static void put(int dir, const char *name, const char *text)
{
	_cleanup_close_ int fd = openat(dir, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ASSERT_TRUE(fd >= 0);
	ASSERT_TRUE(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
}

/* bus/pci with the function on driver, its driver_override holding override (as the kernel
 * prints it), and the attributes the action writes to. */
static void tree_new(struct tree *t, const char *driver, const char *override)
{
	snprintf(t->path, sizeof t->path, "%s/vfio-hook-test-bind.XXXXXX",
		 getenv("TMPDIR") ?: "/tmp");
	ASSERT_NOT_NULL(mkdtemp(t->path));
	int sys = open(t->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ASSERT_TRUE(sys >= 0);
	const char *dirs[] = { "bus", "bus/pci", "bus/pci/devices", DEV_DIR,
			       "bus/pci/drivers", "bus/pci/drivers/pci-stub",
			       "bus/pci/drivers/vfio-pci" };
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++)
		ASSERT_OK(mkdirat(sys, dirs[i], 0700) < 0 ? -errno : 0);
	put(sys, "bus/pci/drivers_probe", "");
	put(sys, "bus/pci/drivers/pci-stub/unbind", "");
	put(sys, "bus/pci/drivers/vfio-pci/unbind", "");
	put(sys, DEV_DIR "/driver_override", override);
	_cleanup_free_ char *link = strdup_printf("../../drivers/%s", driver);
	ASSERT_OK(symlinkat(link, sys, DEV_DIR "/driver") < 0 ? -errno : 0);
	t->root = (struct sysroot){ .prefix = t->path, .sys_fd = sys, .proc_fd = -1, .dev_fd = -1,
				    .run_fd = -1, .etc_fd = -1 };
	t->cfg = (struct config){ .module_timeout_s = 5 };
	t->ctx = (struct exec_ctx){ .root = &t->root, .cfg = &t->cfg, .journal_dir_fd = -1 };
}

static char *override_written(struct tree *t)
{
	char *text = NULL;
	ASSERT_OK(read_attr_alloc_at(t->root.sys_fd, DEV_DIR "/driver_override",
				     4096, &text));
	return text;
}

static void tree_free(struct tree *t)
{
	const char *files[] = { "bus/pci/devices/0000:01:00.0/driver_override",
				"bus/pci/devices/0000:01:00.0/driver", "bus/pci/drivers_probe",
				"bus/pci/drivers/pci-stub/unbind", "bus/pci/drivers/vfio-pci/unbind" };
	const char *dirs[] = { "bus/pci/drivers/vfio-pci", "bus/pci/drivers/pci-stub",
			       "bus/pci/drivers", DEV_DIR, "bus/pci/devices",
			       "bus/pci", "bus" };
	for (size_t i = 0; i < ARRAY_SIZE(files); i++)
		ASSERT_OK(unlinkat(t->root.sys_fd, files[i], 0) < 0 ? -errno : 0);
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++)
		ASSERT_OK(unlinkat(t->root.sys_fd, dirs[i], AT_REMOVEDIR) < 0 ? -errno : 0);
	close(t->root.sys_fd);
	ASSERT_OK(rmdir(t->path) < 0 ? -errno : 0);
}

static struct action bind_vfio(const char *prior, const char *result)
{
	return (struct action){ .kind = ACTION_BIND_VFIO, .stage = STAGE_VFIO,
				.target = (char *)DEV, .prior = (char *)prior,
				.result = result ? strdup(result) : NULL };
}

/* The override is journaled before vfio-pci's replaces it: here nothing binds (no kernel), and
 * the failed run still leaves it for the rollback. */
TEST(run_records_the_override_it_had)
{
	struct tree t = { 0 };
	tree_new(&t, "pci-stub", "pci-stub\n");
	struct action a = bind_vfio("pci-stub", NULL);
	ASSERT_ERR(action_types[ACTION_BIND_VFIO]->run(&t.ctx, &a), ENXIO);
	ASSERT_STREQ(a.result, "pci-stub");
	ASSERT_TRUE(action_types[ACTION_BIND_VFIO]->result_ok(a.result));
	_cleanup_free_ char *now = override_written(&t);
	ASSERT_STREQ(now, "vfio-pci");
	_cleanup_free_ char *says = action_undo_text(&a);
	ASSERT_STREQ(says, "override pci-stub again, reprobe");
	free(a.result);
	tree_free(&t);
}

/* No override ("(null)" on old kernels): nothing recorded. */
TEST(run_records_nothing_without_an_override)
{
	struct tree t = { 0 };
	tree_new(&t, "pci-stub", "(null)\n");
	struct action a = bind_vfio("pci-stub", NULL);
	ASSERT_ERR(action_types[ACTION_BIND_VFIO]->run(&t.ctx, &a), ENXIO);
	ASSERT_NULL(a.result);
	tree_free(&t);
}

/* Release writes the override back, whether it was the driver's own or set after it bound. */
TEST(undo_gives_the_override_back)
{
	const char *priors[] = { "pci-stub", "none", "nvidia" };
	for (size_t i = 0; i < ARRAY_SIZE(priors); i++) {
		struct tree t = { 0 };
		tree_new(&t, "vfio-pci", "");
		struct action a = bind_vfio(priors[i], "pci-stub");
		ASSERT_OK(action_types[ACTION_BIND_VFIO]->undo(&t.ctx, &a));
		_cleanup_free_ char *now = override_written(&t);
		ASSERT_STREQ(now, "pci-stub");
		free(a.result);
		tree_free(&t);
	}
}

/* Without a recorded override, undo clears vfio-pci's, as before. */
TEST(undo_clears_when_there_was_none)
{
	struct tree t = { 0 };
	tree_new(&t, "vfio-pci", "");
	struct action a = bind_vfio("pci-stub", NULL);
	ASSERT_OK(action_types[ACTION_BIND_VFIO]->undo(&t.ctx, &a));
	_cleanup_free_ char *now = override_written(&t);
	ASSERT_STREQ(now, "");
	tree_free(&t);
}

TEST_MAIN("action-bind-vfio")
