/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <sys/uio.h>
#include <syslog.h>

#include "lib/macro.h"

/*
 * One logger for the whole program. Three sinks: stderr (short, libvirt pastes it into the
 * `virsh start` error), the per-VM log file (one line per event, written with one write() so
 * parallel hooks do not interleave) and the systemd journal.
 */
struct log_target {
	const char *vm;      /* tag for file and journal lines, may be NULL */
	const char *op;      /* "prepare/begin", may be NULL */
	char *stage, *verb, *target; /* the action being run or undone: log_set_action */
	int file_fd;         /* per-VM log file, -1 if none */
	bool journal;        /* also send to the journal */
	bool stderr_all;     /* copy info lines to stderr too (interactive verbs) */
};

void log_setup(int max_prio, bool stderr_all);
void log_set_context(const char *vm, const char *op);
/*
 * The action being run or undone, for the journal's VFIO_HOOK_STAGE, VFIO_HOOK_ACTION and
 * VFIO_HOOK_TARGET: timing_action and timing_undo set it (the executor calls them before each
 * run and undo), the next span clears it. Copied; NULLs clear it.
 */
void log_set_action(const char *stage, const char *verb, const char *target);
/* How an action's verb ("unbind driver") becomes its kind's journal name ("unbind-pci") for
 * VFIO_HOOK_ACTION: lib knows no action kinds, main.c gives action_kind_name_of_verb. Without
 * it, or for a verb it does not know, an entry has no VFIO_HOOK_ACTION. */
void log_set_action_namer(const char *(*namer)(const char *verb));

/* The fields of one journal entry, as log_internal sends them. */
#define LOG_JOURNAL_FIELDS_MAX 10
struct log_journal_entry {
	struct iovec iov[LOG_JOURNAL_FIELDS_MAX];
	size_t n;
};
_must_check_ int log_journal_entry(int prio, const char *msg, const char *file, int line,
				   struct log_journal_entry *ret);
void log_journal_entry_done(struct log_journal_entry *e);
/* Tests: where entries go instead of sd_journal_sendv (NULL: the journal again). */
void log_set_journal_sink(int (*sink)(const struct iovec *iov, int n));
int log_open_file(int dir_fd, const char *name);
void log_enable_journal(bool on);
void log_set_max_priority(int prio);
void log_close(void);
/* The per-VM log file, for children's output; -1 if none. */
int log_file_fd(void);

/* Returns r (negative errno) so callers can `return log_error_errno(r, ...)`. %m means strerror(-r). */
int log_internal(int prio, int r, const char *file, int line, const char *fmt, ...) _printf_(5, 6);

#define log_full_errno(prio, r, ...) log_internal(prio, r, __FILE__, __LINE__, __VA_ARGS__)
#define log_full(prio, ...) ((void)log_internal(prio, 0, __FILE__, __LINE__, __VA_ARGS__))
#define log_error_errno(r, ...) log_full_errno(LOG_ERR, r, __VA_ARGS__)
#define log_warning_errno(r, ...) log_full_errno(LOG_WARNING, r, __VA_ARGS__)
#define log_debug_errno(r, ...) log_full_errno(LOG_DEBUG, r, __VA_ARGS__)
#define log_error(...) log_full(LOG_ERR, __VA_ARGS__)
#define log_warning(...) log_full(LOG_WARNING, __VA_ARGS__)
#define log_notice(...) log_full(LOG_NOTICE, __VA_ARGS__)
#define log_info(...) log_full(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_full(LOG_DEBUG, __VA_ARGS__)
