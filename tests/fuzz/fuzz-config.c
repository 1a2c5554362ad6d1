// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer target: the "key = value" text of vfio-hook.conf and vm.conf. */
#include "fuzz.h"
#include "input/config.h"
#include "input/pci-addr.h"

#define NAME "/etc/libvirt/hooks/vfio-hook.d/fuzz/vm.conf"

static void put_list(FILE *m, const char *key, char **l)
{
	if (!l)
		return;
	fprintf(m, "%s =", key);
	for (; *l; l++)
		fprintf(m, " %s", *l);
	fputc('\n', m);
}

/* Every setting the parser keeps, written back as a config file. */
static char *config_to_text(const struct config *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	CHECK(m);
	fprintf(m, "debug = %s\nnetwork_dns = %s\nnetwork_zone = %s\n", c->debug ? "yes" : "no",
		c->network_dns ? "yes" : "no", c->network_zone ? "yes" : "no");
	fprintf(m, "unit_timeout = %u\nprocess_timeout = %u\nmodule_timeout = %u\n",
		c->unit_timeout_s, c->process_timeout_s, c->module_timeout_s);
	fprintf(m, "lock_timeout = %u\nscript_timeout = %u\n", c->lock_timeout_s,
		c->script_timeout_s);
	for (int s = 0; s < _STAGE_MAX; s++)
		if (config_stage_disabled(c, (enum stage_id)s))
			fprintf(m, "disable = %s\n", stage_to_string((enum stage_id)s));
	put_list(m, "allow_group_members", c->allow_group_members);
	put_list(m, "stop_units", c->stop_units);
	put_list(m, "user_units", c->user_units);
	put_list(m, "flags", c->flags);
	put_list(m, "nfs_shares", c->nfs_shares);
	put_list(m, "nfs_clients", c->nfs_clients);
	put_list(m, "smb_shares", c->smb_shares);
	if (c->nfs_options)
		fprintf(m, "nfs_options = %s\n", c->nfs_options);
	CHECK(fclose(m) == 0);
	return buf;
}

static void check_config(const struct config *c)
{
	const unsigned timeouts[] = { c->unit_timeout_s, c->process_timeout_s, c->module_timeout_s,
				      c->lock_timeout_s, c->script_timeout_s };
	for (size_t i = 0; i < ARRAY_SIZE(timeouts); i++)
		CHECK(timeouts[i] >= 1 && timeouts[i] <= 3600);
	CHECK((c->disabled_stages >> _STAGE_MAX) == 0);
	for (int s = 0; s < _STAGE_MAX; s++)
		CHECK(!config_stage_disabled(c, (enum stage_id)s) == !c->disabled_by[s]);
	/* PCI addresses are kept in the kernel's form, whatever case the file used. */
	for (char **a = c->allow_group_members; a && *a; a++) {
		struct pci_addr addr;
		char canonical[PCI_ADDR_STR_MAX];
		CHECK(pci_addr_parse(*a, &addr) == 0);
		pci_addr_format(&addr, canonical);
		CHECK(streq(*a, canonical));
	}
	char **const lists[] = { c->allow_group_members, c->stop_units, c->user_units, c->flags,
				 c->nfs_shares, c->nfs_clients, c->smb_shares };
	for (size_t i = 0; i < ARRAY_SIZE(lists); i++) {
		CHECK(!strv_has_duplicates(lists[i]));
		for (char **w = lists[i]; w && *w; w++)
			CHECK(**w && str_is_printable_ascii(*w) && !strpbrk(*w, " \t,"));
	}
	char **const shares[] = { c->nfs_shares, c->smb_shares };
	for (size_t i = 0; i < ARRAY_SIZE(shares); i++)
		for (char **p = shares[i]; p && *p; p++)
			CHECK((*p)[0] == '/' && !strstr(*p, "/.."));
	CHECK(!c->nfs_options || (*c->nfs_options && !strpbrk(c->nfs_options, " \t")));
	CHECK(!c->scripts && !c->notes);

	/* The flags a config adds are ones the VM's description could say: a bad one is refused
	 * with its file and line, not when the VM starts. */
	struct vm_flags none = { 0 }, f;
	CHECK(config_vm_flags(c, &none, &f) == 0);
	vm_flags_done(&f);
}

static int parse(const char *text, struct config *c, char **error)
{
	config_init(c);
	int r = config_parse_file(c, text, NAME, error);
	CHECK(r == 0 || r == -EINVAL);
	return r;
}

/* Lines do not depend on each other: the one blamed fails alone, the ones before it pass. */
static void check_error(const char *text, const char *error)
{
	unsigned lineno;
	CHECK(error && startswith(error, NAME ":"));
	CHECK(sscanf(error + strlen(NAME ":"), "%u", &lineno) == 1 && lineno >= 1);

	_cleanup_free_ char *copy = strdup(text);
	CHECK(copy);
	char *blamed = copy;
	for (unsigned n = 1; n < lineno; n++) {
		char *nl = strchr(blamed, '\n');
		CHECK(nl);
		blamed = nl + 1;
	}
	char *end = strchr(blamed, '\n');
	if (end)
		*end = 0;

	struct config c;
	if (blamed != copy) {
		blamed[-1] = 0; /* copy now holds the lines before */
		CHECK(parse(copy, &c, NULL) == 0);
		config_done(&c);
	}
	CHECK(parse(blamed, &c, NULL) == -EINVAL);
	config_done(&c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *text = fuzz_text(data, size), *error = NULL;
	if (!text)
		return 0;

	struct config c;
	if (parse(text, &c, &error) < 0) {
		config_done(&c);
		check_error(text, error);
		return 0;
	}
	CHECK(!error);
	check_config(&c);

	/* What was accepted, written back, reads the same. */
	_cleanup_free_ char *written = config_to_text(&c), *rewritten = NULL;
	struct config again;
	CHECK(parse(written, &again, NULL) == 0);
	rewritten = config_to_text(&again);
	CHECK(streq(written, rewritten));
	config_done(&again);
	config_done(&c);
	return 0;
}
