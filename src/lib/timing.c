// SPDX-License-Identifier: GPL-2.0-or-later
/* Spans and waits of one hook call (see timing.h), its log summary and its JSON trace. */
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>

#include "lib/log.h"
#include "lib/strutil.h"
#include "lib/table.h"
#include "lib/timing.h"
#include "lib/wait.h"

#define TRACE_FD_ENV "VFIO_HOOK_TRACE_FD"
#define SPANS_MAX 512 /* a plan holds far fewer actions; later spans fold into the last */

struct span {
	const char *kind; /* "phase" or "action" */
	char *name;       /* phase name, or the action's verb */
	char *stage;
	char *target;
	uint64_t start, end; /* since the call started */
	uint64_t cpu_start, cpu_end;
	uint64_t wait[_WAIT_KIND_MAX];
};

static struct {
	uint64_t origin;
	int trace_fd;
	int depth; /* waits in progress */
	uint64_t own_in_waits; /* TIMING_OWN time inside waits, ever */
	int own_depth;
	struct span spans[SPANS_MAX];
	size_t n_spans;
	bool open; /* the last span has not ended */
} timing = { .trace_fd = -1 };

static const char *const wait_kind_names[_WAIT_KIND_MAX] = {
	[WAIT_SYSTEMD] = "systemd",
	[WAIT_KERNEL] = "kernel",
	[WAIT_PROCESS] = "processes",
	[WAIT_LOCK] = "lock",
	[WAIT_JOURNALD] = "journald",
};

static uint64_t cpu_usec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static uint64_t since_origin(void)
{
	if (!timing.origin)
		timing.origin = now_usec();
	return now_usec() - timing.origin;
}

void timing_init(void)
{
	timing.origin = now_usec();
	/* Only a descriptor the caller opened for writing, and never stdin, stdout or stderr: the
	 * hook's stdout is libvirt's (migrate and restore read XML from it). */
	const char *v = getenv(TRACE_FD_ENV);
	unsigned fd;
	if (!v || safe_atou(v, 10, &fd) < 0 || fd < 3 || fd > 1024)
		return;
	int flags = fcntl((int)fd, F_GETFL);
	struct stat st;
	if (flags < 0 || (flags & O_ACCMODE) == O_RDONLY || fstat((int)fd, &st) < 0 ||
	    !(S_ISREG(st.st_mode) || S_ISFIFO(st.st_mode)))
		return;
	(void)fcntl((int)fd, F_SETFD, FD_CLOEXEC); /* not for override scripts */
	timing.trace_fd = (int)fd;
}

struct timing_wait timing_wait_begin(enum wait_kind kind)
{
	struct timing_wait w = { .kind = kind, .start = now_usec(), .own_before = timing.own_in_waits,
				 .counted = timing.depth == 0 };
	timing.depth++;
	return w;
}

void timing_wait_end(struct timing_wait *w)
{
	timing.depth--;
	if (!w->counted || timing.n_spans == 0)
		return;
	uint64_t waited = now_usec() - w->start, own = timing.own_in_waits - w->own_before;
	timing.spans[timing.n_spans - 1].wait[w->kind] += waited > own ? waited - own : 0;
}

struct timing_own timing_own_begin(void)
{
	/* Only inside a wait, and only the outermost: nested ones are in it already. */
	bool count = timing.depth > 0 && timing.own_depth == 0;
	timing.own_depth++;
	return (struct timing_own){ .start = count ? now_usec() : 0 };
}

void timing_own_end(struct timing_own *o)
{
	timing.own_depth--;
	if (o->start)
		timing.own_in_waits += now_usec() - o->start;
}

static void span_close(void)
{
	if (!timing.open)
		return;
	struct span *s = &timing.spans[timing.n_spans - 1];
	s->end = since_origin();
	s->cpu_end = cpu_usec();
	timing.open = false;
}

static void span_open(const char *kind, const char *name, const char *stage, const char *target)
{
	span_close();
	if (timing.n_spans == SPANS_MAX) {
		/* Out of room: the last span grows to hold the rest, so totals stay right. */
		timing.open = true;
		return;
	}
	struct span *s = &timing.spans[timing.n_spans++];
	*s = (struct span){ .kind = kind, .start = since_origin(), .cpu_start = cpu_usec() };
	/* Names are best effort: a failed copy leaves a nameless span, never a failed call. */
	s->name = name ? strdup(name) : NULL;
	s->stage = stage ? strdup(stage) : NULL;
	s->target = target ? strdup(target) : NULL;
	timing.open = true;
}

/* The spans are also what the log tags its journal entries with: an action's stage, kind and
 * target while it runs or is undone, nothing once a phase begins. */
void timing_phase(const char *name)
{
	span_open("phase", name, NULL, NULL);
	log_set_action(NULL, NULL, NULL);
}

void timing_action(const char *stage, const char *verb, const char *target)
{
	span_open("action", verb, stage, target);
	log_set_action(stage, verb, target);
}

void timing_undo(const char *stage, const char *verb, const char *target)
{
	_cleanup_free_ char *name = strdup_printf("undo %s", strna(verb));
	span_open("action", name ?: verb, stage, target);
	log_set_action(stage, verb, target);
}

void timing_end(void)
{
	span_close();
	log_set_action(NULL, NULL, NULL);
}

