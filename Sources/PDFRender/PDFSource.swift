import CPangoCairo
import CPoppler

/// A PDF opened from bytes in memory (poppler). Nothing is written to disk: the plaintext of a stored
/// document only ever exists in this process.
public final class PDFSource {
    private let document: OpaquePointer
    public let pageCount: Int

    public init(data: [UInt8]) throws {
        guard !data.isEmpty else { throw PDFError.unreadablePDF(reason: "empty file") }
        // g_bytes_new copies, so poppler owns what it reads for as long as it reads it.
        let bytes = data.withUnsafeBytes { g_bytes_new($0.baseAddress, gsize($0.count)) }
        defer { g_bytes_unref(bytes) }
        var error: UnsafeMutablePointer<GError>?
        guard let document = poppler_document_new_from_bytes(bytes, nil, &error) else {
            let failure = takeError(error)
            if failure?.code == Int32(POPPLER_ERROR_ENCRYPTED.rawValue) { throw PDFError.passwordProtected }
            throw PDFError.unreadablePDF(reason: failure?.message ?? "unknown error")
        }
        self.document = document
        pageCount = Int(poppler_document_get_n_pages(document))
    }

    deinit { unref(document) }

    func withPage<T>(_ index: Int, _ body: (OpaquePointer) throws -> T) throws -> T {
        guard index >= 0, index < pageCount, let page = poppler_document_get_page(document, Int32(index)) else {
            throw PDFError.unreadablePDF(reason: "page \(index + 1) of \(pageCount) could not be read")
        }
        defer { unref(page) }
        return try body(page)
    }

    /// Page size in points.
    public func size(ofPage index: Int) throws -> PageSize {
        try withPage(index) { page in
            var width = 0.0, height = 0.0
            poppler_page_get_size(page, &width, &height)
            return PageSize(width: width, height: height)
        }
    }

    /// The page's text layer as poppler reads it (lines joined by newlines).
    public func text(ofPage index: Int) throws -> String {
        try withPage(index) { takeString(poppler_page_get_text($0)) ?? "" }
    }

    /// A white raster the size of page `index` at `dpi`, the scale from points to its pixels, and the page size.
    func blankRaster(forPage index: Int, dpi: Double) throws -> (raster: Raster, scale: Double, size: PageSize) {
        let size = try size(ofPage: index)
        let scale = dpi / 72
        let raster = try Raster(width: max(1, Int((size.width * scale).rounded(.up))), height: max(1, Int((size.height * scale).rounded(.up))), dpi: dpi)
        return (raster, scale, size)
    }

    /// Renders the page at `dpi` onto a white raster, annotations included as they would print.
    public func render(page index: Int, dpi: Double) throws -> Raster {
        let (raster, scale, _) = try blankRaster(forPage: index, dpi: dpi)
        try withPage(index) { page in
            raster.withContext { cr in
                cairo_scale(cr, scale, scale)
                poppler_page_render_for_printing(page, cr)
            }
        }
        return raster
    }

    /// Everything the document says about itself outside its pages: info dictionary, XMP, and the text of
    /// annotations and the names of attachments. For checking an output carries none of what it must not.
    public func hiddenText() throws -> [String] {
        var found: [String?] = [
            takeString(poppler_document_get_title(document)), takeString(poppler_document_get_author(document)),
            takeString(poppler_document_get_subject(document)), takeString(poppler_document_get_keywords(document)),
            takeString(poppler_document_get_creator(document)), takeString(poppler_document_get_producer(document)),
            takeString(poppler_document_get_metadata(document)),
        ]
        for index in 0..<pageCount {
            try withPage(index) { page in
                let mappings = poppler_page_get_annot_mapping(page)
                defer { poppler_page_free_annot_mapping(mappings) }
                var node = mappings
                while let current = node {
                    if let mapping = current.pointee.data?.assumingMemoryBound(to: PopplerAnnotMapping.self),
                       let annot = mapping.pointee.annot {
                        found.append(takeString(poppler_annot_get_contents(annot)))
                    }
                    node = current.pointee.next
                }
            }
        }
        found.append(contentsOf: attachmentNames())
        return found.compactMap { $0 }.filter { !$0.isEmpty }
    }

    public var attachmentCount: Int { Int(poppler_document_get_n_attachments(document)) }

    private func attachmentNames() -> [String?] {
        guard poppler_document_has_attachments(document) != 0 else { return [] }
        let list = poppler_document_get_attachments(document)
        defer { g_list_free_full(list) { unref(OpaquePointer($0)) } }
        var names: [String?] = []
        var node = list
        while let current = node {
            if let attachment = current.pointee.data?.assumingMemoryBound(to: PopplerAttachment.self) {
                names.append(attachment.pointee.name.map { String(cString: $0) })
                names.append(attachment.pointee.description.map { String(cString: $0) })
            }
            node = current.pointee.next
        }
        return names
    }
}
