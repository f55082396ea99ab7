import CPangoCairo
import CPoppler

extension PDFSource {
    /// Every glyph of the page's text layer drawn black on white at `dpi`, whatever the page does with it (render
    /// mode 3, white, clipped away, covered): what the text layer claims the page shows. poppler's selection
    /// painter redraws the extracted glyphs in their own fonts and places, filled. Compared with the page's own
    /// rendering, it tells text that is drawn from text that is only there.
    public func renderTextLayer(page index: Int, dpi: Double) throws -> Raster {
        let (raster, scale, size) = try blankRaster(forPage: index, dpi: dpi)
        try withPage(index) { page in
            raster.withContext { cr in
                cairo_scale(cr, scale, scale)
                var selection = PopplerRectangle(x1: 0, y1: 0, x2: size.width, y2: size.height)
                var glyph = PopplerColor(red: 0, green: 0, blue: 0)
                var background = PopplerColor(red: 0xFFFF, green: 0xFFFF, blue: 0xFFFF)
                poppler_page_render_selection(page, cr, &selection, nil, POPPLER_SELECTION_GLYPH, &glyph, &background)
            }
        }
        return raster
    }
}

extension Raster {
    /// How the ink inside `box` (pixels) agrees with `glyphs` (the text layer drawn alone, same size): `drawn` is
    /// the share of glyph pixels with ink on this page at or next to them (text drawn invisibly or in white has
    /// little); `accounted` is the share of this page's ink at or next to a glyph pixel (a picture or drawing
    /// under the text has much ink no glyph accounts for). 1 and 1 when there is nothing to compare.
    public func agreement(with glyphs: Raster, in box: Box) -> (drawn: Double, accounted: Double) {
        guard glyphs.width == width, glyphs.height == height else { return (0, 0) }
        let left = max(0, Int(box.x.rounded(.down))), right = min(width, Int(box.maxX.rounded(.up)))
        let top = max(0, Int(box.y.rounded(.down))), bottom = min(height, Int(box.maxY.rounded(.up)))
        guard left < right, top < bottom else { return (1, 1) }
        let page = inkMask(left: left, top: top, right: right, bottom: bottom)
        let text = glyphs.inkMask(left: left, top: top, right: right, bottom: bottom)
        let w = right - left, h = bottom - top
        // Within one pixel: anti-aliasing and rounding differ between the two drawings.
        let nearPage = Self.dilated(page, width: w, height: h), nearText = Self.dilated(text, width: w, height: h)
        var glyphPixels = 0, glyphInked = 0, inkPixels = 0, inkOnGlyph = 0
        for index in 0..<(w * h) {
            if text[index] {
                glyphPixels += 1
                if nearPage[index] { glyphInked += 1 }
            }
            if page[index] {
                inkPixels += 1
                if nearText[index] { inkOnGlyph += 1 }
            }
        }
        return (glyphPixels == 0 ? 1 : Double(glyphInked) / Double(glyphPixels), inkPixels == 0 ? 1 : Double(inkOnGlyph) / Double(inkPixels))
    }

    /// The mask grown by one pixel in every direction (3×3).
    static func dilated(_ mask: [Bool], width w: Int, height h: Int) -> [Bool] {
        var across = mask
        for y in 0..<h {
            for x in 0..<w where !mask[y * w + x] {
                across[y * w + x] = (x > 0 && mask[y * w + x - 1]) || (x + 1 < w && mask[y * w + x + 1])
            }
        }
        var grown = across
        for y in 0..<h {
            for x in 0..<w where !across[y * w + x] {
                grown[y * w + x] = (y > 0 && across[(y - 1) * w + x]) || (y + 1 < h && across[(y + 1) * w + x])
            }
        }
        return grown
    }

    /// Which pixels of the region are ink, row by row.
    func inkMask(left: Int, top: Int, right: Int, bottom: Int) -> [Bool] {
        cairo_surface_flush(surface)
        guard let data = cairo_image_surface_get_data(surface) else { return [] }
        let stride = Int(cairo_image_surface_get_stride(surface))
        var mask = [Bool](repeating: false, count: (right - left) * (bottom - top))
        for row in top..<bottom {
            let line = data.advanced(by: row * stride).withMemoryRebound(to: UInt32.self, capacity: width) { $0 }
            for column in left..<right {
                let pixel = line[column]
                let luminance = (((pixel >> 16) & 0xFF) * 299 + ((pixel >> 8) & 0xFF) * 587 + (pixel & 0xFF) * 114) / 1000
                mask[(row - top) * (right - left) + column - left] = luminance < Self.inkLevel
            }
        }
        return mask
    }
}
