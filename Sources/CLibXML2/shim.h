#ifndef RADAUDIT_CLIBXML2_SHIM_H
#define RADAUDIT_CLIBXML2_SHIM_H
#include <libxml/xmlversion.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlsave.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlstring.h>

/// `xmlFree` is a global function pointer, which Swift 6 rejects as shared mutable state.
static inline void cxml_free(void *p) { xmlFree(p); }
#endif
