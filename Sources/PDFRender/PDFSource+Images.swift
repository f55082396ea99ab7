import CPangoCairo
import CPoppler

extension PDFSource {
    /// Where the page shows images (points, top-left origin, clipped to the page): scans, photos, pictures of
    /// text. A text layer cannot say what an image shows, so these are read by OCR.
    public func imageAreas(ofPage index: Int) throws -> [Box] {
        let size = try size(ofPage: index)
        let page = Box(x: 0, y: 0, width: size.width, height: size.height)
        return try withPage(index) { page -> [Box] in
            let mappings = poppler_page_get_image_mapping(page)
            defer { poppler_page_free_image_mapping(mappings) }
            var boxes: [Box] = []
            var node = mappings
            while let current = node {
                if let mapping = current.pointee.data?.assumingMemoryBound(to: PopplerImageMapping.self) {
                    let r = mapping.pointee.area
                    boxes.append(Box(x: min(r.x1, r.x2), y: min(r.y1, r.y2), width: abs(r.x2 - r.x1), height: abs(r.y2 - r.y1)))
                }
                node = current.pointee.next
            }
            return boxes
        }.compactMap { $0.intersection(page) }
    }

    /// Renders only `region` (points) of the page at `dpi`: a small image read at a resolution OCR needs,
    /// without the memory of the whole page at that resolution.
    public func render(page index: Int, region: Box, dpi: Double) throws -> Raster {
        let scale = dpi / 72
        let raster = try Raster(width: max(1, Int((region.width * scale).rounded(.up))), height: max(1, Int((region.height * scale).rounded(.up))), dpi: dpi)
        try withPage(index) { page in
            raster.withContext { cr in
                cairo_scale(cr, scale, scale)
                cairo_translate(cr, -region.x, -region.y)
                poppler_page_render_for_printing(page, cr)
            }
        }
        return raster
    }
}
