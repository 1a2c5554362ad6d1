// SPDX-License-Identifier: GPL-2.0-or-later
/* Block devices (partitions, stacked dm devices) and mountinfo; what the drives stage weighs. */
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "host/block.h"
#include "lib/fileio.h"
#include "lib/strutil.h"

int block_resolve(const struct host *h, const char *dev_path, char **ret_kname)
{
	char path[PATH_MAX];
	if (!startswith(dev_path, "/dev/") || strstr(dev_path, ".."))
		return -EINVAL;
	_cleanup_free_ char *full = sysroot_path(h->root, dev_path), *real = NULL;
	if (!full)
		return -ENOMEM;
	real = realpath(full, NULL);
	/* A captured host has no /dev: its sysfs still knows /dev/NAME by its kernel name. */
	const char *base = strrchr(real ?: dev_path, '/') + 1;
	snprintf(path, sizeof path, "class/block/%s", base);
	if (!*base || !exists_at(h->root->sys_fd, path))
		return -ENOENT;
	*ret_kname = strdup(base);
	return *ret_kname ? 0 : -ENOMEM;
}

static int add_tree(const struct host *h, const char *kname, char ***names, unsigned depth)
{
	char path[PATH_MAX];
	int r;
	if (depth > 8 || strv_contains(*names, kname))
		return 0;
	if ((r = strv_extend(names, kname)) < 0)
		return r;
	_cleanup_strv_free_ char **ents = NULL, **holders = NULL;
	snprintf(path, sizeof path, "class/block/%s", kname);
	if (dir_list_at(h->root->sys_fd, path, &ents) >= 0)
		for (char **e = ents; e && *e; e++) {
			char part[PATH_MAX];
			/* Partitions are subdirectories with a "partition" file: sda10, nvme0n1p3. */
			snprintf(part, sizeof part, "class/block/%s/%s/partition", kname, *e);
			if (exists_at(h->root->sys_fd, part) && (r = add_tree(h, *e, names, depth + 1)) < 0)
				return r;
		}
	snprintf(path, sizeof path, "class/block/%s/holders", kname);
	if (dir_list_at(h->root->sys_fd, path, &holders) >= 0)
		for (char **e = holders; e && *e; e++)
			if ((r = add_tree(h, *e, names, depth + 1)) < 0)
				return r;
	return 0;
}

int block_tree(const struct host *h, const char *kname, char ***names)
{
	return add_tree(h, kname, names, 0);
}

int block_disks_of_pci(const struct host *h, const char *bdf, char ***names)
{
	_cleanup_strv_free_ char **all = NULL;
	char needle[64];
	snprintf(needle, sizeof needle, "/%s/", bdf);
	if (dir_list_at(h->root->sys_fd, "class/block", &all) < 0)
		return 0;
	for (char **b = all; b && *b; b++) {
		char path[PATH_MAX], target[PATH_MAX];
		snprintf(path, sizeof path, "class/block/%s", *b);
		if (read_link_at(h->root->sys_fd, path, target, sizeof target) < 0 ||
		    !strstr(target, needle))
			continue;
		snprintf(path, sizeof path, "class/block/%s/partition", *b);
		if (exists_at(h->root->sys_fd, path))
			continue;
		int r = strv_extend_unique(names, *b);
		if (r < 0)
			return r;
	}
	return 0;
}

int block_dev_number(const struct host *h, const char *kname, unsigned *major, unsigned *minor)
{
	char path[PATH_MAX], buf[64];
	snprintf(path, sizeof path, "class/block/%s/dev", kname);
	int r = read_attr_at(h->root->sys_fd, path, buf, sizeof buf);
	if (r < 0)
		return r;
	return sscanf(buf, "%u:%u", major, minor) == 2 ? 0 : -EINVAL;
}

char *mount_unescape(const char *s)
{
	char *out = malloc(strlen(s) + 1), *o = out;
	if (!out)
		return NULL;
	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*o++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else
			*o++ = *s;
	}
	*o = 0;
	return out;
}

void mounts_free(struct mount_entry *m, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(m[i].target);
		free(m[i].root);
		free(m[i].source);
		free(m[i].fstype);
		free(m[i].options);
		free(m[i].super_opts);
	}
	free(m);
}

