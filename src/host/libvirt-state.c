// SPDX-License-Identifier: GPL-2.0-or-later
/* libvirt's status files under /run/libvirt/qemu: read, never libvirt itself. */
#include <limits.h>

#include "host/libvirt-state.h"
#include "input/domain.h"
#include "lib/fileio.h"
#include "lib/strutil.h"

int libvirt_vm_running(const struct sysroot *root, const char *name, pid_t *ret_pid)
{
	char path[PATH_MAX], buf[32];
	unsigned pid;
	if (!vm_name_is_valid(name))
		return -EINVAL;
	if (root->run_fd < 0)
		return 0;
	snprintf(path, sizeof path, "libvirt/qemu/%s.pid", name);
	int r = read_attr_at(root->run_fd, path, buf, sizeof buf);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	/* Anything but a pid is not libvirt's: nothing says the VM runs. */
	if (safe_atou(buf, 10, &pid) < 0 || pid == 0 || pid > 4194304)
		return 0;
	snprintf(path, sizeof path, "%u", pid);
	if (!is_dir_at(root->proc_fd, path))
		return 0;
	if (ret_pid)
		*ret_pid = (pid_t)pid;
	return 1;
}
