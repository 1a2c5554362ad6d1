// SPDX-License-Identifier: GPL-2.0-or-later
/* The per-VM journal: format, strict parser, atomic storage under /run. */
#include <ctype.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "cpuset.h"
#include "domain.h"
#include "fileio.h"
#include "journal.h"
#include "pci-addr.h"
#include "strutil.h"

static const char *const state_names[_JOURNAL_STATE_MAX] = {
	[JOURNAL_PREPARING] = "preparing",
	[JOURNAL_PREPARED] = "prepared",
	[JOURNAL_RELEASING] = "releasing",
};

const char *journal_state_to_string(enum journal_state s)
{
	return s >= 0 && s < _JOURNAL_STATE_MAX ? state_names[s] : NULL;
}

static enum journal_state journal_state_from_string(const char *s)
{
	for (int i = 0; i < _JOURNAL_STATE_MAX; i++)
		if (streq(state_names[i], s))
			return (enum journal_state)i;
	return _JOURNAL_STATE_INVALID;
}

struct journal *journal_free(struct journal *j)
{
	if (!j)
		return NULL;
	free(j->boot_id);
	plan_free(j->plan);
	free(j);
	return NULL;
}

static bool is_plain(unsigned char c)
{
	return isalnum(c) || strchr("._:+@/-", c);
}

/* Percent-encode everything outside a small safe set; "" stays "%" so fields never vanish. */
static int put_value(FILE *f, const char *v)
{
	if (!v || !*v)
		return fputs("%", f) < 0 ? -EIO : 0;
	for (const unsigned char *c = (const unsigned char *)v; *c; c++)
		if (is_plain(*c) ? fputc(*c, f) < 0 : fprintf(f, "%%%02x", *c) < 0)
			return -EIO;
	return 0;
}

static int decode_value(const char *in, char **ret)
{
	if (streq(in, "%")) {
		*ret = strdup("");
		return *ret ? 0 : -ENOMEM;
	}
	size_t n = strlen(in);
	_cleanup_free_ char *out = malloc(n + 1);
	char *o = out;
	if (!out)
		return -ENOMEM;
	for (const char *c = in; *c; c++) {
		if (*c == '%') {
			if (!isxdigit((unsigned char)c[1]) || !isxdigit((unsigned char)c[2]))
				return -EINVAL;
			char hex[3] = { c[1], c[2], 0 };
			unsigned v = (unsigned)strtoul(hex, NULL, 16);
			if (v == 0)
				return -EINVAL;
			*o++ = (char)v;
			c += 2;
		} else if (is_plain((unsigned char)*c))
			*o++ = *c;
		else
			return -EINVAL;
	}
	*o = 0;
	*ret = TAKE_PTR(out);
	return 0;
}

int journal_format(const struct journal *j, char **ret)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	if (!f)
		return -ENOMEM;
	const struct plan *p = j->plan;
	int r = 0;

	fprintf(f, "vfio-hook-journal %d\nuuid %s\nname ", JOURNAL_VERSION, p->vm_uuid);
	RET_GATHER(r, put_value(f, p->vm_name));
	fprintf(f, "\nboot-id ");
	RET_GATHER(r, put_value(f, j->boot_id));
	fprintf(f, "\npid %d\nstate %s\nhost-graphics %s\n", (int)j->pid,
		journal_state_to_string(j->state), p->host_graphics_go ? "go" : "stay");
	for (char **d = p->devices; d && *d; d++)
		fprintf(f, "device %s\n", *d);
	if (p->pinned_cpus)
		fprintf(f, "pinned %s\n", p->pinned_cpus);
	for (size_t i = 0; i < p->n_actions; i++) {
		const struct action *a = &p->actions[i];
		fprintf(f, "action %s %s %s %u ", action_state_to_string(a->state),
			stage_to_string(a->stage), action_kind_to_string(a->kind), (unsigned)a->uid);
		RET_GATHER(r, put_value(f, a->target));
		fputc(' ', f);
		RET_GATHER(r, put_value(f, a->prior));
		fputc(' ', f);
		RET_GATHER(r, put_value(f, a->result));
		fputc('\n', f);
	}
	if (fclose(f) != 0 && r >= 0)
		r = -ENOMEM;
	if (r < 0) {
		free(buf);
		return r;
	}
	*ret = buf;
	return 0;
}

