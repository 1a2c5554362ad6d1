// SPDX-License-Identifier: GPL-2.0-or-later
/* The forms of journaled values that several action kinds share (validate.h). */
#include <limits.h>

#include "input/pci-addr.h"
#include "lib/strutil.h"
#include "system/sysfs-bind.h"
#include "validate.h"

bool is_pci_name(const char *s)
{
	struct pci_addr a;
	char canonical[PCI_ADDR_STR_MAX];
	if (pci_addr_parse(s, &a) < 0)
		return false;
	pci_addr_format(&a, canonical);
	return streq(s, canonical);
}

bool is_driver_name(const char *s)
{
	return sysfs_name_is_safe(s);
}

bool is_module_name(const char *s)
{
	return !isempty(s) && strlen(s) <= 64 && str_is_alnum_or(s, "_-");
}

/* prefix[@instance].type, plain characters, below 256 bytes. */
bool is_unit_with(const char *s, const char *const *types)
{
	const char *dot = strrchr(s, '.');
	if (!dot || dot == s || strlen(s) > 255 || s[0] == '.' || s[0] == '-' ||
	    !str_is_alnum_or(s, ":-_.\\@"))
		return false;
	for (const char *const *t = types; *t; t++)
		if (streq(dot + 1, *t))
			return strchr(s, '@') == strrchr(s, '@');
	return false;
}

bool is_unit_name(const char *s)
{
	static const char *const types[] = { "service", "socket", "target", "scope", "mount",
					     "timer", "path", "slice", "swap", "device",
					     "automount", NULL };
	return is_unit_with(s, types);
}

bool is_numbered(const char *s, const char *prefix, unsigned max)
{
	unsigned n;
	char canonical[64];
	if (!startswith(s, prefix) || safe_atou(s + strlen(prefix), 10, &n) < 0 || n >= max)
		return false;
	snprintf(canonical, sizeof canonical, "%s%u", prefix, n);
	return streq(s, canonical);
}

bool is_clean_abs_path(const char *s)
{
	if (s[0] != '/' || strlen(s) < 2 || strlen(s) >= PATH_MAX || endswith(s, "/"))
		return false;
	for (const unsigned char *c = (const unsigned char *)s; *c; c++)
		if (*c < 0x20 || *c == 0x7f)
			return false;
	_cleanup_free_ char *copy = strdup(s);
	if (!copy)
		return false;
	for (char *p = copy + 1, *end; p; p = end ? end + 1 : NULL) {
		end = strchr(p, '/');
		if (end)
			*end = 0;
		if (!*p || streq(p, ".") || streq(p, ".."))
			return false;
	}
	return true;
}

bool is_share_path(const char *s)
{
	return is_clean_abs_path(s) && strlen(s) < 256 && str_is_alnum_or(s, "/._+-@");
}
