// SPDX-License-Identifier: GPL-2.0-or-later
/* The pass-through verdict on an IOMMU group. */
#include "host/block-info.h"
#include "host/group-verdict.h"
#include "input/pci-addr.h"
#include "lib/string-table.h"
#include "lib/strutil.h"

#define CLASS_HOST_BRIDGE 0x0600
#define CLASS_ISA_BRIDGE 0x0601
#define CLASS_PCI_BRIDGE 0x0604
#define CLASS_CARDBUS_BRIDGE 0x0607
#define CLASS_PCI_BRIDGE_SEMI 0x0609

static const char *const group_verdict_kind_table[_GROUP_VERDICT_MAX] = {
	[GROUP_READY] = "ready",
	[GROUP_TAKES_OTHERS] = "takes-others",
	[GROUP_NOT_AS_IS] = "not-as-is",
	[GROUP_NOT_PASSABLE] = "not-passable",
};

DEFINE_STRING_TABLE_LOOKUP_TO_STRING(group_verdict_kind, enum group_verdict_kind, _GROUP_VERDICT_MAX, )

void group_verdict_done(struct group_verdict *v)
{
	free(v->text);
	v->text = NULL;
}

/* Bridges to further PCI buses stay with the host; vfio-pci accepts them in a group. */
static bool is_pci_bridge(unsigned class_code)
{
	unsigned c = class_code >> 8;
	return c == CLASS_PCI_BRIDGE || c == CLASS_PCI_BRIDGE_SEMI || c == CLASS_CARDBUS_BRIDGE;
}

static bool same_slot(const char *a, const char *b)
{
	struct pci_addr x, y;
	return pci_addr_parse(a, &x) >= 0 && pci_addr_parse(b, &y) >= 0 && x.domain == y.domain &&
	       x.bus == y.bus && x.slot == y.slot;
}

static int done(enum group_verdict_kind kind, char *text, struct group_verdict *ret)
{
	if (!text)
		return -ENOMEM;
	*ret = (struct group_verdict){ .kind = kind, .text = text };
	return 0;
}

int group_verdict_decide(const struct group_member *m, size_t n, struct group_verdict *ret)
{
	if (n == 0)
		return -EINVAL;
	/* The chipset's own functions are the host's: passing them hangs or breaks it. */
	for (size_t i = 0; i < n; i++) {
		unsigned c = m[i].class_code >> 8;
		if (c == CLASS_HOST_BRIDGE)
			return done(GROUP_NOT_PASSABLE,
				    strdup_printf("not passable: PCI host bridge (%s)", m[i].name), ret);
		if (c == CLASS_ISA_BRIDGE)
			return done(GROUP_NOT_PASSABLE,
				    strdup_printf("not passable: ISA bridge %s (the chipset's LPC)",
						  m[i].name),
				    ret);
	}
	/* The root filesystem first: it is the one that can never go. */
	const char *root = NULL, *first = NULL;
	size_t n_mounts = 0;
	for (size_t i = 0; i < n; i++)
		for (char *const *p = m[i].mounts; p && *p; p++) {
			n_mounts++;
			if (!first)
				first = *p;
			if (!root && startswith(*p, "/ ("))
				root = *p;
		}
	if (root)
		return done(GROUP_NOT_AS_IS,
			    n_mounts > 1 ? strdup_printf("not as is: holds the root filesystem %s and "
							 "%zu more mount%s",
							 root, n_mounts - 1, n_mounts > 2 ? "s" : "")
					 : strdup_printf("not as is: holds the root filesystem %s", root),
			    ret);
	if (first)
		return done(GROUP_NOT_AS_IS,
			    n_mounts > 1 ? strdup_printf("not as is: holds mounted %s and %zu more",
							 first, n_mounts - 1)
					 : strdup_printf("not as is: holds mounted %s", first),
			    ret);

	/* The device the group is about: a GPU if there is one, else its first endpoint. */
	const struct group_member *primary = NULL;
	size_t functions = 0;
	for (size_t i = 0; i < n; i++) {
		if (is_pci_bridge(m[i].class_code))
			continue;
		functions++;
		if (!primary || (m[i].class_code >> 16 == PCI_CLASS_DISPLAY &&
				 primary->class_code >> 16 != PCI_CLASS_DISPLAY))
			primary = &m[i];
	}
	if (!primary)
		return done(GROUP_NOT_PASSABLE, strdup("not passable: only PCI bridges"), ret);

	_cleanup_free_ char *others = NULL;
	for (size_t i = 0; i < n; i++) {
		if (is_pci_bridge(m[i].class_code) || same_slot(m[i].name, primary->name))
			continue;
		char *o = others ? strdup_printf("%s, %s %s", others, m[i].name, strna(m[i].label))
				 : strdup_printf("%s %s", m[i].name, strna(m[i].label));
		if (!o)
			return -ENOMEM;
		free(others);
		others = o;
	}
	if (others)
		return done(GROUP_TAKES_OTHERS,
			    strdup_printf("ready, but %s also takes %s", primary->name, others), ret);
	return done(GROUP_READY,
		    strdup_printf("ready: the whole group goes (%zu function%s)", functions,
				  functions == 1 ? "" : "s"),
		    ret);
}

struct member_facts {
	char **mounts;
};

int group_verdict_for(const struct host *h, int group, const struct mount_entry *mounts,
		      size_t n_mounts, struct group_verdict *ret)
{
	_cleanup_strv_free_ char **names = NULL;
	int r = host_iommu_group_members(h, group, &names);
	if (r < 0)
		return r;
	size_t n = strv_length(names);
	if (n == 0)
		return -EINVAL;
	_cleanup_free_ struct group_member *m = calloc(n, sizeof *m);
	_cleanup_free_ struct member_facts *f = calloc(n, sizeof *f);
	if (!m || !f)
		return -ENOMEM;
	size_t k = 0;
	for (char **name = names; *name && r >= 0; name++) {
		const struct pci_function *d = host_find_pci_name(h, *name);
		if (!d)
			continue; /* listed in the group, unreadable in bus/pci: nothing to say */
		_cleanup_strv_free_ char **disks = NULL;
		r = block_disks_of_pci(h, d->name, &disks);
		for (char **disk = disks; r >= 0 && disk && *disk; disk++) {
			_cleanup_(block_info_freep) struct block_info *b = NULL;
			_cleanup_strv_free_ char **list = NULL;
			if ((r = block_info_load(h, mounts, n_mounts, *disk, &b)) < 0 ||
			    (r = block_info_mounts(b, &list)) < 0)
				break;
			for (char **l = list; l && *l && r >= 0; l++)
				r = strv_extend(&f[k].mounts, *l);
		}
		m[k] = (struct group_member){ .name = d->name, .class_code = d->class_code,
					      .label = pci_function_class_name(d) ?: pci_function_label(d),
					      .mounts = f[k].mounts };
		k++;
	}
	if (r >= 0)
		r = k > 0 ? group_verdict_decide(m, k, ret) : -EINVAL;
	for (size_t i = 0; i < n; i++)
		strv_free(f[i].mounts);
	return r;
}
