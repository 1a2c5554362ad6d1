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
	if (target.journal && dlopen_libsystemd_quiet() >= 0) {
		/* journald may be slow to take the line while units stop around it. */
		TIMING_WAIT(WAIT_JOURNALD);
		sym_sd_journal_send("MESSAGE=%s", msg, "PRIORITY=%i", prio,
				    "SYSLOG_IDENTIFIER=vfio-hook", "VFIO_HOOK_VM=%s",
				    strna(target.vm), "VFIO_HOOK_OP=%s", strna(target.op),
				    "CODE_FILE=%s", file, "CODE_LINE=%i", line, NULL);
	}
	return r;
}
