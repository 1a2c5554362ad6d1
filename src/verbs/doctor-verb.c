// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `vfio-hook doctor [VM | --xml FILE]`: runs the check table, read-only and from any user,
 * prints a table (or JSON, docs/doctor.schema.json) and exits 0 when nothing failed, 1 when
 * something did, 2 for bad usage or input.
 */
#include <fcntl.h>

#include "doctor.h"
#include "hook.h"
#include "lib/fileio.h"
#include "lib/log.h"
#include "lib/strutil.h"
#include "lib/table.h"
#include "stages/stages.h"
#include "verbs.h"


/* Ids are stable: scripts and docs/doctor.md name them. */
static const struct doctor_check checks[] = {
	{ "iommu-firmware", false, doctor_iommu_firmware },
	{ "iommu-kernel", false, doctor_iommu_kernel },
	{ "iommu-passthrough-mode", false, doctor_iommu_passthrough_mode },
	{ "vfio-modules", false, doctor_vfio_modules },
	{ "hook-installed", false, doctor_hook_installed },
	{ "hook-picked-up", false, doctor_hook_picked_up },
	{ "selinux", false, doctor_selinux },
	{ "apparmor", false, doctor_apparmor },
	{ "overrides-safe", false, doctor_overrides_safe },
	{ "old-layouts", false, doctor_old_layouts },
	{ "domain-firmware", true, doctor_domain_firmware },
	{ "group-complete", true, doctor_group_complete },
	{ "device-reset", true, doctor_device_reset },
	{ "host-display", true, doctor_host_display },
	{ "hugepages", true, doctor_hugepages },
	{ "slot-split", true, doctor_slot_split },
	{ "power-state", true, doctor_power_state },
	{ "resizable-bar", true, doctor_resizable_bar },
};

static const char *const result_colors[_DOCTOR_RESULT_MAX] = {
	[DOCTOR_PASS] = "green",
	[DOCTOR_WARN] = "yellow",
	[DOCTOR_FAIL] = "red",
	[DOCTOR_SKIP] = NULL,
};

/* The domain XML: the VM's saved definition (VM), --xml FILE or --xml - (stdin); 2 on failure. */
static int read_domain(const struct verb_args *a, const struct sysroot *root, char **ret,
		       size_t *ret_size)
{
	if (a->xml_path)
		return hook_read_xml(a->xml_path, "Give the domain XML on stdin "
						  "(virsh dumpxml VM | vfio-hook doctor --xml -)",
				     ret, ret_size) < 0 ? 2 : 0;
	const char *vm = a->positional[0];
	_cleanup_free_ char *e = str_escape(vm, 128);
	if (!vm_name_is_valid(vm)) {
		log_error("'%s' is not a VM name", strna(e));
		return 2;
	}
	_cleanup_free_ char *rel = strdup_printf("libvirt/qemu/%s.xml", vm);
	if (!rel) {
		log_error_errno(-ENOMEM, "Cannot read the domain: %m");
		return 2;
	}
	_cleanup_close_ int fd = root->etc_fd < 0 ? -ENOENT :
				 openat(root->etc_fd, rel, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		int r = root->etc_fd < 0 ? -ENOENT : -errno;
		if (r == -ENOENT)
			log_error("No VM '%s' (no /etc/libvirt/qemu/%s.xml); for a VM of another "
				  "connection: virsh dumpxml VM | vfio-hook doctor --xml -", strna(e),
				  strna(e));
		else
			log_error_errno(r, "Cannot read /etc/libvirt/qemu/%s.xml: %m (as root, or: "
					   "virsh dumpxml VM | vfio-hook doctor --xml -)", strna(e));
		return 2;
	}
	int r = read_stream_capped(fd, DOMAIN_XML_MAX, ret, ret_size);
	if (r < 0) {
		log_error_errno(r, "Cannot read /etc/libvirt/qemu/%s.xml: %m", strna(e));
		return 2;
	}
	return 0;
}

static int print_json(const struct doctor_outcome *out, const bool *ran, const char *vm, FILE *f)
{
	_cleanup_(sym_scols_unref_tablep) struct libscols_table *tb = NULL;
	int r = table_new_json("checks", f, &tb);
	if (r < 0)
		return r;
	static const char *const keys[] = { "id", "scope", "result", "detail", "advice", "vm" };
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (!sym_scols_table_new_column(tb, keys[i], 0, 0))
			return -ENOMEM;
	for (size_t i = 0; i < ARRAY_SIZE(checks); i++) {
		if (!ran[i])
			continue;
		struct libscols_line *ln = sym_scols_table_new_line(tb, NULL);
		if (!ln)
			return -ENOMEM;
		if ((r = table_set_escaped(ln, 0, checks[i].id)) < 0 ||
		    (r = table_set_escaped(ln, 1, checks[i].domain ? "domain" : "host")) < 0 ||
		    (r = table_set_escaped(ln, 2, doctor_result_to_string(out[i].result))) < 0 ||
		    (r = table_set_escaped(ln, 3, out[i].detail)) < 0 || (r = table_set_escaped(ln, 4, out[i].advice)) < 0 ||
		    (r = table_set_escaped(ln, 5, checks[i].domain ? vm : NULL)) < 0)
			return r;
	}
	return sym_scols_print_table(tb) < 0 ? -EIO : 0;
}

