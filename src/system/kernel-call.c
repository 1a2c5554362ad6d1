// SPDX-License-Identifier: GPL-2.0-or-later
/* Calls into driver code in a child the hook can leave behind when the deadline passes. */
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "lib/proc-stat.h"
#include "lib/timing.h"
#include "lib/wait.h"
#include "system/kernel-call.h"

/* Close everything but fds a and b (either may be -1): above all the state directory's lock,
 * which must not outlive the hook in a stuck child, and libvirt's pipes, which it reads until
 * every writer has closed them. */
static int close_all_but(int a, int b)
{
	int keep[2] = { a < b ? a : b, a < b ? b : a };
	unsigned from = 3;
	for (size_t i = 0; i < ARRAY_SIZE(keep); i++) {
		if (keep[i] < (int)from)
			continue;
		if ((unsigned)keep[i] > from && close_range(from, (unsigned)keep[i] - 1, 0) < 0)
			return -errno;
		from = (unsigned)keep[i] + 1;
	}
	return close_range(from, ~0u, 0) < 0 ? -errno : 0;
}

_noreturn_ static void child(kernel_call_fn fn, int fd, void *data, int result_fd)
{
	/* What ps shows for a call left stuck: not the hook's own name ("qemu"). */
	(void)prctl(PR_SET_NAME, "vfio-hook-call");
	int r = close_all_but(fd, result_fd);
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (r >= 0 && null < 0)
		r = -errno;
	for (int std = 0; r >= 0 && std <= 2; std++)
		if (dup2(null, std) < 0)
			r = -errno;
	if (null > 2)
		close(null);
	if (r >= 0)
		r = fn(fd, data);
	/* The parent may be gone by now (it left us behind): then nobody reads this. */
	(void)!write(result_fd, &r, sizeof r);
	_exit(0);
}

/* A process's start time, from this machine's /proc whatever root the hook is looking at:
 * the call is a process of this machine. */
static int pid_start(pid_t pid, unsigned long long *ret)
{
	char name[16];
	_cleanup_close_ int proc = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (proc < 0)
		return -errno;
	snprintf(name, sizeof name, "%d", (int)pid);
	return proc_starttime(proc, name, ret);
}

static void note_stuck(struct kernel_deadline *d, pid_t pid)
{
	unsigned long long start = 0;
	(void)!pid_start(pid, &start);
	d->stuck_pid = pid;
	d->stuck_start = start;
}

int kernel_call(struct kernel_deadline *d, kernel_call_fn fn, int fd, void *data)
{
	int p[2];
	TIMING_WAIT(WAIT_KERNEL); /* the driver doing its part, not the hook */
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	_cleanup_close_ int result = p[0];
	pid_t pid = fork();
	if (pid < 0) {
		int r = -errno;
		close(p[1]);
		return r;
	}
	if (pid == 0)
		child(fn, fd, data, p[1]);
	close(p[1]);

	uint64_t deadline = now_usec() + (uint64_t)d->timeout_ms * 1000u;
	struct pollfd pfd = { .fd = result, .events = POLLIN };
	int n;
	do {
		uint64_t now = now_usec();
		int left = now >= deadline ? 0 : (int)((deadline - now + 999) / 1000);
		n = poll(&pfd, 1, left);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n == 0) {
		/* Left running: its parent's exit hands it to init, which reaps it when the
		 * kernel lets go. */
		note_stuck(d, pid);
		return -ETIMEDOUT;
	}
	int r = 0;
	ssize_t got = read(result, &r, sizeof r);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	if (got != (ssize_t)sizeof r)
		return -EIO; /* the child died without saying how it went */
	return r;
}

static int write_value(int fd, void *data)
{
	const char *value = data;
	size_t len = strlen(value);
	ssize_t n = write(fd, value, len);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

int kernel_write_attr(struct kernel_deadline *d, int dir_fd, const char *path, const char *value)
{
	/* Opened here, so a missing attribute or a refused open says so without a child. */
	_cleanup_close_ int fd = openat(dir_fd, path, O_WRONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	return kernel_call(d, write_value, fd, (void *)value);
}

int kernel_call_running(pid_t pid, uint64_t start)
{
	unsigned long long now_start = 0;
	return pid > 0 && pid_start(pid, &now_start) >= 0 && now_start == start;
}
