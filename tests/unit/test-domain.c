// SPDX-License-Identifier: GPL-2.0-or-later
/* The domain XML parser: what it reads, and what it refuses. */
#include "input/domain.h"
#include "lib/strutil.h"
#include "test.h"

#define HEAD "<domain type='kvm'><name>win10</name><uuid>8F2B0C44-1C7E-4B1A-9D55-2F1B5C6A7E01</uuid>"

static struct domain *parse_ok(const char *xml)
{
	struct domain *d = NULL;
	_cleanup_free_ char *err = NULL;
	int r = domain_parse(xml, strlen(xml), &d, &err);
	if (r < 0)
		FAIL_AT("parse failed: %s", err ? err : "?");
	return d;
}

static char *parse_err(const char *xml, size_t len)
{
	struct domain *d = NULL;
	char *err = NULL;
	if (domain_parse(xml, len, &d, &err) >= 0)
		FAIL_AT("accepted: %.80s", xml);
	ASSERT_NOT_NULL(err);
	ASSERT_TRUE(!strchr(err, '\n'));
	return err;
}

TEST(full_domain)
{
	_cleanup_(domain_freep) struct domain *d = parse_ok(
		HEAD "<description>gaming\nargs[ --debug ]</description>"
		"<memory unit='GiB'>16</memory>"
		"<memoryBacking><hugepages><page size='1' unit='G'/></hugepages></memoryBacking>"
		"<cputune><vcpupin vcpu='0' cpuset='2'/><vcpupin vcpu='1' cpuset='3,8'/>"
		"<emulatorpin cpuset='0-1'/><iothreadpin iothread='1' cpuset='1'/></cputune>"
		"<metadata><vh:config xmlns:vh='urn:vfio-hook:domain:1'><vh:args>--pin-cpu-cores</vh:args>"
		"<vh:host-services>home:ssh</vh:host-services></vh:config></metadata>"
		"<devices>"
		"<disk type='block' device='disk'><source dev='/dev/disk/by-id/ata-X'/></disk>"
		"<disk type='file' device='disk'><source file='/var/lib/a.qcow2'/></disk>"
		"<interface type='network'><mac address='52:54:00:00:00:01'/><source network='default'/></interface>"
		"<interface type='bridge'><source bridge='br0'/></interface>"
		"<interface type='user'/>"
		"<hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/></source></hostdev>"
		"<hostdev mode='subsystem' type='pci'><source><address bus='1' slot='0' function='1'/></source></hostdev>"
		"<hostdev mode='subsystem' type='usb'><source><vendor id='0x046d'/><product id='0xc52b'/></source></hostdev>"
		"<hostdev mode='subsystem' type='mdev' model='vfio-pci'><source><address uuid='c2177883-f1bb-47f0-914d-32a22e3a8804'/></source></hostdev>"
		"<hostdev mode='subsystem' type='scsi'><source><adapter name='scsi_host0'/><address bus='0' target='0' unit='0'/></source></hostdev>"
		"</devices></domain>");
	ASSERT_STREQ(d->name, "win10");
	ASSERT_STREQ(d->uuid, "8f2b0c44-1c7e-4b1a-9d55-2f1b5c6a7e01");
	ASSERT_EQ(d->n_pci, 2);
	ASSERT_TRUE(d->pci[0].managed);
	ASSERT_FALSE(d->pci[1].managed);
	ASSERT_EQ(d->pci[1].addr.function, 1);
	ASSERT_STREQ(d->usb[0], "0x046d:0xc52b");
	ASSERT_STREQ(d->mdev[0], "c2177883-f1bb-47f0-914d-32a22e3a8804");
	ASSERT_STREQ(d->scsi[0], "scsi_host0:0:0:0");
	ASSERT_EQ(strv_length(d->block_disks), 1);
	ASSERT_STREQ(d->block_disks[0], "/dev/disk/by-id/ata-X");
	ASSERT_EQ(d->n_ifaces, 3);
	ASSERT_STREQ(d->ifaces[0].source, "default");
	ASSERT_STREQ(d->ifaces[0].mac, "52:54:00:00:00:01");
	ASSERT_STREQ(d->ifaces[1].source, "br0");
	ASSERT_NULL(d->ifaces[2].source);
	ASSERT_EQ(cpuset_count(&d->vcpupin), 3);
	ASSERT_TRUE(cpuset_has(&d->emulatorpin, 1));
	ASSERT_TRUE(cpuset_has(&d->iothreadpin, 1));
	ASSERT_EQ(d->memory_kib, 16ULL * 1024 * 1024);
	ASSERT_TRUE(d->hugepages);
	ASSERT_EQ(d->hugepage_kib, 1024 * 1024);
	ASSERT_TRUE(vm_flags_has(&d->flags, VM_FLAG_DEBUG));
	ASSERT_TRUE(vm_flags_has(&d->flags, VM_FLAG_PIN_CPU_CORES));
	ASSERT_STREQ(d->flags.host_services[0], "home:ssh");
}

