/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <systemd/sd-bus.h>
#include <systemd/sd-journal.h>

#include "lib/dlopen-lib.h"

/* libsystemd, loaded when a bus is first opened or a line first goes to the journal. */
#define LIBSYSTEMD_SYMBOLS(X)                                                                      \
	X(sd_bus_call)                                                                             \
	X(sd_bus_call_method)                                                                      \
	X(sd_bus_error_free)                                                                       \
	X(sd_bus_error_has_name)                                                                   \
	X(sd_bus_flush_close_unref)                                                                \
	X(sd_bus_get_property)                                                                     \
	X(sd_bus_get_property_string)                                                              \
	X(sd_bus_match_signal)                                                                     \
	X(sd_bus_message_append)                                                                   \
	X(sd_bus_message_append_array)                                                             \
	X(sd_bus_message_close_container)                                                          \
	X(sd_bus_message_enter_container)                                                          \
	X(sd_bus_message_exit_container)                                                           \
	X(sd_bus_message_new_method_call)                                                          \
	X(sd_bus_message_open_container)                                                           \
	X(sd_bus_message_read)                                                                     \
	X(sd_bus_message_read_array)                                                               \
	X(sd_bus_message_unref)                                                                    \
	X(sd_bus_new)                                                                              \
	X(sd_bus_open_system)                                                                      \
	X(sd_bus_process)                                                                          \
	X(sd_bus_set_address)                                                                      \
	X(sd_bus_slot_unref)                                                                       \
	X(sd_bus_start)                                                                            \
	X(sd_bus_wait)                                                                             \
	X(sd_journal_sendv)

LIBSYSTEMD_SYMBOLS(DLSYM_DECLARE)

/* 0 once libsystemd and every sym_ above are there; negative errno (logged once) if not. */
_must_check_ int dlopen_libsystemd(void);
/* The same, never logging: for the logger itself, whose error line could only recurse. */
_must_check_ int dlopen_libsystemd_quiet(void);

DEFINE_TRIVIAL_CLEANUP_FUNC(sd_bus *, sym_sd_bus_flush_close_unref);
DEFINE_TRIVIAL_CLEANUP_FUNC(sd_bus_message *, sym_sd_bus_message_unref);
DEFINE_TRIVIAL_CLEANUP_FUNC(sd_bus_slot *, sym_sd_bus_slot_unref);
/* An error nothing has set holds nothing to free, and libsystemd may not even be loaded. */
static inline void sym_sd_bus_error_freep(sd_bus_error *e)
{
	if (e->name || e->message)
		sym_sd_bus_error_free(e);
}
