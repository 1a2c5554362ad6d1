// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `vfio-hook recover [--dry-run] VM`: give back what VM took, from its journal, by hand (after a
 * crash, from SSH), through the same release_vm() as the hook's release/end. Never while
 * libvirt's pid file names a live qemu: pulling devices out of a running guest is worse than
 * waiting for it to stop.
 */
#include "core/journal.h"
#include "core/release.h"
#include "host/libvirt-state.h"
#include "input/domain.h"
#include "lib/log.h"
#include "lib/strutil.h"
#include "verbs.h"

/* The UUID of the one journal recording VM (a UUID, or a name); one line and <0 if none. */
static int find_journal(int jfd, const char *vm, char **ret_uuid, char **ret_name)
{
	_cleanup_(journal_freep) struct journal *j = NULL;
	_cleanup_free_ char *err = NULL;
	_cleanup_free_ char *e = str_escape(vm, 128);
	int r;
	if (uuid_is_valid(vm)) {
		r = journal_load(jfd, vm, NULL, &j, &err);
		if (r == -ENOENT)
			return log_error_errno(r, "Nothing recorded for VM %s: no journal", vm);
		if (r < 0)
			return log_error_errno(r, "The journal of %s is refused (%s): nothing given "
					       "back", vm, err ?: strerror(-r));
		if (!(*ret_name = strdup(j->plan->vm_name)) || !(*ret_uuid = strdup(vm)))
			return log_error_errno(-ENOMEM, "Out of memory");
		return 0;
	}
	_cleanup_strv_free_ char **found = NULL;
	if ((r = journal_find_by_name(jfd, vm, &found)) < 0)
		return log_error_errno(r, "Cannot list the journals: %m");
	if (!found || !found[0])
		return log_error_errno(-ENOENT, "Nothing recorded for VM '%s': no journal names it "
					"(vfio-hook status lists them)", strna(e));
	if (found[1])
		return log_error_errno(-ENOTUNIQ, "%zu journals name VM '%s' (%s, %s%s): give the UUID",
				       strv_length(found), strna(e), found[0], found[1],
				       found[2] ? ", ..." : "");
	if (!(*ret_name = strdup(vm)) || !(*ret_uuid = strdup(found[0])))
		return log_error_errno(-ENOMEM, "Out of memory");
	return 0;
}

static int recover(const struct verb_args *a, const char *vm)
{
	_cleanup_(sysroot_freep) struct sysroot *root = NULL;
	_cleanup_close_ int jfd = -1;
	_cleanup_free_ char *err = NULL, *uuid = NULL, *name = NULL;
	int r = sysroot_open(a->sysroot, &root);
	if (r < 0)
		return log_error_errno(r, "Cannot open the host root %s: %m", a->sysroot ?: "/");
	r = journal_dir_open(root, false, &jfd, &err);
	if (r == -ENOENT)
		return log_error_errno(r, "Nothing recorded: %s/run/%s does not exist", root->prefix,
				       JOURNAL_DIR);
	if (r < 0)
		return log_error_errno(r, "Cannot read %s/run/%s: %s", root->prefix, JOURNAL_DIR,
				       err ?: strerror(-r));
	if ((r = find_journal(jfd, vm, &uuid, &name)) < 0)
		return r;
	close(TAKE_FD(jfd)); /* release_vm opens it again, under the lock */

	pid_t pid = 0;
	r = libvirt_vm_running(root, name, &pid);
	if (r > 0) {
		_cleanup_free_ char *e = str_escape(name, 128);
		return log_error_errno(-EBUSY, "VM '%s' still runs (qemu pid %d in "
				       "/run/libvirt/qemu/%s.pid): shut it down first", strna(e),
				       (int)pid, strna(e));
	}
	log_set_context(name, "recover");
	if (!a->dry_run && root->live)
		log_enable_journal(true);
	r = release_vm(root, name, uuid, NULL, a->dry_run);
	if (r == RELEASE_NOTHING && !a->dry_run)
		log_info("Nothing left to give back for %s", uuid);
	return r < 0 ? r : 0;
}

int recover_verb(const struct verb_args *a)
{
	const char *vm = a->positional[0];
	if (!uuid_is_valid(vm) && !vm_name_is_valid(vm)) {
		_cleanup_free_ char *e = str_escape(vm, 128);
		log_error("Refusing VM '%s': give its UUID or its name (printable, no '/', not starting with '.' or '-')",
			  strna(e));
		return 1;
	}
	if (!a->dry_run && !a->sysroot && geteuid() != 0) {
		log_error("vfio-hook recover changes the host and needs root (or --dry-run)");
		return 1;
	}
	int r = recover(a, vm);
	log_close();
	return r < 0 ? 1 : 0;
}
