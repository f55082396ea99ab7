// leptonica: decoding PNG/JPEG/TIFF/GIF/BMP/WebP images from memory. (tesseract itself is loaded at run
// time, see PDFRender/OCR.swift.)
#include <leptonica/allheaders.h>
