// SPDX-License-Identifier: GPL-2.0-or-later
/* The driver a PCI function is on, for unbind-pci and bind-vfio (pci-driver.h). */
#include "lib/strutil.h"
#include "pci-driver.h"
#include "system/sysfs-bind.h"

enum host_match pci_driver_check(const struct host *h, const struct action *a, bool want_vfio,
				 char **ret_detail)
{
	char drv[256];
	int r = sysfs_driver_of(h->root->sys_fd, "pci", a->target, drv, sizeof drv);
	if (r == -ENODEV)
		return host_check_say(HOST_DIFFERS, ret_detail, strdup("the device is gone"));
	if (r < 0 && r != -ENOENT)
		return host_check_say(HOST_NOT_CHECKED, ret_detail,
				      strdup_printf("cannot read its driver: %s", strerror(-r)));
	bool bound = r >= 0;
	char *detail = bound ? strdup_printf("on %s", drv) : strdup("no driver");
	if (want_vfio)
		return host_check_say(bound && streq(drv, "vfio-pci") ? HOST_MATCHES : HOST_DIFFERS,
				      ret_detail, detail);
	/* Back on the driver it had, the card may still not have come to life: a release whose
	 * health check failed. */
	bool back = bound && a->prior && streq(drv, a->prior);
	const char *missing = NULL;
	if (back && host_pci_function_alive(h->root, a->target, drv, &missing) == 0) {
		free(detail);
		detail = strdup_printf("on %s, %s", drv, strna(missing));
	}
	return host_check_say(back ? HOST_DIFFERS : HOST_MATCHES, ret_detail, detail);
}
