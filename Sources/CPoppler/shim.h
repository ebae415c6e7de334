// poppler's GLib binding: PDF documents opened from memory, page text and its layout.
#include <poppler.h>
