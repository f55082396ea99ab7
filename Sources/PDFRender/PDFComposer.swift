import CPangoCairo

/// How a piece of text looks: a pango font description ("DejaVu Serif 10.5") and a grey level (0 black).
public struct TextStyle: Sendable {
    public var font: String
    public var gray: Double
    public var alignment: Alignment
    public var lineSpacing: Double

    public enum Alignment: Sendable { case left, centre, right }

    public init(font: String, gray: Double = 0, alignment: Alignment = .left, lineSpacing: Double = 1) {
        self.font = font
        self.gray = gray
        self.alignment = alignment
        self.lineSpacing = lineSpacing
    }
}

/// Writes a PDF with cairo into memory: pages of rasters and pango-laid-out text, internal links, bookmarks,
/// and neutral document metadata (a title, casevault as creator, no author, subject or keywords).
/// A run of a typeset text drawn with emphasis (UTF-8 byte range of the text).
public struct TextEmphasis: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case bold, italic
        /// 1 is the largest.
        case heading(Int)
    }

    public var range: Range<Int>
    public var kind: Kind

    public init(range: Range<Int>, kind: Kind) {
        self.range = range
        self.kind = kind
    }
}

public final class PDFComposer {
    private final class Output { var bytes: [UInt8] = [] }
    private let output = Output()
    private let surface: OpaquePointer
    private var cr: OpaquePointer?
    private let context: PangoTextContext
    public private(set) var pageCount = 0

    public init(title: String) throws {
        let output = self.output
        guard let surface = cairo_pdf_surface_create_for_stream({ closure, data, length in
            let output = Unmanaged<Output>.fromOpaque(closure!).takeUnretainedValue()
            output.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
            return CAIRO_STATUS_SUCCESS
        }, Unmanaged.passUnretained(output).toOpaque(), PageSize.a4.width, PageSize.a4.height),
              cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else {
            throw PDFError.drawing(reason: "cairo could not start a PDF")
        }
        self.surface = surface
        cairo_pdf_surface_restrict_to_version(surface, CAIRO_PDF_VERSION_1_5)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "casevault")
        context = try PangoTextContext()
    }

    deinit {
        if let cr { cairo_destroy(cr) }
        cairo_surface_destroy(surface)
    }

    /// Starts a page; the previous one (if any) is finished first.
    public func beginPage(size: PageSize) {
        if let cr {
            cairo_show_page(cr)
        }
        cairo_pdf_surface_set_size(surface, size.width, size.height)
        if cr == nil { cr = cairo_create(surface) }
        pageCount += 1
        // Every page is a named destination: cairo 1.16 writes no target for a link to a page that does not
        // exist yet (the index links forward), but resolves names at the end.
        cairo_tag_begin(cr, CAIRO_TAG_DEST, "name='\(Self.destination(pageCount))' x=0 y=0")
        cairo_tag_end(cr, CAIRO_TAG_DEST)
    }

    private static func destination(_ page: Int) -> String { "page-\(page)" }

    private var page: OpaquePointer {
        precondition(cr != nil, "beginPage first")
        return cr!
    }

    /// Paints a raster to fill `box` (points).
    public func draw(_ raster: Raster, in box: Box) {
        cairo_save(page)
        cairo_translate(page, box.x, box.y)
        cairo_scale(page, box.width / Double(raster.width), box.height / Double(raster.height))
        cairo_set_source_surface(page, raster.surface, 0, 0)
        cairo_paint(page)
        cairo_restore(page)
    }

    public func fill(_ box: Box, gray: Double) {
        cairo_set_source_rgb(page, gray, gray, gray)
        cairo_rectangle(page, box.x, box.y, box.width, box.height)
        cairo_fill(page)
    }

    /// Draws a paragraph wrapped to `width` with its top at `y`; returns its height.
    @discardableResult
    public func text(_ string: String, style: TextStyle, x: Double, y: Double, width: Double) -> Double {
        let layout = context.layout(string, style: style, width: width)
        defer { unref(layout.pointer) }
        cairo_set_source_rgb(page, style.gray, style.gray, style.gray)
        cairo_move_to(page, x, y)
        pango_cairo_show_layout(page, layout.pointer)
        return layout.height
    }

    /// The height `text` would take, without drawing.
    public func measure(_ string: String, style: TextStyle, width: Double) -> Double {
        let layout = context.layout(string, style: style, width: width)
        defer { unref(layout.pointer) }
        return layout.height
    }

    /// Draws one page of a typeset document.
    public func draw(_ document: TypesetText, page index: Int, x: Double, y: Double) {
        cairo_set_source_rgb(page, 0, 0, 0)
        for line in document.pages[index] {
            cairo_move_to(page, x, y + line.baseline)
            pango_cairo_show_layout_line(page, line.line)
        }
    }

    /// Makes `box` on the current page a link to bundle page `target` (1-based).
    public func link(_ box: Box, toPage target: Int) {
        let attributes = "rect=[\(box.x) \(box.y) \(box.width) \(box.height)] dest='\(Self.destination(target))'"
        cairo_tag_begin(page, CAIRO_TAG_LINK, attributes)
        cairo_tag_end(page, CAIRO_TAG_LINK)
    }

    /// Adds a top-level bookmark to bundle page `target` (1-based).
    public func bookmark(_ title: String, toPage target: Int) {
        _ = cairo_pdf_surface_add_outline(surface, CAIRO_PDF_OUTLINE_ROOT, title, "dest='\(Self.destination(target))'", cairo_pdf_outline_flags_t(rawValue: 0))
    }

    public func typeset(_ text: String, style: TextStyle, highlighted: [Range<Int>], emphasis: [TextEmphasis] = [], width: Double,
                        pageHeight: Double) -> TypesetText {
        TypesetText(context: context, text: text, style: style, highlighted: highlighted, emphasis: emphasis, width: width, pageHeight: pageHeight)
    }

    /// Finishes the PDF and returns its bytes.
    public func finish() throws -> [UInt8] {
        if let cr {
            cairo_show_page(cr)
            cairo_destroy(cr)
            self.cr = nil
        }
        cairo_surface_finish(surface)
        let status = cairo_surface_status(surface)
        guard status == CAIRO_STATUS_SUCCESS else {
            throw PDFError.drawing(reason: String(cString: cairo_status_to_string(status)))
        }
        return output.bytes
    }
}

