// SPDX-License-Identifier: GPL-2.0-or-later
/* Looking up a host's PCI functions, by address and by name, on the sorted list. */
#include "host/host.h"
#include "test.h"

/* Functions 0000:BB:SS.F for every third slot on buses 0-3, sorted as host_pci_load leaves them. */
static size_t make_host(struct host *h, struct pci_function *pci, size_t max)
{
	size_t n = 0;
	for (unsigned bus = 0; bus < 4; bus++)
		for (unsigned slot = 0; slot < 32; slot += 3)
			for (unsigned fn = 0; fn < 2 && n < max; fn++) {
				pci[n] = (struct pci_function){ .addr = { .bus = bus, .slot = slot,
									  .function = fn } };
				pci_addr_format(&pci[n].addr, pci[n].name);
				n++;
			}
	*h = (struct host){ .pci = pci, .n_pci = n };
	return n;
}

TEST(find_every_function_by_address_and_name)
{
	struct pci_function pci[128];
	struct host h;
	size_t n = make_host(&h, pci, 128);
	ASSERT_TRUE(n > 64);
	for (size_t i = 0; i < n; i++) {
		ASSERT_TRUE(host_find_pci(&h, &pci[i].addr) == &pci[i]);
		ASSERT_TRUE(host_find_pci_name(&h, pci[i].name) == &pci[i]);
	}
}

TEST(functions_the_host_lacks_are_not_found)
{
	struct pci_function pci[128];
	struct host h;
	make_host(&h, pci, 128);
	static const char *const missing[] = {
		"0000:00:01.0", /* between two slots */
		"0000:00:00.2", /* after a slot's last function */
		"0000:03:1f.0", /* past the last */
		"0001:00:00.0", /* another domain */
	};
	for (size_t i = 0; i < ARRAY_SIZE(missing); i++) {
		struct pci_addr a;
		ASSERT_OK(pci_addr_parse(missing[i], &a));
		ASSERT_NULL(host_find_pci(&h, &a));
		ASSERT_NULL(host_find_pci_name(&h, missing[i]));
	}
	/* Not a PCI name at all. */
	ASSERT_NULL(host_find_pci_name(&h, "card0"));
	ASSERT_NULL(host_find_pci_name(&h, ""));
	/* The kernel's names are lower case, but the address is what is looked up. */
	const struct pci_function *f = host_find_pci_name(&h, "0000:00:0f.1");
	ASSERT_NOT_NULL(f);
	ASSERT_TRUE(host_find_pci_name(&h, "0000:00:0F.1") == f);
}

TEST(small_and_empty_hosts)
{
	struct pci_function pci[3];
	struct host h;
	for (size_t n = 0; n <= 3; n++) {
		make_host(&h, pci, n);
		ASSERT_EQ(h.n_pci, n);
		for (size_t i = 0; i < n; i++)
			ASSERT_TRUE(host_find_pci(&h, &pci[i].addr) == &pci[i]);
		struct pci_addr past = { .domain = 0xffff };
		ASSERT_NULL(host_find_pci(&h, &past));
		ASSERT_TRUE(host_find_pci_name(&h, "0000:00:00.0") == (n > 0 ? &pci[0] : NULL));
	}
}

TEST_MAIN("host-pci")
