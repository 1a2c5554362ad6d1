// SPDX-License-Identifier: GPL-2.0-or-later
/* Binding and unbinding drivers through sysfs. */
#include <limits.h>

#include "lib/fileio.h"
#include "lib/strutil.h"
#include "system/sysfs-bind.h"

bool sysfs_name_is_safe(const char *name)
{
	return !isempty(name) && strlen(name) < 128 && !strchr(name, '/') && !streq(name, ".") &&
	       !streq(name, "..") && str_is_printable_ascii(name) && !strchr(name, ' ');
}

static int dev_path(char *buf, size_t size, const char *bus, const char *dev, const char *file)
{
	if (!sysfs_name_is_safe(bus) || !sysfs_name_is_safe(dev))
		return -EINVAL;
	int n = snprintf(buf, size, "bus/%s/devices/%s%s%s", bus, dev, file ? "/" : "",
			 file ?: "");
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

bool sysfs_device_exists(int sys_fd, const char *bus, const char *dev)
{
	char path[PATH_MAX];
	return dev_path(path, sizeof path, bus, dev, NULL) == 0 && exists_at(sys_fd, path);
}

int sysfs_driver_of(int sys_fd, const char *bus, const char *dev, char *buf, size_t size)
{
	char path[PATH_MAX];
	int r = dev_path(path, sizeof path, bus, dev, "driver");
	if (r < 0)
		return r;
	r = read_link_basename_at(sys_fd, path, buf, size);
	if (r == -ENOENT && !sysfs_device_exists(sys_fd, bus, dev))
		return -ENODEV;
	return r;
}

int sysfs_unbind(struct kernel_deadline *d, int sys_fd, const char *bus, const char *dev)
{
	char path[PATH_MAX], drv[256];
	int r = sysfs_driver_of(sys_fd, bus, dev, drv, sizeof drv);
	if (r < 0)
		return r;
	if (snprintf(path, sizeof path, "bus/%s/drivers/%s/unbind", bus, drv) >= (int)sizeof path)
		return -ENAMETOOLONG;
	return kernel_write_attr(d, sys_fd, path, dev);
}

int sysfs_bind(struct kernel_deadline *d, int sys_fd, const char *bus, const char *dev,
	       const char *driver)
{
	char path[PATH_MAX];
	if (!sysfs_name_is_safe(bus) || !sysfs_name_is_safe(dev) || !sysfs_name_is_safe(driver))
		return -EINVAL;
	if (snprintf(path, sizeof path, "bus/%s/drivers/%s/bind", bus, driver) >= (int)sizeof path)
		return -ENAMETOOLONG;
	return kernel_write_attr(d, sys_fd, path, dev);
}

int sysfs_pci_set_override(int sys_fd, const char *dev, const char *driver)
{
	char path[PATH_MAX];
	int r = dev_path(path, sizeof path, "pci", dev, "driver_override");
	if (r < 0)
		return r;
	if (driver && !sysfs_name_is_safe(driver))
		return -EINVAL;
	/* "\n" clears the override (an empty write is not a write at all). */
	return write_attr_at(sys_fd, path, driver ?: "\n");
}

int sysfs_pci_get_override(int sys_fd, const char *dev, char *buf, size_t size)
{
	char path[PATH_MAX];
	int r = dev_path(path, sizeof path, "pci", dev, "driver_override");
	if (r < 0)
		return r;
	if (size == 0)
		return -EINVAL;
	r = read_attr_at(sys_fd, path, buf, size);
	if (r == -ENOENT && sysfs_device_exists(sys_fd, "pci", dev)) {
		buf[0] = '\0';
		return 0;
	}
	if (r == -ENOENT)
		return -ENODEV;
	if (r < 0)
		return r;
	char *v = strstrip(buf);
	/* Old kernels print "(null)" for none. */
	if (streq(v, "(null)"))
		*v = '\0';
	memmove(buf, v, strlen(v) + 1);
	return 0;
}

int sysfs_pci_probe(struct kernel_deadline *d, int sys_fd, const char *dev)
{
	if (!sysfs_name_is_safe(dev))
		return -EINVAL;
	return kernel_write_attr(d, sys_fd, "bus/pci/drivers_probe", dev);
}
