// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One libvirt hook call, from argv and stdin to an exit status, with libvirt's semantics:
 * prepare may veto a start; release, stopped, reconnect and the rest never fail the daemon;
 * migrate and restore keep stdout empty (it would replace the XML).
 */
#include <fcntl.h>
#include <sys/stat.h>

#include "core/executor.h"
#include "core/journal.h"
#include "core/release.h"
#include "hook.h"
#include "host/host.h"
#include "input/config.h"
#include "input/domain.h"
#include "lib/fileio.h"
#include "lib/log.h"
#include "lib/string-table.h"
#include "lib/strutil.h"
#include "lib/sysroot.h"
#include "lib/timing.h"
#include "stages/stages.h"

#define LOG_DIR "/var/log/libvirt/hooks/qemu"

static const char *const hook_op_table[_HOOK_OP_MAX] = {
	[HOOK_OP_PREPARE] = "prepare",	   [HOOK_OP_START] = "start",
	[HOOK_OP_STARTED] = "started",	   [HOOK_OP_STOPPED] = "stopped",
	[HOOK_OP_RELEASE] = "release",	   [HOOK_OP_MIGRATE] = "migrate",
	[HOOK_OP_RESTORE] = "restore",	   [HOOK_OP_RECONNECT] = "reconnect",
	[HOOK_OP_ATTACH] = "attach",
};

DEFINE_STRING_TABLE_LOOKUP(hook_op, enum hook_op, _HOOK_OP_MAX)

bool hook_op_may_fail(enum hook_op op)
{
	return op == HOOK_OP_PREPARE || op == HOOK_OP_START || op == HOOK_OP_STARTED;
}

struct hook_call {
	const struct hook_args *args;
	enum hook_op op;
	bool dry_run;
	struct sysroot *root;
	struct domain *dom;
	struct vm_flags flags; /* the domain's, with the configuration's added */
	char *xml;
	size_t xml_size;
};

int hook_read_xml(const char *path, const char *tty_hint, char **ret, size_t *ret_size)
{
	_cleanup_close_ int fd = -1;
	int in = STDIN_FILENO;
	if (path && !streq(path, "-")) {
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (fd < 0)
			return log_error_errno(-errno, "Cannot open %s: %m", path);
		in = fd;
	} else if (isatty(STDIN_FILENO))
		return log_error_errno(-ENOTTY, "%s", tty_hint);
	int r = read_stream_capped(in, DOMAIN_XML_MAX, ret, ret_size);
	if (r == -EFBIG)
		return log_error_errno(r, "domain XML larger than %u bytes", DOMAIN_XML_MAX);
	if (r < 0)
		return log_error_errno(r, "Cannot read the domain XML: %m");
	return 0;
}

/* The XML's name against argv's: a prepare refuses, anything else warns and uses the XML's. */
static int check_vm_name(const struct hook_call *c)
{
	if (!streq(c->dom->name, c->args->vm)) {
		_cleanup_free_ char *a = str_escape(c->args->vm, 128), *b = str_escape(c->dom->name, 128);
		/* libvirt always passes the XML's name: anyone else gets to look, not to act. */
		if (c->op == HOOK_OP_PREPARE && !c->args->dry_run)
			return log_error_errno(-EINVAL, "VM name '%s' in argv differs from "
					       "<name>%s</name> in the domain XML: refusing", strna(a),
					       strna(b));
		log_warning("VM name '%s' in argv differs from <name>%s</name>, using the XML's", strna(a),
			    strna(b));
	}
	return 0;
}

static int parse_domain(struct hook_call *c)
{
	_cleanup_free_ char *err = NULL;
	timing_phase("parse");
	int r = domain_parse(c->xml, c->xml_size, &c->dom, &err);
	if (r < 0)
		return log_error_errno(r, "%s", err ?: "cannot parse the domain XML");
	return check_vm_name(c);
}

