// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Per-VM overrides: /etc/libvirt/hooks/vfio-hook.d/{default,<vm>,<uuid>}/ hold a vm.conf and
 * executables named before-<stage>[-name] or after-<stage>[-name]. What they say runs as root,
 * so every file and every directory above it must be root's alone, as sshd and
 * NetworkManager-dispatcher insist.
 */
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>

#include "input/config.h"
#include "input/domain.h"
#include "lib/fileio.h"
#include "lib/strutil.h"

/* Who must own trusted files: root on a live host, the fixture's owner under --sysroot. */
static int trusted_owner(const struct sysroot *root, uid_t *ret)
{
	if (root->live) {
		*ret = 0;
		return 0;
	}
	struct stat st;
	if (stat(root->prefix, &st) < 0)
		return -errno;
	*ret = st.st_uid;
	return 0;
}

/* -EPERM with *ret_problem saying why; -ENOMEM when it cannot say, never "trusted". */
static int refuse(char **ret_problem, char *problem)
{
	*ret_problem = problem;
	return problem ? -EPERM : -ENOMEM;
}

static int check_mode(const char *path, const struct stat *st, uid_t owner, char **ret_problem)
{
	if (S_ISLNK(st->st_mode))
		return refuse(ret_problem, strdup_printf("%s is a symbolic link", path));
	if (st->st_uid != owner)
		return refuse(ret_problem, strdup_printf("%s is owned by uid %u, not %s", path,
							 (unsigned)st->st_uid,
							 owner == 0 ? "root" : "the tree's owner"));
	if (st->st_mode & 022)
		return refuse(ret_problem, strdup_printf("%s is writable by group or others", path));
	return 0;
}

int path_is_trusted(const struct sysroot *root, const char *abs_path, bool executable,
		    char **ret_problem)
{
	uid_t owner = 0;
	int r = trusted_owner(root, &owner);
	if (r < 0)
		return r;
	/* Walk down from the root (live: "/", fixture: its prefix), never following a link. */
	_cleanup_close_ int fd = open(root->live ? "/" : root->prefix,
				      O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	_cleanup_free_ char *copy = strdup(abs_path);
	if (!copy)
		return -ENOMEM;
	char partial[PATH_MAX] = "", *save = NULL;
	/* Stat the root even in a fixture: a path with no component ends on it. */
	struct stat st;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (root->live && (r = check_mode("/", &st, owner, ret_problem)) < 0)
		return r;
	for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		if (streq(c, "..") || streq(c, "."))
			return -EINVAL;
		strncat(partial, "/", sizeof partial - strlen(partial) - 1);
		strncat(partial, c, sizeof partial - strlen(partial) - 1);
		int next = openat(fd, c, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0)
			return -errno;
		close(fd);
		fd = next;
		if (fstat(fd, &st) < 0)
			return -errno;
		if ((r = check_mode(partial, &st, owner, ret_problem)) < 0)
			return r;
	}
	if (executable) {
		if (!S_ISREG(st.st_mode))
			return refuse(ret_problem, strdup_printf("%s is not a regular file", abs_path));
		if (st.st_mode & (S_ISUID | S_ISGID))
			return refuse(ret_problem, strdup_printf("%s is setuid or setgid", abs_path));
		if (!(st.st_mode & 0100))
			return refuse(ret_problem, strdup_printf("%s is not executable", abs_path));
	}
	return 0;
}

#define CONFIG_FILE_MAX 65536

int config_file_read(const struct sysroot *root, const char *abs_path, char **ret_text,
		     char **ret_problem)
{
	_cleanup_free_ char *file = sysroot_path(root, abs_path);
	struct stat st;
	if (!file)
		return -ENOMEM;
	/* A FIFO would block the hook (and libvirt with it); a longer file would be cut short. */
	if (stat(file, &st) < 0 || !S_ISREG(st.st_mode)) {
		*ret_problem = strdup_printf("%s is not a regular file", abs_path);
		return -EPERM;
	}
	if (st.st_size >= CONFIG_FILE_MAX) {
		*ret_problem = strdup_printf("%s is larger than %u bytes", abs_path,
					     CONFIG_FILE_MAX - 1);
		return -EPERM;
	}
	int r = read_attr_alloc_at(AT_FDCWD, file, CONFIG_FILE_MAX, ret_text);
	if (r < 0) {
		*ret_problem = strdup_printf("cannot read %s: %s", abs_path, strerror(-r));
		return r;
	}
	return 0;
}

/* before-<stage>[-name|.ext] / after-<stage>[...]: which stage and side, or -EINVAL. */
static int parse_script_name(const char *name, enum stage_id *ret_stage, bool *ret_after)
{
	bool after = startswith(name, "after-");
	if (!after && !startswith(name, "before-"))
		return -EINVAL;
	const char *rest = name + (after ? strlen("after-") : strlen("before-"));
	int best = -1;
	size_t best_len = 0;
	for (int i = 0; i < _STAGE_MAX; i++) {
		const char *s = stage_to_string((enum stage_id)i);
		size_t n = strlen(s);
		if (strneq(rest, s, n) && (rest[n] == 0 || rest[n] == '-' || rest[n] == '.') &&
		    n > best_len) {
			best = i;
			best_len = n;
		}
	}
	if (best < 0 || !str_is_printable_ascii(name) || strchr(name, ' '))
		return -EINVAL;
	*ret_stage = (enum stage_id)best;
	*ret_after = after;
	return 0;
}

