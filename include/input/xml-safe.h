/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "lib/dlopen-libxml2.h"

/*
 * libxml2 on untrusted input: size capped, no NUL, no DTD (so no entities at all), no network,
 * UTF-8. On failure err gets one line ("malformed WHAT (line N): ..."), without quoting input.
 * Loads libxml2: the document it returns is for the sym_ functions.
 */
_must_check_ int xml_read_untrusted(const char *what, const char *xml, size_t size, size_t max,
				    xmlDocPtr *ret_doc, char *err, size_t err_size);