/// One pango context for every layout of a bundle, at 72 units per inch with unhinted metrics, so that a
/// layout measured while planning breaks its lines exactly as it does when drawn on a PDF page.
final class PangoTextContext {
    let pointer: OpaquePointer

    init() throws {
        guard let fontMap = pango_cairo_font_map_get_default(), let context = pango_font_map_create_context(fontMap) else {
            throw PDFError.drawing(reason: "pango has no font map")
        }
        pangoCairoSettings(context)
        pointer = context
    }

    deinit { unref(pointer) }

    struct Layout {
        let pointer: OpaquePointer
        let height: Double
    }

    func layout(_ text: String, style: TextStyle, width: Double) -> Layout {
        let layout = pango_layout_new(pointer)!
        let font = pango_font_description_from_string(style.font)
        pango_layout_set_font_description(layout, font)
        pango_font_description_free(font)
        pango_layout_set_width(layout, Int32(width * Double(PANGO_SCALE)))
        pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR)
        if style.lineSpacing != 1 { pango_layout_set_line_spacing(layout, Float(style.lineSpacing)) }
        switch style.alignment {
        case .left: pango_layout_set_alignment(layout, PANGO_ALIGN_LEFT)
        case .centre: pango_layout_set_alignment(layout, PANGO_ALIGN_CENTER)
        case .right: pango_layout_set_alignment(layout, PANGO_ALIGN_RIGHT)
        }
        pango_layout_set_text(layout, text, -1)
        var logicalWidth: Int32 = 0, logicalHeight: Int32 = 0
        pango_layout_get_size(layout, &logicalWidth, &logicalHeight)
        return Layout(pointer: layout, height: Double(logicalHeight) / Double(PANGO_SCALE))
    }
}

private func pangoCairoSettings(_ context: OpaquePointer) {
    let options = cairo_font_options_create()
    cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF)
    cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE)
    pango_cairo_context_set_font_options(context, options)
    cairo_font_options_destroy(options)
    pango_cairo_context_set_resolution(context, 72)
}

/// A text document laid out once with pango and cut into pages of lines. Highlighted byte ranges (the
/// redaction markers) are drawn white on black.
public final class TypesetText {
    struct Line {
        let line: UnsafeMutablePointer<PangoLayoutLine>
        /// From the top of the page's text area to this line's baseline, in points.
        let baseline: Double
    }

    private let layout: OpaquePointer
    let pages: [[Line]]
    public var pageCount: Int { pages.count }

    init(context: PangoTextContext, text: String, style: TextStyle, highlighted: [Range<Int>], emphasis: [TextEmphasis], width: Double,
         pageHeight: Double) {
        let made = context.layout(text, style: style, width: width)
        layout = made.pointer
        if !highlighted.isEmpty || !emphasis.isEmpty {
            let attributes = pango_attr_list_new()
            for item in emphasis {
                let made: [UnsafeMutablePointer<PangoAttribute>?]
                switch item.kind {
                case .bold: made = [pango_attr_weight_new(PANGO_WEIGHT_BOLD)]
                case .italic: made = [pango_attr_style_new(PANGO_STYLE_ITALIC)]
                case .heading(let level):
                    made = [pango_attr_weight_new(PANGO_WEIGHT_BOLD), pango_attr_scale_new([1.6, 1.35, 1.15, 1.05][min(max(level, 1), 4) - 1])]
                }
                for attribute in made {
                    guard let attribute else { continue }
                    attribute.pointee.start_index = guint(item.range.lowerBound)
                    attribute.pointee.end_index = guint(item.range.upperBound)
                    pango_attr_list_insert(attributes, attribute)
                }
            }
            for range in highlighted {
                for attribute in [pango_attr_background_new(0, 0, 0), pango_attr_foreground_new(0xFFFF, 0xFFFF, 0xFFFF)] {
                    guard let attribute else { continue }
                    attribute.pointee.start_index = guint(range.lowerBound)
                    attribute.pointee.end_index = guint(range.upperBound)
                    pango_attr_list_insert(attributes, attribute)
                }
            }
            pango_layout_set_attributes(layout, attributes)
            pango_attr_list_unref(attributes)
        }
        let scale = Double(PANGO_SCALE)
        var pages: [[Line]] = []
        var current: [Line] = []
        var pageTop = 0.0
        let iterator = pango_layout_get_iter(layout)
        repeat {
            guard let line = pango_layout_iter_get_line_readonly(iterator) else { continue }
            var top: Int32 = 0, bottom: Int32 = 0
            pango_layout_iter_get_line_yrange(iterator, &top, &bottom)
            let lineTop = Double(top) / scale, lineBottom = Double(bottom) / scale
            if lineBottom - pageTop > pageHeight, !current.isEmpty {
                pages.append(current)
                current = []
                pageTop = lineTop
            }
            current.append(Line(line: line, baseline: Double(pango_layout_iter_get_baseline(iterator)) / scale - pageTop))
        } while pango_layout_iter_next_line(iterator) != 0
        pango_layout_iter_free(iterator)
        pages.append(current)
        self.pages = pages
    }

    deinit { unref(layout) }
}
