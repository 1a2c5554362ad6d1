// SPDX-License-Identifier: GPL-2.0-or-later
#include "input/pci-addr.h"
#include "test.h"

TEST(parse_sysfs_form)
{
	struct pci_addr a;
	char buf[PCI_ADDR_STR_MAX];
	ASSERT_OK(pci_addr_parse("0000:01:00.1", &a));
	ASSERT_EQ(a.bus, 1);
	ASSERT_EQ(a.function, 1);
	pci_addr_format(&a, buf);
	ASSERT_STREQ(buf, "0000:01:00.1");
	ASSERT_OK(pci_addr_parse("10000:ff:1f.7", &a));
	ASSERT_EQ(a.domain, 0x10000);
	ASSERT_OK(pci_addr_parse("0000:0A:1F.7", &a));
	ASSERT_EQ(a.bus, 10);
}

TEST(parse_sysfs_rejects)
{
	struct pci_addr a;
	static const char *const bad[] = {
		"", "0000:01:00", "0000:01:00.8", "0000:01:20.0", "000:01:00.0", "0000:1:00.0",
		"0000:01:00.0 ", "0000:01:00.0/..", "../../x", "0000:g1:00.0", "0000-01:00.0",
		"123456789:01:00.0", "0000:01:00.-1",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		if (pci_addr_parse(bad[i], &a) >= 0)
			FAIL_AT("accepted '%s'", bad[i]);
}

TEST(parse_libvirt_parts_any_base)
{
	struct pci_addr a;
	ASSERT_OK(pci_addr_from_parts("0x0000", "0x01", "0x00", "0x1", &a));
	ASSERT_EQ(a.bus, 1);
	ASSERT_OK(pci_addr_from_parts("0", "10", "31", "7", &a));
	ASSERT_EQ(a.bus, 10);
	ASSERT_EQ(a.slot, 31);
	ASSERT_OK(pci_addr_from_parts(NULL, "010", "0x1f", "0", &a)); /* octal, as libvirt */
	ASSERT_EQ(a.bus, 8);
	ASSERT_EQ(a.domain, 0);
	ASSERT_ERR(pci_addr_from_parts("0", "0x100", "0", "0", &a), ERANGE);
	ASSERT_ERR(pci_addr_from_parts("0", "0", "0x20", "0", &a), ERANGE);
	ASSERT_ERR(pci_addr_from_parts("0", "0", "0", "8", &a), ERANGE);
	ASSERT_ERR(pci_addr_from_parts("0x10000", "0", "0", "0", &a), ERANGE);
	ASSERT_ERR(pci_addr_from_parts("0", "-1", "0", "0", &a), EINVAL);
	ASSERT_ERR(pci_addr_from_parts("0", "1x", "0", "0", &a), EINVAL);
	ASSERT_ERR(pci_addr_from_parts("0", NULL, "0", "0", &a), EINVAL);
	ASSERT_ERR(pci_addr_from_parts("0", " 1", "0", "0", &a), EINVAL);
}

TEST(compare)
{
	struct pci_addr a, b;
	ASSERT_OK(pci_addr_parse("0000:00:03.0", &a));
	ASSERT_OK(pci_addr_parse("0000:00:03.1", &b));
	ASSERT_TRUE(pci_addr_compare(&a, &b) < 0);
	ASSERT_TRUE(pci_addr_equal(&a, &a));
}

TEST_MAIN("pci-addr")
