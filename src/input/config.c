// SPDX-License-Identifier: GPL-2.0-or-later
/* vfio-hook.conf: defaults, parsing and the ownership check. */
#include <ctype.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "input/config.h"
#include "input/pci-addr.h"
#include "lib/fileio.h"
#include "lib/strutil.h"

void config_init(struct config *c)
{
	*c = (struct config){
		.unit_timeout_s = 30,
		.process_timeout_s = 5,
		.module_timeout_s = 10,
		.lock_timeout_s = 60,
		.script_timeout_s = 60,
	};
}

void config_done(struct config *c)
{
	strv_free(c->allow_group_members);
	for (size_t i = 0; i < _STAGE_MAX; i++)
		free(c->disabled_by[i]);
	strv_free(c->stop_units);
	strv_free(c->user_units);
	strv_free(c->flags);
	strv_free(c->nfs_shares);
	strv_free(c->nfs_clients);
	free(c->nfs_options);
	strv_free(c->smb_shares);
	for (size_t i = 0; i < c->n_scripts; i++)
		free(c->scripts[i].path);
	free(c->scripts);
	strv_free(c->notes);
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

/* A unit name we are willing to pass to systemd: name.service / name.socket, plain chars. */
static bool unit_name_is_valid(const char *u)
{
	if (strlen(u) > 128 || !(endswith(u, ".service") || endswith(u, ".socket") ||
				 endswith(u, ".target") || endswith(u, ".scope")))
		return false;
	for (const char *p = u; *p; p++)
		if (!(isalnum((unsigned char)*p) || strchr("-_.@:\\", *p)))
			return false;
	return u[0] != '-' && u[0] != '.';
}

static int parse_words(const char *v, bool (*valid)(const char *), char ***ret)
{
	_cleanup_free_ char *copy = strdup(v);
	if (!copy)
		return -ENOMEM;
	char *save = NULL;
	for (char *t = strtok_r(copy, " \t,", &save); t; t = strtok_r(NULL, " \t,", &save)) {
		if (valid && !valid(t))
			return -EINVAL;
		int r = strv_extend_unique(ret, t);
		if (r < 0)
			return r;
	}
	return 0;
}

/* An absolute directory path without tricks: it is handed to exportfs and to setxattr. */
static bool share_is_valid(const char *p)
{
	return p[0] == '/' && strlen(p) < 256 && !strstr(p, "/..") && !strstr(p, "//") &&
	       str_is_alnum_or(p, "/._+-@");
}

static bool nfs_client_is_valid(const char *c)
{
	return strlen(c) < 128 && str_is_alnum_or(c, ".:/*-_[]");
}

static int parse_nfs_options(const char *v, char **ret)
{
	if (isempty(v) || strlen(v) > 256 || !str_is_alnum_or(v, ",=_"))
		return -EINVAL;
	free(*ret);
	*ret = strdup(v);
	return *ret ? 0 : -ENOMEM;
}

/* A flag the VM's description could say: one that args[ ] would refuse when the VM starts is
 * refused here, with its file and line. */
static bool flag_is_valid(const char *f)
{
	return strlen(f) < 64 && vm_flag_is_well_formed(f);
}

static int parse_disable(struct config *c, const char *v, const char *name)
{
	_cleanup_strv_free_ char **stages = NULL;
	int r = parse_words(v, NULL, &stages);
	if (r < 0)
		return r;
	for (char **s = stages; s && *s; s++) {
		enum stage_id id = stage_from_string(*s);
		if (id < 0)
			return -EINVAL;
		c->disabled_stages |= 1u << id;
		free(c->disabled_by[id]);
		if (!(c->disabled_by[id] = strdup(name)))
			return -ENOMEM;
	}
	return 0;
}

int config_parse(struct config *c, const char *text, char **ret_error)
{
	return config_parse_file(c, text, CONFIG_PATH, ret_error);
}

int config_parse_file(struct config *c, const char *text, const char *name, char **ret_error)
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
			else if (streq(key, "script_timeout"))
				r = parse_seconds(value, &c->script_timeout_s);
			else if (streq(key, "disable"))
				r = parse_disable(c, value, name);
			else if (streq(key, "stop_units"))
				r = parse_words(value, unit_name_is_valid, &c->stop_units);
			else if (streq(key, "user_units"))
				r = parse_words(value, unit_name_is_valid, &c->user_units);
			else if (streq(key, "flags"))
				r = parse_words(value, flag_is_valid, &c->flags);
			else if (streq(key, "nfs_shares"))
				r = parse_words(value, share_is_valid, &c->nfs_shares);
			else if (streq(key, "nfs_clients"))
				r = parse_words(value, nfs_client_is_valid, &c->nfs_clients);
			else if (streq(key, "nfs_options"))
				r = parse_nfs_options(value, &c->nfs_options);
			else if (streq(key, "network_dns"))
				r = parse_bool(value, &c->network_dns);
			else if (streq(key, "network_zone"))
				r = parse_bool(value, &c->network_zone);
			else if (streq(key, "smb_shares"))
				r = parse_words(value, share_is_valid, &c->smb_shares);
		}
		if (r == -ENOMEM)
			return r;
		if (r < 0) {
			if (ret_error)
				*ret_error = strdup_printf("%s:%u: invalid setting", name, lineno);
			return r;
		}
	}
	(void)save;
	return 0;
}

int config_load(const struct sysroot *root, struct config *c, char **ret_error)
{
	config_init(c);
	_cleanup_free_ char *file = sysroot_path(root, CONFIG_PATH), *text = NULL, *problem = NULL;
	if (!file)
		return -ENOMEM;
	if (access(file, F_OK) < 0)
		return 0;
	/* What the file says runs as root: only root may be able to change it. */
	int r = path_is_trusted(root, CONFIG_PATH, false, &problem);
	if (r < 0) {
		if (ret_error)
			*ret_error = problem ? strdup_printf("refusing the configuration: %s", problem) :
					       strdup_printf("cannot check %s: %s", CONFIG_PATH,
							     strerror(-r));
		return r;
	}
	if ((r = config_file_read(root, CONFIG_PATH, &text, &problem)) < 0) {
		if (ret_error)
			*ret_error = strdup_printf("refusing the configuration: %s", strna(problem));
		return r;
	}
	return config_parse(c, text, ret_error);
}

int config_vm_flags(const struct config *c, const struct vm_flags *vm, struct vm_flags *ret)
{
	int r = vm_flags_copy(ret, vm);
	for (char **fl = c->flags; r >= 0 && fl && *fl; fl++)
		r = vm_flags_add_args(ret, *fl);
	if (r < 0)
		vm_flags_done(ret);
	return r;
}