TEST(firmware)
{
	_cleanup_(domain_freep) struct domain *efi = parse_ok(
		HEAD "<os firmware='efi'><type arch='x86_64' machine='q35'>hvm</type></os></domain>");
	ASSERT_STREQ(efi->firmware, "efi");
	ASSERT_NULL(efi->loader);

	_cleanup_(domain_freep) struct domain *ovmf = parse_ok(
		HEAD "<os><type>hvm</type><loader readonly='yes' type='pflash'>\n "
		"/usr/share/OVMF/OVMF_CODE_4M.fd </loader></os></domain>");
	ASSERT_NULL(ovmf->firmware);
	ASSERT_STREQ(ovmf->loader, "/usr/share/OVMF/OVMF_CODE_4M.fd");

	_cleanup_(domain_freep) struct domain *bios = parse_ok(
		HEAD "<os><type>hvm</type><loader> </loader><boot dev='hd'/></os></domain>");
	ASSERT_NULL(bios->firmware);
	ASSERT_NULL(bios->loader);

	_cleanup_(domain_freep) struct domain *none = parse_ok(HEAD "</domain>");
	ASSERT_NULL(none->firmware);
	ASSERT_NULL(none->loader);
}

TEST(cdata_and_entities_in_description)
{
	_cleanup_(domain_freep) struct domain *d = parse_ok(
		HEAD "<description><![CDATA[args[ --debug ]]]></description></domain>");
	ASSERT_TRUE(vm_flags_has(&d->flags, VM_FLAG_DEBUG));
	_cleanup_(domain_freep) struct domain *e =
		parse_ok(HEAD "<description>a &amp; b &lt;c&gt;</description></domain>");
	ASSERT_STREQ(e->description, "a & b <c>");
}

TEST(hostile_inputs_are_refused)
{
	_cleanup_free_ char *e1 = parse_err("", 0);
	ASSERT_STREQ(e1, "domain XML on stdin is empty");
	const char *dtd = "<!DOCTYPE d [<!ENTITY a \"x\">]>" HEAD "</domain>";
	_cleanup_free_ char *e2 = parse_err(dtd, strlen(dtd));
	_cleanup_free_ char *e3 = parse_err(
		"<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 "
		"\"&lol;&lol;&lol;\">]><domain><name>&lol2;</name></domain>", 110);
	ASSERT_TRUE(startswith(e2, "domain XML has a DTD"));
	ASSERT_TRUE(startswith(e3, "domain XML has a DTD"));
	_cleanup_free_ char *e4 = parse_err(HEAD "<devices>", strlen(HEAD "<devices>"));
	ASSERT_TRUE(startswith(e4, "malformed domain XML"));
	_cleanup_free_ char *e5 = parse_err("\xff\xfe<domain/>", 11);
	ASSERT_TRUE(startswith(e5, "malformed domain XML"));
	_cleanup_free_ char *e6 = parse_err(HEAD "</domain>\0junk", strlen(HEAD "</domain>") + 5);
	ASSERT_STREQ(e6, "domain XML contains a NUL byte");
	_cleanup_free_ char *e7 = parse_err("<network/>", 10);
	ASSERT_STREQ(e7, "domain XML root element is <network>, expected <domain>");
	_cleanup_free_ char *e7u = parse_err("<dom\xc3\xa9" "ain/>", 11);
	ASSERT_STREQ(e7u, "domain XML root element is <dom\\xc3\\xa9ain>, expected <domain>");
	const char *bad_uuid = "<domain><name>x</name><uuid>nope</uuid></domain>";
	_cleanup_free_ char *e8 = parse_err(bad_uuid, strlen(bad_uuid));
	ASSERT_STREQ(e8, "domain XML has no valid <uuid>");
	const char *no_name = "<domain><uuid>8f2b0c44-1c7e-4b1a-9d55-2f1b5c6a7e01</uuid></domain>";
	_cleanup_free_ char *e9 = parse_err(no_name, strlen(no_name));
	ASSERT_STREQ(e9, "domain XML has no <name>");
	const char *bad_addr = HEAD "<devices><hostdev mode='subsystem' type='pci'><source><address "
				    "domain='0' bus='0x100' slot='0' function='0'/></source></hostdev>"
				    "</devices></domain>";
	_cleanup_free_ char *e10 = parse_err(bad_addr, strlen(bad_addr));
	ASSERT_TRUE(startswith(e10, "invalid PCI address"));
	/* The same function twice, written two ways. */
	const char *twice = HEAD "<devices><hostdev mode='subsystem' type='pci'><source><address "
				"domain='0' bus='1' slot='0' function='0'/></source></hostdev>"
				"<hostdev mode='subsystem' type='pci'><source><address domain='0x0000' "
				"bus='0x01' slot='0x00' function='0x0'/></source></hostdev>"
				"</devices></domain>";
	_cleanup_free_ char *e12 = parse_err(twice, strlen(twice));
	ASSERT_STREQ(e12, "PCI <hostdev> 0000:01:00.0 is listed twice");
	/* 5 MiB: over libvirt's own 4 MiB limit. */
	size_t big = (size_t)5 << 20;
	char *huge = malloc(big);
	ASSERT_NOT_NULL(huge);
	memset(huge, ' ', big);
	memcpy(huge, HEAD, sizeof HEAD - 1); /* no NUL: the size says where it ends */
	_cleanup_free_ char *e11 = parse_err(huge, big);
	free(huge);
	ASSERT_TRUE(startswith(e11, "domain XML larger than"));
}

