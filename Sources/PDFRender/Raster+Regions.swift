import CPangoCairo

extension Raster {
    /// Luminance below this is ink (as `inkCoverage` counts it).
    static let inkLevel: UInt32 = 200

    /// The share of pixels inside `box` (pixels, clipped to the raster) that are ink, leaving out (as not ink)
    /// those inside `ignoring`; 0 for a box off the raster.
    public func inkFraction(in box: Box, ignoring: [Box] = []) -> Double {
        let left = max(0, Int(box.x.rounded(.down))), right = min(width, Int(box.maxX.rounded(.up)))
        let top = max(0, Int(box.y.rounded(.down))), bottom = min(height, Int(box.maxY.rounded(.up)))
        guard left < right, top < bottom, let data = cairo_image_surface_get_data(surface) else { return 0 }
        cairo_surface_flush(surface)
        let stride = Int(cairo_image_surface_get_stride(surface))
        let regionWidth = right - left
        var ignored = [Bool](repeating: false, count: ignoring.isEmpty ? 0 : regionWidth * (bottom - top))
        for other in ignoring {
            let l = max(left, Int(other.x.rounded(.down))), r = min(right, Int(other.maxX.rounded(.up)))
            let t = max(top, Int(other.y.rounded(.down))), b = min(bottom, Int(other.maxY.rounded(.up)))
            guard l < r, t < b else { continue }
            for row in t..<b { for column in l..<r { ignored[(row - top) * regionWidth + column - left] = true } }
        }
        var ink = 0
        for row in top..<bottom {
            let line = data.advanced(by: row * stride).withMemoryRebound(to: UInt32.self, capacity: width) { $0 }
            for column in left..<right {
                if !ignored.isEmpty && ignored[(row - top) * regionWidth + column - left] { continue }
                let pixel = line[column]
                let luminance = (((pixel >> 16) & 0xFF) * 299 + ((pixel >> 8) & 0xFF) * 587 + (pixel & 0xFF) * 114) / 1000
                if luminance < Self.inkLevel { ink += 1 }
            }
        }
        return Double(ink) / Double((right - left) * (bottom - top))
    }

    /// A copy of `region` (pixels) enlarged by `factor`, smoothly, so that tesseract sees small print at a size
    /// it reads well. The copy's dpi is this raster's times `factor`.
    public func enlarged(region: Box, by factor: Double) throws -> Raster {
        let clipped = region.intersection(Box(x: 0, y: 0, width: Double(width), height: Double(height)))
            ?? Box(x: 0, y: 0, width: Double(width), height: Double(height))
        let target = try Raster(width: max(1, Int((clipped.width * factor).rounded(.up))), height: max(1, Int((clipped.height * factor).rounded(.up))),
                                dpi: dpi * factor)
        cairo_surface_flush(surface)
        target.withContext { cr in
            cairo_scale(cr, factor, factor)
            cairo_set_source_surface(cr, surface, -clipped.x, -clipped.y)
            cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD)
            cairo_paint(cr)
        }
        cairo_surface_flush(target.surface)
        return target
    }
}
