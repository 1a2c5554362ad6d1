// SPDX-License-Identifier: GPL-2.0-or-later
/* The host model: loaded once, read-only, through the injectable roots. */
#include "host/host.h"
#include "lib/fileio.h"
#include "lib/log.h"
#include "lib/strutil.h"

int host_pci_load(struct host *h);
void host_pci_free(struct host *h);
int host_console_load(struct host *h);
void host_console_free(struct host *h);
int host_vfio_probe(struct host *h);
int host_modules_load(struct host *h);
void host_modules_free(struct host *h);

struct host *host_free(struct host *h)
{
	if (!h)
		return NULL;
	host_pci_free(h);
	host_console_free(h);
	host_modules_free(h);
	free(h->kernel_release);
	free(h->boot_id);
	free(h);
	return NULL;
}

int host_load(struct sysroot *root, struct host **ret)
{
	_cleanup_(host_freep) struct host *h = calloc(1, sizeof *h);
	int r;
	if (!h)
		return -ENOMEM;
	h->root = root;

	char buf[256];
	if (read_attr_at(root->proc_fd, "sys/kernel/osrelease", buf, sizeof buf) > 0 &&
	    !strchr(buf, '/') && !streq(buf, "..") && !streq(buf, "."))
		h->kernel_release = strdup(buf);
	if (read_attr_at(root->proc_fd, "sys/kernel/random/boot_id", buf, sizeof buf) > 0)
		h->boot_id = strdup(buf);

	if ((r = host_pci_load(h)) < 0 || (r = host_console_load(h)) < 0 ||
	    (r = host_vfio_probe(h)) < 0 || (r = host_modules_load(h)) < 0)
		return r;
	*ret = TAKE_PTR(h);
	return 0;
}

bool host_reset_method_is_authoritative(const struct host *h)
{
	unsigned major, minor;
	if (!h->kernel_release || sscanf(h->kernel_release, "%u.%u", &major, &minor) != 2)
		return false;
	return major > 5 || (major == 5 && minor >= 15);
}
