// SPDX-License-Identifier: GPL-2.0-or-later
/* Stage holders: whatever still has a passed device's node open gets SIGTERM, then SIGKILL. */
#include <signal.h>

#include "fileio.h"
#include "log.h"
#include "stages.h"
#include "strutil.h"
#include "wait.h"

static int describe(struct plan_ctx *ctx, const struct pci_function *d, char **ret)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	if (!f)
		return -ENOMEM;
	const char *sep = "";
	for (size_t i = 0; i < ctx->n_holders; i++) {
		const struct node_holder *h = &ctx->holders[i];
		bool mine = false;
		for (size_t k = 0; k < d->n_nodes; k++)
			mine |= streq(d->nodes[k].devname, h->devname);
		if (!mine)
			continue;
		_cleanup_free_ char *comm = str_escape(strna(h->comm), 32);
		if (plan_ctx_holder_covered(ctx, h))
			fprintf(f, "%s%s[%d] goes with its unit", sep, strna(comm), (int)h->pid);
		else
			fprintf(f, "%skill %s[%d]", sep, strna(comm), (int)h->pid);
		sep = ", ";
	}
	if (!*sep)
		fputs("nothing holds them now", f);
	if (fclose(f) != 0) {
		free(buf);
		return -ENOMEM;
	}
	*ret = buf;
	return 0;
}

int stage_holders_plan(struct plan_ctx *ctx)
{
	for (size_t i = 0; i < ctx->n_holders; i++) {
		const struct node_holder *h = &ctx->holders[i];
		if (plan_ctx_holder_covered(ctx, h))
			continue;
		/* Never signal init or anything in its scope: that is not a desktop app. */
		if (h->pid == 1 || (h->cgroup && streq(h->cgroup, "/init.scope"))) {
			int r = plan_refuse(ctx->plan, "PID %d (%s) holds /dev/%s and cannot be stopped",
					    (int)h->pid, strna(h->comm), h->devname);
			if (r < 0)
				return r;
		}
	}
	for (size_t i = 0; i < ctx->n_passed; i++) {
		const struct pci_function *d = ctx->passed[i];
		if (d->n_nodes == 0)
			continue;
		_cleanup_free_ char *why = NULL;
		int r = describe(ctx, d, &why);
		if (r < 0)
			return r;
		r = plan_add(ctx->plan, STAGE_HOLDERS, ACTION_RELEASE_NODES, d->name, NULL, why, 0);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Re-read a process's start time: a pid reused since the scan is not ours to signal. */
static bool same_process(const struct exec_ctx *ctx, const struct node_holder *h)
{
	char pid[32];
	unsigned long long start;
	snprintf(pid, sizeof pid, "%d", (int)h->pid);
	return host_process_starttime(ctx->root->proc_fd, pid, &start) >= 0 &&
	       start == h->starttime;
}

static int signal_all(struct exec_ctx *ctx, struct node_holder *list, size_t n, int *fds,
		      int sig)
{
	for (size_t i = 0; i < n; i++) {
		if (fds[i] < 0)
			continue;
		int r = pidfd_signal(fds[i], sig);
		if (r < 0 && r != -ESRCH)
			return log_error_errno(r, "Cannot signal %s[%d]: %m", strna(list[i].comm),
					       (int)list[i].pid);
		log_info("Sent %s to %s[%d] (uid %u), which holds /dev/%s",
			 sig == SIGKILL ? "SIGKILL" : "SIGTERM", strna(list[i].comm), (int)list[i].pid,
			 (unsigned)list[i].uid, list[i].devname);
	}
	return 0;
}

/* Wait for every signalled process; returns how many are still alive. */
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

int release_nodes_run(struct exec_ctx *ctx, struct action *a)
{
	const struct pci_function *d = ctx->host ? host_find_pci_name(ctx->host, a->target) : NULL;
	struct node_holder *list = NULL;
	size_t n = 0;
	uint64_t start = now_usec();
	if (!d || d->n_nodes == 0)
		return ACTION_NOOP;
	/* A captured host's pids are this machine's pids of other processes. */
	if (!ctx->root->live)
		return log_error_errno(-EOPNOTSUPP, "Cannot signal the processes of a host tree "
					  "(--sysroot): %m");
	int r = host_find_holders(ctx->host, d->nodes, d->n_nodes, &list, &n);
	if (r < 0)
		return log_error_errno(r, "Cannot scan /proc: %m");
	if (n == 0) {
		node_holders_free(list, n);
		return ACTION_NOOP;
	}
	_cleanup_free_ int *fds = calloc(n, sizeof *fds);
	if (!fds) {
		node_holders_free(list, n);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		fds[i] = -1;
		if (list[i].pid <= 1)
			continue;
		int fd = pidfd_open_pid(list[i].pid);
		if (fd >= 0 && !same_process(ctx, &list[i])) {
			close(fd);
			fd = -1;
		}
		fds[i] = fd;
	}
	r = signal_all(ctx, list, n, fds, SIGTERM);
	if (r >= 0 && wait_all(fds, n, ctx->cfg->process_timeout_s * 1000u) > 0) {
		r = signal_all(ctx, list, n, fds, SIGKILL);
		if (r >= 0 && wait_all(fds, n, ctx->cfg->process_timeout_s * 1000u) > 0)
			r = log_error_errno(-EBUSY, "Processes holding %s's nodes survived SIGKILL",
					    a->target);
	}
	for (size_t i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	node_holders_free(list, n);
	if (r < 0)
		return r;

	/* The real condition: nothing holds the nodes any more. */
	list = NULL;
	n = 0;
	if ((r = host_find_holders(ctx->host, d->nodes, d->n_nodes, &list, &n)) < 0)
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
