#include <libxml/xmlversion.h>
// Debian builds libxml2 with ICU, whose headers then clash with the copy of ICU inside Swift's
// Foundation ("UErrorCode is not present in definition…") whenever both modules are imported.
// Nothing here touches libxml2's ICU converter fields, so hide them.
#undef LIBXML_ICU_ENABLED
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <libxml/parser.h>
