// SPDX-License-Identifier: GPL-2.0-or-later
/* Loading and unloading kernel modules with libkmod. */
#include <limits.h>

#include "lib/dlopen-libkmod.h"
#include "lib/fileio.h"
#include "lib/log.h"
#include "lib/strutil.h"
#include "lib/timing.h"
#include "lib/wait.h"
#include "system/modules.h"

static void normalize(const char *name, char *buf, size_t size)
{
	snprintf(buf, size, "%s", name);
	for (char *c = buf; *c; c++)
		if (*c == '-')
			*c = '_';
}

bool module_is_loaded(int sys_fd, const char *name)
{
	char n[128], path[PATH_MAX];
	normalize(name, n, sizeof n);
	snprintf(path, sizeof path, "module/%s/initstate", n);
	return exists_at(sys_fd, path);
}

_printf_(6, 0) static void kmod_log(void *data, int priority, const char *file, int line,
				    const char *fn, const char *format, va_list args)
{
	char buf[512];
	vsnprintf(buf, sizeof buf, format, args);
	log_debug("libkmod: %s", truncate_nl(buf));
}

_printf_(6, 0) static void kmod_log_quiet(void *data, int priority, const char *file, int line,
					  const char *fn, const char *format, va_list args)
{
	/* A host tree has the module indexes, not the .ko files libkmod would go on to look at. */
}

static struct kmod_ctx *index_ctx;
static const struct sysroot *index_root; /* whose modules index_ctx knows */

/* libkmod's arguments for a host tree: its kernel's modules and its modprobe.d. */
static struct kmod_ctx *open_tree_index(const struct sysroot *root, const char *kernel_release)
{
	if (!kernel_release)
		return NULL;
	_cleanup_free_ char *rel = strdup_printf("/lib/modules/%s", kernel_release);
	_cleanup_free_ char *dir = rel ? sysroot_path(root, rel) : NULL;
	_cleanup_free_ char *c1 = sysroot_path(root, "/etc/modprobe.d");
	_cleanup_free_ char *c2 = sysroot_path(root, "/run/modprobe.d");
	_cleanup_free_ char *c3 = sysroot_path(root, "/lib/modprobe.d");
	if (!dir || !c1 || !c2 || !c3)
		return NULL;
	const char *const config[] = { c1, c2, c3, NULL };
	return sym_kmod_new(dir, config);
}

int module_index(const struct sysroot *root, const char *kernel_release, struct kmod_ctx **ret)
{
	if (index_root != root)
		module_index_close();
	if (!index_ctx) {
		int r = dlopen_libkmod();
		if (r < 0)
			return r;
		index_ctx = root->live ? sym_kmod_new(NULL, NULL) :
					 open_tree_index(root, kernel_release);
		if (!index_ctx)
			return root->live || kernel_release ? -ENOMEM : -ENOENT;
		sym_kmod_set_log_fn(index_ctx, root->live ? kmod_log : kmod_log_quiet, NULL);
		if (root->live)
			(void)sym_kmod_load_resources(index_ctx);
		index_root = root;
	}
	*ret = index_ctx;
	return 0;
}

void module_index_close(void)
{
	/* Set only once libkmod was loaded. */
	if (index_ctx)
		sym_kmod_unref(index_ctx);
	index_ctx = NULL;
	index_root = NULL;
}

static int kmod_ctx_get(struct module_loader *l, struct kmod_ctx **ret)
{
	if (!l->root->live)
		return -EOPNOTSUPP; /* libkmod acts on the real /sys/module only */
	return module_index(l->root, NULL, ret);
}

static int insert_module(_unused_ int fd, void *data)
{
	/* modprobe.d install commands run through the shell, with our clean environment. */
	return sym_kmod_module_probe_insert_module(data, KMOD_PROBE_APPLY_BLACKLIST_ALIAS_ONLY,
						   NULL, NULL, NULL, NULL);
}

