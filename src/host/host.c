// SPDX-License-Identifier: GPL-2.0-or-later
/* The host model: loaded once, read-only, through the injectable roots. */
#include "host/block.h"
#include "host/host-firewall.h"
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
int host_iomem_load(struct host *h);
void host_modules_free(struct host *h);
void host_cpus_free(struct host *h);
void host_unit_cpus_free(struct host *h);
void host_unit_files_free(struct host *h);
void host_hugepages_free(struct host *h);
void host_shares_free(struct host *h);

void vm_claims_free(struct vm_claim *list, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(list[i].uuid);
		free(list[i].name);
		strv_free(list[i].devices);
		free(list[i].pinned_cpus);
		for (size_t k = 0; k < list[i].n_held; k++) {
			free(list[i].held[k].target);
			free(list[i].held[k].prior);
		}
		free(list[i].held);
	}
	free(list);
}

const struct held_thing *host_find_held(const struct host *h, const char *kind,
					const char *target, const char **ret_vm)
{
	for (size_t i = 0; i < h->n_other_vms; i++)
		for (size_t k = 0; k < h->other_vms[i].n_held; k++) {
			const struct held_thing *t = &h->other_vms[i].held[k];
			if (streq(t->kind, kind) && streq(t->target, target)) {
				if (ret_vm)
					*ret_vm = h->other_vms[i].name;
				return t;
			}
		}
	return NULL;
}

void host_forget_plan_reads(struct host *h)
{
	node_holders_free(h->holders, h->n_holders);
	logind_sessions_free(h->sessions, h->n_sessions);
	for (size_t i = 0; i < h->n_units; i++)
		unit_state_done(&h->units[i]);
	free(h->units);
	for (size_t i = 0; i < h->n_users; i++)
		strv_free(h->users[i].running);
	free(h->users);
	vm_claims_free(h->other_vms, h->n_other_vms);
	h->holders = NULL;
	h->sessions = NULL;
	h->units = NULL;
	h->users = NULL;
	h->other_vms = NULL;
	h->n_holders = h->n_sessions = h->n_units = h->n_users = h->n_other_vms = 0;
	h->sessions_error = 0;
	host_cpus_free(h);
	host_unit_cpus_free(h);
	host_unit_files_free(h);
	host_hugepages_free(h);
	host_vm_disks_free(h);
	host_shares_free(h);
	host_firewall_free(h);
	usb_devices_free(h->usb, h->n_usb);
	h->usb = NULL;
	h->n_usb = 0;
}

struct host *host_free(struct host *h)
{
	if (!h)
		return NULL;
	host_pci_free(h);
	host_console_free(h);
	host_modules_free(h);
	host_forget_plan_reads(h);
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

	if ((r = host_pci_load(h)) < 0 || (r = host_iomem_load(h)) < 0 ||
	    (r = host_console_load(h)) < 0 ||
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
