// SPDX-License-Identifier: GPL-2.0-or-later
/* Loading an optional library on first use, all its symbols or none. */
#include <dlfcn.h>

#include "lib/dlopen-lib.h"
#include "lib/log.h"
#include "lib/timing.h"

/* POSIX lets dlsym()'s void * hold a function's address; the sym_ pointers are stored as such. */
_Static_assert(sizeof(void (*)(void)) == sizeof(void *), "function and data pointers differ");

static void forget_syms(const struct dlopen_lib *lib)
{
	void *null = NULL;
	for (size_t i = 0; i < lib->n_syms; i++)
		memcpy(lib->syms[i].ptr, &null, sizeof null);
}

static int load(struct dlopen_lib *lib)
{
	const char *e;
	void *h = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		e = dlerror();
		snprintf(lib->why, sizeof lib->why, "%s", e ?: "dlopen() failed");
		return -ELIBACC;
	}
	for (size_t i = 0; i < lib->n_syms; i++) {
		(void)dlerror();
		void *p = dlsym(h, lib->syms[i].name);
		if (!p) {
			e = dlerror();
			snprintf(lib->why, sizeof lib->why, "%s%s", e ?: lib->syms[i].name,
				 e ? "" : " is NULL");
			forget_syms(lib);
			dlclose(h);
			return -ELIBBAD;
		}
		memcpy(lib->syms[i].ptr, &p, sizeof p);
	}
	lib->handle = h;
	return 0;
}

int dlopen_lib_load(struct dlopen_lib *lib, bool quiet)
{
	if (lib->handle)
		return 0;
	if (lib->error == 0) {
		TIMING_OWN(); /* loading is ours, even on the way to systemd */
		int r = load(lib);
		if (r == 0)
			return 0;
		lib->error = r;
	}
	/* Marked first: the log line may reach the journal, which may need this very library. */
	if (!quiet && !lib->reported) {
		lib->reported = true;
		log_full_errno(lib->optional ? LOG_DEBUG : LOG_ERR, lib->error, "Cannot load %s: %s",
			       lib->soname, lib->why);
	}
	return lib->error;
}