int module_load(struct module_loader *l, struct kernel_deadline *d, const char *name)
{
	struct kmod_ctx *k;
	_cleanup_(sym_kmod_module_unref_listp) struct kmod_list *list = NULL;
	int r = kmod_ctx_get(l, &k);
	if (r < 0)
		return r;
	r = sym_kmod_module_new_from_lookup(k, name, &list);
	if (r < 0)
		return r;
	if (!list)
		return -ENOENT;
	struct kmod_list *it;
	sym_kmod_list_foreach(it, list)
	{
		_cleanup_(sym_kmod_module_unrefp) struct kmod_module *m =
			sym_kmod_module_get_module(it);
		/* A module's init probes its devices, which can hang as a remove() can. */
		TIMING_WAIT(WAIT_KERNEL);
		r = kernel_call(d, insert_module, -1, m);
		if (r < 0)
			return r;
		if (r > 0)
			return -EPERM; /* blacklisted */
	}
	return 0;
}

struct refcnt_zero {
	int sys_fd;
	const char *name;
};

static int refcnt_is_zero(void *data)
{
	const struct refcnt_zero *z = data;
	char path[PATH_MAX];
	unsigned v;
	snprintf(path, sizeof path, "module/%s/refcnt", z->name);
	int r = read_attr_uint_at(z->sys_fd, path, 10, &v);
	if (r == -ENOENT)
		return 1; /* gone already */
	if (r < 0)
		return r;
	return v == 0;
}

struct try_remove {
	struct kmod_module *mod;
	int sys_fd;
	const char *name;
	struct kernel_deadline *deadline;
	int last;
};

static int remove_module(_unused_ int fd, void *data)
{
	/* flags 0: never KMOD_REMOVE_FORCE; libkmod always adds O_NONBLOCK. */
	return sym_kmod_module_remove_module(data, 0);
}

static int removed(void *data)
{
	struct try_remove *t = data;
	if (!module_is_loaded(t->sys_fd, t->name))
		return 1;
	/* The module's exit code runs in the removal: it may never return. */
	int r = kernel_call(t->deadline, remove_module, -1, t->mod);
	t->last = r;
	if (r == -ETIMEDOUT)
		return r;
	if (r == 0 || r == -ENOENT)
		return 1;
	if (r == -EAGAIN || r == -EBUSY || r == -EWOULDBLOCK)
		return 0; /* still in use: its users are on their way out */
	return r;
}

int module_unload(struct module_loader *l, struct kernel_deadline *d, const char *name,
		  unsigned timeout_s, uint64_t *ret_usec)
{
	struct kmod_ctx *k;
	char n[128];
	normalize(name, n, sizeof n);
	int r = kmod_ctx_get(l, &k);
	if (r < 0)
		return r;
	_cleanup_(sym_kmod_module_unrefp) struct kmod_module *mod = NULL;
	if ((r = sym_kmod_module_new_from_name(k, n, &mod)) < 0)
		return r;
	TIMING_WAIT(WAIT_KERNEL); /* the module's users letting go, then the kernel removing it */
	uint64_t start = now_usec();
	unsigned timeout_ms = timeout_s * 1000u;
	struct refcnt_zero z = { l->root->sys_fd, n };
	r = wait_for(refcnt_is_zero, &z, timeout_ms, NULL);
	if (r < 0)
		return r;
	uint64_t spent_ms = (now_usec() - start) / 1000u;
	unsigned left = spent_ms >= timeout_ms ? 1 : (unsigned)(timeout_ms - spent_ms);
	d->timeout_ms = left;
	struct try_remove t = { mod, l->root->sys_fd, n, d, 0 };
	r = wait_for(removed, &t, left, NULL);
	if (r == -ETIMEDOUT && t.last < 0)
		r = t.last;
	if (r < 0)
		return r;
	if (ret_usec)
		*ret_usec = now_usec() - start;
	return 0;
}
