// SPDX-License-Identifier: GPL-2.0-or-later
/* The logger: stderr for libvirt and the user, a per-VM file, and the journal. */
#include <fcntl.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>

#include "lib/dlopen-libsystemd.h"
#include "lib/log.h"
#include "lib/strutil.h"
#include "lib/timing.h"

static struct log_target target = { .file_fd = -1 };
static int max_priority = LOG_INFO;
static const char *(*action_namer)(const char *verb);
static int (*journal_sink)(const struct iovec *iov, int n);

static const char *const prio_names[] = {
	[LOG_EMERG] = "EMERG",   [LOG_ALERT] = "ALERT", [LOG_CRIT] = "CRIT",
	[LOG_ERR] = "ERROR",     [LOG_WARNING] = "WARNING", [LOG_NOTICE] = "NOTICE",
	[LOG_INFO] = "INFO",     [LOG_DEBUG] = "DEBUG",
};

void log_setup(int max_prio, bool stderr_all)
{
	max_priority = max_prio;
	target.stderr_all = stderr_all;
}

void log_set_context(const char *vm, const char *op)
{
	target.vm = vm;
	target.op = op;
}

static void replace(char **field, const char *value)
{
	free(*field);
	/* Best effort: a failed copy leaves the field out, never a failed call. */
	*field = value ? strdup(value) : NULL;
}

void log_set_action(const char *stage, const char *verb, const char *target_name)
{
	replace(&target.stage, stage);
	replace(&target.verb, verb);
	replace(&target.target, target_name);
}

void log_set_action_namer(const char *(*namer)(const char *verb))
{
	action_namer = namer;
}

void log_set_journal_sink(int (*sink)(const struct iovec *iov, int n))
{
	journal_sink = sink;
}

void log_journal_entry_done(struct log_journal_entry *e)
{
	for (size_t i = 0; i < e->n; i++)
		free(e->iov[i].iov_base);
	e->n = 0;
}

_printf_(2, 3) static int add_field(struct log_journal_entry *e, const char *fmt, ...)
{
	va_list ap;
	char *field = NULL;
	if (e->n == LOG_JOURNAL_FIELDS_MAX)
		return -E2BIG;
	va_start(ap, fmt);
	int n = vasprintf(&field, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	e->iov[e->n++] = (struct iovec){ .iov_base = field, .iov_len = (size_t)n };
	return 0;
}

int log_journal_entry(int prio, const char *msg, const char *file, int line,
		      struct log_journal_entry *ret)
{
	struct log_journal_entry e = { .n = 0 };
	int r = 0;
	RET_GATHER(r, add_field(&e, "MESSAGE=%s", msg));
	RET_GATHER(r, add_field(&e, "PRIORITY=%i", prio));
	RET_GATHER(r, add_field(&e, "SYSLOG_IDENTIFIER=vfio-hook"));
	RET_GATHER(r, add_field(&e, "VFIO_HOOK_VM=%s", strna(target.vm)));
	RET_GATHER(r, add_field(&e, "VFIO_HOOK_OP=%s", strna(target.op)));
	if (target.stage) {
		const char *kind = action_namer && target.verb ? action_namer(target.verb) : NULL;
		RET_GATHER(r, add_field(&e, "VFIO_HOOK_STAGE=%s", target.stage));
		if (kind)
			RET_GATHER(r, add_field(&e, "VFIO_HOOK_ACTION=%s", kind));
		if (target.target)
			RET_GATHER(r, add_field(&e, "VFIO_HOOK_TARGET=%s", target.target));
	}
	RET_GATHER(r, add_field(&e, "CODE_FILE=%s", file));
	RET_GATHER(r, add_field(&e, "CODE_LINE=%i", line));
	if (r < 0) {
		log_journal_entry_done(&e);
		return r;
	}
	*ret = e;
	return 0;
}

void log_set_max_priority(int prio)
{
	max_priority = prio;
}

void log_enable_journal(bool on)
{
	target.journal = on;
}

int log_open_file(int dir_fd, const char *name)
{
	int fd = openat(dir_fd, name, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -errno;
	if (target.file_fd >= 0)
		close(target.file_fd);
	target.file_fd = fd;
	return 0;
}

int log_file_fd(void)
{
	return target.file_fd;
}

void log_close(void)
{
	if (target.file_fd >= 0)
		close(target.file_fd);
	target.file_fd = -1;
}

static void write_file_line(int prio, const char *msg)
{
	char stamp[64];
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	size_t n = strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(stamp + n, sizeof stamp - n, ".%03ld", ts.tv_nsec / 1000000);

	_cleanup_free_ char *line =
		strdup_printf("%s %d %s %s %s %s\n", stamp, (int)getpid(), strna(target.vm),
			      strna(target.op), prio_names[prio], msg);
	if (line)
		(void)!write(target.file_fd, line, strlen(line));
}

int log_internal(int prio, int r, const char *file, int line, const char *fmt, ...)
{
	if (prio > max_priority)
		return r;

	char buf[2048];
	int saved = errno;
	errno = r < 0 ? -r : r; /* %m expands the error we were given */
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	errno = saved;

	/* Names and descriptions come from VM owners: never let them forge lines or escapes. */
	_cleanup_free_ char *safe = str_escape(buf, sizeof buf);
	const char *msg = safe ?: buf;

	if (prio <= LOG_WARNING || target.stderr_all)
		fprintf(stderr, "vfio-hook: %s%s\n", prio <= LOG_ERR ? "error: " :
				prio == LOG_WARNING ? "warning: " : "", msg);
	if (target.file_fd >= 0)
		write_file_line(prio, msg);
	/* Quiet: reporting a missing libsystemd would come back here. Without it, no journal. */
	struct log_journal_entry e;
	if (target.journal && (journal_sink || dlopen_libsystemd_quiet() >= 0) &&
	    log_journal_entry(prio, msg, file, line, &e) >= 0) {
		/* journald may be slow to take the line while units stop around it. */
		TIMING_WAIT(WAIT_JOURNALD);
		(void)(journal_sink ?: sym_sd_journal_sendv)(e.iov, (int)e.n);
		log_journal_entry_done(&e);
	}
	return r;
}