TEST(deep_nesting_is_refused)
{
	char buf[8192] = HEAD;
	for (int i = 0; i < 600; i++)
		strcat(buf, "<a>");
	_cleanup_free_ char *e = parse_err(buf, strlen(buf));
	ASSERT_TRUE(startswith(e, "malformed domain XML"));
}

TEST(hostile_names_are_kept_but_not_valid)
{
	_cleanup_(domain_freep) struct domain *d = parse_ok(
		"<domain><name>../../etc</name><uuid>8f2b0c44-1c7e-4b1a-9d55-2f1b5c6a7e01</uuid></domain>");
	ASSERT_STREQ(d->name, "../../etc");
	ASSERT_FALSE(vm_name_is_valid(d->name));
	ASSERT_FALSE(vm_name_is_valid(".."));
	ASSERT_FALSE(vm_name_is_valid("-h"));
	ASSERT_FALSE(vm_name_is_valid(".hidden"));
	ASSERT_FALSE(vm_name_is_valid("a\nb"));
	ASSERT_FALSE(vm_name_is_valid(""));
	ASSERT_TRUE(vm_name_is_valid("win10-gpu_2.0"));
	/* libvirt takes spaces, and so does every path made of the name. */
	ASSERT_TRUE(vm_name_is_valid("Windows 11"));
}

TEST(description_too_long)
{
	size_t n = (size_t)70 << 10;
	char *xml = malloc(n + 256);
	ASSERT_NOT_NULL(xml);
	strcpy(xml, HEAD "<description>");
	size_t off = strlen(xml);
	memset(xml + off, 'a', n);
	strcpy(xml + off + n, "</description></domain>");
	_cleanup_free_ char *e = parse_err(xml, strlen(xml));
	free(xml);
	ASSERT_TRUE(startswith(e, "domain <description> longer than"));
}

/* Every unit libvirt's virScaleInteger accepts, whatever the case: KB, MB... are powers of 1000,
 * K, KiB, M, MiB... of 1024; bytes are rounded up to KiB, as libvirt rounds them. */