static int parse_action(struct plan *p, char *rest)
{
	char *f[7], *save = NULL;
	size_t n = 0;
	for (char *t = strtok_r(rest, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		if (n == ARRAY_SIZE(f))
			return -EINVAL;
		f[n++] = t;
	}
	if (n != ARRAY_SIZE(f) || p->n_actions >= JOURNAL_MAX_ACTIONS)
		return -EINVAL;
	enum action_state state = action_state_from_string(f[0]);
	enum stage_id stage = stage_from_string(f[1]);
	enum action_kind kind = action_kind_from_string(f[2]);
	unsigned uid;
	if (state < 0 || stage < 0 || kind < 0 || safe_atou(f[3], 10, &uid) < 0)
		return -EINVAL;
	_cleanup_free_ char *target = NULL, *prior = NULL, *result = NULL;
	int r;
	if ((r = decode_value(f[4], &target)) < 0 || (r = decode_value(f[5], &prior)) < 0 ||
	    (r = decode_value(f[6], &result)) < 0)
		return r;
	if (isempty(target))
		return -EINVAL;
	r = plan_add(p, stage, kind, target, isempty(prior) ? NULL : prior, NULL, (uid_t)uid);
	if (r < 0)
		return r;
	p->actions[p->n_actions - 1].state = state;
	if (!isempty(result))
		p->actions[p->n_actions - 1].result = TAKE_PTR(result);
	return 0;
}

int journal_parse(const char *text, size_t size, struct journal **ret)
{
	if (size > JOURNAL_MAX_SIZE || memchr(text, 0, size))
		return -EINVAL;
	_cleanup_free_ char *copy = strndup(text, size);
	_cleanup_(journal_freep) struct journal *j = calloc(1, sizeof *j);
	if (!copy || !j)
		return -ENOMEM;
	j->plan = plan_new(PLAN_PREPARE, NULL, NULL);
	if (!j->plan)
		return -ENOMEM;
	j->state = _JOURNAL_STATE_INVALID;

	unsigned lineno = 0;
	bool have_uuid = false;
	char *save = NULL;
	int r;
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *sp = strchr(line, ' ');
		if (!sp)
			return -EINVAL;
		*sp = 0;
		const char *key = line;
		char *value = sp + 1;
		if (lineno++ == 0) {
			if (!streq(key, "vfio-hook-journal") || !streq(value, "1"))
				return -EINVAL;
			continue;
		}
		if (streq(key, "uuid")) {
			if (!uuid_is_valid(value))
				return -EINVAL;
			free(j->plan->vm_uuid);
			if (!(j->plan->vm_uuid = strdup(value)))
				return -ENOMEM;
			have_uuid = true;
		} else if (streq(key, "name")) {
			free(j->plan->vm_name);
			j->plan->vm_name = NULL;
			if ((r = decode_value(value, &j->plan->vm_name)) < 0)
				return r;
		} else if (streq(key, "boot-id")) {
			free(j->boot_id);
			j->boot_id = NULL;
			if ((r = decode_value(value, &j->boot_id)) < 0)
				return r;
		} else if (streq(key, "pid")) {
			unsigned pid;
			if (safe_atou(value, 10, &pid) < 0 || pid > 4194304)
				return -EINVAL;
			j->pid = (pid_t)pid;
		} else if (streq(key, "state")) {
			if ((j->state = journal_state_from_string(value)) < 0)
				return -EINVAL;
		} else if (streq(key, "host-graphics")) {
			if (!streq(value, "go") && !streq(value, "stay"))
				return -EINVAL;
			j->plan->host_graphics_go = streq(value, "go");
		} else if (streq(key, "device")) {
			struct pci_addr a;
			if (pci_addr_parse(value, &a) < 0 || strv_length(j->plan->devices) >= 1024)
				return -EINVAL;
			if ((r = strv_extend(&j->plan->devices, value)) < 0)
				return r;
		} else if (streq(key, "pinned")) {
			struct cpuset set;
			/* Only a VM that pins CPUs has the record; "pinned " would not read back. */
			if (cpuset_parse(value, &set) < 0 || cpuset_is_empty(&set))
				return -EINVAL;
			free(j->plan->pinned_cpus);
			if (!(j->plan->pinned_cpus = cpuset_format(&set)))
				return -ENOMEM;
		} else if (streq(key, "action")) {
			if ((r = parse_action(j->plan, value)) < 0)
				return r;
		} else
			return -EINVAL;
	}
	if (!have_uuid || j->state < 0)
		return -EINVAL;
	*ret = TAKE_PTR(j);
	return 0;
}

