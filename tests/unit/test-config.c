// SPDX-License-Identifier: GPL-2.0-or-later
#include "input/config.h"
#include "lib/strutil.h"
#include "test.h"

TEST(parse)
{
	struct config c;
	config_init(&c);
	ASSERT_OK(config_parse(&c, "# comment\n\ndebug = yes\nallow_group_members = 0000:00:1f.3, "
				   "0000:00:1f.4\nunit_timeout=45\n", NULL));
	ASSERT_TRUE(c.debug);
	ASSERT_EQ(strv_length(c.allow_group_members), 2);
	ASSERT_EQ(c.unit_timeout_s, 45);
	config_done(&c);
}

TEST(errors_name_the_line)
{
	struct config c;
	_cleanup_free_ char *err = NULL;
	config_init(&c);
	ASSERT_ERR(config_parse(&c, "debug = yes\nbogus = 1\n", &err), EINVAL);
	ASSERT_STREQ(err, "/etc/libvirt/hooks/vfio-hook.conf:2: invalid setting");
	config_done(&c);
	static const char *const bad[] = { "debug = maybe", "unit_timeout = 0",
					   "unit_timeout = 99999", "allow_group_members = ../x",
					   "just words", "flags=--", "flags = --d[bug" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		config_init(&c);
		if (config_parse(&c, bad[i], NULL) >= 0)
			FAIL_AT("accepted '%s'", bad[i]);
		config_done(&c);
	}
}

/* The configured flags join the VM's in a struct of their own: the parsed domain's stay as the
 * XML said. */
TEST(configured_flags_leave_the_domain_alone)
{
	struct config c;
	struct vm_flags vm = { 0 }, all;
	config_init(&c);
	ASSERT_OK(config_parse(&c, "flags = --cpu-performance\n", NULL));
	ASSERT_OK(vm_flags_add_args(&vm, "--pin-cpu-cores"));
	ASSERT_OK(config_vm_flags(&c, &vm, &all));
	ASSERT_TRUE(vm_flags_has(&all, VM_FLAG_CPU_PERFORMANCE));
	ASSERT_TRUE(vm_flags_has(&all, VM_FLAG_PIN_CPU_CORES));
	ASSERT_FALSE(vm_flags_has(&vm, VM_FLAG_CPU_PERFORMANCE));
	vm_flags_done(&all);
	vm_flags_done(&vm);
	config_done(&c);
}

TEST_MAIN("config")
