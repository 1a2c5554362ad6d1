// SPDX-License-Identifier: GPL-2.0-or-later
/* load-module: vfio-pci loaded for the passed functions; unloaded after, if nothing uses it. */
#include <dirent.h>
#include <fcntl.h>

#include "core/action-type.h"
#include "input/pci-addr.h"
#include "lib/fileio.h"
#include "lib/log.h"
#include "lib/strutil.h"
#include "system/modules.h"
#include "validate.h"

static int run(struct exec_ctx *ctx, struct action *a)
{
	if (exists_at(ctx->root->sys_fd, "bus/pci/drivers/vfio-pci"))
		return ACTION_NOOP;
	int r = module_load(exec_modules(ctx), exec_kernel(ctx), a->target);
	if (r == -ETIMEDOUT)
		return exec_log_stuck(ctx, "Loading %s", a->target);
	if (r < 0)
		return log_error_errno(r, "Cannot load %s (see its modprobe.d lines and the kernel "
					  "log): %m", a->target);
	if (!exists_at(ctx->root->sys_fd, "bus/pci/drivers/vfio-pci"))
		return log_error_errno(-ENOENT, "%s loaded but no vfio-pci driver registered",
				       a->target);
	log_info("Loaded %s", a->target);
	return 0;
}

static bool vfio_pci_in_use(int sys_fd)
{
	int fd = openat(sys_fd, "bus/pci/drivers/vfio-pci", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return false;
	_cleanup_closedir_ DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return true;
	}
	struct dirent *de;
	struct pci_addr addr;
	bool used = false;
	while ((de = readdir(d)))
		used |= pci_addr_parse(de->d_name, &addr) == 0;
	return used;
}

static int undo(struct exec_ctx *ctx, struct action *a)
{
	/* Only what we loaded, and only when no device (another VM's) is on it. */
	if (!module_is_loaded(ctx->root->sys_fd, a->target) || vfio_pci_in_use(ctx->root->sys_fd))
		return ACTION_NOOP;
	int r = module_unload(exec_modules(ctx), exec_kernel(ctx), a->target, 1, NULL);
	if (r < 0)
		return log_warning_errno(r, "Leaving %s loaded: %m", a->target);
	log_info("Unloaded %s", a->target);
	return 0;
}

static char *undo_text(const struct action *a)
{
	return strdup_printf("unload %s if unused", a->target);
}

static enum host_match check(const struct host *h, const struct action *a, char **ret_detail)
{
	/* vfio-pci may be built in: then its registered driver is what host_load saw. */
	return module_is_loaded(h->root->sys_fd, a->target) ||
			       (streq(a->target, "vfio-pci") && h->vfio_pci == VFIO_PCI_LOADED) ?
		       host_check_say(HOST_MATCHES, ret_detail, strdup("loaded")) :
		       host_check_say(HOST_DIFFERS, ret_detail, strdup("not loaded"));
}

const struct action_type action_load_module = {
	.name = "load-module",
	.verb = "load module",
	.stage = STAGE_VFIO,
	.target_ok = is_module_name,
	.target_is = "a module name",
	.run = run,
	.undo = undo,
	.undo_text = undo_text,
	.check = check,
};
