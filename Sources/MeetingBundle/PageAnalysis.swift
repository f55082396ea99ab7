import Foundation
import PDFRender
import Redaction

/// How long one page took to analyse (for `export --verbose`): ids and seconds, never content.
public struct PageTiming: Sendable, Equatable {
    public var page: Int
    public var seconds: Double
    public var renderSeconds: Double
    public var ocrSeconds: Double
    public var readByOCR: Bool
}

public struct DocumentTiming: Sendable, Equatable {
    public var documentID: String
    public var seconds: Double
    public var pages: [PageTiming]
}

/// One page analysed: its plan for the writer, what was redacted on it, and how long it took.
struct PageOutcome {
    var plan: PagePlan
    var found: [PageRedaction.Found]
    var timing: PageTiming
}

/// tesseract engines beyond the one the exporter was given, one per worker thread, made when first needed and
/// kept for the next document (loading the English model takes a few tenths of a second).
/// @unchecked Sendable: `engines` is only touched under `lock`, and each engine is used by one worker at a time
/// (worker k always takes slot k, and workers of one document run at once only for distinct k).
final class OCRPool: @unchecked Sendable {
    private let lock = NSLock()
    private var engines: [Int: OCREngine] = [:]

    init() {}

    func engine(slot: Int) -> OCREngine? {
        lock.lock()
        defer { lock.unlock() }
        if let engine = engines[slot] { return engine }
        let engine = OCREngine.make(environment: [:])
        engines[slot] = engine
        return engine
    }
}

extension BundleAnalyser {
    /// Analyses the PDF's pages in parallel, one worker per core, each with its own poppler document and its own
    /// tesseract engine (neither may be shared between threads); outcomes come back in page order.
    func analysePages(of data: [UInt8], pageCount: Int) throws -> [PageOutcome] {
        guard pageCount > 0 else { return [] }
        final class Shared: @unchecked Sendable {
            // Guarded by `lock`; written by workers, read after concurrentPerform returns.
            let lock = NSLock()
            var next = 0
            var outcomes: [Int: PageOutcome] = [:]
            var failure: Error?
        }
        // @unchecked Sendable: the workers share the analyser read-only, except its engines: worker 0 alone uses
        // `ocr`, worker k alone uses the pool's slot k; the composer is not touched by page analysis.
        final class Analyser: @unchecked Sendable {
            let value: BundleAnalyser
            init(_ value: BundleAnalyser) { self.value = value }
        }
        let shared = Shared()
        let analyser = Analyser(self)
        let workers = min(pageCount, max(1, ProcessInfo.processInfo.activeProcessorCount))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let this = analyser.value
            let ocr = this.ocr, pool = this.pool
            do {
                let pdf = try PDFSource(data: data)
                let engine = ocr == nil ? nil : (worker == 0 ? ocr : pool.engine(slot: worker))
                while true {
                    shared.lock.lock()
                    let index = shared.next
                    shared.next += 1
                    let stop = shared.failure != nil
                    shared.lock.unlock()
                    guard index < pageCount, !stop else { return }
                    let outcome = try this.analysePage(index, of: pdf, ocr: engine)
                    shared.lock.lock()
                    shared.outcomes[index] = outcome
                    shared.lock.unlock()
                }
            } catch {
                shared.lock.lock()
                shared.failure = shared.failure ?? error
                shared.lock.unlock()
            }
        }
        if let failure = shared.failure { throw failure }
        return try (0..<pageCount).map { index in
            guard let outcome = shared.outcomes[index] else { throw PDFError.unreadablePDF(reason: "page \(index + 1) could not be read") }
            return outcome
        }
    }

    /// One PDF page: rendered once at the bundle's resolution (the raster is kept for the writer), its text
    /// layer read in several ways, OCR where the text layer does not explain the ink or an image is shown.
    func analysePage(_ index: Int, of pdf: PDFSource, ocr engine: OCREngine?) throws -> PageOutcome {
        let started = Date()
        let scale = dpi / 72
        let raster = try pdf.render(page: index, dpi: dpi)
        let size = try pdf.size(ofPage: index)
        let rendered = Date().timeIntervalSince(started)
        let layer = try pdf.textLayer(ofPage: index).readings.map { $0.map { $0.scaled(by: scale) } }
        let images = try pdf.imageAreas(ofPage: index).map { $0.scaled(by: scale) }
        let reader = PixelReader(ocr: engine, ocrEveryPage: ocrEveryPage)
        let glyphs = layer.first?.isEmpty == false ? try pdf.renderTextLayer(page: index, dpi: dpi) : nil
        let reading = try reader.read(.init(raster: raster, textLayer: layer, imageAreas: images, textLayerInk: glyphs) { region, factor in
            try pdf.render(page: index, region: region.scaled(by: 1 / scale), dpi: raster.dpi * factor)
        })
        return finish(reading, raster: raster, source: .pdf(index: index), number: index + 1, size: size, textLayerReadings: layer.count,
                      started: started, rendered: rendered)
    }

    /// An image file: the same reader and the same decisions as a PDF page that is all image.
    func analyseImage(_ bytes: [UInt8]) throws -> PageOutcome {
        let started = Date()
        let raster = try Raster(decodingImage: bytes, dpi: dpi)
        let rendered = Date().timeIntervalSince(started)
        let whole = Box(x: 0, y: 0, width: Double(raster.width), height: Double(raster.height))
        let reader = PixelReader(ocr: ocr, ocrEveryPage: true)
        let reading = try reader.read(.init(raster: raster, textLayer: [], imageAreas: [whole]) { region, factor in
            try raster.enlarged(region: region, by: factor)
        })
        return finish(reading, raster: raster, source: .image, number: 1, size: nil, textLayerReadings: 0, started: started, rendered: rendered)
    }

    private func finish(_ reading: PixelReader.Output, raster: Raster, source: PagePlan.Source, number: Int, size: PageSize?,
                        textLayerReadings: Int, started: Date, rendered: Double) -> PageOutcome {
        let redaction = PageRedaction(redactor: redactor, readings: reading.readings, textLayerReadings: textLayerReadings,
                                      visible: reading.visibleWords, margin: dpi / 72)
        let flagged = reading.flagged || redaction.disagreement
        let keep = keepRasters && (!flagged || includeUnreviewed)
        let plan = PagePlan(source: source, number: number, boxes: redaction.boxes, flagged: flagged, readByOCR: !reading.explained,
                            visibleText: reading.explained ? Self.unredacted(redaction.primaryText, spans: redaction.primarySpans) : "",
                            raster: keep ? raster : nil, size: size)
        let timing = PageTiming(page: number, seconds: Date().timeIntervalSince(started), renderSeconds: rendered, ocrSeconds: reading.ocrSeconds,
                                readByOCR: !reading.explained)
        return PageOutcome(plan: plan, found: redaction.found, timing: timing)
    }
}
