// SPDX-License-Identifier: GPL-2.0-or-later
/* One safe way to parse XML we did not write. */
#include "input/xml-safe.h"
#include "lib/strutil.h"

static void silent_structured_error(void *ctx, xmlErrorPtr e)
{
	/* libxml2 would print the offending line: keep it quiet, the caller reports. */
}

int xml_read_untrusted(const char *what, const char *xml, size_t size, size_t max,
		       xmlDocPtr *ret_doc, char *err, size_t err_size)
{
#define FAIL(...) (snprintf(err, err_size, __VA_ARGS__), -EINVAL)
	if (size == 0)
		return FAIL("%s on stdin is empty", what);
	if (size > max)
		return FAIL("%s larger than %zu bytes", what, max);
	if (memchr(xml, 0, size))
		return FAIL("%s contains a NUL byte", what);
	/* libvirt never sends a DTD; refusing it rules out entity expansion entirely. */
	if (memmem(xml, size, "<!DOCTYPE", strlen("<!DOCTYPE")))
		return FAIL("%s has a DTD (<!DOCTYPE>), refused", what);

	int r = dlopen_libxml2();
	if (r < 0) {
		snprintf(err, err_size, "cannot parse %s without libxml2", what);
		return r;
	}
	sym_xmlSetStructuredErrorFunc(NULL, silent_structured_error);
	_cleanup_(sym_xmlFreeParserCtxtp) xmlParserCtxtPtr ctxt = sym_xmlNewParserCtxt();
	if (!ctxt)
		return -ENOMEM;
	int opts = XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_NOERROR;
#if LIBXML_VERSION >= 21300
	opts |= XML_PARSE_NO_XXE;
#endif
	xmlDocPtr doc = sym_xmlCtxtReadMemory(ctxt, xml, (int)size, "input.xml", "UTF-8", opts);
	if (!doc) {
		const xmlError *e = sym_xmlCtxtGetLastError(ctxt);
		if (!e || !e->message)
			return FAIL("malformed %s", what);
		_cleanup_free_ char *m = str_escape(e->message, 120);
		if (!m)
			return -ENOMEM;
		/* libxml2 ends its messages with "\n", escaped above as \x0a. */
		char *nl = strstr(m, "\\x0a");
		if (nl)
			*nl = 0;
		return FAIL("malformed %s (line %d): %s", what, e->line, strstrip(m));
	}
	if (doc->intSubset || doc->extSubset || !sym_xmlDocGetRootElement(doc)) {
		sym_xmlFreeDoc(doc);
		return FAIL("%s has a DTD or no root element, refused", what);
	}
	*ret_doc = doc;
	return 0;
#undef FAIL
}