int journal_dir_open(const struct sysroot *root, bool create, int *ret_fd)
{
	if (root->run_fd < 0)
		return -ENOENT;
	if (create && mkdirat(root->run_fd, JOURNAL_DIR, 0700) < 0 && errno != EEXIST)
		return -errno;
	int fd = openat(root->run_fd, JOURNAL_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	struct stat st;
	/* Someone else's directory here would let them feed us records: refuse it. */
	if (fstat(fd, &st) < 0 ||
	    (root->live && (st.st_uid != 0 || (st.st_mode & 07777) != 0700))) {
		close(fd);
		return -EPERM;
	}
	*ret_fd = fd;
	return 0;
}

static char *journal_name(const char *uuid)
{
	return uuid_is_valid(uuid) ? strdup_printf("%s.journal", uuid) : NULL;
}

int journal_save(int dir_fd, const struct journal *j)
{
	_cleanup_free_ char *name = journal_name(j->plan->vm_uuid), *text = NULL;
	if (!name)
		return -EINVAL;
	int r = journal_format(j, &text);
	if (r < 0)
		return r;
	return write_file_atomic_at(dir_fd, name, text, strlen(text));
}

int journal_load(int dir_fd, const char *uuid, struct journal **ret)
{
	_cleanup_free_ char *name = journal_name(uuid), *text = NULL;
	if (!name)
		return -EINVAL;
	_cleanup_close_ int fd = openat(dir_fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	struct stat st;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	size_t size;
	int r = read_stream_capped(fd, JOURNAL_MAX_SIZE, &text, &size);
	if (r < 0)
		return r;
	_cleanup_(journal_freep) struct journal *j = NULL;
	if ((r = journal_parse(text, size, &j)) < 0)
		return r;
	if (!streq(j->plan->vm_uuid, uuid))
		return -EINVAL;
	*ret = TAKE_PTR(j);
	return 0;
}

int journal_remove(int dir_fd, const char *uuid)
{
	_cleanup_free_ char *name = journal_name(uuid);
	if (!name)
		return -EINVAL;
	if (unlinkat(dir_fd, name, 0) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

int journal_list(int dir_fd, char ***ret)
{
	_cleanup_strv_free_ char **names = NULL, **uuids = NULL;
	int r = dir_list_at(dir_fd, ".", &names);
	if (r < 0)
		return r;
	for (char **n = names; n && *n; n++) {
		if (strlen(*n) != 36 + strlen(".journal") || !endswith(*n, ".journal"))
			continue;
		(*n)[36] = 0;
		if (uuid_is_valid(*n) && (r = strv_extend(&uuids, *n)) < 0)
			return r;
	}
	*ret = TAKE_PTR(uuids);
	return 0;
}
