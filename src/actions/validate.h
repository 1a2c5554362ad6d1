/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>

/*
 * The forms journaled values take that several action kinds share. Release hands these values,
 * as root, to sysfs paths, libkmod, systemd, mount(2), exportfs, setxattr and override
 * executables: each is held to the form vfio-hook itself writes, so a tampered or corrupted
 * journal is refused before anything acts on it.
 */

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
