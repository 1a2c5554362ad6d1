// SPDX-License-Identifier: GPL-2.0-or-later
/* Reading and writing small files relative to directory fds. */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>

#include "lib/fileio.h"
#include "lib/strutil.h"
#include "lib/timing.h"

int read_attr_at(int dir_fd, const char *path, char *buf, size_t size)
{
	_cleanup_close_ int fd = openat(dir_fd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	size_t len = 0;
	while (len < size - 1) {
		ssize_t n = read(fd, buf + len, size - 1 - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = 0;
	while (len > 0 && buf[len - 1] == '\n')
		buf[--len] = 0;
	return (int)len;
}

int read_attr_alloc_at(int dir_fd, const char *path, size_t max, char **ret)
{
	_cleanup_free_ char *buf = malloc(max);
	if (!buf)
		return -ENOMEM;
	int r = read_attr_at(dir_fd, path, buf, max);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(buf);
	return r;
}

int read_attr_uint_at(int dir_fd, const char *path, int base, unsigned *ret)
{
	char buf[64];
	int r = read_attr_at(dir_fd, path, buf, sizeof buf);
	if (r < 0)
		return r;
	return safe_atou(strstrip(buf), base, ret);
}

int read_link_at(int dir_fd, const char *path, char *buf, size_t size)
{
	ssize_t n = readlinkat(dir_fd, path, buf, size - 1);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	return (int)n;
}

int read_link_basename_at(int dir_fd, const char *path, char *buf, size_t size)
{
	char target[PATH_MAX];
	int r = read_link_at(dir_fd, path, target, sizeof target);
	if (r < 0)
		return r;
	const char *b = strrchr(target, '/');
	b = b ? b + 1 : target;
	if (strlen(b) >= size)
		return -ENAMETOOLONG;
	strcpy(buf, b);
	return 0;
}

bool exists_at(int dir_fd, const char *path)
{
	return faccessat(dir_fd, path, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

bool is_dir_at(int dir_fd, const char *path)
{
	struct stat st;
	return fstatat(dir_fd, path, &st, 0) == 0 && S_ISDIR(st.st_mode);
}

int read_stream_capped(int fd, size_t max, char **ret, size_t *ret_size)
{
	size_t cap = 65536, len = 0;
	_cleanup_free_ char *buf = malloc(cap + 1);
	bool too_big = false;
	if (!buf)
		return -ENOMEM;
	for (;;) {
		if (len == cap) {
			if (cap > max) {
				/* Drain the rest so the writer (libvirt) never sees EPIPE. */
				char sink[65536];
				too_big = true;
				ssize_t n = read(fd, sink, sizeof sink);
				if (n > 0)
					continue;
				if (n < 0 && errno == EINTR)
					continue;
				break;
			}
			size_t ncap = cap * 2;
			char *b = realloc(buf, ncap + 1);
			if (!b)
				return -ENOMEM;
			buf = b;
			cap = ncap;
		}
		ssize_t n = read(fd, buf + len, cap - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (too_big || len > max)
		return -EFBIG;
	buf[len] = 0;
	*ret = TAKE_PTR(buf);
	*ret_size = len;
	return 0;
}

int write_attr_at(int dir_fd, const char *path, const char *value)
{
	/* Every attribute we write is the kernel's (unbind, bind, vtconsole, ...): the write
	 * returns when the driver has done the work. O_TRUNC, as a shell's "echo >" does: the
	 * kernel ignores it, and a host tree's plain file then reads back what was written. */
	TIMING_WAIT(WAIT_KERNEL);
	_cleanup_close_ int fd = openat(dir_fd, path,
					O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	size_t len = strlen(value);
	ssize_t n = write(fd, value, len);
	if (n < 0)
		return -errno;
	if ((size_t)n != len)
		return -EIO;
	return 0;
}

int write_file_atomic_at(int dir_fd, const char *name, const char *data, size_t size)
{
	/* Writers are serialized (the state directory's lock), so the temporary file has a
	 * fixed name: whatever a killed writer left behind is cleared by the next one. */
	_cleanup_free_ char *tmp = strdup_printf(".#%s", name);
	if (!tmp)
		return -ENOMEM;
	(void)unlinkat(dir_fd, tmp, 0);
	_cleanup_close_ int fd =
		openat(dir_fd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	size_t off = 0;
	while (off < size) {
		ssize_t n = write(fd, data + off, size - off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int r = -errno;
			(void)unlinkat(dir_fd, tmp, 0);
			return r;
		}
		off += (size_t)n;
	}
	if (fsync(fd) < 0 || renameat(dir_fd, tmp, dir_fd, name) < 0) {
		int r = -errno;
		(void)unlinkat(dir_fd, tmp, 0);
		return r;
	}
	(void)fsync(dir_fd);
	return 0;
}

int dir_list_at(int dir_fd, const char *path, char ***ret)
{
	int fd = openat(dir_fd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	_cleanup_closedir_ DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -errno;
	}
	_cleanup_strv_free_ char **names = NULL;
	size_t n = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		int r = strv_extend_n(&names, &n, de->d_name);
		if (r < 0)
			return r;
	}
	strv_sort(names);
	*ret = TAKE_PTR(names);
	return 0;
}
