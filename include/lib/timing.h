/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdint.h>
#include <stdio.h>

#include "lib/macro.h"

/*
 * Where a hook call's time goes. The call is cut into spans (phases such as "parse" or "plan",
 * and one span per action); inside a span, time spent waiting on something else is counted by
 * kind. What is left of a span's wall time is our own overhead. Recording costs two clock reads
 * per wait, so it is always on; the log gets a one-line summary, and a caller that passes a
 * file descriptor in VFIO_HOOK_TRACE_FD (the benchmark does) gets every span as JSON.
 */
enum wait_kind {
	WAIT_SYSTEMD, /* D-Bus calls to systemd and logind, and their jobs */
	WAIT_KERNEL,  /* sysfs writes (unbind, bind, vtconsole, ...), module load and unload */
	WAIT_PROCESS, /* processes and override scripts exiting */
	WAIT_LOCK,    /* another VM's hook holding the lock */
	WAIT_JOURNALD, /* systemd-journald taking a log line */
	_WAIT_KIND_MAX,
};

/* A wait in progress; nested waits count once, for the outermost. */
struct timing_wait {
	enum wait_kind kind;
	uint64_t start;
	uint64_t own_before; /* own work done inside waits when this one began */
	bool counted;
};
struct timing_wait timing_wait_begin(enum wait_kind kind);
void timing_wait_end(struct timing_wait *w);
/* Counts the rest of the enclosing block as a wait of this kind. */
#define TIMING_UNIQ_(a, b) a##b
#define TIMING_UNIQ(a, b) TIMING_UNIQ_(a, b)
#define TIMING_WAIT(kind)                                                                          \
	_cleanup_(timing_wait_end) _unused_ struct timing_wait TIMING_UNIQ(_timing_wait_, __LINE__) =  \
		timing_wait_begin(kind)

/* Our own work even when it happens inside a wait (loading a library on the way to systemd):
 * the rest of the enclosing block is not counted as waiting. */
struct timing_own {
	uint64_t start;
};
struct timing_own timing_own_begin(void);
void timing_own_end(struct timing_own *o);
#define TIMING_OWN()                                                                               \
	_cleanup_(timing_own_end) _unused_ struct timing_own TIMING_UNIQ(_timing_own_, __LINE__) =     \
		timing_own_begin()

/* Spans: a phase ("parse", "host", "plan") or an action (its stage and target). Starting a span
 * ends the one before; timing_end() ends the last. */
void timing_phase(const char *name);
void timing_action(const char *stage, const char *verb, const char *target);
/* An action given back: named "undo VERB". */
void timing_undo(const char *stage, const char *verb, const char *target);
void timing_end(void);

/* Totals of every span so far, in microseconds since the call started. */
struct timing_totals {
	uint64_t wall;
	uint64_t wait[_WAIT_KIND_MAX];
	uint64_t own; /* wall minus every wait */
};
void timing_totals(struct timing_totals *ret);
/* "2.41 s: systemd 1.90 s, kernel 0.35 s, processes 0.05 s, vfio-hook 0.11 s"; NULL on ENOMEM. */
char *timing_summary(void);

/* At start-up, before the environment is cleared: the clock's origin, and the trace fd. */
void timing_init(void);
/* Every span as JSON (libsmartcols) to the trace fd, if there is one; 0 when there is none. */
int timing_write_trace(const char *vm, const char *op, const char *subop);
/* Forget every span (tests, long-running verbs). */
void timing_reset(void);
