/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "lib/dlopen-lib.h"

/* libxml2, loaded by the first XML parse. */
#define LIBXML2_SYMBOLS(X)                                                                         \
	X(xmlCtxtGetLastError)                                                                     \
	X(xmlCtxtReadMemory)                                                                       \
	X(xmlDocGetRootElement)                                                                    \
	X(xmlFree)                                                                                 \
	X(xmlFreeDoc)                                                                              \
	X(xmlFreeParserCtxt)                                                                       \
	X(xmlGetNoNsProp)                                                                          \
	X(xmlNewParserCtxt)                                                                        \
	X(xmlNodeGetContent)                                                                       \
	X(xmlReadMemory)                                                                           \
	X(xmlSetStructuredErrorFunc)                                                               \
	X(xmlStrEqual)

LIBXML2_SYMBOLS(DLSYM_DECLARE)

/* 0 once libxml2 and every sym_ above are there; negative errno (logged once) if not. */
_must_check_ int dlopen_libxml2(void);

/* xmlFree is a variable holding libxml2's deallocator, so sym_xmlFree points to a pointer. */
static inline void sym_xmlFreep(xmlChar **p)
{
	if (*p)
		(*sym_xmlFree)(*p);
}
DEFINE_TRIVIAL_CLEANUP_FUNC(xmlDocPtr, sym_xmlFreeDoc);
DEFINE_TRIVIAL_CLEANUP_FUNC(xmlParserCtxtPtr, sym_xmlFreeParserCtxt);
