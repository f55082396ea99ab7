#ifndef CASEVAULT_CSYSTEMZLIB_SHIM_H
#define CASEVAULT_CSYSTEMZLIB_SHIM_H
#include <zlib.h>

/* inflateInit is a macro; Swift cannot import it. */
static inline int CSystemZlibShims_inflateInit(z_streamp strm) {
    return inflateInit(strm);
}
/* deflateInit is a macro too (used by the tests that build compressed PDFs). */
static inline int CSystemZlibShims_deflateInit(z_streamp strm, int level) {
    return deflateInit(strm, level);
}
#endif