TEST(memory_units)
{
	static const struct {
		const char *unit, *value;
		unsigned long long kib;
	} cases[] = {
		{ NULL, "4194304", 4194304 },
		{ "", "1", 1 },
		{ "b", "2048", 2 },
		{ "bytes", "1025", 2 },
		{ "byte", "1", 1 },
		{ "k", "7", 7 },
		{ "K", "7", 7 },
		{ "KiB", "7", 7 },
		{ "KB", "1024", 1000 },
		{ "kb", "3", 3 }, /* 3000 bytes: 2.93 KiB */
		{ "M", "4096", 4096ULL * 1024 },
		{ "MiB", "1", 1024 },
		{ "MB", "1000", 976563 }, /* 10^9 bytes */
		{ "G", "16", 16ULL << 20 },
		{ "GiB", "16", 16ULL << 20 },
		{ "gib", "1", 1ULL << 20 },
		{ "GB", "16", 15625000 },
		{ "T", "1", 1ULL << 30 },
		{ "TiB", "2", 2ULL << 30 },
		{ "TB", "1", 976562500 },
		{ "PiB", "1", 1ULL << 40 },
		{ "PB", "1", 976562500000ULL },
		{ "EiB", "7", 7ULL << 50 },
		{ "EB", "9", 8789062500000000ULL },
		{ "KiB", " 8 ", 8 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		_cleanup_free_ char *unit = cases[i].unit ? strdup_printf(" unit='%s'", cases[i].unit) :
							    strdup("");
		_cleanup_free_ char *xml = strdup_printf(
			HEAD "<memory%s>%s</memory><currentMemory%s>%s</currentMemory></domain>",
			unit, cases[i].value, unit, cases[i].value);
		_cleanup_(domain_freep) struct domain *d = parse_ok(xml);
		if (d->memory_kib != cases[i].kib)
			FAIL_AT("%s %s: %llu KiB, expected %llu", cases[i].value, strna(cases[i].unit),
				d->memory_kib, cases[i].kib);
	}
	_cleanup_(domain_freep) struct domain *none = parse_ok(HEAD "</domain>");
	ASSERT_EQ(none->memory_kib, 0);
	_cleanup_(domain_freep) struct domain *page = parse_ok(
		HEAD "<memoryBacking><hugepages><page size='2' unit='MB'/></hugepages></memoryBacking>"
		"</domain>");
	ASSERT_EQ(page->hugepage_kib, 1954);
}

/* A unit libvirt does not know, a size that is negative, not a number or over libvirt's bound
 * (2^63 - 1 bytes) is refused with one line naming it, never read as another size. */
TEST(memory_sizes_refused)
{
	static const struct {
		const char *element, *unit, *value, *error;
	} bad[] = {
		{ "memory", "KiB", "-1", "domain <memory> '-1' is not a size libvirt accepts" },
		{ "memory", NULL, "-1", "domain <memory> '-1' is not a size libvirt accepts" },
		{ "memory", "KiB", "+5", "domain <memory> '+5' is not a size" },
		{ "memory", "KiB", "-0", "domain <memory> '-0' is not a size" },
		{ "memory", "KiB", "", "domain <memory> '' is not a size" },
		{ "memory", "KiB", "1 2", "domain <memory> '1 2' is not a size" },
		{ "memory", "KiB", "0x10", "domain <memory> '0x10' is not a size" },
		{ "memory", "KiB", "18446744073709551616", "is not a size libvirt accepts" },
		{ "memory", "KiB", "9007199254740992", "is not a size libvirt accepts" }, /* 2^63 B */
		{ "memory", "TiB", "17179869184", "is not a size libvirt accepts" },
		{ "memory", "EB", "10", "is not a size libvirt accepts" },
		{ "memory", "x1", "1", "domain <memory> has unit 'x1', not one of libvirt's" },
		{ "memory", "KiBs", "1", "domain <memory> has unit 'KiBs'" },
		{ "memory", "Ki", "1", "domain <memory> has unit 'Ki'" },
		{ "memory", "ZiB", "1", "domain <memory> has unit 'ZiB'" },
		{ "memory", "bit", "1", "domain <memory> has unit 'bit'" },
		{ "currentMemory", "KiB", "-1", "domain <currentMemory> '-1' is not a size" },
		{ "currentMemory", "MiBi", "1", "domain <currentMemory> has unit 'MiBi'" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		_cleanup_free_ char *unit = bad[i].unit ? strdup_printf(" unit='%s'", bad[i].unit) :
							  strdup("");
		_cleanup_free_ char *xml = strdup_printf(HEAD "<%s%s>%s</%s></domain>", bad[i].element,
							 unit, bad[i].value, bad[i].element);
		_cleanup_free_ char *e = parse_err(xml, strlen(xml));
		if (!strstr(e, bad[i].error))
			FAIL_AT("%s: '%s', expected '%s'", xml, e, bad[i].error);
	}
	/* The largest size libvirt takes still reads. */
	_cleanup_(domain_freep) struct domain *d =
		parse_ok(HEAD "<memory unit='b'>9223372036854775807</memory></domain>");
	ASSERT_EQ(d->memory_kib, 9007199254740992ULL);
	static const char *const bad_pages[] = { "<page size='-2' unit='M'/>",
						 "<page size='2' unit='Mb2'/>", "<page size='0'/>",
						 "<page size='' unit='G'/>" };
	for (size_t i = 0; i < sizeof bad_pages / sizeof bad_pages[0]; i++) {
		_cleanup_free_ char *xml = strdup_printf(
			HEAD "<memoryBacking><hugepages>%s</hugepages></memoryBacking></domain>",
			bad_pages[i]);
		_cleanup_free_ char *e = parse_err(xml, strlen(xml));
		ASSERT_TRUE(startswith(e, "domain huge <page> size"));
	}
}

/* HEAD and <devices> with the given elements, or a PCI hostdev at bus B for each "B" (hex). */
static char *devices_xml(const char *const *items, size_t n)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);
	ASSERT_NOT_NULL(f);
	fputs(HEAD "<devices>", f);
	for (size_t i = 0; i < n; i++)
		if (items[i][0] == '<')
			fputs(items[i], f);
		else
			fprintf(f, "<hostdev mode='subsystem' type='pci'><source><address domain='0' "
				   "bus='0x%s' slot='0' function='0'/></source></hostdev>", items[i]);
	fputs("</devices></domain>", f);
	ASSERT_TRUE(fclose(f) == 0);
	return text;
}

