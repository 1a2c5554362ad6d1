// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer target: the description mini-language (args[ ], host_services[ ],
 * internal_services[ ]) and the <metadata> array bodies. */
#include "vm-flags-check.h"

typedef int (*add_body_fn)(struct vm_flags *f, const char *body);

/*
 * A <metadata> body and the same body as a one-line description array obey one grammar:
 * both accept it with the same result, or the body is -EINVAL and the line is ignored.
 */
static void check_body_as_line(const char *body, const char *array, add_body_fn add)
{
	struct vm_flags as_body = { 0 }, as_line = { 0 };
	int r = add(&as_body, body);
	CHECK(r == 0 || r == -EINVAL);
	_cleanup_free_ char *line = strdup_printf("%s[%s]", array, body);
	CHECK(line);
	CHECK(vm_flags_parse_description(&as_line, line) == 0);
	if (r == 0) {
		check_vm_flags(&as_body, body);
		CHECK(vm_flags_equal(&as_body, &as_line));
	} else
		CHECK(vm_flags_equal(&(struct vm_flags){ 0 }, &as_line));
	vm_flags_done(&as_body);
	vm_flags_done(&as_line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *text = fuzz_text(data, size);
	if (!text)
		return 0;

	struct vm_flags f = { 0 };
	/* Lines that do not fit are ignored: only running out of memory fails. */
	CHECK(vm_flags_parse_description(&f, text) == 0);
	check_vm_flags(&f, text);
	check_vm_flags_round_trip(&f);
	vm_flags_done(&f);

	if (!strchr(text, '\n')) {
		check_body_as_line(text, "args", vm_flags_add_args);
		check_body_as_line(text, "host_services", vm_flags_add_host_services);
		check_body_as_line(text, "internal_services", vm_flags_add_internal_services);
	}
	return 0;
}