void timing_totals(struct timing_totals *ret)
{
	*ret = (struct timing_totals){ 0 };
	if (timing.n_spans == 0)
		return;
	/* From the call's start, gaps between spans included; a span still open counts to now. */
	ret->wall = timing.open ? since_origin() : timing.spans[timing.n_spans - 1].end;
	uint64_t waited = 0;
	for (size_t i = 0; i < timing.n_spans; i++) {
		const struct span *s = &timing.spans[i];
		for (int k = 0; k < _WAIT_KIND_MAX; k++) {
			ret->wait[k] += s->wait[k];
			waited += s->wait[k];
		}
	}
	ret->own = ret->wall > waited ? ret->wall - waited : 0;
}

char *timing_summary(void)
{
	struct timing_totals t;
	timing_totals(&t);
	_cleanup_free_ char *waits = strdup("");
	for (int k = 0; waits && k < _WAIT_KIND_MAX; k++) {
		if (t.wait[k] < 5000) /* under 5 ms is noise in a summary */
			continue;
		char *n = strdup_printf("%s%s %.2f s, ", waits, wait_kind_names[k],
					(double)t.wait[k] / 1e6);
		free(waits);
		waits = n;
	}
	if (!waits)
		return NULL;
	return strdup_printf("%.2f s: %svfio-hook %.3f s", (double)t.wall / 1e6, waits,
			     (double)t.own / 1e6);
}

static int add_u64(struct libscols_line *ln, size_t col, uint64_t v)
{
	char buf[24];
	snprintf(buf, sizeof buf, "%llu", (unsigned long long)v);
	return sym_scols_line_set_data(ln, col, buf) < 0 ? -ENOMEM : 0;
}

enum {
	COL_CALL,
	COL_KIND,
	COL_NAME,
	COL_STAGE,
	COL_TARGET,
	COL_START,
	COL_WALL,
	COL_CPU,
	COL_WAIT, /* one column per wait kind from here */
};

int timing_write_trace(const char *vm, const char *op, const char *subop)
{
	if (timing.trace_fd < 0)
		return 0;
	_cleanup_(sym_scols_unref_tablep) struct libscols_table *t = NULL;
	int r = table_new_json("spans", NULL, &t); /* the stream comes last: a dup of the fd */
	if (r < 0)
		return r;
	_cleanup_free_ char *name = strdup_printf("%s %s/%s", strna(vm), strna(op), strna(subop));
	if (!name)
		return -ENOMEM;
	static const char *const cols[] = { "call", "kind", "name", "stage", "target", "start_us",
					    "wall_us", "cpu_us" };
	for (size_t i = 0; i < ARRAY_SIZE(cols); i++) {
		struct libscols_column *c = sym_scols_table_new_column(t, cols[i], 0, 0);
		if (!c)
			return -ENOMEM;
		if (i >= COL_START)
			sym_scols_column_set_json_type(c, SCOLS_JSON_NUMBER);
	}
	for (int k = 0; k < _WAIT_KIND_MAX; k++) {
		_cleanup_free_ char *col = strdup_printf("%s_us", wait_kind_names[k]);
		struct libscols_column *c = col ? sym_scols_table_new_column(t, col, 0, 0) : NULL;
		if (!c)
			return -ENOMEM;
		sym_scols_column_set_json_type(c, SCOLS_JSON_NUMBER);
	}
	span_close();
	for (size_t i = 0; i < timing.n_spans; i++) {
		const struct span *s = &timing.spans[i];
		struct libscols_line *ln = sym_scols_table_new_line(t, NULL);
		r = ln ? 0 : -ENOMEM;
		if (r >= 0)
			r = table_set_escaped(ln, COL_CALL, name);
		if (r >= 0)
			r = table_set_escaped(ln, COL_KIND, s->kind);
		if (r >= 0)
			r = table_set_escaped(ln, COL_NAME, s->name);
		if (r >= 0)
			r = table_set_escaped(ln, COL_STAGE, s->stage);
		if (r >= 0)
			r = table_set_escaped(ln, COL_TARGET, s->target);
		if (r >= 0)
			r = add_u64(ln, COL_START, s->start);
		if (r >= 0)
			r = add_u64(ln, COL_WALL, s->end - s->start);
		if (r >= 0)
			r = add_u64(ln, COL_CPU, s->cpu_end - s->cpu_start);
		for (int k = 0; r >= 0 && k < _WAIT_KIND_MAX; k++)
			r = add_u64(ln, COL_WAIT + (size_t)k, s->wait[k]);
		if (r < 0)
			return r;
	}
	/* One document per call: a caller may collect many calls in one file. */
	int fd = fcntl(timing.trace_fd, F_DUPFD_CLOEXEC, 3);
	_cleanup_fclose_ FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f) {
		r = -errno;
		if (fd >= 0)
			close(fd);
		return r;
	}
	if (sym_scols_table_set_stream(t, f) < 0 || sym_scols_print_table(t) < 0)
		return -EIO;
	return fflush(f) == 0 ? 0 : -errno;
}

void timing_reset(void)
{
	for (size_t i = 0; i < timing.n_spans; i++) {
		free(timing.spans[i].name);
		free(timing.spans[i].stage);
		free(timing.spans[i].target);
	}
	timing.n_spans = 0;
	timing.open = false;
	timing.depth = 0;
	timing.own_depth = 0;
	timing.own_in_waits = 0;
	timing.origin = now_usec();
}
