// SPDX-License-Identifier: GPL-2.0-or-later
/* Domain XML (libvirt's live definition on stdin) → struct domain, refusing anything hostile. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <strings.h>

#include "input/domain.h"
#include "input/xml-safe.h"
#include "lib/strutil.h"

#define DESCRIPTION_MAX (64u << 10) /* 64 KiB */
#define TEXT_MAX 4096u

struct domain *domain_free(struct domain *d)
{
	if (!d)
		return NULL;
	free(d->name);
	free(d->uuid);
	free(d->description);
	free(d->firmware);
	free(d->loader);
	free(d->pci);
	strv_free(d->usb);
	strv_free(d->scsi);
	strv_free(d->scsi_host);
	strv_free(d->mdev);
	strv_free(d->block_disks);
	strv_free(d->file_disks);
	for (size_t i = 0; i < d->n_ifaces; i++) {
		free(d->ifaces[i].type);
		free(d->ifaces[i].source);
		free(d->ifaces[i].mac);
	}
	free(d->ifaces);
	vm_flags_done(&d->flags);
	free(d);
	return NULL;
}

bool vm_name_is_valid(const char *name)
{
	/* What libvirt saves as /etc/libvirt/qemu/NAME.xml and /run/libvirt/qemu/NAME.pid, and so
	 * a safe file name of ours: printable ASCII (spaces too), no '/', and neither "." nor ".."
	 * nor a hidden file or an option ("-h") at the start. */
	return !isempty(name) && strlen(name) <= VM_NAME_MAX && str_is_printable_ascii(name) &&
	       !strchr(name, '/') && name[0] != '.' && name[0] != '-';
}

bool uuid_is_valid(const char *s)
{
	/* 8-4-4-4-12 hex, as libvirt prints it. */
	if (strlen(s) != 36)
		return false;
	for (size_t i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return false;
		} else if (!isxdigit((unsigned char)s[i]))
			return false;
	}
	return true;
}

static bool node_is(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && sym_xmlStrEqual(n->name, BAD_CAST name);
}

static xmlNode *child(const xmlNode *parent, const char *name)
{
	for (xmlNode *c = parent ? parent->children : NULL; c; c = c->next)
		if (node_is(c, name))
			return c;
	return NULL;
}

/* Attribute value, or NULL; never expands entities (there are none: we refused DTDs). */
static char *attr(const xmlNode *n, const char *name)
{
	if (!n)
		return NULL;
	_cleanup_(sym_xmlFreep) xmlChar *v = sym_xmlGetNoNsProp((xmlNodePtr)n, BAD_CAST name);
	return v ? strdup((const char *)v) : NULL;
}

/* Concatenated text and CDATA children, capped: never xmlNodeGetContent on untrusted input. */
static int text_of(const xmlNode *n, size_t max, char **ret)
{
	size_t len = 0;
	_cleanup_free_ char *out = calloc(1, 1);
	if (!out)
		return -ENOMEM;
	for (xmlNode *c = n ? n->children : NULL; c; c = c->next) {
		if ((c->type != XML_TEXT_NODE && c->type != XML_CDATA_SECTION_NODE) || !c->content)
			continue;
		size_t add = strlen((const char *)c->content);
		if (len + add > max)
			return -E2BIG;
		char *o = realloc(out, len + add + 1);
		if (!o)
			return -ENOMEM;
		out = o;
		memcpy(out + len, c->content, add);
		len += add;
		out[len] = 0;
	}
	*ret = TAKE_PTR(out);
	return 0;
}

struct parse_state {
	struct domain *d;
	/* The lengths of d's lists, which grow with the XML. */
	size_t n_usb, n_scsi, n_scsi_host, n_mdev, n_block_disks, n_file_disks;
	char error[256];
};

