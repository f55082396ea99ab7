import BundleModel
import DocumentText
import Foundation
import PDFRender
import Redaction

/// A page that came from a PDF or an image: drawn as pixels with black boxes, never as the original.
struct PagePlan {
    enum Source { case pdf(index: Int), image }
    var source: Source
    /// 1-based number of the page in its document.
    var number: Int
    /// Boxes to black out, in raster pixels.
    var boxes: [Box]
    /// OCR was needed and was unavailable or unsure: a person must check this page.
    var flagged: Bool
    /// The page's pixels hold more than its text layer says (a scan, a picture, a drawing, a garbled text
    /// layer): the leak check reads the finished page by OCR.
    var readByOCR: Bool
    /// What a reader sees on the page once the boxes are drawn, when the text layer accounts for every mark.
    var visibleText: String
    /// The page as rendered for the analysis, unredacted (the writer draws the boxes on it): each page is
    /// rendered once. Nil when the page is not drawn (left out, or a dry run).
    var raster: Raster?
    /// The PDF page's size in points (nil for an image file).
    var size: PageSize?
}

struct AnalysedDocument {
    enum Content {
        case typeset(TypesetText)
        case pages([PagePlan])
    }

    var sourceIndex: Int
    var title: String
    var content: Content
    var report: DocumentReport
    var redacted: [RedactedString]
    var timing: DocumentTiming

    var pageCount: Int {
        switch content {
        case .typeset(let text): text.pageCount
        case .pages(let pages): pages.count
        }
    }
}

/// Where redaction happens: text is replaced before layout; PDF pages and images get boxes over the words
/// the redactor picks (from the text layer, or OCR where a page has none).
struct BundleAnalyser {
    let redactor: Redactor
    let ocr: OCREngine?
    let composer: PDFComposer
    let dpi: Double
    let includeUnreviewed: Bool
    let ocrEveryPage: Bool
    /// Keep each page's raster for the writer (not for a dry run, which draws nothing).
    var keepRasters = true
    /// Where PDFs and images are parsed, rendered and read (in the CLI: a child process with limits).
    var runner: DocumentAnalysisRunner = InProcessAnalysis()
    var limits = AnalysisLimits()

    func analyse(_ source: BundleSource, index: Int) throws -> AnalysedDocument {
        guard let form = source.form else { throw BundleError.unsupported(documentID: source.documentID, mediaType: source.mediaType) }
        var redacted: [RedactedString] = []
        var spans: [RedactionSpan] = []
        let originalTitle = Self.title(of: source.name)
        let titleSpans = redactor.spans(in: originalTitle)
        let title = Redactor.replacing(titleSpans, in: originalTitle) { _ in "[REDACTED]" }.text
        spans += titleSpans
        redacted += strings(of: titleSpans, in: originalTitle, documentID: source.documentID)
        let content: AnalysedDocument.Content
        var flagged: [Int] = []
        var leftOut = 0
        var pages: [PageTiming] = []
        let started = Stopwatch()
        do {
            func take(_ outcomes: [PageOutcome]) -> [PagePlan] {
                var plans: [PagePlan] = []
                for outcome in outcomes {
                    spans += outcome.found.map(\.span)
                    redacted += outcome.found.map { RedactedString(documentID: source.documentID, kind: $0.span.kind, text: $0.text) }
                    pages.append(outcome.timing)
                    if outcome.plan.flagged { flagged.append(outcome.plan.number) }
                    if outcome.plan.flagged && !includeUnreviewed { leftOut += 1; continue }
                    plans.append(outcome.plan)
                }
                return plans
            }
            switch form {
            case .text(let format):
                let extracted = try TextExtractor.extract(data: Data(source.plaintext), format: format).renderedText
                // Redaction reads the text exactly as it will be drawn (reflowed, or Markdown rendered).
                let laidOut = TextLayout.layOut(extracted, markdown: format == .markdown)
                let text = laidOut.text
                var found = redactor.spans(in: text)
                if let original = laidOut.sameOffsets { found = Redactor.merged(found + redactor.spans(in: original)) }
                spans += found
                redacted += strings(of: found, in: text, documentID: source.documentID)
                let (output, highlights) = Self.replace(found, in: text)
                content = .typeset(composer.typeset(output, style: BundleStyle.body, highlighted: highlights,
                                                    emphasis: Self.moved(laidOut.emphasis, by: found, markers: highlights),
                                                    width: BundleStyle.textWidth, pageHeight: BundleStyle.textHeight))
            case .pdf, .image:
                let readings = try read(source, image: form == .image)
                guard !readings.isEmpty else { throw BundleError.noPages(documentID: source.documentID) }
                content = .pages(take(readings.map(finish)))
            }
        } catch let error as ExtractionError {
            throw BundleError.unreadable(documentID: source.documentID, reason: error.description)
        } catch let error as PDFError {
            throw BundleError.pdfProblem(error, documentID: source.documentID)
        }
        let report = DocumentReport(documentID: source.documentID, tab: 0, title: title, date: source.documentDate, firstPage: nil, lastPage: nil,
                                    redactions: Dictionary(Redactor.counts(spans).map { ($0.key.rawValue, $0.value) }, uniquingKeysWith: +),
                                    detectors: spans.reduce(into: [:]) { $0[$1.detector, default: 0] += 1 },
                                    pagesFlagged: flagged, pagesLeftOut: leftOut)
        return AnalysedDocument(sourceIndex: index, title: title, content: content, report: report, redacted: redacted,
                                timing: DocumentTiming(documentID: source.documentID, seconds: started.seconds, pages: pages))
    }