static int print_table(const struct doctor_outcome *out, const bool *ran, bool color, FILE *f)
{
	_cleanup_(sym_scols_unref_tablep) struct libscols_table *tb = NULL;
	size_t count[_DOCTOR_RESULT_MAX] = { 0 };
	int r = table_new_text(f, &tb);
	if (r < 0)
		return r;
	sym_scols_table_enable_colors(tb, color);
	if (!sym_scols_table_new_column(tb, "CHECK", 0.1, 0) ||
	    !sym_scols_table_new_column(tb, "RESULT", 0.05, 0) ||
	    !sym_scols_table_new_column(tb, "DETAIL", 0.7, SCOLS_FL_WRAP))
		return -ENOMEM;
	for (size_t i = 0; i < ARRAY_SIZE(checks); i++) {
		if (!ran[i])
			continue;
		count[out[i].result]++;
		struct libscols_line *ln = sym_scols_table_new_line(tb, NULL);
		if (!ln)
			return -ENOMEM;
		if ((r = table_set_escaped(ln, 0, checks[i].id)) < 0 ||
		    (r = table_set_escaped(ln, 1, doctor_result_to_string(out[i].result))) < 0 ||
		    (r = table_set_escaped(ln, 2, out[i].detail)) < 0)
			return r;
		const char *c = result_colors[out[i].result];
		if (c && sym_scols_cell_set_color(sym_scols_line_get_cell(ln, 1), c) < 0)
			return -ENOMEM;
		if (!out[i].advice)
			continue;
		/* What to do, on its own line under what was found. */
		_cleanup_free_ char *todo = strdup_printf("-> %s", out[i].advice);
		if (!todo || !(ln = sym_scols_table_new_line(tb, NULL)) ||
		    table_set_escaped(ln, 2, todo) < 0)
			return -ENOMEM;
	}
	if (sym_scols_print_table(tb) < 0)
		return -EIO;
	fprintf(f, "\n%zu passed, %zu warning%s, %zu failed, %zu skipped\n", count[DOCTOR_PASS],
		count[DOCTOR_WARN], count[DOCTOR_WARN] == 1 ? "" : "s", count[DOCTOR_FAIL],
		count[DOCTOR_SKIP]);
	return ferror(f) ? -EIO : 0;
}

static void outcomes_done(struct doctor_outcome *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(out[i].detail);
		free(out[i].advice);
	}
}

int doctor_verb(const struct verb_args *a)
{
	_cleanup_(sysroot_freep) struct sysroot *root = NULL;
	_cleanup_(host_freep) struct host *host = NULL;
	_cleanup_(domain_freep) struct domain *dom = NULL;
	_cleanup_free_ char *xml = NULL, *err = NULL;
	struct doctor_outcome out[ARRAY_SIZE(checks)] = { 0 };
	bool ran[ARRAY_SIZE(checks)] = { 0 };
	struct config cfg;
	size_t size = 0;
	int r;

	if (a->n_positional > 0 && a->xml_path) {
		fprintf(stderr, "Usage: vfio-hook doctor [--json] [VM | --xml FILE]\n");
		return 2;
	}
	if ((r = sysroot_open(a->sysroot, &root)) < 0) {
		log_error_errno(r, "Cannot open the host root %s: %m", a->sysroot ?: "/");
		return 2;
	}
	if (a->n_positional > 0 || a->xml_path) {
		if ((r = read_domain(a, root, &xml, &size)) != 0)
			return r;
		if (domain_parse(xml, size, &dom, &err) < 0) {
			log_error("%s", err ?: "cannot parse the domain XML");
			return 2;
		}
	}
	/* A host that cannot be read still gets the checks that do not need it. */
	if ((r = host_load(root, &host)) < 0)
		log_debug_errno(r, "Cannot read the host's devices: %m");

	config_init(&cfg);
	struct doctor_ctx ctx = { .root = root, .host = host, .dom = dom };
	if (dom) {
		_cleanup_free_ char *cfg_err = NULL;
		/* An unsafe override is overrides-safe's finding; the group check goes on without. */
		if (config_load_for_vm(root, dom->name, dom->uuid, &cfg, &cfg_err) < 0) {
			config_done(&cfg);
			config_init(&cfg);
		}
		ctx.cfg = &cfg;
		r = doctor_domain_collect(&ctx);
		/* The huge pages check weighs the host model: what it needs is read first. */
		if (r >= 0 && host && dom->hugepages)
			r = hugepages_load(host, dom);
	}
	bool failed = false;
	for (size_t i = 0; r >= 0 && i < ARRAY_SIZE(checks); i++) {
		if (checks[i].domain && !dom)
			continue;
		r = checks[i].run(&ctx, &out[i]);
		if (r >= 0 && !out[i].detail)
			r = doctor_set(&out[i], DOCTOR_SKIP, "nothing to check");
		/* Advice is for what needs doing. */
		if (out[i].result == DOCTOR_PASS || out[i].result == DOCTOR_SKIP) {
			free(out[i].advice);
			out[i].advice = NULL;
		}
		ran[i] = true;
		failed = failed || out[i].result == DOCTOR_FAIL;
	}
	if (r >= 0 && !a->json && dom) {
		/* Which domain the domain checks looked at, as the XML names it. */
		_cleanup_free_ char *name = str_escape(dom->name, 256);
		if (!name)
			r = -ENOMEM;
		else
			printf("Domain '%s' (%s)\n\n", name, dom->uuid);
	}
	if (r >= 0)
		r = a->json ? print_json(out, ran, dom ? dom->name : NULL, stdout) :
			      print_table(out, ran, verb_use_color(a, stdout), stdout);
	outcomes_done(out, ARRAY_SIZE(checks));
	free(ctx.passed);
	config_done(&cfg);
	if (r < 0) {
		log_error_errno(r, "Cannot run the checks: %m");
		return 1;
	}
	return failed ? 1 : 0;
}
