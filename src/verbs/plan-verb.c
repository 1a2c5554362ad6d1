// SPDX-License-Identifier: GPL-2.0-or-later
/* `vfio-hook plan`: the dry run of prepare (or release) for a domain XML, from any user. */
#include <fcntl.h>

#include "core/journal.h"
#include "hook.h"
#include "host/host.h"
#include "input/config.h"
#include "input/domain.h"
#include "lib/fileio.h"
#include "lib/log.h"
#include "lib/strutil.h"
#include "stages/stages.h"
#include "verbs.h"

int plan_verb(const struct verb_args *a)
{
	bool release = a->release, json = a->json;
	_cleanup_free_ char *xml = NULL, *err = NULL;
	_cleanup_(domain_freep) struct domain *dom = NULL;
	_cleanup_(sysroot_freep) struct sysroot *root = NULL;
	_cleanup_(host_freep) struct host *host = NULL;
	_cleanup_(plan_freep) struct plan *plan = NULL;
	_cleanup_(journal_freep) struct journal *j = NULL;
	_cleanup_close_ int jfd = -1;
	struct config cfg;
	size_t size;
	int r;

	if (hook_read_xml(a->xml_path, "Give the domain XML with --xml FILE or on stdin "
					"(virsh dumpxml VM | vfio-hook plan)", &xml, &size) < 0)
		return 2;
	if (domain_parse(xml, size, &dom, &err) < 0) {
		log_error("%s", err ?: "cannot parse the domain XML");
		return 2;
	}
	if ((r = sysroot_open(a->sysroot, &root)) < 0) {
		log_error_errno(r, "Cannot open the host root %s: %m", a->sysroot ?: "/");
		return 2;
	}
	if (journal_dir_open(root, false, &jfd, NULL) < 0)
		jfd = -1;

	if (release) {
		r = jfd >= 0 ? journal_load(jfd, dom->uuid, dom->name, &j, &err) : -ENOENT;
		if (r == -ENOENT) {
			printf("Plan for VM '%s' (release/end): nothing recorded, nothing to do\n",
			       dom->name);
			return 0;
		}
		if (r < 0) {
			log_error_errno(r, "The journal of %s is refused (%s)", dom->uuid,
					err ?: strerror(-r));
			return 1;
		}
		j->plan->op = PLAN_RELEASE;
		return plan_print(j->plan, stdout, json) < 0 ? 1 : 0;
	}

	if (config_load_for_vm(root, dom->name, dom->uuid, &cfg, &err) < 0) {
		log_error("%s", err ?: "cannot load the configuration");
		config_done(&cfg);
		return 1;
	}
	r = host_load(root, &host);
	if (r >= 0)
		r = planner_prepare(dom, host, &cfg, jfd, &plan);
	config_done(&cfg);
	if (r < 0) {
		log_error_errno(r, "Cannot plan the handoff: %m");
		return 1;
	}
	if ((r = plan_print(plan, stdout, json)) < 0) {
		log_error_errno(r, "Cannot print the plan: %m");
		return 1;
	}
	return plan_refused(plan) ? 1 : 0;
}
