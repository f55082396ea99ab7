// cairo (image surfaces, PDF output with links, outlines and metadata) and pango (text layout).
#include <cairo.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>