_printf_(2, 3) static int fail(struct parse_state *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->error, sizeof s->error, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int parse_pci_hostdev(struct parse_state *s, const xmlNode *hd)
{
	xmlNode *addr = child(child(hd, "source"), "address");
	if (!addr)
		return fail(s, "PCI <hostdev> without <source><address>");
	_cleanup_free_ char *dom = attr(addr, "domain"), *bus = attr(addr, "bus"),
			    *slot = attr(addr, "slot"), *fn = attr(addr, "function"),
			    *managed = attr(hd, "managed");
	struct pci_addr a;
	if (pci_addr_from_parts(dom, bus, slot, fn, &a) < 0) {
		_cleanup_free_ char *e1 = str_escape(strna(dom), 32), *e2 = str_escape(strna(bus), 32),
				    *e3 = str_escape(strna(slot), 32), *e4 = str_escape(strna(fn), 32);
		return fail(s, "invalid PCI address in <hostdev>: domain=%s bus=%s slot=%s function=%s",
			    strna(e1), strna(e2), strna(e3), strna(e4));
	}
	struct domain *d = s->d;
	/* One listed twice is found once all are read (check_pci_unique). */
	struct pci_hostdev *p = realloc(d->pci, sizeof *p * (d->n_pci + 1));
	if (!p)
		return -ENOMEM;
	d->pci = p;
	d->pci[d->n_pci++] = (struct pci_hostdev){
		.addr = a,
		.managed = managed && streq(managed, "yes"),
	};
	return 0;
}

/* By address, then by position in the XML. */
static int cmp_hostdev(const void *a, const void *b)
{
	const struct pci_hostdev *x = *(const struct pci_hostdev *const *)a,
				 *y = *(const struct pci_hostdev *const *)b;
	int c = pci_addr_compare(&x->addr, &y->addr);
	return c ? c : x < y ? -1 : x > y;
}

/*
 * libvirt never sends a PCI hostdev twice: this XML did not come from it. Sorted by address so
 * that repeats are neighbours, not each hostdev compared with all before it. The one named is
 * the first in the XML to repeat an earlier one, as when each was checked on reading it.
 */
static int check_pci_unique(struct parse_state *s)
{
	const struct domain *d = s->d;
	if (d->n_pci < 2)
		return 0;
	/* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers, so a pointer's size */
	_cleanup_free_ const struct pci_hostdev **sorted = malloc(sizeof *sorted * d->n_pci);
	if (!sorted)
		return -ENOMEM;
	for (size_t i = 0; i < d->n_pci; i++)
		sorted[i] = &d->pci[i];
	/* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers, so a pointer's size */
	qsort(sorted, d->n_pci, sizeof *sorted, cmp_hostdev);
	const struct pci_hostdev *first_repeat = NULL;
	for (size_t i = 1; i < d->n_pci; i++)
		if (pci_addr_equal(&sorted[i - 1]->addr, &sorted[i]->addr) &&
		    (!first_repeat || sorted[i] < first_repeat))
			first_repeat = sorted[i];
	if (!first_repeat)
		return 0;
	char name[PCI_ADDR_STR_MAX];
	pci_addr_format(&first_repeat->addr, name);
	return fail(s, "PCI <hostdev> %s is listed twice", name);
}

static int push_printf(char ***l, size_t *n, const char *fmt, ...) _printf_(3, 4);
static int push_printf(char ***l, size_t *n, const char *fmt, ...)
{
	va_list ap;
	char *v;
	va_start(ap, fmt);
	int r = vasprintf(&v, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	return strv_push_n(l, n, v);
}

static int parse_hostdev(struct parse_state *s, const xmlNode *hd)
{
	_cleanup_free_ char *mode = attr(hd, "mode"), *type = attr(hd, "type");
	struct domain *d = s->d;
	xmlNode *src = child(hd, "source");

	if (mode && !streq(mode, "subsystem"))
		return 0; /* capabilities mode: storage/misc/net, nothing of ours */
	if (!type)
		return fail(s, "<hostdev> without type");
	if (streq(type, "pci"))
		return parse_pci_hostdev(s, hd);
	if (streq(type, "usb")) {
		_cleanup_free_ char *v = attr(child(src, "vendor"), "id"),
				    *p = attr(child(src, "product"), "id"),
				    *bus = attr(child(src, "address"), "bus"),
				    *dev = attr(child(src, "address"), "device");
		if (v && p)
			return push_printf(&d->usb, &s->n_usb, "%s:%s", v, p);
		if (bus && dev)
			return push_printf(&d->usb, &s->n_usb, "%s.%s", bus, dev);
		return 0;
	}
	if (streq(type, "scsi")) {
		_cleanup_free_ char *proto = attr(src, "protocol"), *name = attr(src, "name");
		if (proto)
			return push_printf(&d->scsi, &s->n_scsi, "%s://%s", proto, strna(name));
		xmlNode *a = child(src, "address");
		_cleanup_free_ char *ad = attr(child(src, "adapter"), "name"), *b = attr(a, "bus"),
				    *t = attr(a, "target"), *u = attr(a, "unit");
		return push_printf(&d->scsi, &s->n_scsi, "%s:%s:%s:%s", strna(ad), strna(b),
				   strna(t), strna(u));
	}
	if (streq(type, "scsi_host")) {
		_cleanup_free_ char *proto = attr(src, "protocol"), *wwpn = attr(src, "wwpn");
		return push_printf(&d->scsi_host, &s->n_scsi_host, "%s://%s", strna(proto),
				   strna(wwpn));
	}
	if (streq(type, "mdev")) {
		_cleanup_free_ char *uuid = attr(child(src, "address"), "uuid");
		return uuid ? strv_extend_n(&d->mdev, &s->n_mdev, uuid) : 0;
	}
	return 0;
}

static int parse_disk(struct parse_state *s, const xmlNode *disk)
{
	_cleanup_free_ char *type = attr(disk, "type");
	if (type && streq(type, "file")) {
		_cleanup_free_ char *file = attr(child(disk, "source"), "file");
		return file ? strv_extend_n(&s->d->file_disks, &s->n_file_disks, file) : 0;
	}
	if (!type || !streq(type, "block"))
		return 0;
	_cleanup_free_ char *dev = attr(child(disk, "source"), "dev");
	return dev ? strv_extend_n(&s->d->block_disks, &s->n_block_disks, dev) : 0;
}

static int parse_interface(struct parse_state *s, const xmlNode *iface)
{
	struct domain *d = s->d;
	xmlNode *src = child(iface, "source");
	_cleanup_free_ char *type = attr(iface, "type");
	if (!type)
		return 0;
	const char *key = streq(type, "network") ? "network" :
			  streq(type, "bridge")	 ? "bridge" :
			  streq(type, "direct")	 ? "dev" :
						   NULL;
	struct interface *n = realloc(d->ifaces, sizeof *n * (d->n_ifaces + 1));
	if (!n)
		return -ENOMEM;
	d->ifaces = n;
	d->ifaces[d->n_ifaces++] = (struct interface){
		.type = TAKE_PTR(type),
		.source = key ? attr(src, key) : NULL,
		.mac = attr(child(iface, "mac"), "address"),
	};
	return 0;
}

static int parse_pin(struct parse_state *s, const xmlNode *pin, struct cpuset *into)
{
	_cleanup_free_ char *cpus = attr(pin, "cpuset");
	struct cpuset set;
	if (!cpus)
		return 0;
	if (cpuset_parse(cpus, &set) < 0) {
		_cleanup_free_ char *e = str_escape(cpus, 64);
		return fail(s, "invalid cpuset '%s' in <%s>", strna(e), (const char *)pin->name);
	}
	cpuset_union(into, &set);
	return 0;
}

/* Bytes in one of libvirt's size units, as virScaleInteger reads them (case does not matter):
 * b, byte, bytes; K, KiB, M, MiB ... E, EiB (powers of 1024); KB, MB ... EB (powers of 1000).
 * None or "": default_scale. 0: not a unit libvirt knows. */
static unsigned long long unit_scale(const char *unit, unsigned long long default_scale)
{
	static const char prefixes[] = "kmgtpe";
	if (isempty(unit))
		return default_scale;
	if (strcasecmp(unit, "b") == 0 || strcasecmp(unit, "byte") == 0 ||
	    strcasecmp(unit, "bytes") == 0)
		return 1;
	const char *p = strchr(prefixes, tolower((unsigned char)unit[0]));
	if (!p || !*p)
		return 0;
	unsigned long long base;
	if (unit[1] == 0 || strcasecmp(unit + 1, "iB") == 0)
		base = 1024;
	else if (strcasecmp(unit + 1, "B") == 0)
		base = 1000;
	else
		return 0;
	unsigned long long scale = 1;
	for (const char *q = prefixes; q <= p; q++)
		scale *= base;
	return scale;
}

/* A libvirt size (<memory unit='GiB'>16</memory>, <page size='1' unit='G'/>) in KiB, rounded up
 * as libvirt rounds it: digits only (no sign, no space inside), a unit libvirt knows (none:
 * KiB), at most LLONG_MAX bytes, libvirt's own bound. */
static int parse_size(struct parse_state *s, const char *what, const char *text, const char *unit,
		      unsigned long long *ret_kib)
{
	unsigned long long scale = unit_scale(unit, 1024);
	if (scale == 0) {
		_cleanup_free_ char *e = str_escape(unit, 32);
		return fail(s, "domain %s has unit '%s', not one of libvirt's (b, KB, KiB, MB, MiB, "
			       "GB, GiB, TB, TiB, PB, PiB, EB, EiB)", what, strna(e));
	}
	char *end;
	errno = 0;
	unsigned long long v = strtoull(text, &end, 10);
	if (!(text[0] >= '0' && text[0] <= '9') || *end != 0 || errno != 0 ||
	    v > (unsigned long long)LLONG_MAX / scale) {
		_cleanup_free_ char *e = str_escape(text, 32);
		return fail(s, "domain %s '%s' is not a size libvirt accepts (a whole number, at "
			       "most %lld bytes)", what, strna(e), LLONG_MAX);
	}
	unsigned long long bytes = v * scale;
	*ret_kib = bytes / 1024 + (bytes % 1024 != 0);
	return 0;
}

/* <memory> or <currentMemory>, when present, in KiB. */
static int parse_memory_element(struct parse_state *s, const xmlNode *root, const char *name,
				unsigned long long *ret_kib)
{
	xmlNode *mem = child(root, name);
	if (!mem)
		return 0;
	char what[32];
	snprintf(what, sizeof what, "<%s>", name);
	_cleanup_free_ char *t = NULL, *unit = attr(mem, "unit");
	int r = text_of(mem, 64, &t);
	if (r == -E2BIG)
		return fail(s, "domain %s too long", what);
	if (r < 0)
		return r;
	return parse_size(s, what, strstrip(t), unit, ret_kib);
}

static int parse_memory(struct parse_state *s, const xmlNode *root)
{
	struct domain *d = s->d;
	unsigned long long current_kib = 0;
	int r;
	if ((r = parse_memory_element(s, root, "memory", &d->memory_kib)) < 0)
		return r;
	/* Not planned with (huge pages back all of <memory>), but held to the same rules. */
	if ((r = parse_memory_element(s, root, "currentMemory", &current_kib)) < 0)
		return r;
	xmlNode *hp = child(child(root, "memoryBacking"), "hugepages");
	if (hp) {
		d->hugepages = true;
		xmlNode *page = child(hp, "page");
		_cleanup_free_ char *size = attr(page, "size"), *unit = attr(page, "unit");
		if (size) {
			if ((r = parse_size(s, "huge <page> size", size, unit, &d->hugepage_kib)) < 0)
				return r;
			if (d->hugepage_kib == 0)
				return fail(s, "domain huge <page> size is 0");
		}
	}
	return 0;
}

/* Firmware: only what says BIOS or UEFI; libvirt fills the rest in from its firmware
 * descriptors. */
static int parse_os(struct parse_state *s, const xmlNode *root)
{
	struct domain *d = s->d;
	xmlNode *os = child(root, "os");
	if (!os)
		return 0;
	_cleanup_free_ char *loader = NULL;
	int r = text_of(child(os, "loader"), TEXT_MAX, &loader);
	if (r < 0)
		return r == -E2BIG ? fail(s, "domain <loader> too long") : r;
	const char *path = strstrip(loader);
	if (!isempty(path) && !(d->loader = strdup(path)))
		return -ENOMEM;
	d->firmware = attr(os, "firmware");
	return 0;
}

static int parse_metadata(struct parse_state *s, const xmlNode *root)
{
	struct vm_flags *f = &s->d->flags;
	xmlNode *meta = child(root, "metadata");
	for (xmlNode *m = meta ? meta->children : NULL; m; m = m->next) {
		if (m->type != XML_ELEMENT_NODE || !m->ns ||
		    !sym_xmlStrEqual(m->ns->href, BAD_CAST VM_METADATA_NS))
			continue;
		for (xmlNode *e = m->children; e; e = e->next) {
			if (e->type != XML_ELEMENT_NODE)
				continue;
			_cleanup_free_ char *body = NULL;
			int r = text_of(e, TEXT_MAX, &body);
			if (r < 0)
				return r == -E2BIG ? fail(s, "vfio-hook metadata element too long") : r;
			if (node_is(e, "args"))
				r = vm_flags_add_args(f, body);
			else if (node_is(e, "host-services"))
				r = vm_flags_add_host_services(f, body);
			else if (node_is(e, "internal-services"))
				r = vm_flags_add_internal_services(f, body);
			else
				continue;
			if (r == -EINVAL) {
				_cleanup_free_ char *e1 = str_escape(body, 80);
				return fail(s, "malformed vfio-hook metadata <%s>: '%s'",
					    (const char *)e->name, strna(e1));
			}
			if (r < 0)
				return r;
		}
	}
	return 0;
}

static int check_no_entities(struct parse_state *s, const xmlNode *n, unsigned depth)
{
	for (; n; n = n->next) {
		if (n->type == XML_ENTITY_REF_NODE || n->type == XML_ENTITY_NODE ||
		    n->type == XML_ENTITY_DECL || n->type == XML_DTD_NODE)
			return fail(s, "domain XML uses entities, refused");
		if (n->children && depth < 512) {
			int r = check_no_entities(s, n->children, depth + 1);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

static int parse_tree(struct parse_state *s, const xmlNode *root)
{
	struct domain *d = s->d;
	int r;

	if (!node_is(root, "domain")) {
		/* An element name may be any Unicode letter, and long: escape it like any input. */
		_cleanup_free_ char *e = str_escape((const char *)root->name, 64);
		return fail(s, "domain XML root element is <%s>, expected <domain>", strna(e));
	}
	if ((r = check_no_entities(s, root, 0)) < 0)
		return r;

	if ((r = text_of(child(root, "name"), TEXT_MAX, &d->name)) < 0)
		return r == -E2BIG ? fail(s, "domain <name> too long") : r;
	if (isempty(d->name))
		return fail(s, "domain XML has no <name>");
	if ((r = text_of(child(root, "uuid"), TEXT_MAX, &d->uuid)) < 0)
		return r == -E2BIG ? fail(s, "domain <uuid> too long") : r;
	strstrip(d->uuid);
	if (!uuid_is_valid(d->uuid))
		return fail(s, "domain XML has no valid <uuid>");
	for (char *c = d->uuid; *c; c++)
		*c = (char)tolower((unsigned char)*c);

	if ((r = text_of(child(root, "description"), DESCRIPTION_MAX, &d->description)) < 0)
		return r == -E2BIG ? fail(s, "domain <description> longer than %u bytes",
					  DESCRIPTION_MAX) : r;
	if (memchr(d->description, 0, strlen(d->description)))
		return fail(s, "domain <description> contains NUL");
	if ((r = vm_flags_parse_description(&d->flags, d->description)) < 0)
		return r;
	if ((r = parse_metadata(s, root)) < 0)
		return r;
	if ((r = parse_os(s, root)) < 0)
		return r;

	xmlNode *devices = child(root, "devices");
	r = 0;
	for (xmlNode *c = devices ? devices->children : NULL; c && r >= 0; c = c->next) {
		if (node_is(c, "hostdev"))
			r = parse_hostdev(s, c);
		else if (node_is(c, "disk"))
			r = parse_disk(s, c);
		else if (node_is(c, "interface"))
			r = parse_interface(s, c);
	}
	/* The hostdevs read before a device that failed came before it: a repeat among them is
	 * the first fault in the XML. */
	int unique = check_pci_unique(s);
	if (unique < 0)
		return unique;
	if (r < 0)
		return r;

	xmlNode *tune = child(root, "cputune");
	for (xmlNode *c = tune ? tune->children : NULL; c; c = c->next) {
		if (node_is(c, "vcpupin"))
			r = parse_pin(s, c, &d->vcpupin);
		else if (node_is(c, "emulatorpin"))
			r = parse_pin(s, c, &d->emulatorpin);
		else if (node_is(c, "iothreadpin"))
			r = parse_pin(s, c, &d->iothreadpin);
		else
			continue;
		if (r < 0)
			return r;
	}
	return parse_memory(s, root);
}

static int parse_document(struct parse_state *s, const char *xml, size_t size)
{
	xmlDocPtr doc = NULL;
	int r = xml_read_untrusted("domain XML", xml, size, DOMAIN_XML_MAX, &doc, s->error,
				   sizeof s->error);
	if (r < 0)
		return r;
	r = parse_tree(s, sym_xmlDocGetRootElement(doc));
	sym_xmlFreeDoc(doc);
	return r;
}

int domain_parse(const char *xml, size_t size, struct domain **ret, char **ret_error)
{
	_cleanup_(domain_freep) struct domain *d = calloc(1, sizeof *d);
	if (!d)
		return -ENOMEM;
	struct parse_state s = { .d = d };
	int r = parse_document(&s, xml, size);
	if (r < 0) {
		if (ret_error)
			*ret_error = strdup(s.error[0] ? s.error : "out of memory");
		return r;
	}
	*ret = TAKE_PTR(d);
	return 0;
}
