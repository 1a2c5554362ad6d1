// SPDX-License-Identifier: GPL-2.0-or-later
#include <fcntl.h>
#include <limits.h>
#include <sys/wait.h>

#include "lib/fileio.h"
#include "system/kernel-call.h"
#include "test.h"

static int fail_with_eperm(_unused_ int fd, _unused_ void *data)
{
	return -EPERM;
}

/* Stands for a driver's remove() that never returns: reads a pipe nobody writes to. */
static int block_on_read(int fd, _unused_ void *data)
{
	char c;
	return read(fd, &c, 1) < 0 ? -errno : 0;
}

TEST(result_of_the_call)
{
	struct kernel_deadline d = { .timeout_ms = 5000 };
	ASSERT_ERR(kernel_call(&d, fail_with_eperm, -1, NULL), EPERM);
	ASSERT_EQ(d.stuck_pid, 0);
}

TEST(write_attr_writes_once)
{
	char dir[PATH_MAX], buf[64];
	snprintf(dir, sizeof dir, "%s/vfio-hook-test-kcall.XXXXXX", getenv("TMPDIR") ?: "/tmp");
	ASSERT_NOT_NULL(mkdtemp(dir));
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ASSERT_TRUE(dfd >= 0);
	int fd = openat(dfd, "unbind", O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	ASSERT_TRUE(fd >= 0);
	close(fd);
	struct kernel_deadline d = { .timeout_ms = 5000 };
	ASSERT_OK(kernel_write_attr(&d, dfd, "unbind", "0000:01:00.0"));
	ASSERT_OK(read_attr_at(dfd, "unbind", buf, sizeof buf));
	ASSERT_STREQ(buf, "0000:01:00.0");
	/* A missing attribute is said at once, without a child. */
	ASSERT_ERR(kernel_write_attr(&d, dfd, "bind", "x"), ENOENT);
	ASSERT_OK(unlinkat(dfd, "unbind", 0));
	close(dfd);
	ASSERT_OK(rmdir(dir));
}

TEST(stuck_call_is_left_behind)
{
	int p[2], lock[2];
	ASSERT_OK(pipe2(p, O_CLOEXEC));
	/* Stands for the state directory's lock: the stuck child must not keep it. */
	ASSERT_OK(pipe2(lock, 0));
	struct kernel_deadline d = { .timeout_ms = 100 };
	ASSERT_ERR(kernel_call(&d, block_on_read, p[0], NULL), ETIMEDOUT);
	ASSERT_TRUE(d.stuck_pid > 0);
	ASSERT_TRUE(d.stuck_start > 0);
	ASSERT_EQ(kernel_call_running(d.stuck_pid, d.stuck_start), 1);
	ASSERT_EQ(kernel_call_running(d.stuck_pid, d.stuck_start + 1), 0);

	/* It holds /dev/null on 0-2, the fd it writes to and its result pipe: nothing else. */
	char path[64], target[PATH_MAX];
	snprintf(path, sizeof path, "/proc/%d/fd", (int)d.stuck_pid);
	char **fds = NULL;
	ASSERT_OK(dir_list_at(AT_FDCWD, path, &fds));
	size_t n = 0;
	for (char **f = fds; f && *f; f++)
		n++;
	ASSERT_EQ(n, 5u);
	for (char **f = fds; f && *f; f++)
		free(*f);
	free(fds);
	snprintf(path, sizeof path, "/proc/%d/fd/2", (int)d.stuck_pid);
	ASSERT_OK(read_link_at(AT_FDCWD, path, target, sizeof target));
	ASSERT_STREQ(target, "/dev/null");

	/* The driver lets go: the call returns and the child is gone. */
	close(p[1]);
	ASSERT_EQ(waitpid(d.stuck_pid, NULL, 0), d.stuck_pid);
	ASSERT_EQ(kernel_call_running(d.stuck_pid, d.stuck_start), 0);
	close(p[0]);
	close(lock[0]);
	close(lock[1]);
}

TEST_MAIN("kernel-call")
