/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef __CPPCHECK__
/* cppcheck 2.10 ignores the cleanup attribute and calls every such variable leaked; it does not
 * leak-check static locals, so that is what they are to it, and its leak checks stay on for
 * everything else. No compiler sees this (make analyze defines __CPPCHECK__ for cppcheck). */
#define _cleanup_(f) static
#else
#define _cleanup_(f) __attribute__((cleanup(f)))
#endif
#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)
#define _cleanup_fclose_ _cleanup_(fclosep)
#define _cleanup_closedir_ _cleanup_(closedirp)
#define _must_check_ __attribute__((warn_unused_result))
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define _unused_ __attribute__((unused))
#define _noreturn_ __attribute__((noreturn))

#if defined(__SANITIZE_ADDRESS__)
#define HAS_ADDRESS_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HAS_ADDRESS_SANITIZER 1
#endif
#endif
#ifndef HAS_ADDRESS_SANITIZER
#define HAS_ADDRESS_SANITIZER 0
#endif

#define ARRAY_SIZE(a)                                                                              \
	(sizeof(a) / sizeof((a)[0]) +                                                              \
	 0 * sizeof(char[1 - 2 * __builtin_types_compatible_p(typeof(a), typeof(&(a)[0]))]))

#define streq(a, b) (strcmp((a), (b)) == 0)
#define strneq(a, b, n) (strncmp((a), (b), (n)) == 0)
#define isempty(s) (!(s) || !*(s))
#define strna(s) ((s) ? (s) : "n/a")
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

/* Hand ownership of a pointer or fd out of a _cleanup_ variable. */
#define TAKE_PTR(p)                                                                                \
	({                                                                                         \
		typeof(p) _p = (p);                                                                \
		(p) = NULL;                                                                        \
		_p;                                                                                \
	})
#define TAKE_FD(fd)                                                                                \
	({                                                                                         \
		int _fd = (fd);                                                                    \
		(fd) = -1;                                                                         \
		_fd;                                                                               \
	})

/* type is a type name, which cannot be parenthesized. */
#define DEFINE_TRIVIAL_CLEANUP_FUNC(type, func)                                                    \
	static inline void func##p(type *p) /* NOLINT(bugprone-macro-parentheses) */               \
	{                                                                                          \
		if (*p)                                                                            \
			func(*p);                                                                  \
	}

/* gcc 12's -fanalyzer can lose the NULL a _cleanup_free_ char * starts with when it is read back
 * through this void ** (stored as one type, loaded as another) and call it uninitialized.
 * -Wmaybe-uninitialized still catches a variable really left uninitialized. */
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 10
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wanalyzer-use-of-uninitialized-value"
#endif
static inline void freep(void *p)
{
	free(*(void **)p);
}
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 10
#pragma GCC diagnostic pop
#endif

static inline void closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}

static inline void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

static inline void closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}

/* Keep the first error while cleanup goes on (systemd's RET_GATHER). */
#define RET_GATHER(acc, r)                                                                         \
	({                                                                                         \
		int _r = (r);                                                                      \
		if (_r < 0 && (acc) >= 0)                                                          \
			(acc) = _r;                                                                \
		_r;                                                                                \
	})

static inline int negative_errno(void)
{
	return errno > 0 ? -errno : -EIO;
}
