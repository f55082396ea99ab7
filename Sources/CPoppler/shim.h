// poppler-glib: open PDFs from memory, read words with their boxes, render pages onto cairo surfaces.
#include <poppler.h>
