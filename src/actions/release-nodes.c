// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * release-nodes: nothing holds a passed function's device nodes any more. Each holder is dealt
 * with by what it is (include/host/host.h, enum holder_kind):
 *   - logind's copies of a session's devices, in PID 1's fd store and in systemd-logind,
 *     go when the session is gone: they are waited for, never signalled;
 *   - a process of a session, a display manager or a service that an earlier stage ended or
 *     stopped gets a moment to go by itself, then SIGTERM and SIGKILL like the rest;
 *   - anything else gets SIGTERM, then SIGKILL, each with a deadline.
 */
#include <signal.h>

#include "core/action-type.h"
#include "lib/log.h"
#include "lib/proc-stat.h"
#include "lib/strutil.h"
#include "lib/wait.h"
#include "validate.h"

/* Re-read a process's start time: a pid reused since the scan is not ours to signal. */
static bool same_process(const struct exec_ctx *ctx, const struct node_holder *h)
{
	char pid[32];
	unsigned long long start;
	snprintf(pid, sizeof pid, "%d", (int)h->pid);
	return proc_starttime(ctx->root->proc_fd, pid, &start) >= 0 &&
	       start == h->starttime;
}

/*
 * The signal each round sends, by what the holder is. What an earlier stage already ended
 * (its session, its unit) is given the first round to go by itself; a holder of no session
 * or unit of ours is signalled at once.
 */
static int round_signal(const struct node_holder *h, unsigned round)
{
	static const int by_itself[] = { 0, SIGTERM, SIGKILL }, other[] = { SIGTERM, SIGKILL, 0 };
	return h->kind == HOLDER_OTHER ? other[round] : by_itself[round];
}
#define ROUNDS 3

static int signal_round(struct node_holder *list, size_t n, const int *fds, unsigned round)
{
	for (size_t i = 0; i < n; i++) {
		int sig = round_signal(&list[i], round);
		if (fds[i] < 0 || sig == 0)
			continue;
		int r = pidfd_signal(fds[i], sig);
		if (r < 0 && r != -ESRCH)
			return log_error_errno(r, "Cannot signal %s[%d]: %m", strna(list[i].comm),
					       (int)list[i].pid);
		log_info("Sent %s to %s[%d] (uid %u%s%s), which holds /dev/%s",
			 sig == SIGKILL ? "SIGKILL" : "SIGTERM", strna(list[i].comm), (int)list[i].pid,
			 (unsigned)list[i].uid, list[i].unit ? ", " : "", list[i].unit ?: "",
			 list[i].devname);
	}
	return 0;
}

/* Wait for every process still open in fds; returns how many are still alive. */
static size_t wait_all(int *fds, size_t n, unsigned timeout_ms)
{
	uint64_t deadline = now_usec() + (uint64_t)timeout_ms * 1000u;
	size_t alive = 0;
	for (size_t i = 0; i < n; i++) {
		if (fds[i] < 0)
			continue;
		uint64_t now = now_usec();
		unsigned left = now >= deadline ? 0 : (unsigned)((deadline - now) / 1000u);
		if (wait_pidfd_exit(fds[i], left) < 0)
			alive++;
		else {
			close(fds[i]);
			fds[i] = -1;
		}
	}
	return alive;
}

/* Processes: rounds of waiting and signals until none is left, or an error. */
static int end_processes(struct exec_ctx *ctx, const struct action *a, struct node_holder *list,
			 size_t n)
{
	_cleanup_free_ int *fds = calloc(n ?: 1, sizeof *fds);
	size_t alive = 0;
	int r = 0;
	if (!fds)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		fds[i] = -1;
		if (node_holder_is_logind_copy(&list[i]))
			continue;
		int fd = pidfd_open_pid(list[i].pid);
		if (fd >= 0 && !same_process(ctx, &list[i])) {
			close(fd);
			fd = -1;
		}
		fds[i] = fd;
		alive += fd >= 0;
	}
	for (unsigned round = 0; round < ROUNDS && alive > 0; round++) {
		if ((r = signal_round(list, n, fds, round)) < 0)
			break;
		alive = wait_all(fds, n, ctx->cfg->process_timeout_s * 1000u);
	}
	if (r >= 0 && alive > 0)
		r = log_error_errno(-EBUSY, "Processes holding %s's nodes survived SIGKILL",
				    a->target);
	for (size_t i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	return r;
}

