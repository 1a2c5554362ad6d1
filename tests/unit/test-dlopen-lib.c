// SPDX-License-Identifier: GPL-2.0-or-later
#include <sys/mman.h>

#include "lib/dlopen-lib.h"
#include "lib/dlopen-libkmod.h"
#include "lib/dlopen-libpci.h"
#include "lib/dlopen-libsmartcols.h"
#include "lib/dlopen-libsystemd.h"
#include "lib/dlopen-libudev.h"
#include "lib/dlopen-libxml2.h"
#include "lib/log.h"
#include "test.h"

/* stderr into a memfd, so a test can count the lines logged. */
static int capture_stderr(void)
{
	int fd = memfd_create("stderr", MFD_CLOEXEC);
	ASSERT_TRUE(fd >= 0);
	fflush(stderr);
	ASSERT_TRUE(dup2(fd, STDERR_FILENO) == STDERR_FILENO);
	return fd;
}

static unsigned lines_logged(int fd, const char *needle)
{
	char buf[4096];
	fflush(stderr);
	ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
	ASSERT_TRUE(n >= 0);
	buf[n] = 0;
	unsigned count = 0;
	for (const char *p = strstr(buf, needle); p; p = strstr(p + 1, needle))
		count++;
	return count;
}

static void (*sym_a)(void), (*sym_b)(void);

TEST(missing_library_fails_once_and_logs_once)
{
	static const struct dlopen_sym syms[] = { { (void *)&sym_a, "a" } };
	struct dlopen_lib lib = { .soname = "libvfio-hook-absent.so.0", .syms = syms, .n_syms = 1 };
	int fd = capture_stderr();
	ASSERT_ERR(dlopen_lib_load(&lib, true), ELIBACC);
	ASSERT_EQ(lines_logged(fd, "libvfio-hook-absent.so.0"), 0);
	ASSERT_ERR(dlopen_lib_load(&lib, false), ELIBACC);
	ASSERT_ERR(dlopen_lib_load(&lib, false), ELIBACC);
	/* "Cannot load SONAME: SONAME: cannot open shared object file..." */
	ASSERT_EQ(lines_logged(fd, "Cannot load libvfio-hook-absent.so.0: "), 1);
	ASSERT_NULL(sym_a);
	close(fd);
}

TEST(missing_optional_library_is_a_debug_line)
{
	static const struct dlopen_sym syms[] = { { (void *)&sym_a, "a" } };
	struct dlopen_lib lib = { .soname = "libvfio-hook-absent.so.0", .syms = syms, .n_syms = 1,
				  .optional = true };
	int fd = capture_stderr();
	log_setup(LOG_INFO, true);
	ASSERT_ERR(dlopen_lib_load(&lib, false), ELIBACC);
	ASSERT_EQ(lines_logged(fd, "libvfio-hook-absent.so.0"), 0);

	struct dlopen_lib again = lib;
	again.error = 0;
	again.reported = false;
	log_setup(LOG_DEBUG, true);
	ASSERT_ERR(dlopen_lib_load(&again, false), ELIBACC);
	ASSERT_ERR(dlopen_lib_load(&again, false), ELIBACC);
	ASSERT_EQ(lines_logged(fd, "Cannot load libvfio-hook-absent.so.0: "), 1);
	ASSERT_EQ(lines_logged(fd, "error:"), 0);
	close(fd);
}

TEST(missing_symbol_resolves_none)
{
	static const struct dlopen_sym syms[] = { { (void *)&sym_a, "xmlStrEqual" },
						  { (void *)&sym_b, "vfio_hook_absent" } };
	struct dlopen_lib lib = { .soname = LIBXML2_SONAME, .syms = syms, .n_syms = 2 };
	int fd = capture_stderr();
	ASSERT_ERR(dlopen_lib_load(&lib, false), ELIBBAD);
	ASSERT_EQ(lines_logged(fd, "vfio_hook_absent"), 1);
	ASSERT_NULL(sym_a);
	ASSERT_NULL(sym_b);
	ASSERT_NULL(lib.handle);
	close(fd);
}

TEST(libraries_load_with_every_symbol)
{
	ASSERT_OK(dlopen_libxml2());
	ASSERT_OK(dlopen_libxml2());
	ASSERT_NOT_NULL(sym_xmlReadMemory);
	ASSERT_NOT_NULL(sym_xmlFree);
	ASSERT_NOT_NULL(*sym_xmlFree); /* the variable, holding libxml2's deallocator */
	ASSERT_OK(dlopen_libkmod());
	ASSERT_NOT_NULL(sym_kmod_list_next);
	ASSERT_OK(dlopen_libsystemd_quiet());
	ASSERT_OK(dlopen_libsystemd());
	ASSERT_NOT_NULL(sym_sd_journal_sendv);
	ASSERT_OK(dlopen_libpci());
	ASSERT_NOT_NULL(sym_pci_lookup_name);
	ASSERT_OK(dlopen_libudev());
	ASSERT_NOT_NULL(sym_udev_new);
	ASSERT_OK(dlopen_libsmartcols());
	ASSERT_NOT_NULL(sym_scols_unref_table);
}

TEST_MAIN("dlopen-lib")