/* /var/log/libvirt/hooks/qemu/<vm>.log, only for names that are plain file names. */
static void open_log_file(struct hook_call *c)
{
	const char *name = c->args->vm;
	if (c->dry_run || !vm_name_is_valid(name))
		name = c->dom ? c->dom->uuid : NULL;
	if (c->dry_run || !name)
		return;
	_cleanup_free_ char *dir = sysroot_path(c->root, LOG_DIR), *file = NULL;
	if (!dir)
		return;
	/* mkdir -p, owner-only at the leaf; under --sysroot, nothing above the tree. */
	for (char *s = strchr(dir + strlen(c->root->prefix) + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = 0;
		(void)mkdir(dir, 0755);
		*s = '/';
	}
	(void)mkdir(dir, 0700);
	_cleanup_close_ int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	file = strdup_printf("%s.log", name);
	if (dfd < 0 || !file)
		return;
	int r = log_open_file(dfd, file);
	if (r < 0)
		log_debug_errno(r, "Cannot open %s/%s, logging to stderr and the journal only: %m",
				dir, file);
}

/* The configuration, and the VM's flags with the configured ones; the error text is the
 * caller's to log. */
static int load_config(struct hook_call *c, struct config *cfg, char **ret_error)
{
	timing_phase("config");
	int r = config_load_for_vm(c->root, c->dom->name, c->dom->uuid, cfg, ret_error);
	if (r < 0)
		return r;
	vm_flags_done(&c->flags);
	if ((r = config_vm_flags(cfg, &c->dom->flags, &c->flags)) < 0) {
		*ret_error = strdup_printf("cannot apply the configured flags: %s", strerror(-r));
		return r;
	}
	if (cfg->debug || vm_flags_has(&c->flags, VM_FLAG_DEBUG))
		log_set_max_priority(LOG_DEBUG);
	return 0;
}

/* libvirt runs the hook at every start of every VM: one that has nothing for us (no device,
 * no flag, no override, nothing left from an earlier run) costs no host scan, no lock and no
 * log file. --dry-run always plans, to say why there is nothing to do. */
static bool nothing_to_prepare(const struct hook_call *c, const struct config *cfg)
{
	return !c->args->dry_run && !planner_may_act(c->dom, cfg) &&
	       !journal_may_exist(c->root, c->dom->uuid);
}

static int load_host(struct hook_call *c, struct host **host)
{
	timing_phase("host");
	int r = host_load(c->root, host);
	if (r < 0)
		return log_error_errno(r, "Cannot read the host's devices: %m");
	return 0;
}

static int refusal_line(const struct plan *p)
{
	/* One line on stderr: libvirt pastes it into `virsh start`; the log has them all. */
	for (char **r = p->refusals; r && *r; r++)
		log_full(LOG_INFO, "refused: %s", *r);
	size_t n = strv_length(p->refusals);
	/* The logger escapes the name: escaping it here too made "\x0a" read "\x5cx0a". */
	log_error("cannot hand the devices to '%.128s': %s%s", strna(p->vm_name), p->refusals[0],
		  n > 1 ? " (and more: see the log)" : "");
	return -EPERM;
}

/* The plan into the log: its actions at debug level, or at info for a dry run asked for in the
 * VM's description, whose only output this is. */
static void log_plan(const struct plan *p, int action_priority)
{
	for (char **n = p->notes; n && *n; n++)
		log_info("%s", *n);
	for (size_t i = 0; i < p->n_actions; i++) {
		const struct action *a = &p->actions[i];
		log_full(action_priority, "plan %zu/%zu %s: %s %s (expects %s)", i + 1, p->n_actions,
			 stage_to_string(a->stage), action_kind_verb(a->kind), a->target,
			 strna(a->prior));
	}
}

/* Under the lock: whatever an earlier, unfinished run of this VM left is given back first. */
static int converge_leftover(struct exec_ctx *ctx, int jfd, const char *uuid)
{
	_cleanup_(journal_freep) struct journal *old = NULL;
	_cleanup_free_ char *err = NULL;
	int r = journal_load(jfd, uuid, NULL, &old, &err);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return log_error_errno(r, "The journal of %s is refused (%s): check /run/%s/%s.journal",
				       uuid, err ?: strerror(-r), JOURNAL_DIR, uuid);
	log_notice("Found an earlier record of this VM (%s): giving that back first",
		   journal_state_to_string(old->state));
	return executor_release(ctx, jfd, old);
}

static int plan_for(struct hook_call *c, struct host *host, const struct config *cfg, int jfd,
		    struct plan **ret)
{
	int r = planner_prepare(c->dom, host, cfg, jfd, ret);
	if (r < 0)
		return log_error_errno(r, "Cannot plan the handoff: %m");
	return 0;
}

/* --dry-run on the command line prints the plan; args[ --dry-run ] in the VM's description logs
 * it. Neither takes the lock, writes the VM's log file or gives back a leftover journal. */
static int prepare_dry_run(struct hook_call *c, struct host *host, const struct config *cfg)
{
	_cleanup_(plan_freep) struct plan *plan = NULL;
	_cleanup_close_ int jfd = -1;
	if (journal_dir_open(c->root, false, &jfd, NULL) < 0)
		jfd = -1;
	timing_phase("plan");
	int r = plan_for(c, host, cfg, jfd, &plan);
	if (r < 0)
		return r;
	if (c->args->dry_run) {
		if ((r = plan_print(plan, stdout, false)) < 0)
			return log_error_errno(r, "Cannot print the plan: %m");
		return plan_refused(plan) ? -EPERM : 0;
	}
	if (plan_refused(plan))
		return refusal_line(plan);
	log_plan(plan, LOG_INFO);
	log_notice("--dry-run in the VM description: the host is left as it is");
	return 0;
}

static int prepare_locked(struct hook_call *c, struct exec_ctx *ctx, int jfd)
{
	_cleanup_(plan_freep) struct plan *plan = NULL;
	int r = converge_leftover(ctx, jfd, c->dom->uuid);
	if (r < 0)
		return r;
	/* Plan under the lock: other VMs' journals cannot change under us now. */
	timing_phase("plan");
	if ((r = plan_for(c, (struct host *)ctx->host, ctx->cfg, jfd, &plan)) < 0)
		return r;
	if (plan_refused(plan))
		return refusal_line(plan);
	log_plan(plan, LOG_DEBUG);
	if (plan->n_actions == 0)
		return 0;
	r = executor_prepare(ctx, jfd, plan);
	if (r < 0) {
		if (!ctx->left_behind)
			log_notice("Prepare failed; the host was given back what was taken");
	} else {
		_cleanup_free_ char *took = timing_summary();
		log_info("Prepared: %zu actions done in %s", plan->n_actions, strna(took));
	}
	return r;
}

static int prepare_for_real(struct hook_call *c, struct host *host, const struct config *cfg)
{
	_cleanup_close_ int jfd = -1, lock = -1;
	_cleanup_free_ char *err = NULL;
	timing_phase("lock");
	int r = journal_dir_open(c->root, true, &jfd, &err);
	if (r < 0)
		return log_error_errno(r, "Cannot use %s/run/%s for the journal: %s",
				       c->root->prefix, JOURNAL_DIR, err ?: strerror(-r));
	if ((r = executor_lock(jfd, cfg->lock_timeout_s, &lock)) < 0)
		return log_error_errno(r, "Another VM's hook held the lock for %u s: %m",
				       cfg->lock_timeout_s);
	struct exec_ctx ctx = { .root = c->root, .cfg = cfg, .host = host,
				.vm_name = c->dom->name, .vm_uuid = c->dom->uuid };
	r = prepare_locked(c, &ctx, jfd);
	return r;
}

static int do_prepare(struct hook_call *c)
{
	_cleanup_(host_freep) struct host *host = NULL;
	struct config cfg;
	int r;

	if ((r = parse_domain(c)) < 0)
		return r;
	config_init(&cfg);
	_cleanup_free_ char *err = NULL;
	r = load_config(c, &cfg, &err);
	if (r >= 0 && nothing_to_prepare(c, &cfg)) {
		log_debug("Nothing to hand over for %s", c->dom->name);
		config_done(&cfg);
		return 0;
	}
	bool dry_run = c->args->dry_run || (r >= 0 && vm_flags_has(&c->flags, VM_FLAG_DRY_RUN));
	if (!dry_run)
		open_log_file(c);
	if (r < 0)
		log_error_errno(r, "%s", err ?: "cannot load the configuration");
	else
		r = load_host(c, &host);
	if (r >= 0)
		r = dry_run ? prepare_dry_run(c, host, &cfg) : prepare_for_real(c, host, &cfg);
	config_done(&cfg);
	return r;
}

static int do_release(struct hook_call *c)
{
	_cleanup_free_ char *err = NULL;
	const char *name = c->args->vm, *uuid = NULL;
	int r = domain_parse(c->xml, c->xml_size, &c->dom, &err);
	open_log_file(c);
	if (r < 0)
		/* A description changed live (virsh desc --live) must not strand the GPU. */
		log_warning("The domain XML at release does not parse (%s): giving back what the "
			    "journal of '%.128s' records", strna(err), name);
	else {
		(void)check_vm_name(c);
		name = c->dom->name;
		uuid = c->dom->uuid;
	}
	r = release_vm(c->root, name, uuid, c->dom, c->args->dry_run);
	return r < 0 ? r : 0;
}

int hook_run(const struct hook_args *args)
{
	struct hook_call c = { .args = args, .dry_run = args->dry_run };
	int r;

	log_set_context(args->vm, args->op);
	timing_phase("read");
	c.op = hook_op_from_string(args->op);
	/* libvirt writes the XML into a pipe: always drain it, whatever we do next. */
	r = hook_read_xml(args->xml_path, "The domain XML is read from stdin, not a terminal",
			  &c.xml, &c.xml_size);
	if (c.op < 0) {
		log_notice("Ignoring unknown operation '%s %s'", args->op, args->subop);
		free(c.xml);
		return EXIT_SUCCESS;
	}
	if (r < 0 && c.op != HOOK_OP_PREPARE) {
		free(c.xml);
		return EXIT_SUCCESS;
	}

	if (!args->dry_run && geteuid() != 0 && !args->sysroot) {
		/* A qemu:///session daemon runs the same hook: nothing of ours to do there. */
		free(c.xml);
		return EXIT_SUCCESS;
	}
	if (r >= 0) {
		r = sysroot_open(args->sysroot, &c.root);
		if (r < 0)
			log_error_errno(r, "Cannot open the host root %s: %m",
					isempty(args->sysroot) ? "/" : args->sysroot);
	}
	if (r >= 0) {
		if (!args->dry_run && c.root->live)
			log_enable_journal(true);
		if (c.op == HOOK_OP_PREPARE && streq(args->subop, "begin"))
			r = do_prepare(&c);
		else if (c.op == HOOK_OP_RELEASE && streq(args->subop, "end"))
			r = do_release(&c);
		else
			r = 0; /* start, started, stopped, reconnect, migrate, restore: nothing to do */
	}

	timing_phase("exit");
	vm_flags_done(&c.flags);
	domain_free(c.dom);
	sysroot_free(c.root);
	free(c.xml);
	timing_end();
	if (timing_write_trace(args->vm, args->op, args->subop) < 0)
		log_debug("Cannot write the timing trace");
	log_close();
	if (r < 0 && (hook_op_may_fail(c.op) || args->dry_run))
		return EXIT_FAILURE;
	return EXIT_SUCCESS;
}
