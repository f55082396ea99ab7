import CPangoCairo
import CLeptonica
#if canImport(Glibc)
import Glibc
#endif

/// A page as pixels: a cairo RGB24 image surface. Rasters hold unredacted page images, so their memory is
/// zeroed before it is released.
public final class Raster {
    /// Beyond this a page or image is refused (about 17 000 × 17 000): a decompression bomb or a mistake.
    public static let maximumPixels = 300_000_000

    let surface: OpaquePointer
    public let width: Int
    public let height: Int
    /// Pixels per inch the raster was made at (images: assumed, for OCR).
    public let dpi: Double

    /// A white raster.
    public init(width: Int, height: Int, dpi: Double) throws {
        guard width > 0, height > 0 else { throw PDFError.drawing(reason: "the page has no size (\(width)×\(height)); the file is damaged") }
        guard width * height <= Self.maximumPixels else {
            throw PDFError.tooLarge(what: "a \(width)×\(height) page", limit: "\(Self.maximumPixels) pixels")
        }
        guard let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(width), Int32(height)),
              cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else {
            throw PDFError.drawing(reason: "no memory for a \(width)×\(height) page")
        }
        self.surface = surface
        self.width = width
        self.height = height
        self.dpi = dpi
        withContext { cr in
            cairo_set_source_rgb(cr, 1, 1, 1)
            cairo_paint(cr)
        }
    }

    /// Decodes PNG, JPEG, TIFF, GIF, BMP or WebP bytes (leptonica), refusing images beyond `maximumPixels`
    /// before decoding them.
    public convenience init(decodingImage bytes: [UInt8], dpi: Double = 150) throws {
        Self.silenceLeptonica
        var format: Int32 = 0, width: Int32 = 0, height: Int32 = 0, bitsPerSample: Int32 = 0, samples: Int32 = 0, colormap: Int32 = 0
        guard pixReadHeaderMem(bytes, bytes.count, &format, &width, &height, &bitsPerSample, &samples, &colormap) == 0 else {
            throw PDFError.unreadableImage(reason: "unknown or damaged image format")
        }
        // A header that claims no pixels is a damaged file, not an image too large.
        guard width > 0, height > 0 else { throw PDFError.unreadableImage(reason: "the image is damaged: its header gives no size") }
        guard Int(width) * Int(height) <= Self.maximumPixels else {
            throw PDFError.tooLarge(what: "a \(width)×\(height) image", limit: "\(Self.maximumPixels) pixels")
        }
        guard var decoded: UnsafeMutablePointer<PIX>? = pixReadMem(bytes, bytes.count) else { throw PDFError.unreadableImage(reason: "damaged image data") }
        defer { pixDestroy(&decoded) }
        guard var rgb: UnsafeMutablePointer<PIX>? = pixConvertTo32(decoded) else { throw PDFError.unreadableImage(reason: "unsupported pixel format") }
        defer { pixDestroy(&rgb) }
        let w = Int(pixGetWidth(rgb)), h = Int(pixGetHeight(rgb)), wordsPerLine = Int(pixGetWpl(rgb))
        guard w > 0, h > 0 else { throw PDFError.unreadableImage(reason: "the image is damaged: it decodes to no pixels") }
        try self.init(width: w, height: h, dpi: dpi)
        guard let source = pixGetData(rgb) else { throw PDFError.unreadableImage(reason: "no pixel data") }
        cairo_surface_flush(surface)
        let stride = Int(cairo_image_surface_get_stride(surface))
        let target = cairo_image_surface_get_data(surface)!
        // leptonica keeps RGBA in one host-order word (R highest); cairo's RGB24 is xRGB in one word.
        for row in 0..<h {
            let line = target.advanced(by: row * stride).withMemoryRebound(to: UInt32.self, capacity: w) { $0 }
            let sourceLine = source.advanced(by: row * wordsPerLine)
            for column in 0..<w { line[column] = sourceLine[column] >> 8 }
        }
        cairo_surface_mark_dirty(surface)
        // leptonica's buffers held the decoded image too.
        memset(pixGetData(rgb), 0, h * wordsPerLine * 4)
    }

    deinit {
        cairo_surface_flush(surface)
        if let data = cairo_image_surface_get_data(surface) {
            memset(data, 0, Int(cairo_image_surface_get_stride(surface)) * height)
        }
        cairo_surface_destroy(surface)
    }

    private static let silenceLeptonica: Void = { _ = setMsgSeverity(Int32(L_SEVERITY_NONE)) }()

    func withContext<T>(_ body: (OpaquePointer) throws -> T) rethrows -> T {
        let cr = cairo_create(surface)!
        defer { cairo_destroy(cr) }
        return try body(cr)
    }

    /// Paints solid black over each box (in pixels), replacing the pixels under it.
    public func blackOut(_ boxes: [Box]) {
        guard !boxes.isEmpty else { return }
        withContext { cr in
            cairo_set_source_rgb(cr, 0, 0, 0)
            for box in boxes {
                // Whole pixels outward, so anti-aliasing leaves no half-covered edge of a glyph.
                let left = box.x.rounded(.down), top = box.y.rounded(.down)
                cairo_rectangle(cr, left, top, box.maxX.rounded(.up) - left, box.maxY.rounded(.up) - top)
            }
            cairo_fill(cr)
        }
        cairo_surface_flush(surface)
    }

    /// One byte of luminance per pixel, as tesseract reads it.
    func grayscale() -> [UInt8] {
        cairo_surface_flush(surface)
        let stride = Int(cairo_image_surface_get_stride(surface))
        let data = cairo_image_surface_get_data(surface)!
        var gray = [UInt8](repeating: 0, count: width * height)
        for row in 0..<height {
            let line = data.advanced(by: row * stride).withMemoryRebound(to: UInt32.self, capacity: width) { $0 }
            for column in 0..<width {
                let pixel = line[column]
                let r = (pixel >> 16) & 0xFF, g = (pixel >> 8) & 0xFF, b = pixel & 0xFF
                gray[row * width + column] = UInt8((r * 299 + g * 587 + b * 114) / 1000)
            }
        }
        return gray
    }

    /// The fraction of pixels that are not near-white, leaving out those inside `ignoring` (pixels): a blank
    /// page has almost none; a page of text with the words' boxes ignored has almost none unless it also
    /// carries pictures, drawings or text its text layer does not account for.
    public func inkCoverage(ignoring boxes: [Box] = []) -> Double {
        var gray = grayscale()
        defer { gray.withUnsafeMutableBytes { if let base = $0.baseAddress { memset(base, 0, $0.count) } } }
        guard !gray.isEmpty else { return 0 }
        for box in boxes {
            let left = max(0, Int(box.x.rounded(.down))), right = min(width, Int(box.maxX.rounded(.up)))
            let top = max(0, Int(box.y.rounded(.down))), bottom = min(height, Int(box.maxY.rounded(.up)))
            guard left < right, top < bottom else { continue }
            for row in top..<bottom { for column in left..<right { gray[row * width + column] = 255 } }
        }
        return Double(gray.reduce(0) { $0 + ($1 < 200 ? 1 : 0) }) / Double(gray.count)
    }

    /// PNG bytes, for tests and for looking at a page.
    public func pngData() -> [UInt8] {
        final class Sink { var bytes: [UInt8] = [] }
        let sink = Sink()
        cairo_surface_write_to_png_stream(surface, { closure, data, length in
            let sink = Unmanaged<Sink>.fromOpaque(closure!).takeUnretainedValue()
            sink.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
            return CAIRO_STATUS_SUCCESS
        }, Unmanaged.passUnretained(sink).toOpaque())
        return sink.bytes
    }
}
