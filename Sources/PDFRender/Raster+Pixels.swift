import CPangoCairo
#if canImport(Glibc)
import Glibc
#endif

/// A raster's pixels as plain bytes, to pass a page rendered in the analysis child process back to the
/// exporter over a pipe: rows of `width` host-order xRGB words, no padding.
extension Raster {
    /// Bytes per pixel in `pixelBytes()`.
    public static let bytesPerPixel = 4

    /// The pixels, row after row. The caller wipes the copy when done (it is an unredacted page).
    public func pixelBytes() -> [UInt8] {
        cairo_surface_flush(surface)
        let stride = Int(cairo_image_surface_get_stride(surface))
        let rowBytes = width * Self.bytesPerPixel
        guard let data = cairo_image_surface_get_data(surface) else { return [] }
        return [UInt8](unsafeUninitializedCapacity: rowBytes * height) { buffer, count in
            for row in 0..<height {
                memcpy(buffer.baseAddress! + row * rowBytes, data + row * stride, rowBytes)
            }
            count = rowBytes * height
        }
    }

    /// A raster from bytes made by `pixelBytes()`; the size is checked against the bytes and `maximumPixels`
    /// before anything is allocated, since the bytes come from another process.
    public convenience init(width: Int, height: Int, dpi: Double, pixels: UnsafeRawBufferPointer) throws {
        guard width > 0, height > 0, width <= Self.maximumPixels, height <= Self.maximumPixels,
              width * height <= Self.maximumPixels, pixels.count == width * height * Self.bytesPerPixel else {
            throw PDFError.drawing(reason: "a page of \(width)×\(height) pixels arrived with \(pixels.count) bytes")
        }
        try self.init(width: width, height: height, dpi: dpi)
        let stride = Int(cairo_image_surface_get_stride(surface))
        let rowBytes = width * Self.bytesPerPixel
        guard let data = cairo_image_surface_get_data(surface), let source = pixels.baseAddress else { return }
        for row in 0..<height {
            memcpy(data + row * stride, source + row * rowBytes, rowBytes)
        }
        cairo_surface_mark_dirty(surface)
    }
}
