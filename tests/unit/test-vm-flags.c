// SPDX-License-Identifier: GPL-2.0-or-later
/* The description mini-language, corner case by corner case (compatible with the scripts). */
#include "input/vm-flags.h"
#include "lib/strutil.h"
#include "test.h"

static struct vm_flags parse(const char *text)
{
	struct vm_flags f = { 0 };
	ASSERT_OK(vm_flags_parse_description(&f, text));
	return f;
}

TEST(seed_test_xml_description)
{
	/* The description of the scripts' own test XML, with the results they produced. */
	struct vm_flags f = parse(
		"Test VM\n"
		"args[ --dry-run --pin-cpu-cores --enable-internal-services --enable-external-services --enable-nfs --debug ]\n"
		"args[ --flag3 --flag4 ]\n"
		"host_services[ home:ssh,smb libvirt:dhcp,dns ]\n"
		"internal_services[ smb dhcp ]\n"
		"internal_services[ ]\n"
		"internal_services[ dhcp smb ]\n"
		"internal_services[]\n"
		"internal_services[ smb dhcp ]\n"
		"internal_services[ ]\n"
		"internal_services[ nfs dns ]\n");
	ASSERT_TRUE(vm_flags_has(&f, VM_FLAG_DRY_RUN));
	ASSERT_TRUE(vm_flags_has(&f, VM_FLAG_PIN_CPU_CORES));
	ASSERT_TRUE(vm_flags_has(&f, VM_FLAG_ENABLE_NFS));
	ASSERT_TRUE(vm_flags_has(&f, VM_FLAG_DEBUG));
	ASSERT_FALSE(vm_flags_has(&f, VM_FLAG_NO_HOST_GRAPHICS));
	ASSERT_NULL(f.unknown); /* the second args[] line is ignored */
	ASSERT_EQ(strv_length(f.host_services), 2);
	ASSERT_STREQ(f.host_services[0], "home:ssh,smb");
	ASSERT_STREQ(f.host_services[1], "libvirt:dhcp,dns");
	ASSERT_EQ(strv_length(f.internal_services), 7);
	ASSERT_STREQ(f.internal_services[0], "smb dhcp");
	ASSERT_STREQ(f.internal_services[1], "");
	ASSERT_STREQ(f.internal_services[3], "");
	ASSERT_STREQ(f.internal_services[6], "nfs dns");
	vm_flags_done(&f);
}

TEST(whitespace_is_optional_inside_brackets)
{
	struct vm_flags f = parse("args[--debug --no-host-graphics]");
	ASSERT_TRUE(vm_flags_has(&f, VM_FLAG_DEBUG));
	ASSERT_TRUE(vm_flags_has(&f, VM_FLAG_NO_HOST_GRAPHICS));
	vm_flags_done(&f);
	f = parse("   args[   --debug\t ]   ");
	ASSERT_TRUE(vm_flags_has(&f, VM_FLAG_DEBUG));
	vm_flags_done(&f);
}

TEST(a_bad_token_voids_the_line)
{
	struct vm_flags f = parse("args[ --e x ]\nargs[ --debug ]");
	/* The first line does not fit, so the second is the first args[] line. */
	ASSERT_TRUE(vm_flags_has(&f, VM_FLAG_DEBUG));
	vm_flags_done(&f);
	f = parse("internal_services[ a,b ]");
	ASSERT_NULL(f.internal_services);
	vm_flags_done(&f);
	f = parse("host_services[ home ]");
	ASSERT_NULL(f.host_services);
	vm_flags_done(&f);
}

TEST(text_before_or_after_the_array_voids_it)
{
	struct vm_flags f = parse("foo args[ --debug ]\nargs[ --debug ] bar\nargs [ --debug ]");
	ASSERT_EQ(f.set, 0);
	ASSERT_FALSE(f.args_seen);
	vm_flags_done(&f);
}

TEST(exact_match_no_substrings)
{
	/* The scripts matched --dry-run as a substring: --dry-run-x switched dry run on. */
	struct vm_flags f = parse("args[ --dry-run-x --no-dry-run ]");
	ASSERT_FALSE(vm_flags_has(&f, VM_FLAG_DRY_RUN));
	ASSERT_EQ(strv_length(f.unknown), 2);
	ASSERT_STREQ(f.unknown[0], "--dry-run-x");
	vm_flags_done(&f);
}

TEST(word_grammar)
{
	struct vm_flags f = parse("args[ --a--b ]");
	ASSERT_FALSE(f.args_seen); /* W is word(-word)*, no double dash */
	vm_flags_done(&f);
	f = parse("args[ --a- ]");
	ASSERT_FALSE(f.args_seen);
	vm_flags_done(&f);
	f = parse("args[ -a ]");
	ASSERT_FALSE(f.args_seen);
	vm_flags_done(&f);
	f = parse("args[ -- ]");
	ASSERT_FALSE(f.args_seen);
	vm_flags_done(&f);
	f = parse("args[ --x_1-y2 ]");
	ASSERT_TRUE(f.args_seen);
	ASSERT_STREQ(f.unknown[0], "--x_1-y2");
	vm_flags_done(&f);
	f = parse("args[ --$(reboot) ]\nargs[ --a;b ]\nargs[ --é ]");
	ASSERT_FALSE(f.args_seen);
	vm_flags_done(&f);
	f = parse("host_services[ home:ssh, ]\nhost_services[ :ssh ]\nhost_services[ home:ssh,,x ]");
	ASSERT_NULL(f.host_services);
	vm_flags_done(&f);
}

TEST(empty_args_is_a_match)
{
	struct vm_flags f = parse("args[ ]\nargs[ --debug ]");
	ASSERT_TRUE(f.args_seen);
	ASSERT_FALSE(vm_flags_has(&f, VM_FLAG_DEBUG));
	vm_flags_done(&f);
}

TEST(flag_table_round_trip)
{
	for (int i = 0; i < _VM_FLAG_MAX; i++)
		ASSERT_EQ(vm_flag_from_string(vm_flag_to_string((enum vm_flag)i)), i);
	ASSERT_EQ(vm_flag_from_string("--nope"), _VM_FLAG_INVALID);
}

TEST(metadata_bodies)
{
	struct vm_flags f = { 0 };
	ASSERT_OK(vm_flags_add_args(&f, "--debug --pin-cpu-cores"));
	ASSERT_ERR(vm_flags_add_args(&f, "--debug; rm"), EINVAL);
	ASSERT_OK(vm_flags_add_host_services(&f, "home:ssh"));
	ASSERT_ERR(vm_flags_add_host_services(&f, "home"), EINVAL);
	ASSERT_OK(vm_flags_add_internal_services(&f, ""));
	ASSERT_TRUE(vm_flags_has(&f, VM_FLAG_PIN_CPU_CORES));
	ASSERT_EQ(strv_length(f.internal_services), 1);
	vm_flags_done(&f);
}

TEST_MAIN("vm-flags")
