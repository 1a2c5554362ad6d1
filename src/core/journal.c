// SPDX-License-Identifier: GPL-2.0-or-later
/* The per-VM journal: format, strict parser, atomic storage under /run. */
#include <ctype.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <sys/stat.h>

#include "core/journal.h"
#include "input/cpuset.h"
#include "input/domain.h"
#include "input/pci-addr.h"
#include "lib/fileio.h"
#include "lib/string-table.h"
#include "lib/strutil.h"

static const char *const journal_state_table[_JOURNAL_STATE_MAX] = {
	[JOURNAL_PREPARING] = "preparing",
	[JOURNAL_PREPARED] = "prepared",
	[JOURNAL_RELEASING] = "releasing",
};

DEFINE_STRING_TABLE_LOOKUP_TO_STRING(journal_state, enum journal_state, _JOURNAL_STATE_MAX, )
DEFINE_STRING_TABLE_LOOKUP_FROM_STRING(journal_state, enum journal_state, _JOURNAL_STATE_MAX, static)

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

/* A memory stream that cannot grow drops the text and keeps no error for fclose or ferror to
 * report: each write is checked, or a truncated journal would be saved as complete. */
static int put_text(FILE *f, const char *fmt, ...) _printf_(2, 3);
static int put_text(FILE *f, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vfprintf(f, fmt, ap);
	va_end(ap);
	return n < 0 ? -ENOMEM : 0;
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

	RET_GATHER(r, put_text(f, "vfio-hook-journal %d\nuuid %s\nname ", JOURNAL_VERSION,
			       p->vm_uuid));
	RET_GATHER(r, put_value(f, p->vm_name));
	RET_GATHER(r, put_text(f, "\nboot-id "));
	RET_GATHER(r, put_value(f, j->boot_id));
	RET_GATHER(r, put_text(f, "\npid %d\n", (int)j->pid));
	if (j->since > 0)
		RET_GATHER(r, put_text(f, "since %" PRIu64 "\n", j->since));
	RET_GATHER(r, put_text(f, "state %s\nhost-graphics %s\n", journal_state_to_string(j->state),
			       p->host_graphics_go ? "go" : "stay"));
	for (char **d = p->devices; d && *d; d++)
		RET_GATHER(r, put_text(f, "device %s\n", *d));
	if (p->pinned_cpus)
		RET_GATHER(r, put_text(f, "pinned %s\n", p->pinned_cpus));
	for (size_t i = 0; i < p->n_actions; i++) {
		const struct action *a = &p->actions[i];
		RET_GATHER(r, put_text(f, "action %s %s %s %u ", action_state_to_string(a->state),
				       stage_to_string(a->stage), action_kind_to_string(a->kind),
				       (unsigned)a->uid));
		RET_GATHER(r, put_value(f, a->target));
		RET_GATHER(r, put_text(f, " "));
		RET_GATHER(r, put_value(f, a->prior));
		RET_GATHER(r, put_text(f, " "));
		RET_GATHER(r, put_value(f, a->result));
		RET_GATHER(r, put_text(f, "\n"));
		if (a->stuck_pid > 0)
			RET_GATHER(r, put_text(f, "stuck %d %" PRIu64 "\n", (int)a->stuck_pid,
					       a->stuck_start));
	}
	/* The last line: without it, a journal cut at a line boundary would still parse. */
	fputs("end\n", f);
	if (fclose(f) != 0 && r >= 0)
		r = -ENOMEM;
	if (r < 0) {
		free(buf);
		return r;
	}
	*ret = buf;
	return 0;
}

struct parse_state {
	struct journal *j;
	unsigned line;
	size_t n_devices;           /* the length of j->plan->devices */
	struct strv_index *devices; /* the same, sorted: for duplicates and actions' targets */
	char *error;
};

/* One line naming the record and the problem; values quoted through str_escape by callers. */
_printf_(2, 3) static int fail(struct parse_state *s, const char *fmt, ...)
{
	va_list ap;
	char *msg = NULL;
	va_start(ap, fmt);
	int n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (!s->error && n >= 0)
		s->error = s->line > 0 ? strdup_printf("line %u: %s", s->line, msg) : TAKE_PTR(msg);
	free(msg);
	return -EBADMSG;
}

