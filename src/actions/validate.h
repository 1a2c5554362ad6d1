/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>

/* The forms of journaled values that several action kinds share: each is the form vfio-hook
 * itself writes (src/core/journal-check.c holds a journal to them). */

/* The sysfs form, exactly as the kernel prints it ("0000:01:00.0"). */
bool is_pci_name(const char *s);
bool is_driver_name(const char *s);
/* What libkmod and /sys/module take: no path, no alias. */
bool is_module_name(const char *s);
/* systemd's grammar, with one of types (NULL-terminated) as its suffix. */
bool is_unit_with(const char *s, const char *const *types);
bool is_unit_name(const char *s);
/* "<prefix><decimal>" with no leading zero, below max. */
bool is_numbered(const char *s, const char *prefix, unsigned max);
/* Absolute, no "." or ".." component, no empty one, no control character: not "/" itself. */
bool is_clean_abs_path(const char *s);
/* The grammar config.c accepts for nfs_shares and smb_shares. */
bool is_share_path(const char *s);
