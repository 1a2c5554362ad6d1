// SPDX-License-Identifier: GPL-2.0-or-later
/* Deadlines and condition waits. */
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>

#include "lib/timing.h"
#include "lib/wait.h"

uint64_t now_usec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

int wait_for(wait_cond_fn cond, void *data, unsigned timeout_ms, uint64_t *ret_usec)
{
	uint64_t start = now_usec(), deadline = start + (uint64_t)timeout_ms * 1000u;
	unsigned backoff_ms = 1;
	for (;;) {
		int r = cond(data);
		if (r < 0)
			return r;
		if (r > 0) {
			if (ret_usec)
				*ret_usec = now_usec() - start;
			return 0;
		}
		uint64_t now = now_usec();
		if (now >= deadline)
			return -ETIMEDOUT;
		/* Nothing to be notified by: look again soon, less often the longer it takes. */
		uint64_t left_ms = (deadline - now) / 1000u + 1;
		(void)poll(NULL, 0, (int)MIN((uint64_t)backoff_ms, left_ms));
		backoff_ms = MIN(backoff_ms * 2, 50u);
	}
}

int pidfd_open_pid(pid_t pid)
{
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);
	return fd < 0 ? -errno : fd;
}

int pidfd_signal(int pidfd, int sig)
{
	return syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0 ? -errno : 0;
}

int wait_pidfd_exit(int pidfd, unsigned timeout_ms)
{
	TIMING_WAIT(WAIT_PROCESS);
	uint64_t deadline = now_usec() + (uint64_t)timeout_ms * 1000u;
	for (;;) {
		struct pollfd p = { .fd = pidfd, .events = POLLIN };
		uint64_t now = now_usec();
		if (now >= deadline)
			return -ETIMEDOUT;
		int r = poll(&p, 1, (int)((deadline - now) / 1000u + 1));
		if (r > 0)
			return 0; /* readable: the process has exited */
		if (r < 0 && errno != EINTR)
			return -errno;
	}
}