static int decode_field(struct parse_state *s, const char *what, const char *in, char **ret)
{
	int r = decode_value(in, ret);
	if (r == -EINVAL) {
		_cleanup_free_ char *e = str_escape(in, 64);
		return fail(s, "%s '%s' is not percent-encoded text", what, strna(e));
	}
	return r;
}

static int parse_action(struct parse_state *s, char *rest)
{
	struct plan *p = s->j->plan;
	char *f[7], *save = NULL;
	size_t n = 0;
	for (char *t = strtok_r(rest, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		if (n == ARRAY_SIZE(f))
			return fail(s, "action with more than %zu fields", ARRAY_SIZE(f));
		f[n++] = t;
	}
	if (n != ARRAY_SIZE(f))
		return fail(s, "action with %zu fields, not %zu", n, ARRAY_SIZE(f));
	if (p->n_actions >= JOURNAL_MAX_ACTIONS)
		return fail(s, "more than %u actions", JOURNAL_MAX_ACTIONS);
	enum action_state state = action_state_from_string(f[0]);
	enum stage_id stage = stage_from_string(f[1]);
	enum action_kind kind = action_kind_from_string(f[2]);
	unsigned uid;
	_cleanup_free_ char *e0 = str_escape(f[0], 32), *e1 = str_escape(f[1], 32),
			    *e2 = str_escape(f[2], 32), *e3 = str_escape(f[3], 32);
	if (state < 0)
		return fail(s, "unknown action state '%s'", strna(e0));
	if (stage < 0)
		return fail(s, "unknown stage '%s'", strna(e1));
	if (kind < 0)
		return fail(s, "unknown action '%s'", strna(e2));
	if (safe_atou(f[3], 10, &uid) < 0)
		return fail(s, "uid '%s' is not a number", strna(e3));
	_cleanup_free_ char *target = NULL, *prior = NULL, *result = NULL;
	int r;
	if ((r = decode_field(s, "target", f[4], &target)) < 0 ||
	    (r = decode_field(s, "expectation", f[5], &prior)) < 0 ||
	    (r = decode_field(s, "result", f[6], &result)) < 0)
		return r;
	if (isempty(target))
		return fail(s, "%s without a target", f[2]);
	r = plan_add(p, stage, kind, target, isempty(prior) ? NULL : prior, NULL, (uid_t)uid);
	if (r < 0)
		return r;
	struct action *a = &p->actions[p->n_actions - 1];
	a->state = state;
	if (!isempty(result))
		a->result = TAKE_PTR(result);
	_cleanup_free_ char *problem = journal_action_problem(a, s->devices);
	return problem ? fail(s, "%s", problem) : 0;
}

/* The states the executor leaves: done or skipped actions, then at most one started or failed,
 * then planned ones; undone ones only once release has begun. */
static int check_action_states(struct parse_state *s)
{
	const struct plan *p = s->j->plan;
	bool planned_seen = false, half_seen = false;
	s->line = 0;
	for (size_t i = 0; i < p->n_actions; i++) {
		const struct action *a = &p->actions[i];
		bool ok = true;
		switch (a->state) {
		case ACTION_PLANNED:
			planned_seen = true;
			ok = s->j->state != JOURNAL_PREPARED;
			break;
		case ACTION_STARTED:
		case ACTION_FAILED:
			ok = !planned_seen && !half_seen && s->j->state != JOURNAL_PREPARED;
			half_seen = true;
			break;
		case ACTION_UNDONE:
			ok = !planned_seen && !half_seen && s->j->state == JOURNAL_RELEASING;
			break;
		case ACTION_DONE:
		case ACTION_SKIPPED:
			ok = !planned_seen && !half_seen;
			break;
		case _ACTION_STATE_MAX:
		case _ACTION_STATE_INVALID:
			ok = false;
			break;
		}
		if (!ok)
			return fail(s, "action %zu (%s %s) is %s, which contradicts the actions before it "
				       "or the journal's state %s", i + 1, action_kind_to_string(a->kind),
				    a->target, action_state_to_string(a->state),
				    journal_state_to_string(s->j->state));
	}
	return 0;
}

enum header_key {
	KEY_UUID,
	KEY_NAME,
	KEY_BOOT_ID,
	KEY_PID,
	KEY_STATE,
	KEY_HOST_GRAPHICS,
	KEY_SINCE,
	_KEY_MAX,
};

/* Every header record but since, which journals written before it existed lack. */
#define REQUIRED_KEYS (((1u << _KEY_MAX) - 1) & ~(1u << KEY_SINCE))

static const char *const header_keys[_KEY_MAX] = {
	[KEY_UUID] = "uuid",   [KEY_NAME] = "name",   [KEY_BOOT_ID] = "boot-id",
	[KEY_PID] = "pid",     [KEY_STATE] = "state", [KEY_HOST_GRAPHICS] = "host-graphics",
	[KEY_SINCE] = "since",
};

/* Records come in the order journal_format writes them. */
enum section {
	SECTION_HEADER,
	SECTION_DEVICES,
	SECTION_PINNED,
	SECTION_ACTIONS,
	SECTION_END,
};

/* A decimal as journal_format writes it (seconds, start times): no sign, no leading zero, not 0,
 * and within a signed 64-bit value. */
static int parse_positive_decimal(const char *value, uint64_t *ret)
{
	if (strlen(value) > 19 || value[0] == '0')
		return -EINVAL;
	for (const char *c = value; *c; c++)
		if (!isdigit((unsigned char)*c))
			return -EINVAL;
	uint64_t v = strtoull(value, NULL, 10);
	if (v > INT64_MAX)
		return -EINVAL;
	*ret = v;
	return 0;
}

static int parse_header(struct parse_state *s, enum header_key k, const char *value)
{
	struct journal *j = s->j;
	_cleanup_free_ char *e = str_escape(value, 64);
	int r;
	switch (k) {
	case KEY_UUID:
		if (!uuid_is_valid(value))
			return fail(s, "uuid '%s' is not a UUID", strna(e));
		free(j->plan->vm_uuid);
		return (j->plan->vm_uuid = strdup(value)) ? 0 : -ENOMEM;
	case KEY_NAME:
		free(j->plan->vm_name);
		j->plan->vm_name = NULL;
		if ((r = decode_field(s, "name", value, &j->plan->vm_name)) < 0)
			return r;
		return isempty(j->plan->vm_name) ? fail(s, "empty VM name") : 0;
	case KEY_BOOT_ID:
		if ((r = decode_field(s, "boot-id", value, &j->boot_id)) < 0)
			return r;
		return isempty(j->boot_id) || uuid_is_valid(j->boot_id) ?
			       0 :
			       fail(s, "boot-id '%s' is not a boot id", strna(e));
	case KEY_PID: {
		unsigned pid;
		if (safe_atou(value, 10, &pid) < 0 || pid > 4194304)
			return fail(s, "pid '%s' is not a process id", strna(e));
		j->pid = (pid_t)pid;
		return 0;
	}
	case KEY_STATE:
		if ((j->state = journal_state_from_string(value)) < 0)
			return fail(s, "unknown journal state '%s'", strna(e));
		return 0;
	case KEY_HOST_GRAPHICS:
		if (!streq(value, "go") && !streq(value, "stay"))
			return fail(s, "host-graphics '%s' is neither go nor stay", strna(e));
		j->plan->host_graphics_go = streq(value, "go");
		return 0;
	case KEY_SINCE:
		return parse_positive_decimal(value, &j->since) < 0 ?
			       fail(s, "since '%s' is not a time in seconds", strna(e)) :
			       0;
	case _KEY_MAX:
		break;
	}
	return -EINVAL;
}

static int parse_record(struct parse_state *s, enum section *section, unsigned *seen,
			const char *key, char *value)
{
	struct plan *p = s->j->plan;
	_cleanup_free_ char *e = str_escape(value, 64);
	for (int k = 0; k < _KEY_MAX; k++) {
		if (!streq(key, header_keys[k]))
			continue;
		if (*seen & (1u << k))
			return fail(s, "second %s record", key);
		if (*section != SECTION_HEADER)
			return fail(s, "%s record after the devices or actions", key);
		*seen |= 1u << k;
		return parse_header(s, (enum header_key)k, value);
	}
	if (*section == SECTION_HEADER && (*seen & REQUIRED_KEYS) != REQUIRED_KEYS)
		return fail(s, "%s record before uuid, name, boot-id, pid, state and host-graphics",
			    key);
	if (streq(key, "device")) {
		struct pci_addr a;
		char canonical[PCI_ADDR_STR_MAX];
		if (*section > SECTION_DEVICES)
			return fail(s, "device record after the actions");
		*section = SECTION_DEVICES;
		if (pci_addr_parse(value, &a) < 0 || (pci_addr_format(&a, canonical),
						      !streq(canonical, value)))
			return fail(s, "device '%s' is not a PCI address", strna(e));
		if (strv_index_contains(s->devices, value))
			return fail(s, "device %s listed twice", value);
		if (s->n_devices >= JOURNAL_MAX_DEVICES)
			return fail(s, "more than %u devices", JOURNAL_MAX_DEVICES);
		int r = strv_extend_n(&p->devices, &s->n_devices, value);
		return r < 0 ? r : strv_index_add(s->devices, p->devices[s->n_devices - 1]);
	}
	if (streq(key, "pinned")) {
		struct cpuset set;
		if (*section > SECTION_DEVICES)
			return fail(s, "pinned record twice or after the actions");
		*section = SECTION_PINNED;
		/* Only a VM that pins CPUs has the record: an empty set would not read back. */
		if (cpuset_parse(value, &set) < 0 || cpuset_is_empty(&set))
			return fail(s, "pinned '%s' is not a CPU list", strna(e));
		return (p->pinned_cpus = cpuset_format(&set)) ? 0 : -ENOMEM;
	}
	if (streq(key, "action")) {
		*section = SECTION_ACTIONS;
		return parse_action(s, value);
	}
	if (streq(key, "stuck")) {
		/* "stuck PID START": a call of the action before it left waiting in the kernel. */
		unsigned pid;
		uint64_t start = 0;
		struct action *a = p->n_actions ? &p->actions[p->n_actions - 1] : NULL;
		if (*section != SECTION_ACTIONS || !a || a->stuck_pid)
			return fail(s, "stuck record that does not follow an action");
		char *sp = strchr(value, ' ');
		if (sp)
			*sp = 0;
		if (!sp || safe_atou(value, 10, &pid) < 0 || pid == 0 || pid > 4194304 ||
		    (!streq(sp + 1, "0") && parse_positive_decimal(sp + 1, &start) < 0))
			return fail(s, "stuck '%s' is not a process id and start time", strna(e));
		a->stuck_pid = (pid_t)pid;
		a->stuck_start = start;
		return 0;
	}
	_cleanup_free_ char *k = str_escape(key, 32);
	return fail(s, "unknown record '%s'", strna(k));
}

int journal_parse(const char *text, size_t size, struct journal **ret, char **ret_error)
{
	_cleanup_(journal_freep) struct journal *j = calloc(1, sizeof *j);
	if (!j)
		return -ENOMEM;
	_cleanup_(strv_index_done) struct strv_index devices = { 0 };
	struct parse_state s = { .j = j, .devices = &devices };
	j->plan = plan_new(PLAN_PREPARE, NULL, NULL);
	if (!j->plan)
		return -ENOMEM;
	j->state = _JOURNAL_STATE_INVALID;

	int r = 0;
	enum section section = SECTION_HEADER;
	unsigned seen = 0;
	char version[16];
	snprintf(version, sizeof version, "%d", JOURNAL_VERSION);
	if (size == 0)
		r = fail(&s, "empty file");
	else if (size > JOURNAL_MAX_SIZE)
		r = fail(&s, "larger than %u bytes", JOURNAL_MAX_SIZE);
	else if (memchr(text, 0, size))
		r = fail(&s, "contains a NUL byte");
	for (const char *p = text, *end = text + size; r >= 0 && p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		s.line++;
		if (!nl) {
			r = fail(&s, "cut off: no newline at the end");
			break;
		}
		_cleanup_free_ char *line = strndup(p, (size_t)(nl - p));
		p = nl + 1;
		if (!line)
			return -ENOMEM;
		char *sp = strchr(line, ' ');
		if (sp)
			*sp = 0;
		const char *key = line;
		char *value = sp ? sp + 1 : NULL;
		if (section == SECTION_END)
			r = fail(&s, "record after the end line");
		else if (s.line == 1) {
			if (!streq(key, "vfio-hook-journal") || !value)
				r = fail(&s, "not a vfio-hook journal");
			else if (!streq(value, version)) {
				_cleanup_free_ char *e = str_escape(value, 16);
				r = fail(&s, "version %s; this vfio-hook reads version %d", strna(e),
					 JOURNAL_VERSION);
			}
		} else if (streq(key, "end") && !value) {
			if ((seen & REQUIRED_KEYS) != REQUIRED_KEYS)
				r = fail(&s, "end line before the uuid, name, boot-id, pid, state and "
					     "host-graphics records");
			section = SECTION_END;
		} else if (!value || !*value)
			r = fail(&s, "record without a value");
		else
			r = parse_record(&s, &section, &seen, key, value);
	}
	if (r >= 0 && section != SECTION_END)
		r = fail(&s, "cut off: no end line");
	if (r >= 0)
		r = check_action_states(&s);
	if (r < 0) {
		if (ret_error)
			*ret_error = TAKE_PTR(s.error);
		free(s.error);
		return r;
	}
	*ret = TAKE_PTR(j);
	return 0;
}

/* Ours alone: the hook writes journals as itself, root on a live host (whose directory
 * journal_dir_open insists is root's) and the invoking user under --sysroot. */
static char *ownership_problem(const struct stat *st)
{
	if (S_ISLNK(st->st_mode))
		return strdup("it is a symbolic link, not followed");
	if (!S_ISREG(st->st_mode))
		return strdup("it is not a regular file");
	if (st->st_uid != geteuid())
		return strdup_printf("it is owned by uid %u, not %u", (unsigned)st->st_uid,
				     (unsigned)geteuid());
	if (st->st_mode & 022)
		return strdup("it is writable by group or others");
	if (st->st_nlink != 1)
		return strdup_printf("it has %ju hard links", (uintmax_t)st->st_nlink);
	if ((uintmax_t)st->st_size > JOURNAL_MAX_SIZE)
		return strdup_printf("it is larger than %u bytes", JOURNAL_MAX_SIZE);
	return NULL;
}

int journal_dir_open(const struct sysroot *root, bool create, int *ret_fd, char **ret_error)
{
	if (root->run_fd < 0)
		return -ENOENT;
	if (create && mkdirat(root->run_fd, JOURNAL_DIR, 0700) < 0 && errno != EEXIST) {
		int r = -errno;
		if (ret_error)
			*ret_error = strdup_printf("cannot create it: %s", strerror(-r));
		return r;
	}
	_cleanup_close_ int fd = openat(root->run_fd, JOURNAL_DIR,
					O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st = { 0 };
	if (fd < 0 && errno == ENOENT)
		return -ENOENT;
	int r = fd < 0 || fstat(fd, &st) < 0 ? -errno : 0;
	_cleanup_free_ char *problem = NULL;
	if (r == -ELOOP || r == -ENOTDIR)
		problem = strdup("the state directory is a symbolic link or not a directory, not "
				 "followed");
	else if (r < 0)
		problem = strdup_printf("cannot open the state directory: %s", strerror(-r));
	/* Someone else's directory here would let them feed us records: refuse it. */
	else if (root->live && (st.st_uid != 0 || (st.st_mode & 07777) != 0700))
		r = -EPERM, problem = strdup("the state directory is not root's alone (owner root, "
					     "mode 0700)");
	else if (!root->live && (st.st_uid != geteuid() || (st.st_mode & 022)))
		r = -EPERM, problem = strdup_printf("the state directory is not uid %u's alone "
						    "(writable by group or others, or owned by "
						    "uid %u)", (unsigned)geteuid(),
						    (unsigned)st.st_uid);
	if (r < 0) {
		if (ret_error)
			*ret_error = TAKE_PTR(problem);
		return r;
	}
	*ret_fd = TAKE_FD(fd);
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
	/* What could not be read back must not be written: release would refuse it. */
	if (strlen(text) > JOURNAL_MAX_SIZE || j->plan->n_actions > JOURNAL_MAX_ACTIONS ||
	    strv_length(j->plan->devices) > JOURNAL_MAX_DEVICES)
		return -EFBIG;
	return write_file_atomic_at(dir_fd, name, text, strlen(text));
}

/* What an action's record may gain once it runs: a result in place of "%" (a count, as
 * alloc-hugepages records it) and a stuck line. */
#define ACTION_GROWTH                                                                              \
	(strlen("4294967295") - strlen("%") + strlen("stuck 4194304 9223372036854775807\n"))

int journal_plan_problem(const struct plan *p, char **ret_problem)
{
	size_t n_devices = strv_length(p->devices);
	char *problem = NULL;
	if (p->n_actions > JOURNAL_MAX_ACTIONS)
		problem = strdup_printf("the plan has %zu actions, more than the %u a journal holds",
					p->n_actions, JOURNAL_MAX_ACTIONS);
	else if (n_devices > JOURNAL_MAX_DEVICES)
		problem = strdup_printf("the plan has %zu devices, more than the %u a journal holds",
					n_devices, JOURNAL_MAX_DEVICES);
	else {
		/* The header with its longest values. */
		const struct journal j = {
			.state = JOURNAL_PREPARING,
			.boot_id = (char *)"00000000-0000-0000-0000-000000000000",
			.pid = 4194304,
			.since = INT64_MAX,
			.plan = (struct plan *)p,
		};
		_cleanup_free_ char *text = NULL;
		int r = journal_format(&j, &text);
		if (r < 0)
			return r;
		size_t size = strlen(text) + p->n_actions * ACTION_GROWTH;
		if (size <= JOURNAL_MAX_SIZE) {
			*ret_problem = NULL;
			return 0;
		}
		problem = strdup_printf("its journal would grow to %zu bytes, more than the %u "
					"release reads back (%zu actions)",
					size, JOURNAL_MAX_SIZE, p->n_actions);
	}
	if (!problem)
		return -ENOMEM;
	*ret_problem = problem;
	return 1;
}

static int refuse(char **ret_error, int r, char *problem)
{
	if (ret_error)
		*ret_error = problem;
	else
		free(problem);
	return r;
}

int journal_load(int dir_fd, const char *uuid, const char *vm_name, struct journal **ret,
		 char **ret_error)
{
	_cleanup_free_ char *name = journal_name(uuid), *text = NULL, *error = NULL;
	if (!name)
		return -EINVAL;
	/* Look before opening: opening a FIFO or a device could block or have side effects. */
	struct stat st, st2;
	if (fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		int r = -errno;
		return r == -ENOENT ? r : refuse(ret_error, r, strdup_printf("cannot look at it: %s",
									      strerror(-r)));
	}
	char *problem = ownership_problem(&st);
	if (problem)
		return refuse(ret_error, S_ISLNK(st.st_mode) ? -ELOOP : -EPERM, problem);
	_cleanup_close_ int fd =
		openat(dir_fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		int r = -errno;
		return refuse(ret_error, r, strdup_printf("cannot open it: %s", strerror(-r)));
	}
	if (fstat(fd, &st2) < 0 || st2.st_dev != st.st_dev || st2.st_ino != st.st_ino)
		return refuse(ret_error, -EBUSY, strdup("it was replaced while being opened"));
	size_t size;
	int r = read_stream_capped(fd, JOURNAL_MAX_SIZE, &text, &size);
	if (r == -EFBIG)
		return refuse(ret_error, r, strdup_printf("it is larger than %u bytes",
							  JOURNAL_MAX_SIZE));
	if (r < 0)
		return refuse(ret_error, r, strdup_printf("cannot read it: %s", strerror(-r)));
	_cleanup_(journal_freep) struct journal *j = NULL;
	if ((r = journal_parse(text, size, &j, &error)) < 0)
		return refuse(ret_error, r, TAKE_PTR(error));
	if (!streq(j->plan->vm_uuid, uuid))
		return refuse(ret_error, -EBADMSG,
			      strdup_printf("it records uuid %s, not the %s its name says",
					    j->plan->vm_uuid, uuid));
	if (vm_name && !streq(j->plan->vm_name, vm_name)) {
		_cleanup_free_ char *a = str_escape(j->plan->vm_name, 64), *b = str_escape(vm_name, 64);
		return refuse(ret_error, -EBADMSG,
			      strdup_printf("it records VM '%s', not '%s'", strna(a), strna(b)));
	}
	*ret = TAKE_PTR(j);
	return 0;
}

bool journal_may_exist(const struct sysroot *root, const char *uuid)
{
	_cleanup_free_ char *name = journal_name(uuid);
	_cleanup_free_ char *path = name ? strdup_printf("%s/%s", JOURNAL_DIR, name) : NULL;
	if (!path || root->run_fd < 0)
		return root->run_fd >= 0;
	return faccessat(root->run_fd, path, F_OK, AT_SYMLINK_NOFOLLOW) == 0 || errno != ENOENT;
}

int journal_remove(int dir_fd, const char *uuid)
{
	_cleanup_free_ char *name = journal_name(uuid);
	if (!name)
		return -EINVAL;
	/* A writer killed before its rename leaves the temporary file (see fileio.h). */
	_cleanup_free_ char *tmp = strdup_printf(".#%s", name);
	if (tmp)
		(void)unlinkat(dir_fd, tmp, 0);
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

int journal_find_by_name(int dir_fd, const char *vm_name, char ***ret)
{
	_cleanup_strv_free_ char **uuids = NULL, **found = NULL;
	int r = journal_list(dir_fd, &uuids);
	if (r < 0)
		return r;
	for (char **u = uuids; u && *u; u++) {
		_cleanup_(journal_freep) struct journal *j = NULL;
		/* A refused journal names nobody: status lists it with why. */
		if (journal_load(dir_fd, *u, vm_name, &j, NULL) >= 0 && (r = strv_extend(&found, *u)) < 0)
			return r;
	}
	*ret = TAKE_PTR(found);
	return 0;
}

static bool holds(const struct action *a)
{
	return a->state == ACTION_DONE || a->state == ACTION_STARTED || a->state == ACTION_FAILED;
}

/* fn on every journal but self_uuid's that loads, until it returns nonzero (returned). A
 * journal that cannot be read holds nothing. */
static int each_other_journal(int dir_fd, const char *self_uuid,
			      int (*fn)(const struct journal *j, void *data), void *data)
{
	_cleanup_strv_free_ char **uuids = NULL;
	if (dir_fd < 0 || journal_list(dir_fd, &uuids) < 0)
		return 0;
	for (char **u = uuids; u && *u; u++) {
		_cleanup_(journal_freep) struct journal *j = NULL;
		if ((self_uuid && streq(*u, self_uuid)) ||
		    journal_load(dir_fd, *u, NULL, &j, NULL) < 0 || !j)
			continue;
		int r = fn(j, data);
		if (r != 0)
			return r;
	}
	return 0;
}

struct holder_query {
	enum action_kind kind;
	const char *target;
	char **ret_vm;
};

static int holder_of(const struct journal *j, void *data)
{
	const struct holder_query *q = data;
	for (size_t i = 0; i < j->plan->n_actions; i++) {
		const struct action *a = &j->plan->actions[i];
		if (a->kind != q->kind || !holds(a) || !streq(a->target, q->target))
			continue;
		if (q->ret_vm && !(*q->ret_vm = strdup(j->plan->vm_name)))
			return -ENOMEM;
		return 1;
	}
	return 0;
}

int journal_other_holder(int dir_fd, const char *self_uuid, enum action_kind kind,
			 const char *target, char **ret_vm)
{
	struct holder_query q = { kind, target, ret_vm };
	return each_other_journal(dir_fd, self_uuid, holder_of, &q);
}

struct pool_query {
	const char *pool;
	unsigned long long sum;
};

static int add_reserved(const struct journal *j, void *data)
{
	struct pool_query *q = data;
	for (size_t i = 0; i < j->plan->n_actions; i++) {
		const struct action *a = &j->plan->actions[i];
		unsigned added;
		if (a->kind == ACTION_ALLOC_HUGEPAGES && holds(a) && streq(a->target, q->pool) &&
		    a->result && sscanf(a->result, "%u", &added) == 1)
			q->sum += added;
	}
	return 0;
}

unsigned long long journal_others_hugepages(int dir_fd, const char *self_uuid, const char *pool)
{
	struct pool_query q = { pool, 0 };
	(void)each_other_journal(dir_fd, self_uuid, add_reserved, &q);
	return q.sum;
}

static int add_pins(const struct journal *j, void *data)
{
	struct cpuset set;
	if (j->plan->pinned_cpus && cpuset_parse(j->plan->pinned_cpus, &set) >= 0)
		cpuset_union(data, &set);
	return 0;
}

void journal_others_pins(int dir_fd, const char *self_uuid, struct cpuset *ret)
{
	*ret = (struct cpuset){ 0 };
	(void)each_other_journal(dir_fd, self_uuid, add_pins, ret);
}
