/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "lib/macro.h"

/* The libvirt qemu hook contract: `qemu VM OP SUBOP EXTRA`, the domain XML on stdin. */

enum hook_op {
	HOOK_OP_PREPARE,
	HOOK_OP_START,
	HOOK_OP_STARTED,
	HOOK_OP_STOPPED,
	HOOK_OP_RELEASE,
	HOOK_OP_MIGRATE,
	HOOK_OP_RESTORE,
	HOOK_OP_RECONNECT,
	HOOK_OP_ATTACH,
	_HOOK_OP_MAX,
	_HOOK_OP_INVALID = -EINVAL,
};

const char *hook_op_to_string(enum hook_op op);
enum hook_op hook_op_from_string(const char *s);
/* Only these may veto (prepare/start/started abort the start); everything else exits 0. */
bool hook_op_may_fail(enum hook_op op);

struct hook_args {
	const char *vm;
	const char *op;
	const char *subop;
	const char *extra;
	const char *sysroot;  /* NULL: the real host */
	const char *xml_path; /* NULL: stdin */
	bool dry_run;         /* print the plan, change nothing */
	bool debug;
};

/* The domain XML from a file (path, "-" or NULL for stdin), capped at libvirt's limit; a
 * terminal on stdin is refused with tty_hint. */
_must_check_ int hook_read_xml(const char *path, const char *tty_hint, char **ret,
			       size_t *ret_size);

/* Runs one hook call; returns the process exit status. */
int hook_run(const struct hook_args *args);
/* The same for libvirt's network hook (installed as /etc/libvirt/hooks/network). */
int network_hook_run(const struct hook_args *args);
