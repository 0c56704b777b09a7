#ifndef RADAUDIT_CLIBXML2_SHIM_H
#define RADAUDIT_CLIBXML2_SHIM_H
#include <libxml/xmlversion.h>
/* Debian's libxml2 is built with ICU, so encoding.h would include the system ICU headers, whose `UErrorCode`
   clashes with the copy inside Foundation (_FoundationICU) in any Swift module importing both. RadAudit never
   touches the ICU converter fields of xmlCharEncodingHandler (used through pointers only), so hide them. */
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlsave.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlstring.h>

/// `xmlFree` is a global function pointer, which Swift 6 rejects as shared mutable state.
static inline void cxml_free(void *p) { xmlFree(p); }
#endif
