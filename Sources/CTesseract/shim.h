// tesseract's C API (word boxes and confidences from page images) and leptonica (decoding PNG/JPEG/TIFF from memory).
#include <tesseract/capi.h>
#include <leptonica/allheaders.h>
