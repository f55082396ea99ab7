#ifndef CASEVAULT_CSYSTEMZLIB_SHIM_H
#define CASEVAULT_CSYSTEMZLIB_SHIM_H
#include <zlib.h>

/* inflateInit is a macro; Swift cannot import it. */
static inline int CSystemZlibShims_inflateInit(z_streamp strm) {
    return inflateInit(strm);
}
#endif
