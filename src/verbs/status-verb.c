// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `vfio-hook status`: every journal in /run/vfio-hook, what it says the VM holds and changed,
 * since when, by which hook, and whether the host still looks that way. Reads only; a refused
 * journal is listed with why, never acted on.
 */
#include <inttypes.h>
#include <time.h>

#include "core/host-check.h"
#include "core/journal.h"
#include "host/host.h"
#include "host/libvirt-state.h"
#include "lib/fileio.h"
#include "lib/log.h"
#include "lib/strutil.h"
#include "lib/table.h"
#include "system/kernel-call.h"
#include "verbs.h"


struct check {
	enum host_match match;
	char *found;
};

struct entry {
	char *uuid;
	struct journal *j;     /* NULL when refused */
	char *refused;         /* why, when refused */
	bool earlier_boot;     /* written before this boot: nothing is held any more */
	bool hook_running;     /* the pid that wrote it still runs */
	int qemu;              /* 1 running, 0 not, <0 unknown (not a plain name) */
	pid_t qemu_pid;
	struct check *checks;  /* one per action */
	unsigned n_differ, n_match, n_unchecked;
};

static void entry_done(struct entry *e)
{
	if (e->j && e->checks)
		for (size_t i = 0; i < e->j->plan->n_actions; i++)
			free(e->checks[i].found);
	free(e->checks);
	free(e->uuid);
	free(e->refused);
	journal_free(e->j);
}

/* What the host may still hold because of it: done, or started or failed half-way. */
static bool action_is_shown(const struct action *a)
{
	return a->state == ACTION_DONE || a->state == ACTION_STARTED || a->state == ACTION_FAILED;
}

/* A call of the action left waiting in the kernel at its deadline: said beside what was found. */
static int note_stuck(const struct action *a, struct check *c)
{
	bool running = kernel_call_running(a->stuck_pid, a->stuck_start);
	char *s = strdup_printf("%s%spid %d %s", c->found ?: "", c->found ? "; " : "",
				(int)a->stuck_pid,
				running ? "still waits in the kernel for the driver" :
					  "has returned from the kernel: recover gives it back");
	if (!s)
		return -ENOMEM;
	free(c->found);
	c->found = s;
	return 0;
}

static int entry_fill(struct entry *e, const struct sysroot *root, const struct host *h, int jfd,
		      const char *uuid)
{
	_cleanup_free_ char *err = NULL;
	if (!(e->uuid = strdup(uuid)))
		return -ENOMEM;
	int r = journal_load(jfd, uuid, NULL, &e->j, &err);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		e->refused = err ? TAKE_PTR(err) : strdup(strerror(-r));
		return e->refused ? 0 : -ENOMEM;
	}
	const struct journal *j = e->j;
	e->earlier_boot = !isempty(j->boot_id) && h && h->boot_id && !streq(j->boot_id, h->boot_id);
	char pid[32];
	snprintf(pid, sizeof pid, "%d", (int)j->pid);
	e->hook_running = !e->earlier_boot && j->pid > 0 && is_dir_at(root->proc_fd, pid);
	e->qemu = libvirt_vm_running(root, j->plan->vm_name, &e->qemu_pid);
	if (!(e->checks = calloc(j->plan->n_actions ?: 1, sizeof *e->checks)))
		return -ENOMEM;
	for (size_t i = 0; i < j->plan->n_actions; i++) {
		const struct action *a = &j->plan->actions[i];
		struct check *c = &e->checks[i];
		if (!action_is_shown(a))
			continue;
		if (e->earlier_boot || !h)
			c->match = HOST_NOT_CHECKED;
		else
			c->match = host_check_action(h, a, &c->found);
		if (a->stuck_pid > 0 && !e->earlier_boot && (r = note_stuck(a, c)) < 0)
			return r;
		e->n_match += c->match == HOST_MATCHES;
		e->n_differ += c->match == HOST_DIFFERS;
		e->n_unchecked += c->match == HOST_NOT_CHECKED;
	}
	return 0;
}