struct copies_wait {
	const struct host *host;
	const struct dev_node *nodes;
	size_t n_nodes;
	const struct node_holder *list;
	size_t n;
};

static int copies_gone(void *data)
{
	const struct copies_wait *w = data;
	for (size_t i = 0; i < w->n; i++) {
		if (!node_holder_is_logind_copy(&w->list[i]))
			continue;
		int r = host_pid_holds(w->host, w->list[i].pid, w->nodes, w->n_nodes);
		if (r != 0)
			return r < 0 ? r : 0;
	}
	return 1;
}

/* logind closes its copies once the session they were opened for is gone. */
static int wait_copies(struct exec_ctx *ctx, const struct pci_function *d,
		       const struct dev_node *nodes, size_t n_nodes, const struct node_holder *list,
		       size_t n)
{
	struct copies_wait w = { .host = ctx->host, .nodes = nodes, .n_nodes = n_nodes,
				 .list = list, .n = n };
	int r = wait_for(copies_gone, &w, ctx->cfg->unit_timeout_s * 1000u, NULL);
	if (r != -ETIMEDOUT)
		return r < 0 ? log_error_errno(r, "Cannot read which processes hold %s's nodes: %m",
					       d->name) :
			       0;
	for (size_t i = 0; i < n; i++)
		if (node_holder_is_logind_copy(&list[i]) &&
		    host_pid_holds(ctx->host, list[i].pid, nodes, n_nodes) > 0)
			return log_error_errno(-EBUSY, "%s[%d] still holds logind's copy of /dev/%s "
						       "after %u s: its session has not ended "
						       "(loginctl list-sessions)",
					       strna(list[i].comm), (int)list[i].pid, list[i].devname,
					       ctx->cfg->unit_timeout_s);
	return 0; /* gone just now */
}

static int run(struct exec_ctx *ctx, struct action *a)
{
	const struct pci_function *d = ctx->host ? host_find_pci_name(ctx->host, a->target) : NULL;
	_cleanup_free_ struct dev_node *nodes = NULL;
	size_t n_nodes = 0;
	struct node_holder *list = NULL;
	size_t n = 0;
	uint64_t start = now_usec();
	if (!d)
		return ACTION_NOOP;
	int r = host_nodes_handed_over(ctx->host, d, ctx->devices, &nodes, &n_nodes);
	if (r < 0)
		return log_error_errno(r, "Cannot list the nodes of %s: %m", a->target);
	if (n_nodes == 0)
		return ACTION_NOOP;
	/* A captured host's pids are this machine's pids of other processes. */
	if (!ctx->root->live)
		return log_error_errno(-EOPNOTSUPP, "Cannot signal the processes of a host tree "
					  "(--sysroot): %m");
	r = host_find_holders(ctx->host, nodes, n_nodes, &list, &n);
	if (r < 0)
		return log_error_errno(r, "Cannot scan /proc: %m");
	if (n == 0) {
		node_holders_free(list, n);
		return ACTION_NOOP;
	}
	r = end_processes(ctx, a, list, n);
	if (r >= 0)
		r = wait_copies(ctx, d, nodes, n_nodes, list, n);
	node_holders_free(list, n);
	if (r < 0)
		return r;

	/* The real condition: nothing holds the nodes any more. */
	list = NULL;
	n = 0;
	if ((r = host_find_holders(ctx->host, nodes, n_nodes, &list, &n)) < 0)
		return log_error_errno(r, "Cannot scan /proc: %m");
	if (n > 0) {
		r = log_error_errno(-EBUSY, "%s[%d] still holds /dev/%s", strna(list[0].comm),
				    (int)list[0].pid, list[0].devname);
		node_holders_free(list, n);
		return r;
	}
	node_holders_free(list, n);
	log_info("Nothing holds the nodes of %s any more (%.2f s)", a->target,
		 usec_to_s(now_usec() - start));
	return 0;
}

/* Nothing to give back; which processes hold what is more than one cheap read would say. */
const struct action_type action_release_nodes = {
	.name = "release-nodes",
	.verb = "free device nodes",
	.stage = STAGE_HOLDERS,
	.target_ok = is_pci_name,
	.target_is = "a PCI address",
	.one_of_the_devices = true,
	.run = run,
};
