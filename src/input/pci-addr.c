// SPDX-License-Identifier: GPL-2.0-or-later
/* PCI address parsing and formatting. */
#include <ctype.h>

#include "input/pci-addr.h"
#include "lib/strutil.h"

static int parse_hex_field(const char *s, size_t len, unsigned max, unsigned *ret)
{
	unsigned v = 0;
	if (len == 0)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (!isxdigit((unsigned char)s[i]))
			return -EINVAL;
		v = v * 16 + (unsigned)(isdigit((unsigned char)s[i]) ? s[i] - '0' :
							tolower((unsigned char)s[i]) - 'a' + 10);
	}
	if (v > max)
		return -ERANGE;
	*ret = v;
	return 0;
}

int pci_addr_parse(const char *s, struct pci_addr *ret)
{
	struct pci_addr a;
	/* DDDD:BB:SS.F, domain 4..8 hex digits as the kernel prints them. */
	const char *c1 = strchr(s, ':');
	if (!c1 || c1 - s < 4 || c1 - s > 8)
		return -EINVAL;
	if (strlen(c1) != strlen(":BB:SS.F") || c1[3] != ':' || c1[6] != '.')
		return -EINVAL;
	if (parse_hex_field(s, (size_t)(c1 - s), 0xffffffffu, &a.domain) < 0 ||
	    parse_hex_field(c1 + 1, 2, 0xff, &a.bus) < 0 ||
	    parse_hex_field(c1 + 4, 2, 0x1f, &a.slot) < 0 ||
	    parse_hex_field(c1 + 7, 1, 7, &a.function) < 0)
		return -EINVAL;
	*ret = a;
	return 0;
}

static int parse_number(const char *s, unsigned max, unsigned *ret)
{
	unsigned v;
	if (isempty(s))
		return -EINVAL;
	/* Base 0, like libvirt's virXMLPropUInt(..., 0, ...): 0x.. hex, 0.. octal, else decimal. */
	int r = safe_atou(s, 0, &v);
	if (r < 0)
		return r;
	if (v > max)
		return -ERANGE;
	*ret = v;
	return 0;
}

int pci_addr_from_parts(const char *domain, const char *bus, const char *slot,
			const char *function, struct pci_addr *ret)
{
	struct pci_addr a = { 0 };
	int r;
	/* libvirt defaults a missing domain to 0; bus, slot and function are required. */
	if (domain && (r = parse_number(domain, 0xffff, &a.domain)) < 0)
		return r;
	if ((r = parse_number(bus, 0xff, &a.bus)) < 0 || (r = parse_number(slot, 0x1f, &a.slot)) < 0 ||
	    (r = parse_number(function, 7, &a.function)) < 0)
		return r;
	*ret = a;
	return 0;
}

void pci_addr_format(const struct pci_addr *a, char buf[static PCI_ADDR_STR_MAX])
{
	snprintf(buf, PCI_ADDR_STR_MAX, "%04x:%02x:%02x.%x", a->domain, a->bus, a->slot,
		 a->function);
}

int pci_addr_compare(const struct pci_addr *a, const struct pci_addr *b)
{
	if (a->domain != b->domain)
		return a->domain < b->domain ? -1 : 1;
	if (a->bus != b->bus)
		return a->bus < b->bus ? -1 : 1;
	if (a->slot != b->slot)
		return a->slot < b->slot ? -1 : 1;
	if (a->function != b->function)
		return a->function < b->function ? -1 : 1;
	return 0;
}

bool pci_addr_equal(const struct pci_addr *a, const struct pci_addr *b)
{
	return pci_addr_compare(a, b) == 0;
}