static int add_script(struct config *c, const char *path, enum stage_id stage, bool after)
{
	struct override_script *l = realloc(c->scripts, sizeof *l * (c->n_scripts + 1));
	if (!l)
		return -ENOMEM;
	c->scripts = l;
	c->scripts[c->n_scripts] = (struct override_script){ .path = strdup(path), .stage = stage,
							    .after = after };
	if (!c->scripts[c->n_scripts].path)
		return -ENOMEM;
	c->n_scripts++;
	return 0;
}

static int fail_with(char **ret_error, char *problem, const char *what)
{
	if (ret_error)
		*ret_error = problem ? strdup_printf("refusing %s: %s", what, problem) : NULL;
	free(problem);
	return -EPERM;
}

static int load_dir(const struct sysroot *root, const char *dir, struct config *c,
		    char **ret_error)
{
	_cleanup_free_ char *full = sysroot_path(root, dir), *problem = NULL;
	_cleanup_strv_free_ char **names = NULL;
	if (!full)
		return -ENOMEM;
	int r = dir_list_at(AT_FDCWD, full, &names);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	if ((r = path_is_trusted(root, dir, false, &problem)) < 0)
		return r == -EPERM ? fail_with(ret_error, TAKE_PTR(problem), "the override directory") : r;

	for (char **n = names; n && *n; n++) {
		_cleanup_free_ char *path = strdup_printf("%s/%s", dir, *n), *why = NULL;
		enum stage_id stage;
		bool after;
		if (!path)
			return -ENOMEM;
		if (streq(*n, "vm.conf")) {
			_cleanup_free_ char *text = NULL;
			if ((r = path_is_trusted(root, path, false, &why)) < 0)
				return r == -EPERM ? fail_with(ret_error, TAKE_PTR(why), "a VM config") : r;
			if ((r = config_file_read(root, path, &text, &why)) < 0) {
				(void)fail_with(ret_error, TAKE_PTR(why), "a VM config");
				return r;
			}
			if ((r = config_parse_file(c, text, path, ret_error)) < 0)
				return r;
			if ((r = strv_push(&c->notes, strdup_printf("settings from %s", path))) < 0)
				return r;
			continue;
		}
		if (parse_script_name(*n, &stage, &after) < 0) {
			r = strv_push(&c->notes, strdup_printf("ignored %s: not before-STAGE or "
							       "after-STAGE", path));
			if (r < 0)
				return r;
			continue;
		}
		if ((r = path_is_trusted(root, path, true, &why)) < 0)
			return r == -EPERM ? fail_with(ret_error, TAKE_PTR(why), "an override") : r;
		if ((r = add_script(c, path, stage, after)) < 0)
			return r;
	}
	return 0;
}

/* The scripts' own layout (qemu.d/<vm>/<op>/<subop>/) is not ours: say where it is. */
static int note_legacy_layout(const struct sysroot *root, const char *vm, struct config *c)
{
	_cleanup_free_ char *p = strdup_printf("/etc/libvirt/hooks/qemu.d/%s/prepare", vm);
	_cleanup_free_ char *full = p ? sysroot_path(root, p) : NULL;
	if (!full)
		return -ENOMEM;
	if (access(full, F_OK) < 0)
		return 0;
	return strv_push(&c->notes, strdup_printf("old hook-helper scripts found in %s are not run: "
						  "see docs/migrating.md", p));
}

int config_load_for_vm(const struct sysroot *root, const char *vm, const char *uuid,
		       struct config *c, char **ret_error)
{
	int r = config_load(root, c, ret_error);
	if (r < 0)
		return r;
	const char *subs[] = { "default", vm && vm_name_is_valid(vm) ? vm : NULL, uuid };
	for (size_t i = 0; i < ARRAY_SIZE(subs); i++) {
		/* A VM called "default", or called by its own UUID, gets that directory once. */
		if (!subs[i] || (i > 0 && streq(subs[i], "default")) ||
		    (i == 2 && subs[1] && streq(subs[1], subs[2])))
			continue;
		_cleanup_free_ char *dir = strdup_printf("%s/%s", OVERRIDE_DIR, subs[i]);
		if (!dir)
			return -ENOMEM;
		if ((r = load_dir(root, dir, c, ret_error)) < 0)
			return r;
	}
	if (vm && vm_name_is_valid(vm) && (r = note_legacy_layout(root, vm, c)) < 0)
		return r;
	for (int s = 0; s < _STAGE_MAX; s++)
		if (config_stage_disabled(c, (enum stage_id)s) &&
		    (r = strv_push(&c->notes, strdup_printf("stage %s disabled by %s",
							    stage_to_string((enum stage_id)s),
							    c->disabled_by[s]))) < 0)
			return r;
	return 0;
}
