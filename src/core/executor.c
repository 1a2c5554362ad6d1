// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The executor: one journaled loop for prepare, one for undo. Every state change of an action
 * is written to the journal before the next step, so a SIGKILL at any point leaves a record
 * that release (or the next prepare) can converge from.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <sys/file.h>
#include <time.h>

#include "core/action-type.h"
#include "core/executor.h"
#include "lib/log.h"
#include "lib/strutil.h"
#include "lib/timing.h"
#include "lib/wait.h"
#include "system/bus.h"

int exec_system_bus(struct exec_ctx *ctx, sd_bus **ret)
{
	if (!ctx->root->live)
		return -EOPNOTSUPP;
	return bus_system(ret);
}

int exec_log_stuck(const struct exec_ctx *ctx, const char *fmt, ...)
{
	char what[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	log_error("%s did not return within %u s: the driver is stuck in the kernel (journalctl "
		  "-k); pid %d is left waiting there",
		  what, ctx->cfg->module_timeout_s, (int)ctx->kernel.stuck_pid);
	return -ETIMEDOUT;
}

struct lock_try {
	int fd;
};

static int try_lock(void *data)
{
	const struct lock_try *t = data;
	if (flock(t->fd, LOCK_EX | LOCK_NB) == 0)
		return 1;
	return errno == EWOULDBLOCK ? 0 : -errno;
}

int executor_lock(int journal_dir_fd, unsigned timeout_s, int *ret_fd)
{
	/* The state directory itself is the lock: no lock file to leave behind or race on. */
	_cleanup_close_ int fd = openat(journal_dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	struct lock_try t = { fd };
	uint64_t usec = 0;
	TIMING_WAIT(WAIT_LOCK);
	int r = wait_for(try_lock, &t, timeout_s * 1000u, &usec);
	if (r < 0)
		return r;
	if (usec > 100000)
		log_info("Waited %.2f s for another VM's hook", usec_to_s(usec));
	*ret_fd = TAKE_FD(fd);
	return 0;
}

static int save(int dir_fd, const struct journal *j)
{
	int r = journal_save(dir_fd, j);
	if (r < 0)
		log_error_errno(r, "Cannot write the journal of %s: %m", j->plan->vm_uuid);
	return r;
}

int exec_record_result(struct exec_ctx *ctx, struct action *a, const char *result)
{
	char *copy = NULL;
	if (result && !(copy = strdup(result)))
		return log_error_errno(-ENOMEM, "Cannot record what %s %s found: %m",
				       action_kind_verb(a->kind), a->target);
	free(a->result);
	a->result = copy;
	return ctx->journal ? save(ctx->journal_dir_fd, ctx->journal) : 0;
}

/* A shared thing another VM holds too: its name, for the log line; NULL when nobody else does. */
static char *other_holder(const struct exec_ctx *ctx, const struct action *a)
{
	char *vm = NULL;
	if (!action_types[a->kind]->shared ||
	    journal_other_holder(ctx->journal_dir_fd, ctx->vm_uuid, a->kind, a->target, &vm) <= 0)
		return NULL;
	return vm;
}

/* Unit file changes take effect with one daemon reload when the executor leaves a stage (after
 * a stage's masks, before the next stage takes anything). */
static int reload_if_leaving_stage(struct exec_ctx *ctx, const struct action *a,
				   const struct action *next)
{
	_cleanup_free_ char *why = NULL;
	sd_bus *bus;
	if (!ctx->systemd_reload_pending || (next && next->stage == a->stage))
		return 0;
	ctx->systemd_reload_pending = false;
	int r = exec_system_bus(ctx, &bus);
	if (r >= 0)
		r = bus_manager_reload(bus, ctx->cfg->unit_timeout_s, &why);
	if (r < 0)
		return log_error_errno(r, "Cannot reload systemd after %s: %s",
				       stage_to_string(a->stage), why ?: strerror(-r));
	return 0;
}

static bool needs_undo(const struct action *a)
{
	/* "started" and "failed" may have changed something: their undo checks what is real. */
	return (a->state == ACTION_DONE || a->state == ACTION_STARTED ||
		a->state == ACTION_FAILED) &&
	       action_types[a->kind]->undo;
}

/* What a call left stuck in the kernel means for an action; false when it is still there. */
static bool stuck_call_returned(struct action *a, const char *vm_name)
{
	if (a->stuck_pid <= 0)
		return true;
	if (kernel_call_running(a->stuck_pid, a->stuck_start)) {
		log_error("Not undoing %s %s yet: pid %d still waits in the kernel for its driver; "
			  "once it has returned, 'vfio-hook recover %s' gives it back",
			  action_kind_verb(a->kind), a->target, (int)a->stuck_pid, vm_name);
		return false;
	}
	/* Returned: the undo reads what the call really did. */
	a->stuck_pid = 0;
	a->stuck_start = 0;
	return true;
}

/* A call of the action's run or undo left waiting in the kernel: journaled with it. */
static void note_stuck_call(struct exec_ctx *ctx, struct action *a)
{
	if (ctx->kernel.stuck_pid <= 0)
		return;
	a->stuck_pid = ctx->kernel.stuck_pid;
	a->stuck_start = ctx->kernel.stuck_start;
	ctx->kernel.stuck_pid = 0;
}

/* Undo actions [0, upto] in reverse; keeps going after errors and returns the first. */
static int undo_range(struct exec_ctx *ctx, int dir_fd, struct journal *j, size_t upto)
{
	int ret = 0;
	const struct action *last = NULL; /* the last one undone */
	j->state = JOURNAL_RELEASING;
	RET_GATHER(ret, save(dir_fd, j));
	for (size_t k = upto + 1; k-- > 0;) {
		struct action *a = &j->plan->actions[k];
		if (!needs_undo(a))
			continue;
		if (last)
			RET_GATHER(ret, reload_if_leaving_stage(ctx, last, a));
		last = a;
		if (!stuck_call_returned(a, j->plan->vm_name)) {
			RET_GATHER(ret, -EBUSY);
			continue;
		}
		timing_undo(stage_to_string(a->stage), action_kind_verb(a->kind), a->target);
		_cleanup_free_ char *holder = other_holder(ctx, a);
		if (holder) {
			/* Only the last VM to hold it gives it back. */
			log_info("Leaving %s %s as it is: VM '%s' still holds it",
				 action_kind_verb(a->kind), a->target, holder);
			a->state = ACTION_UNDONE;
			RET_GATHER(ret, save(dir_fd, j));
			continue;
		}
		ctx->kernel.stuck_pid = 0;
		int r = action_types[a->kind]->undo(ctx, a);
		if (r < 0) {
			note_stuck_call(ctx, a);
			RET_GATHER(ret, r);
			RET_GATHER(ret, save(dir_fd, j));
			continue; /* the rest still comes back; a later release retries this one */
		}
		a->state = ACTION_UNDONE;
		RET_GATHER(ret, save(dir_fd, j));
	}
	if (last)
		RET_GATHER(ret, reload_if_leaving_stage(ctx, last, NULL));
	timing_phase("journal");
	if (ret >= 0) {
		int r = journal_remove(dir_fd, j->plan->vm_uuid);
		if (r < 0)
			log_warning_errno(r, "Cannot remove the journal of %s: %m", j->plan->vm_uuid);
	} else {
		ctx->left_behind = true;
		log_error("Not everything came back; the journal keeps what is left: see "
			  "'vfio-hook status', then 'vfio-hook recover %s'", j->plan->vm_name);
	}
	return ret;
}

/* The plan's actions run in order, each journaled before and after. */
static int prepare(struct exec_ctx *ctx, int dir_fd, struct journal *j)
{
	int r = save(dir_fd, j);
	if (r < 0)
		return r;
	for (size_t i = 0; i < j->plan->n_actions; i++) {
		struct action *a = &j->plan->actions[i];
		a->state = ACTION_STARTED;
		if ((r = save(dir_fd, j)) < 0) {
			a->state = ACTION_PLANNED;
			return undo_range(ctx, dir_fd, j, i), r;
		}
		log_debug("Action %zu/%zu: %s %s", i + 1, j->plan->n_actions,
			  action_kind_verb(a->kind), a->target);
		timing_action(stage_to_string(a->stage), action_kind_verb(a->kind), a->target);
		ctx->kernel.stuck_pid = 0;
		r = action_types[a->kind]->run(ctx, a);
		if (r < 0) {
			a->state = ACTION_FAILED;
			note_stuck_call(ctx, a);
			(void)save(dir_fd, j);
			log_notice("Rolling back %s: undoing %zu action%s", j->plan->vm_name, i + 1,
				   i ? "s" : "");
			(void)undo_range(ctx, dir_fd, j, i);
			return r;
		}
		a->state = r == ACTION_NOOP ? ACTION_SKIPPED : ACTION_DONE;
		_cleanup_free_ char *holder = r == ACTION_NOOP ? other_holder(ctx, a) : NULL;
		if (holder) {
			/* Already so because another VM made it so: this VM holds it too now. */
			log_info("%s %s: joins VM '%s', which holds it already",
				 action_kind_verb(a->kind), a->target, holder);
			a->state = ACTION_DONE;
		}
		if ((r = save(dir_fd, j)) < 0)
			return undo_range(ctx, dir_fd, j, i), r;
		const struct action *next = i + 1 < j->plan->n_actions ? a + 1 : NULL;
		if ((r = reload_if_leaving_stage(ctx, a, next)) < 0) {
			log_notice("Rolling back %s: undoing %zu action%s", j->plan->vm_name, i + 1,
				   i ? "s" : "");
			return undo_range(ctx, dir_fd, j, i), r;
		}
	}
	timing_phase("journal");
	j->state = JOURNAL_PREPARED;
	return save(dir_fd, j);
}

int executor_prepare(struct exec_ctx *ctx, int dir_fd, struct plan *plan)
{
	struct journal j = {
		.state = JOURNAL_PREPARING,
		.boot_id = ctx->host ? ctx->host->boot_id : NULL,
		.pid = getpid(),
		.since = (uint64_t)time(NULL),
		.plan = plan,
	};
	ctx->journal_dir_fd = dir_fd;
	ctx->vm_pinned = plan->pinned_cpus;
	ctx->devices = plan->devices;
	ctx->journal = &j;
	int r = prepare(ctx, dir_fd, &j);
	ctx->journal = NULL;
	return r;
}

int executor_release(struct exec_ctx *ctx, int dir_fd, struct journal *j)
{
	ctx->journal_dir_fd = dir_fd;
	ctx->vm_pinned = j->plan->pinned_cpus;
	if (j->plan->n_actions == 0) {
		(void)!journal_remove(dir_fd, j->plan->vm_uuid);
		return 0;
	}
	ctx->journal = j;
	int r = undo_range(ctx, dir_fd, j, j->plan->n_actions - 1);
	ctx->journal = NULL;
	return r;
}