static char *since_text(uint64_t since)
{
	if (since == 0)
		return strdup("unknown");
	time_t t = (time_t)since;
	struct tm tm;
	char buf[64];
	if (!localtime_r(&t, &tm) || strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S %z", &tm) == 0)
		return strdup_printf("%" PRIu64, since);
	return strdup(buf);
}

static const char *hook_text(const struct entry *e)
{
	if (e->earlier_boot)
		return "from an earlier boot: nothing is held any more, the journal only remains";
	if (e->j->state == JOURNAL_PREPARED)
		return "finished";
	return e->hook_running ? "still running" :
				 "no longer running, and not everything came back: release or "
				 "vfio-hook recover gives back what is left";
}

static const char *qemu_text(const struct entry *e)
{
	return e->qemu > 0 ? "running" : e->qemu == 0 ? "not running" : "unknown (not a plain name)";
}


enum {
	COL_N,
	COL_STAGE,
	COL_ACTION,
	COL_TARGET,
	COL_STATE,
	COL_HOST,
	COL_FOUND,
	_COL_MAX,
};

static int print_actions(const struct entry *e, FILE *out)
{
	static const char *const names[_COL_MAX] = { "#", "STAGE", "ACTION", "TARGET",
						     "STATE", "HOST", "FOUND" };
	_cleanup_(sym_scols_unref_tablep) struct libscols_table *tb = NULL;
	int r = table_new_text(out, &tb);
	if (r < 0)
		return r;
	for (size_t i = 0; i < _COL_MAX; i++)
		if (!sym_scols_table_new_column(tb, names[i], 0.1, i == COL_N ? SCOLS_FL_RIGHT : 0))
			return -ENOMEM;
	unsigned n = 0;
	for (size_t i = 0; i < e->j->plan->n_actions; i++) {
		const struct action *a = &e->j->plan->actions[i];
		if (!action_is_shown(a))
			continue;
		struct libscols_line *ln = sym_scols_table_new_line(tb, NULL);
		char num[32];
		snprintf(num, sizeof num, "%u", ++n);
		if (!ln)
			return -ENOMEM;
		if ((r = table_set_escaped(ln, COL_N, num)) < 0 ||
		    (r = table_set_escaped(ln, COL_STAGE, stage_to_string(a->stage))) < 0 ||
		    (r = table_set_escaped(ln, COL_ACTION, action_kind_verb(a->kind))) < 0 ||
		    (r = table_set_escaped(ln, COL_TARGET, a->target)) < 0 ||
		    (r = table_set_escaped(ln, COL_STATE, action_state_to_string(a->state))) < 0 ||
		    (r = table_set_escaped(ln, COL_HOST, host_match_to_string(e->checks[i].match))) < 0 ||
		    (r = table_set_escaped(ln, COL_FOUND, e->checks[i].found ?: "-")) < 0)
			return r;
	}
	if (n == 0)
		return fputs("  Nothing done on the host yet.\n", out) < 0 ? -EIO : 0;
	fputc('\n', out);
	return sym_scols_print_table(tb) < 0 ? -EIO : 0;
}

static int print_entry(const struct entry *e, FILE *out)
{
	if (!e->j) {
		_cleanup_free_ char *why = str_escape(e->refused, 4096);
		fprintf(out, "Journal %s: refused, nothing acts on it\n  why      %s\n", e->uuid,
			strna(why));
		return ferror(out) ? -EIO : 0;
	}
	const struct journal *j = e->j;
	_cleanup_free_ char *name = str_escape(j->plan->vm_name, 256), *since = since_text(j->since),
			    *boot = str_escape(isempty(j->boot_id) ? "unknown" : j->boot_id, 64);
	if (!name || !since || !boot)
		return -ENOMEM;
	fprintf(out, "VM '%s' (%s)\n", name, e->uuid);
	fprintf(out, "  state    %s since %s\n", journal_state_to_string(j->state), since);
	fprintf(out, "  hook     pid %d, boot %s: %s\n", (int)j->pid, boot, hook_text(e));
	fprintf(out, "  qemu     %s", qemu_text(e));
	if (e->qemu > 0)
		fprintf(out, " (pid %d)", (int)e->qemu_pid);
	fprintf(out, "\n  devices ");
	for (char **d = j->plan->devices; d && *d; d++)
		fprintf(out, " %s", *d);
	fprintf(out, "%s\n", j->plan->devices && j->plan->devices[0] ? "" : " none");
	if (!e->earlier_boot)
		fprintf(out, "  host     %s (%u match, %u do not, %u not checked)\n",
			e->n_differ ? "does not match the journal" : "matches the journal",
			e->n_match, e->n_differ, e->n_unchecked);
	return print_actions(e, out);
}

/* The JSON document: see docs/status.md and docs/status.schema.json. */
enum {
	J_TYPE,
	J_NAME,
	J_UUID,
	J_STATE,
	J_SINCE,
	J_PID,
	J_BOOT_ID,
	J_EARLIER_BOOT,
	J_HOOK_RUNNING,
	J_QEMU_RUNNING,
	J_QEMU_PID,
	J_HOST,
	J_REFUSED,
	J_N,
	J_STAGE,
	J_ACTION,
	J_TARGET,
	J_EXPECTS,
	J_ACTION_STATE,
	J_FOUND,
	_J_MAX,
};

static const struct {
	const char *key;
	int type;
} json_cols[_J_MAX] = {
	[J_TYPE] = { "type", SCOLS_JSON_STRING },
	[J_NAME] = { "name", SCOLS_JSON_STRING },
	[J_UUID] = { "uuid", SCOLS_JSON_STRING },
	[J_STATE] = { "state", SCOLS_JSON_STRING },
	[J_SINCE] = { "since", SCOLS_JSON_NUMBER },
	[J_PID] = { "pid", SCOLS_JSON_NUMBER },
	[J_BOOT_ID] = { "boot_id", SCOLS_JSON_STRING },
	[J_EARLIER_BOOT] = { "earlier_boot", SCOLS_JSON_BOOLEAN_OPTIONAL },
	[J_HOOK_RUNNING] = { "hook_running", SCOLS_JSON_BOOLEAN_OPTIONAL },
	[J_QEMU_RUNNING] = { "qemu_running", SCOLS_JSON_BOOLEAN_OPTIONAL },
	[J_QEMU_PID] = { "qemu_pid", SCOLS_JSON_NUMBER },
	[J_HOST] = { "host", SCOLS_JSON_STRING },
	[J_REFUSED] = { "refused", SCOLS_JSON_STRING },
	[J_N] = { "n", SCOLS_JSON_NUMBER },
	[J_STAGE] = { "stage", SCOLS_JSON_STRING },
	[J_ACTION] = { "action", SCOLS_JSON_STRING },
	[J_TARGET] = { "target", SCOLS_JSON_STRING },
	[J_EXPECTS] = { "expects", SCOLS_JSON_STRING },
	[J_ACTION_STATE] = { "action_state", SCOLS_JSON_STRING },
	[J_FOUND] = { "found", SCOLS_JSON_STRING },
};

/* JSON strings are escaped by libsmartcols: values go in as they are. */
static int set_raw(struct libscols_line *ln, size_t col, const char *s)
{
	return s && sym_scols_line_set_data(ln, col, s) < 0 ? -ENOMEM : 0;
}

static int set_bool(struct libscols_line *ln, size_t col, bool v)
{
	/* libsmartcols reads "0" as false, anything else as true. */
	return set_raw(ln, col, v ? "1" : "0");
}

static int json_actions(struct libscols_table *tb, struct libscols_line *parent,
			const struct entry *e)
{
	unsigned n = 0;
	for (size_t i = 0; i < e->j->plan->n_actions; i++) {
		const struct action *a = &e->j->plan->actions[i];
		if (!action_is_shown(a))
			continue;
		struct libscols_line *ln = sym_scols_table_new_line(tb, parent);
		char num[32];
		snprintf(num, sizeof num, "%u", ++n);
		int r;
		if (!ln)
			return -ENOMEM;
		if ((r = set_raw(ln, J_TYPE, "action")) < 0 || (r = set_raw(ln, J_N, num)) < 0 ||
		    (r = set_raw(ln, J_STAGE, stage_to_string(a->stage))) < 0 ||
		    (r = set_raw(ln, J_ACTION, action_kind_to_string(a->kind))) < 0 ||
		    (r = set_raw(ln, J_TARGET, a->target)) < 0 ||
		    (r = set_raw(ln, J_EXPECTS, a->prior)) < 0 ||
		    (r = set_raw(ln, J_ACTION_STATE, action_state_to_string(a->state))) < 0 ||
		    (r = set_raw(ln, J_HOST, host_match_to_string(e->checks[i].match))) < 0 ||
		    (r = set_raw(ln, J_FOUND, e->checks[i].found)) < 0)
			return r;
	}
	return 0;
}

static int json_entry(struct libscols_table *tb, const struct entry *e)
{
	struct libscols_line *ln = sym_scols_table_new_line(tb, NULL);
	int r;
	if (!ln)
		return -ENOMEM;
	if ((r = set_raw(ln, J_UUID, e->uuid)) < 0)
		return r;
	if (!e->j)
		return (r = set_raw(ln, J_TYPE, "refused")) < 0 ? r :
									  set_raw(ln, J_REFUSED, e->refused);
	const struct journal *j = e->j;
	char since[32], pid[32], qpid[32];
	snprintf(since, sizeof since, "%" PRIu64, j->since);
	snprintf(pid, sizeof pid, "%d", (int)j->pid);
	snprintf(qpid, sizeof qpid, "%d", (int)e->qemu_pid);
	if ((r = set_raw(ln, J_TYPE, "vm")) < 0 || (r = set_raw(ln, J_NAME, j->plan->vm_name)) < 0 ||
	    (r = set_raw(ln, J_STATE, journal_state_to_string(j->state))) < 0 ||
	    (r = set_raw(ln, J_SINCE, j->since ? since : NULL)) < 0 ||
	    (r = set_raw(ln, J_PID, pid)) < 0 ||
	    (r = set_raw(ln, J_BOOT_ID, isempty(j->boot_id) ? NULL : j->boot_id)) < 0 ||
	    (r = set_bool(ln, J_EARLIER_BOOT, e->earlier_boot)) < 0 ||
	    (r = set_bool(ln, J_HOOK_RUNNING, e->hook_running)) < 0 ||
	    (r = e->qemu < 0 ? 0 : set_bool(ln, J_QEMU_RUNNING, e->qemu > 0)) < 0 ||
	    (r = set_raw(ln, J_QEMU_PID, e->qemu > 0 ? qpid : NULL)) < 0 ||
	    (r = set_raw(ln, J_HOST, e->earlier_boot ? NULL :
				     e->n_differ ? "does not match" : "matches")) < 0)
		return r;
	/* Devices and actions are the VM's children: a device row names one in "target". */
	for (char **d = j->plan->devices; d && *d; d++) {
		struct libscols_line *dl = sym_scols_table_new_line(tb, ln);
		if (!dl || (r = set_raw(dl, J_TYPE, "device")) < 0 ||
		    (r = set_raw(dl, J_TARGET, *d)) < 0)
			return dl ? r : -ENOMEM;
	}
	return json_actions(tb, ln, e);
}

static int print_json(const struct entry *entries, size_t n, FILE *out)
{
	_cleanup_(sym_scols_unref_tablep) struct libscols_table *tb = NULL;
	int r = table_new_json("journals", out, &tb);
	if (r < 0)
		return r;
	for (size_t i = 0; i < _J_MAX; i++) {
		struct libscols_column *c = sym_scols_table_new_column(
			tb, json_cols[i].key, 0, i == J_TYPE ? SCOLS_FL_TREE : 0);
		if (!c || sym_scols_column_set_json_type(c, json_cols[i].type) < 0)
			return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		if ((r = json_entry(tb, &entries[i])) < 0)
			return r;
	return sym_scols_print_table(tb) < 0 ? -EIO : 0;
}

static int status_run(const struct verb_args *a, struct sysroot *root)
{
	_cleanup_close_ int jfd = -1;
	_cleanup_free_ char *err = NULL;
	_cleanup_strv_free_ char **uuids = NULL;
	_cleanup_(host_freep) struct host *h = NULL;
	int r = journal_dir_open(root, false, &jfd, &err);
	if (r == -EACCES && root->live && geteuid() != 0)
		return log_error_errno(r, "vfio-hook status reads /run/%s, which is root's alone: "
					  "run it as root", JOURNAL_DIR);
	if (r < 0 && r != -ENOENT)
		return log_error_errno(r, "Cannot read %s/run/%s: %s", root->prefix, JOURNAL_DIR,
				       err ?: strerror(-r));
	if (r >= 0 && (r = journal_list(jfd, &uuids)) < 0)
		return log_error_errno(r, "Cannot list %s/run/%s: %m", root->prefix, JOURNAL_DIR);
	size_t n = strv_length(uuids);
	if (n == 0 && !a->json) {
		printf("No VM holds anything.\n");
		return 0;
	}
	/* Without the host model the journals are still shown, their actions not checked. */
	if (n > 0 && (r = host_load(root, &h)) < 0)
		log_warning_errno(r, "Cannot read the host's devices, nothing is checked: %m");

	struct entry *entries = calloc(n ?: 1, sizeof *entries);
	if (!entries)
		return log_error_errno(-ENOMEM, "Out of memory");
	r = 0;
	for (size_t i = 0; uuids && i < n && r >= 0; i++)
		r = entry_fill(&entries[i], root, h, jfd, uuids[i]);
	if (r < 0)
		log_error_errno(r, "Cannot read the journals: %m");
	else {
		if (a->json)
			r = print_json(entries, n, stdout);
		else
			for (size_t i = 0; i < n && r >= 0; i++) {
				if (i > 0)
					putchar('\n');
				r = print_entry(&entries[i], stdout);
			}
		if (r < 0)
			log_error_errno(r, "Cannot print the status: %m");
	}
	for (size_t i = 0; i < n; i++)
		entry_done(&entries[i]);
	free(entries);
	return r;
}

int status_verb(const struct verb_args *a)
{
	_cleanup_(sysroot_freep) struct sysroot *root = NULL;
	int r = sysroot_open(a->sysroot, &root);
	if (r < 0) {
		log_error_errno(r, "Cannot open the host root %s: %m", a->sysroot ?: "/");
		return 2;
	}
	return status_run(a, root) < 0 ? 1 : 0;
}