const char *mount_bind_root(const struct mount_entry *m)
{
	const char *root = m->root;
	if (!root || streq(root, "/"))
		return NULL;
	/* btrfs mounts a subvolume (subvol=/@home) with that as its root. */
	const char *sub = m->super_opts ? strstr(m->super_opts, "subvol=") : NULL;
	if (m->fstype && streq(m->fstype, "btrfs") && sub &&
	    (sub == m->super_opts || sub[-1] == ',')) {
		sub += strlen("subvol=");
		size_t n = strcspn(sub, ",");
		if (n > 0 && strncmp(root, sub, n) == 0 && (root[n] == '/' || !root[n]))
			root += n;
		if (!*root || streq(root, "/"))
			return NULL;
	}
	return root;
}

int mounts_read(int proc_fd, struct mount_entry **ret, size_t *ret_n)
{
	_cleanup_free_ char *text = NULL;
	int r = read_attr_alloc_at(proc_fd, "self/mountinfo", 1u << 20, &text);
	if (r == -ENOENT) {
		*ret = NULL;
		*ret_n = 0;
		return 0;
	}
	if (r < 0)
		return r;
	struct mount_entry *list = NULL;
	size_t n = 0;
	char *save = NULL;
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		/* id parent maj:min root target options [optional...] - fstype source superopts */
		char root[PATH_MAX], target[PATH_MAX], opts[1024];
		unsigned maj, min;
		if (sscanf(l, "%*u %*u %u:%u %4095s %4095s %1023s", &maj, &min, root, target, opts) != 5)
			continue;
		char *dash = strstr(l, " - ");
		char fstype[256], source[PATH_MAX], super[1024] = "";
		if (!dash || sscanf(dash + 3, "%255s %4095s %1023s", fstype, source, super) < 2)
			continue;
		struct mount_entry *m = realloc(list, sizeof *m * (n + 1));
		if (!m) {
			mounts_free(list, n);
			return -ENOMEM;
		}
		list = m;
		list[n++] = (struct mount_entry){ .major = maj, .minor = min,
						  .target = mount_unescape(target),
						  .root = strdup(root),
						  .source = strdup(source), .fstype = strdup(fstype),
						  .options = strdup(opts), .super_opts = strdup(super) };
		const struct mount_entry *e = &list[n - 1];
		if (!e->target || !e->root || !e->source || !e->fstype || !e->options ||
		    !e->super_opts) {
			mounts_free(list, n);
			return -ENOMEM;
		}
	}
	*ret = list;
	*ret_n = n;
	return 0;
}

static int add_block_dev(struct block_dev **list, size_t *n, const char *name, bool numbered,
			 unsigned major, unsigned minor)
{
	_cleanup_free_ char *copy = strdup(name);
	struct block_dev *l = copy ? realloc(*list, sizeof *l * (*n + 1)) : NULL;
	if (!l)
		return -ENOMEM;
	*list = l;
	l[(*n)++] = (struct block_dev){ .name = TAKE_PTR(copy), .major = major, .minor = minor,
					.numbered = numbered };
	return 0;
}

void swaps_free(struct swap_area *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(s[i].path);
	free(s);
}

int swaps_read(int proc_fd, struct swap_area **ret, size_t *ret_n)
{
	_cleanup_free_ char *text = NULL;
	int r = read_attr_alloc_at(proc_fd, "swaps", 1u << 20, &text);
	if (r == -ENOENT) {
		*ret = NULL;
		*ret_n = 0;
		return 0;
	}
	if (r < 0)
		return r;
	struct swap_area *list = NULL;
	size_t n = 0;
	char *save = NULL;
	/* Filename Type Size Used Priority, after a header line; octal escapes in Filename. */
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char path[PATH_MAX], type[32];
		unsigned long long size, used;
		int prio;
		if (sscanf(l, "%4095s %31s %llu %llu %d", path, type, &size, &used, &prio) != 5 ||
		    path[0] != '/')
			continue;
		struct swap_area *s = realloc(list, sizeof *s * (n + 1));
		if (!s) {
			swaps_free(list, n);
			return -ENOMEM;
		}
		list = s;
		list[n++] = (struct swap_area){ .path = mount_unescape(path),
						.is_file = streq(type, "file"), .size_kib = size,
						.used_kib = used, .priority = prio };
		if (!list[n - 1].path) {
			swaps_free(list, n);
			return -ENOMEM;
		}
	}
	*ret = list;
	*ret_n = n;
	return 0;
}

