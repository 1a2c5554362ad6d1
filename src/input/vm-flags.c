// SPDX-License-Identifier: GPL-2.0-or-later
/* The description mini-language: args[ ], host_services[ ], internal_services[ ]. */
#include <ctype.h>

#include "input/vm-flags.h"
#include "lib/string-table.h"
#include "lib/strutil.h"

static const char *const vm_flag_table[_VM_FLAG_MAX] = {
	[VM_FLAG_NO_HOST_GRAPHICS] = "--no-host-graphics",
	[VM_FLAG_ENABLE_INTERNAL_SERVICES] = "--enable-internal-services",
	[VM_FLAG_ENABLE_EXTERNAL_SERVICES] = "--enable-external-services",
	[VM_FLAG_ENABLE_NFS] = "--enable-nfs",
	[VM_FLAG_ENABLE_SMB] = "--enable-smb",
	[VM_FLAG_PIN_CPU_CORES] = "--pin-cpu-cores",
	[VM_FLAG_DEBUG] = "--debug",
	[VM_FLAG_DRY_RUN] = "--dry-run",
	[VM_FLAG_CPU_PERFORMANCE] = "--cpu-performance",
};

DEFINE_STRING_TABLE_LOOKUP(vm_flag, enum vm_flag, _VM_FLAG_MAX)

void vm_flags_done(struct vm_flags *f)
{
	strv_free(f->unknown);
	strv_free(f->host_services);
	strv_free(f->internal_services);
	*f = (struct vm_flags){ 0 };
}

static int copy_strv(char ***dst, char *const *src)
{
	for (char *const *e = src; e && *e; e++) {
		int r = strv_extend(dst, *e);
		if (r < 0)
			return r;
	}
	return 0;
}

int vm_flags_copy(struct vm_flags *dst, const struct vm_flags *src)
{
	*dst = (struct vm_flags){ .set = src->set, .args_seen = src->args_seen,
				  .host_services_seen = src->host_services_seen };
	int r = copy_strv(&dst->unknown, src->unknown);
	if (r >= 0)
		r = copy_strv(&dst->host_services, src->host_services);
	if (r >= 0)
		r = copy_strv(&dst->internal_services, src->internal_services);
	if (r < 0)
		vm_flags_done(dst);
	return r;
}

static bool is_word_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* W = [[:word:]]+(-[[:word:]]+)* ; returns the length matched at s, 0 if none. */
static size_t match_word(const char *s, size_t len)
{
	size_t i = 0;
	for (;;) {
		size_t start = i;
		while (i < len && is_word_char(s[i]))
			i++;
		if (i == start)
			return start == 0 ? 0 : start - 1; /* a trailing '-' is not part of W */
		if (i < len && s[i] == '-' && i + 1 < len && is_word_char(s[i + 1])) {
			i++;
			continue;
		}
		return i;
	}
}

static bool token_is_word(const char *t, size_t len)
{
	return len > 0 && match_word(t, len) == len;
}

static bool token_is_flag(const char *t, size_t len)
{
	return len > 2 && t[0] == '-' && t[1] == '-' && token_is_word(t + 2, len - 2);
}

bool vm_flag_is_well_formed(const char *s)
{
	return token_is_flag(s, strlen(s));
}

/* zone:svc(,svc)* */
static bool token_is_zone_services(const char *t, size_t len)
{
	size_t w = match_word(t, len);
	if (w == 0 || w >= len || t[w] != ':')
		return false;
	const char *p = t + w + 1, *end = t + len;
	for (;;) {
		size_t n = match_word(p, (size_t)(end - p));
		if (n == 0)
			return false;
		p += n;
		if (p == end)
			return true;
		if (*p != ',')
			return false;
		p++;
	}
}

typedef bool (*token_check_fn)(const char *t, size_t len);

/* Split body on whitespace; every token must pass check. Returns the tokens, or NULL via *ok=false. */
static int tokenize(const char *body, token_check_fn check, char ***ret)
{
	_cleanup_strv_free_ char **tokens = NULL;
	const char *p = body;
	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		const char *start = p;
		while (*p && !isspace((unsigned char)*p))
			p++;
		if (!check(start, (size_t)(p - start)))
			return -EINVAL;
		char *t = strndup(start, (size_t)(p - start));
		if (!t)
			return -ENOMEM;
		int r = strv_push(&tokens, t);
		if (r < 0)
			return r;
	}
	*ret = TAKE_PTR(tokens);
	return 0;
}

int vm_flags_add_args(struct vm_flags *f, const char *body)
{
	_cleanup_strv_free_ char **tokens = NULL;
	int r = tokenize(body, token_is_flag, &tokens);
	if (r < 0)
		return r;
	for (char **t = tokens; t && *t; t++) {
		enum vm_flag flag = vm_flag_from_string(*t);
		if (flag >= 0)
			f->set |= 1u << flag;
		else if ((r = strv_extend_unique(&f->unknown, *t)) < 0)
			return r;
	}
	f->args_seen = true;
	return 0;
}

int vm_flags_add_host_services(struct vm_flags *f, const char *body)
{
	_cleanup_strv_free_ char **tokens = NULL;
	int r = tokenize(body, token_is_zone_services, &tokens);
	if (r < 0)
		return r;
	for (char **t = tokens; t && *t; t++)
		if ((r = strv_extend_unique(&f->host_services, *t)) < 0)
			return r;
	f->host_services_seen = true;
	return 0;
}

int vm_flags_add_internal_services(struct vm_flags *f, const char *body)
{
	_cleanup_strv_free_ char **tokens = NULL;
	int r = tokenize(body, token_is_word, &tokens);
	if (r < 0)
		return r;
	/* One entry per array, positional: an empty array means "nothing for this interface". */
	size_t len = 0;
	for (char **t = tokens; t && *t; t++)
		len += strlen(*t) + 1;
	char *joined = calloc(1, len + 1);
	if (!joined)
		return -ENOMEM;
	for (char **t = tokens; t && *t; t++) {
		if (t != tokens)
			strcat(joined, " ");
		strcat(joined, *t);
	}
	return strv_push(&f->internal_services, joined);
}

/* "name[ body ]" alone on the (already trimmed) line: returns the body, or NULL. */
static char *array_body(char *line, const char *name)
{
	size_t n = strlen(name), len = strlen(line);
	if (!strneq(line, name, n) || line[n] != '[' || len < n + 2 || line[len - 1] != ']')
		return NULL;
	line[len - 1] = 0;
	return line + n + 1;
}

int vm_flags_parse_description(struct vm_flags *f, const char *text)
{
	_cleanup_free_ char *copy = strdup(text ?: "");
	if (!copy)
		return -ENOMEM;
	char *save = NULL;
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *l = strstrip(line), *body;
		int r = 0;
		/* A line that does not fit is ignored entirely, as the scripts did; the first args[]
		 * and host_services[] lines win, every internal_services[] line counts. */
		if (!f->args_seen && (body = array_body(l, "args")))
			r = vm_flags_add_args(f, body);
		else if (!f->host_services_seen && (body = array_body(l, "host_services")))
			r = vm_flags_add_host_services(f, body);
		else if ((body = array_body(l, "internal_services")))
			r = vm_flags_add_internal_services(f, body);
		if (r == -ENOMEM)
			return r;
	}
	return 0;
}
