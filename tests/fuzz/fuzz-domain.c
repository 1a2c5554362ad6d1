// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer target: the domain XML parser, on input as hostile as libvirt's stdin can be. */
#include "input/domain.h"
#include "vm-flags-check.h"

static void check_error(int r, const char *error)
{
	/* Malformed input is -EINVAL with one printable line for `virsh start`, input escaped. */
	CHECK(r == -EINVAL);
	CHECK(error && *error);
	CHECK(str_is_printable_ascii(error));
}

static void check_domain(const struct domain *d)
{
	CHECK(!isempty(d->name) && strlen(d->name) <= 4096);
	CHECK(uuid_is_valid(d->uuid));
	for (const char *c = d->uuid; *c; c++)
		CHECK(!isupper((unsigned char)*c));
	CHECK(d->description && strlen(d->description) <= 64 * 1024);

	for (size_t i = 0; i < d->n_pci; i++) {
		const struct pci_addr *a = &d->pci[i].addr;
		CHECK(a->domain <= 0xffff && a->bus <= 0xff && a->slot <= 0x1f && a->function <= 7);
		for (size_t k = i + 1; k < d->n_pci; k++)
			CHECK(!pci_addr_equal(a, &d->pci[k].addr));
	}
	for (size_t i = 0; i < d->n_ifaces; i++)
		CHECK(d->ifaces[i].type);

	/* XML may spell a flag with character references: no literal-source check here. */
	check_vm_flags(&d->flags, NULL);
	check_vm_flags_round_trip(&d->flags);

	/* <metadata> only adds to what the description says. */
	struct vm_flags from_description = { 0 };
	CHECK(vm_flags_parse_description(&from_description, d->description) == 0);
	CHECK((from_description.set & ~d->flags.set) == 0);
	CHECK(!from_description.args_seen || d->flags.args_seen);
	CHECK(!from_description.host_services_seen || d->flags.host_services_seen);
	for (char **u = from_description.unknown; u && *u; u++)
		CHECK(strv_contains(d->flags.unknown, *u));
	for (char **h = from_description.host_services; h && *h; h++)
		CHECK(strv_contains(d->flags.host_services, *h));
	CHECK(strv_length(from_description.internal_services) <=
	      strv_length(d->flags.internal_services));
	vm_flags_done(&from_description);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_(domain_freep) struct domain *d = NULL;
	_cleanup_free_ char *error = NULL;
	int r = domain_parse((const char *)data, size, &d, &error);
	if (r < 0) {
		check_error(r, error);
		CHECK(!d);
		return 0;
	}
	CHECK(d && !error);
	check_domain(d);
	return 0;
}