int swap_is_active(int proc_fd, const char *path)
{
	struct swap_area *s = NULL;
	size_t n = 0;
	int r = swaps_read(proc_fd, &s, &n);
	if (r < 0)
		return r;
	bool found = false;
	for (size_t i = 0; i < n; i++)
		found |= streq(s[i].path, path);
	swaps_free(s, n);
	return found;
}

/* Each swap area's device: a partition's by its name, a file's by its filesystem's. */
static int number_swaps(struct host *h)
{
	for (size_t i = 0; i < h->n_swaps; i++) {
		struct swap_area *s = &h->swaps[i];
		_cleanup_free_ char *kname = NULL;
		if (s->is_file) {
			struct stat st;
			_cleanup_free_ char *full = sysroot_path(h->root, s->path);
			if (!full)
				return -ENOMEM;
			if (stat(full, &st) == 0) {
				s->major = major(st.st_dev);
				s->minor = minor(st.st_dev);
				s->numbered = true;
			}
			continue;
		}
		int r = block_resolve(h, s->path, &kname);
		if (r == -ENOMEM)
			return r;
		if (r >= 0 && block_dev_number(h, kname, &s->major, &s->minor) >= 0)
			s->numbered = true;
	}
	return 0;
}

static unsigned long long mem_available_kib(int proc_fd)
{
	char buf[8192];
	unsigned long long kib = 0;
	const char *p;
	if (read_attr_at(proc_fd, "meminfo", buf, sizeof buf) >= 0 &&
	    (p = strstr(buf, "MemAvailable:")))
		(void)!sscanf(p, "MemAvailable: %llu kB", &kib);
	return kib;
}

int host_load_vm_disks(struct host *h, char *const *block_disks,
		       struct pci_function *const *passed, size_t n_passed,
		       char *const *file_disks)
{
	_cleanup_strv_free_ char **names = NULL;
	int r;
	for (char *const *d = block_disks; d && *d; d++) {
		_cleanup_free_ char *k = NULL;
		r = block_resolve(h, *d, &k) < 0 ? strv_extend(&h->missing_disks, *d) :
						    block_tree(h, k, &names);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < n_passed; i++) {
		_cleanup_strv_free_ char **disks = NULL;
		if ((r = block_disks_of_pci(h, passed[i]->name, &disks)) < 0)
			return r;
		for (char **k = disks; k && *k; k++)
			if ((r = block_tree(h, *k, &names)) < 0)
				return r;
	}
	if (!names)
		return 0;
	for (char **n = names; *n; n++) {
		unsigned major = 0, minor = 0;
		bool numbered = block_dev_number(h, *n, &major, &minor) >= 0;
		if ((r = add_block_dev(&h->vm_block_devs, &h->n_vm_block_devs, *n, numbered, major,
				       minor)) < 0)
			return r;
	}
	/* One the planner cannot read is its refusal. */
	h->mounts_error = mounts_read(h->root->proc_fd, &h->mounts, &h->n_mounts);
	h->swaps_error = swaps_read(h->root->proc_fd, &h->swaps, &h->n_swaps);
	if (h->swaps_error == -ENOMEM)
		return -ENOMEM;
	if ((r = number_swaps(h)) < 0)
		return r;
	h->mem_available_kib = mem_available_kib(h->root->proc_fd);
	for (char *const *f = file_disks; f && *f; f++) {
		struct stat st;
		_cleanup_free_ char *full = sysroot_path(h->root, *f);
		if (!full)
			return -ENOMEM;
		if (stat(full, &st) == 0 &&
		    (r = add_block_dev(&h->image_devs, &h->n_image_devs, *f, true,
				       major(st.st_dev), minor(st.st_dev))) < 0)
			return r;
	}
	return 0;
}

static void block_devs_free(struct block_dev *l, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(l[i].name);
	free(l);
}

void host_vm_disks_free(struct host *h)
{
	strv_free(h->missing_disks);
	block_devs_free(h->vm_block_devs, h->n_vm_block_devs);
	block_devs_free(h->image_devs, h->n_image_devs);
	mounts_free(h->mounts, h->n_mounts);
	swaps_free(h->swaps, h->n_swaps);
	h->swaps = NULL;
	h->n_swaps = 0;
	h->swaps_error = 0;
	h->mem_available_kib = 0;
	h->missing_disks = NULL;
	h->vm_block_devs = h->image_devs = NULL;
	h->mounts = NULL;
	h->n_vm_block_devs = h->n_image_devs = h->n_mounts = 0;
	h->mounts_error = 0;
}
