// SPDX-License-Identifier: GPL-2.0-or-later
/* Release: a VM's journal back to the host, shared by the hook and `vfio-hook recover`. */
#include "core/executor.h"
#include "core/journal.h"
#include "core/release.h"
#include "input/config.h"
#include "input/domain.h"
#include "input/pci-addr.h"
#include "lib/log.h"
#include "lib/strutil.h"
#include "lib/timing.h"

/* The XML at release only says which VM this is: what changed since prepare is logged, and the
 * journal is what comes back. */
static void log_changes(const struct domain *now, const struct plan *was)
{
	for (size_t i = 0; now && i < now->n_pci; i++) {
		char addr[PCI_ADDR_STR_MAX];
		pci_addr_format(&now->pci[i].addr, addr);
		if (!strv_contains(was->devices, addr))
			log_notice("The domain XML now passes %s, which prepare did not hand over: "
				   "giving back what the journal records", addr);
	}
}

static int release_locked(struct sysroot *root, const struct config *cfg, const char *vm_name,
			  const char *vm_uuid, const struct domain *now, bool dry_run)
{
	_cleanup_close_ int jfd = -1, lock = -1;
	_cleanup_(journal_freep) struct journal *j = NULL;
	_cleanup_free_ char *err = NULL;

	timing_phase("journal");
	int r = journal_dir_open(root, false, &jfd, &err);
	if (r >= 0 && !dry_run && executor_lock(jfd, cfg->lock_timeout_s, &lock) < 0)
		log_warning("Another VM's hook holds the lock; releasing anyway");
	_cleanup_strv_free_ char **named = NULL;
	if (r >= 0 && !vm_uuid) {
		/* No UUID from the XML: the journal that names this VM, if exactly one does. */
		r = journal_find_by_name(jfd, vm_name, &named);
		if (r >= 0 && named && named[1])
			return log_warning_errno(-ENOTUNIQ, "Nothing given back: %zu journals name VM "
						 "'%s'; 'vfio-hook recover UUID' gives one back",
						 strv_length(named), vm_name);
		vm_uuid = r >= 0 && named ? named[0] : NULL;
		if (r >= 0 && !vm_uuid)
			r = -ENOENT;
	}
	if (r >= 0)
		r = journal_load(jfd, vm_uuid, vm_name, &j, &err);
	if (r == -ENOENT) {
		if (dry_run)
			printf("Plan for VM '%s' (release/end): nothing recorded, nothing to do\n",
			       vm_name);
		log_debug("No journal for %s: nothing to give back", vm_uuid ?: vm_name);
		if (!dry_run && jfd >= 0 && vm_uuid)
			(void)!journal_remove(jfd, vm_uuid); /* what a killed first write left */
		return RELEASE_NOTHING;
	}
	if (r < 0)
		return log_warning_errno(r, "Nothing given back: the journal of %s is refused (%s)",
					 vm_uuid ?: vm_name, err ?: strerror(-r));
	j->plan->op = PLAN_RELEASE;
	log_changes(now, j->plan);
	if (dry_run) {
		if ((r = plan_print(j->plan, stdout, false)) < 0)
			return log_error_errno(r, "Cannot print the plan: %m");
		return 0;
	}

	struct exec_ctx ctx = { .root = root, .cfg = cfg, .vm_name = vm_name,
				.vm_uuid = j->plan->vm_uuid };
	r = executor_release(&ctx, jfd, j);
	if (r >= 0) {
		_cleanup_free_ char *took = timing_summary();
		log_info("Released: the host has back what %s took, in %s", vm_name, strna(took));
	}
	return r;
}

int release_vm(struct sysroot *root, const char *vm_name, const char *vm_uuid,
	       const struct domain *now, bool dry_run)
{
	_cleanup_free_ char *err = NULL;
	struct config cfg;

	/* Release trusts what prepare recorded: the configuration only sets deadlines. */
	timing_phase("config");
	if (config_load_for_vm(root, vm_name, vm_uuid, &cfg, &err) < 0) {
		/* The devices still come back, with default deadlines. */
		log_warning("%s; using defaults", strna(err));
		config_done(&cfg); /* what was parsed before the error goes too */
	}
	int r = release_locked(root, &cfg, vm_name, vm_uuid, now, dry_run);
	config_done(&cfg);
	return r;
}
