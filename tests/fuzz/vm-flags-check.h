/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Invariants of a parsed struct vm_flags, shared by the description and domain targets. */
#include <ctype.h>

#include "fuzz.h"
#include "input/vm-flags.h"

static inline bool is_word_or_dash(const char *s)
{
	for (; *s; s++)
		if (!(isalnum((unsigned char)*s) || *s == '_' || *s == '-'))
			return false;
	return true;
}

/* source: the text the flags came from, to check nothing was made up; NULL when it may hold
 * character references (XML), where a flag need not appear literally. */
static inline void check_vm_flags(const struct vm_flags *f, const char *source)
{
	CHECK((f->set >> _VM_FLAG_MAX) == 0);
	CHECK(f->args_seen || (f->set == 0 && !f->unknown));
	CHECK(f->host_services_seen || !f->host_services);
	for (int i = 0; i < _VM_FLAG_MAX; i++)
		if (vm_flags_has(f, (enum vm_flag)i) && source)
			CHECK(strstr(source, vm_flag_to_string((enum vm_flag)i)));
	/* Unknown flags are well-formed, really unknown, and never set a known one. */
	for (char **u = f->unknown; u && *u; u++) {
		CHECK(strlen(*u) > 2 && startswith(*u, "--") && (*u)[2] != '-');
		CHECK(is_word_or_dash(*u) && !endswith(*u, "-") && !strstr(*u + 2, "--"));
		CHECK(vm_flag_from_string(*u) < 0);
		CHECK(!source || strstr(source, *u));
	}
	CHECK(!strv_has_duplicates(f->unknown));
	for (char **h = f->host_services; h && *h; h++) {
		const char *colon = strchr(*h, ':');
		CHECK(colon && colon != *h && colon[1] && !strchr(colon + 1, ':'));
		CHECK(!strstr(*h, ",,") && !endswith(*h, ","));
		CHECK(!source || strstr(source, *h));
	}
	CHECK(!strv_has_duplicates(f->host_services));
	for (char **s = f->internal_services; s && *s; s++) {
		CHECK(!startswith(*s, " ") && !endswith(*s, " ") && !strstr(*s, "  "));
		for (const char *c = *s; *c; c++)
			CHECK(isalnum((unsigned char)*c) || *c == '_' || *c == '-' || *c == ' ');
	}
}

static inline bool vm_flags_equal(const struct vm_flags *a, const struct vm_flags *b)
{
	return a->set == b->set && a->args_seen == b->args_seen &&
	       a->host_services_seen == b->host_services_seen && strv_equal(a->unknown, b->unknown) &&
	       strv_equal(a->host_services, b->host_services) &&
	       strv_equal(a->internal_services, b->internal_services);
}

/* The same flags written as a description, in the order they were read. */
static inline char *vm_flags_to_description(const struct vm_flags *f)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	CHECK(m);
	if (f->args_seen) {
		fputs("args[", m);
		for (int i = 0; i < _VM_FLAG_MAX; i++)
			if (vm_flags_has(f, (enum vm_flag)i))
				fprintf(m, " %s", vm_flag_to_string((enum vm_flag)i));
		for (char **u = f->unknown; u && *u; u++)
			fprintf(m, " %s", *u);
		fputs(" ]\n", m);
	}
	if (f->host_services_seen) {
		fputs("host_services[", m);
		for (char **h = f->host_services; h && *h; h++)
			fprintf(m, " %s", *h);
		fputs(" ]\n", m);
	}
	for (char **s = f->internal_services; s && *s; s++)
		fprintf(m, "internal_services[ %s ]\n", *s);
	CHECK(fclose(m) == 0);
	return buf;
}

/* What was accepted, written back, reads the same. */
static inline void check_vm_flags_round_trip(const struct vm_flags *f)
{
	_cleanup_free_ char *text = vm_flags_to_description(f);
	struct vm_flags again = { 0 };
	CHECK(vm_flags_parse_description(&again, text) == 0);
	CHECK(vm_flags_equal(f, &again));
	vm_flags_done(&again);
}