    /// The pages of an untrusted PDF or image, read by the runner within the limits; the answer is checked
    /// before it is believed, and the copies of the plaintext and pixels are wiped.
    private func read(_ source: BundleSource, image: Bool) throws -> [PageReading] {
        var request = AnalysisWire.encodeRequest(AnalysisJob(image: image, dpi: dpi, ocr: ocr != nil, ocrEveryPage: ocrEveryPage,
                                                             keepRasters: keepRasters, workers: limits.workers, document: source.plaintext))
        defer { request.wipe() }
        var answer: [UInt8]
        do {
            answer = try runner.run(request, limits: limits)
        } catch AnalysisLimitBreach.notStarted(let reason) {
            // Not the document's fault: the export stops rather than leave out every document.
            throw BundleError.unreadable(documentID: source.documentID, reason: "the reader could not be started (\(reason))")
        } catch let breach as AnalysisLimitBreach {
            throw BundleError.analysisLimit(documentID: source.documentID, limit: breach.description)
        }
        defer { answer.wipe() }
        let decoded: AnalysisAnswer
        do {
            decoded = try AnalysisWire.decodeAnswer(answer)
        } catch {
            throw BundleError.analysisLimit(documentID: source.documentID, limit: AnalysisLimitBreach.badAnswer(reason: String(describing: error)).description)
        }
        switch decoded {
        case .pages(let pages): return pages
        case .pdfError(let error): throw error
        case .failed(let reason): throw BundleError.unreadable(documentID: source.documentID, reason: reason)
        }
    }

    /// Emphasis ranges of a text, moved to where they are once each span is replaced by its marker.
    static func moved(_ emphasis: [TextEmphasis], by spans: [RedactionSpan], markers: [Range<Int>]) -> [TextEmphasis] {
        guard !spans.isEmpty else { return emphasis }
        func move(_ offset: Int) -> Int {
            var shift = 0
            for (span, marker) in zip(spans, markers) {
                if offset <= span.start { break }
                if offset < span.end { return marker.lowerBound + min(offset - span.start, marker.count) }
                shift = marker.upperBound - span.end
            }
            return offset + shift
        }
        return emphasis.map { TextEmphasis(range: move($0.range.lowerBound)..<max(move($0.range.lowerBound), move($0.range.upperBound)), kind: $0.kind) }
    }

    /// The text with the spans cut out (a line break for each): what remains readable on the page.
    static func unredacted(_ text: String, spans: [RedactionSpan]) -> String {
        Redactor.replacing(spans, in: text) { _ in "\n" }.text
    }

    /// The file name without its extension, as the original and redacted titles.
    private static func title(of name: String) -> String {
        let base = (name as NSString).deletingPathExtension
        return base.isEmpty ? name : base
    }

    private func strings(of spans: [RedactionSpan], in text: String, documentID: String) -> [RedactedString] {
        spans.map { RedactedString(documentID: documentID, kind: $0.kind, text: String(text[$0.range(in: text)])) }
    }

    /// The text with each span replaced by a visible marker, and where the markers are (UTF-8 byte ranges).
    static func replace(_ spans: [RedactionSpan], in text: String) -> (String, [Range<Int>]) {
        Redactor.replacing(spans, in: text) { " REDACTED: \($0.kind.rawValue.replacingOccurrences(of: "_", with: " ")) " }
    }
}

enum TextLayer {
    /// A text layer that does not decode to text (fonts without a usable Unicode map give private-use
    /// characters, control codes or U+FFFD): what the page shows cannot be known from it.
    static func looksGarbled(_ words: [PositionedWord]) -> Bool {
        var odd = 0, total = 0
        for word in words {
            for scalar in word.text.unicodeScalars {
                total += 1
                switch scalar.properties.generalCategory {
                case .privateUse, .control, .unassigned, .surrogate, .format: odd += 1
                default: if scalar == "\u{FFFD}" { odd += 1 }
                }
            }
        }
        return total > 0 && Double(odd) / Double(total) > 0.05
    }
}

/// The bundle's look, in points on A4.
enum BundleStyle {
    static let margin = 56.7
    static let footerHeight = 28.0
    static let textWidth = PageSize.a4.width - 2 * margin
    static let textHeight = PageSize.a4.height - 2 * margin - footerHeight
    static let body = TextStyle(font: "DejaVu Serif 10.5", lineSpacing: 1.15)
    static let heading = TextStyle(font: "DejaVu Sans Bold 20")
    static let label = TextStyle(font: "DejaVu Sans Bold 10", gray: 0.3)
    static let value = TextStyle(font: "DejaVu Sans 12")
    static let small = TextStyle(font: "DejaVu Sans 8", gray: 0.35)
    static let pageNumber = TextStyle(font: "DejaVu Sans Bold 9", alignment: .right)
    static let tableHeader = TextStyle(font: "DejaVu Sans Bold 9.5")
    static let tableCell = TextStyle(font: "DejaVu Sans 9.5")
    static let tableLink = TextStyle(font: "DejaVu Sans 9.5", gray: 0.05)
}
