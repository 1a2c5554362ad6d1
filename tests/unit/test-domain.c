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

/* A size that is negative or does not fit is unknown (0), never a huge number. */
TEST(memory_sizes_that_do_not_fit)
{
	static const char *const bad[] = { "-1", "+5", " -0", "18446744073709551616", "x1" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		_cleanup_free_ char *xml = strdup_printf(HEAD "<memory unit='KiB'>%s</memory></domain>",
							 bad[i]);
		_cleanup_(domain_freep) struct domain *d = parse_ok(xml);
		ASSERT_EQ(d->memory_kib, 0);
	}
	_cleanup_(domain_freep) struct domain *d =
		parse_ok(HEAD "<memory unit='TiB'>17179869184</memory></domain>");
	ASSERT_EQ(d->memory_kib, 0);
	_cleanup_(domain_freep) struct domain *ok =
		parse_ok(HEAD "<memory unit='MiB'>4096</memory></domain>");
	ASSERT_EQ(ok->memory_kib, 4096ULL * 1024);
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
