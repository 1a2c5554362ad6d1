/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

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
	int file_fd;         /* per-VM log file, -1 if none */
	bool journal;        /* also send to the journal */
	bool stderr_all;     /* copy info lines to stderr too (interactive verbs) */
};

void log_setup(int max_prio, bool stderr_all);
void log_set_context(const char *vm, const char *op);
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
