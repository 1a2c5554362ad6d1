// SPDX-License-Identifier: GPL-2.0-or-later
/* vfio-hook.conf: defaults, parsing and the ownership check. */
#include <ctype.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "config.h"
#include "fileio.h"
#include "pci-addr.h"
#include "strutil.h"

void config_init(struct config *c)
{
	*c = (struct config){
		.unit_timeout_s = 30,
		.process_timeout_s = 5,
		.module_timeout_s = 10,
		.lock_timeout_s = 60,
	};
}

void config_done(struct config *c)
{
	strv_free(c->allow_group_members);
	config_init(c);
}

static int parse_bool(const char *v, bool *ret)
{
	if (streq(v, "yes") || streq(v, "true") || streq(v, "1"))
		*ret = true;
	else if (streq(v, "no") || streq(v, "false") || streq(v, "0"))
		*ret = false;
	else
		return -EINVAL;
	return 0;
}

static int parse_seconds(const char *v, unsigned *ret)
{
	unsigned s;
	if (safe_atou(v, 10, &s) < 0 || s == 0 || s > 3600)
		return -EINVAL;
	*ret = s;
	return 0;
}

static int parse_pci_list(const char *v, char ***ret)
{
	_cleanup_free_ char *copy = strdup(v);
	if (!copy)
		return -ENOMEM;
	char *save = NULL;
	for (char *t = strtok_r(copy, " \t,", &save); t; t = strtok_r(NULL, " \t,", &save)) {
		struct pci_addr a;
		char name[PCI_ADDR_STR_MAX];
		if (pci_addr_parse(t, &a) < 0)
			return -EINVAL;
		pci_addr_format(&a, name);
		int r = strv_extend_unique(ret, name);
		if (r < 0)
			return r;
	}
	return 0;
}

int config_parse(struct config *c, const char *text, char **ret_error)
{
	_cleanup_free_ char *copy = strdup(text);
	if (!copy)
		return -ENOMEM;
	unsigned lineno = 0;
	char *save = NULL, *line = copy;
	for (char *next; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		lineno++;
		char *l = strstrip(line);
		if (!*l || *l == '#')
			continue;
		char *eq = strchr(l, '=');
		int r = -EINVAL;
		if (eq) {
			*eq = 0;
			char *key = strstrip(l), *value = strstrip(eq + 1);
			if (streq(key, "allow_group_members"))
				r = parse_pci_list(value, &c->allow_group_members);
			else if (streq(key, "debug"))
				r = parse_bool(value, &c->debug);
			else if (streq(key, "unit_timeout"))
				r = parse_seconds(value, &c->unit_timeout_s);
			else if (streq(key, "process_timeout"))
				r = parse_seconds(value, &c->process_timeout_s);
			else if (streq(key, "module_timeout"))
				r = parse_seconds(value, &c->module_timeout_s);
			else if (streq(key, "lock_timeout"))
				r = parse_seconds(value, &c->lock_timeout_s);
		}
		if (r == -ENOMEM)
			return r;
		if (r < 0) {
			if (ret_error)
				*ret_error = strdup_printf("%s:%u: invalid setting", CONFIG_PATH, lineno);
			return r;
		}
	}
	(void)save;
	return 0;
}

int config_load(const struct sysroot *root, struct config *c, char **ret_error)
{
	config_init(c);
	if (root->etc_fd < 0)
		return 0;
	const char *rel = &CONFIG_PATH[strlen("/etc/")];
	_cleanup_close_ int fd = openat(root->etc_fd, rel, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		if (ret_error)
			*ret_error = strdup_printf("cannot open %s: %s", CONFIG_PATH, strerror(errno));
		return -errno;
	}
	struct stat st;
	if (fstat(fd, &st) < 0)
		return -errno;
	/* What the file says runs as root: only root may be able to change it. */
	if (root->live && (!S_ISREG(st.st_mode) || st.st_uid != 0 || (st.st_mode & 022))) {
		if (ret_error)
			*ret_error = strdup_printf("%s must be a regular file owned by root and not "
						   "writable by group or others", CONFIG_PATH);
		return -EPERM;
	}
	_cleanup_free_ char *text = NULL;
	size_t size;
	int r = read_stream_capped(fd, 65536, &text, &size);
	if (r < 0) {
		if (ret_error)
			*ret_error = strdup_printf("cannot read %s: %s", CONFIG_PATH, strerror(-r));
		return r;
	}
	return config_parse(c, text, ret_error);
}
