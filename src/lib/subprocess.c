// SPDX-License-Identifier: GPL-2.0-or-later
/* Running admin-provided executables safely. */
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include "lib/subprocess.h"
#include "lib/wait.h"

int spawn_and_wait(const char *path, char *const argv[], char *const envp[], int out_fd,
		   unsigned timeout_s, int *ret_status)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, all;
	pid_t pid;
	int r;

	sigemptyset(&none);
	sigfillset(&all);
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&attr);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (out_fd >= 0) {
		posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
		posix_spawn_file_actions_adddup2(&fa, out_fd, 2);
	} else {
		posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
		posix_spawn_file_actions_adddup2(&fa, 1, 2);
	}
	/* Its own session: a background child cannot keep libvirt waiting, and the deadline
	 * takes the whole group. Signals back to their defaults (we ignore SIGPIPE). */
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK |
						POSIX_SPAWN_SETSIGDEF);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &all);
	r = -posix_spawn(&pid, path, &fa, &attr, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	if (r < 0)
		return r;

	int pidfd = pidfd_open_pid(pid);
	if (pidfd >= 0) {
		r = wait_pidfd_exit(pidfd, timeout_s * 1000u);
		close(pidfd);
	}
	if (r == -ETIMEDOUT)
		(void)kill(-pid, SIGKILL);
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (r < 0)
		return r;
	*ret_status = status;
	return 0;
}