#define BAD_HOSTDEV                                                                                \
	"<hostdev mode='subsystem' type='pci'><source><address domain='0' bus='0x100' slot='0' "   \
	"function='0'/></source></hostdev>"
#define BAD_PIN "<cputune><vcpupin vcpu='0' cpuset='x'/></cputune>"

TEST(hostdev_listed_twice_is_the_first_repeat)
{
	static const struct {
		const char *items[6];
		size_t n;
		const char *says;
	} cases[] = {
		{ { "01", "02", "01" }, 3, "PCI <hostdev> 0000:01:00.0 is listed twice" },
		/* 03 repeats before 01 does. */
		{ { "01", "03", "02", "03", "01" }, 5, "PCI <hostdev> 0000:03:00.0 is listed twice" },
		{ { "05", "04", "04", "05", "05" }, 5, "PCI <hostdev> 0000:04:00.0 is listed twice" },
		{ { "01", "01", "01" }, 3, "PCI <hostdev> 0000:01:00.0 is listed twice" },
		/* A repeat before another fault is what is refused, and after one it is not. */
		{ { "01", "01", BAD_HOSTDEV }, 3, "PCI <hostdev> 0000:01:00.0 is listed twice" },
		{ { "01", BAD_HOSTDEV, "01" }, 3, "invalid PCI address in <hostdev>: domain=0 "
						  "bus=0x100 slot=0 function=0" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		_cleanup_free_ char *xml = devices_xml(cases[i].items, cases[i].n);
		_cleanup_free_ char *e = parse_err(xml, strlen(xml));
		if (!streq(e, cases[i].says))
			FAIL_AT("case %zu says '%s', not '%s'", i, e, cases[i].says);
	}
	/* Faults outside <devices> come after it. */
	const char *dup_then_pin = HEAD "<devices><hostdev mode='subsystem' type='pci'><source>"
				   "<address domain='0' bus='1' slot='0' function='0'/></source></hostdev>"
				   "<hostdev mode='subsystem' type='pci'><source><address domain='0' "
				   "bus='1' slot='0' function='0'/></source></hostdev></devices>" BAD_PIN
				   "</domain>";
	_cleanup_free_ char *e = parse_err(dup_then_pin, strlen(dup_then_pin));
	ASSERT_STREQ(e, "PCI <hostdev> 0000:01:00.0 is listed twice");
}

TEST(many_hostdevs_keep_their_order)
{
	/* 0xff buses, each hostdev once, in an order that is not sorted (7 is prime to 255). */
	const char *items[255];
	char names[255][4];
	for (size_t i = 0; i < 255; i++) {
		snprintf(names[i], sizeof names[i], "%02zx", 1 + i * 7 % 255);
		items[i] = names[i];
	}
	_cleanup_free_ char *xml = devices_xml(items, 255);
	_cleanup_(domain_freep) struct domain *d = parse_ok(xml);
	ASSERT_EQ(d->n_pci, 255);
	for (size_t i = 0; i < 255; i++)
		ASSERT_EQ(d->pci[i].addr.bus, 1 + i * 7 % 255);

	/* The last one again. */
	const char *again[256];
	memcpy(again, items, sizeof items);
	again[255] = items[100];
	_cleanup_free_ char *xml2 = devices_xml(again, 256);
	_cleanup_free_ char *e = parse_err(xml2, strlen(xml2));
	char want[64];
	snprintf(want, sizeof want, "PCI <hostdev> 0000:%s:00.0 is listed twice", items[100]);
	ASSERT_STREQ(e, want);
}

TEST_MAIN("domain")
